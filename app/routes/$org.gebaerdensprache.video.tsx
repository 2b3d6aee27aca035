/**
 * The municipality's explanation in German Sign Language (decision 49), for the home page's <video>
 * and as a download: byte ranges, ETag, nosniff, the type found from its bytes, from this machine's
 * copy on disk after the first download (decision 46).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getDatabaseHandle, getDb } from "~/db.server";
import { signLanguageDownload } from "~/modules/documents/sign-language.server";
import { HttpError } from "~/modules/http/errors";
import { withResourceErrors } from "~/modules/http/route-errors.server";
import { requireOrganisation } from "~/modules/procedures/context.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withResourceErrors(request, async () => {
    const organisation = await requireOrganisation(params);
    return signLanguageDownload(request, getDb(), organisation.id, "video", getDatabaseHandle().readSync);
  });
}

/** A file to download, nothing to send: 405. */
export async function action({ request }: ActionFunctionArgs) {
  return withResourceErrors(request, async () => {
    throw new HttpError(405, "method_not_allowed");
  });
}
