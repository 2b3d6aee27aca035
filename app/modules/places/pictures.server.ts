/** The HTTP answer for a picture of a plan (issue 18). */
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { HttpError } from "~/modules/http/errors";
import { getPlan, parsePicture, renderPlanPicture } from "./plans.server";

export async function planPictureResponse(db: Kysely<Database>, procedureId: number, search: URLSearchParams): Promise<Response> {
  const plan = await getPlan(db, procedureId);
  if (!plan) throw new HttpError(404, "not_found");
  const picture = parsePicture(plan.grid, search);
  if (!picture) throw new HttpError(404, "not_found");
  const bytes = await renderPlanPicture(db, plan, picture);
  const current = search.get("v") === plan.version;
  return new Response(new Uint8Array(bytes), {
    headers: {
      "Content-Type": "image/webp",
      "Content-Length": String(bytes.byteLength),
      // a versioned URL never changes; an old or missing version gets today's picture, briefly cached
      "Cache-Control": current ? "public, max-age=31536000, immutable" : "public, max-age=300",
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "sandbox",
    },
  });
}
