/** The transparency log's published files: checkpoints, key, tiles, proofs (app/modules/transparency-log/http.server.ts). */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/db.server";
import { HttpError } from "~/modules/http/errors";
import { withResourceErrors } from "~/modules/http/route-errors.server";
import { publishedFile } from "~/modules/transparency-log/http.server";
import { getSigningKey } from "~/modules/transparency-log/keys.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withResourceErrors(request, async () => {
    const file = await publishedFile(getDb(), getSigningKey(), params["*"] ?? "", new URL(request.url).searchParams);
    const headers = { "Content-Type": file.type, "Cache-Control": file.cacheControl, "X-Content-Type-Options": "nosniff", "Access-Control-Allow-Origin": "*" };
    return new Response(request.method === "HEAD" ? null : typeof file.body === "string" ? file.body : new Uint8Array(file.body), { headers });
  });
}

/** Files to read, nothing to send: 405. */
export async function action({ request }: ActionFunctionArgs) {
  return withResourceErrors(request, async () => {
    throw new HttpError(405, "method_not_allowed");
  });
}
