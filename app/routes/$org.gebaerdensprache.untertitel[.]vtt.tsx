/**
 * The captions (WebVTT, text/vtt) of the municipality's explanation in German Sign Language, for the
 * home page's <track> and as a download (decision 49).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/db.server";
import { signLanguageDownload } from "~/modules/documents/sign-language.server";
import { HttpError } from "~/modules/http/errors";
import { withResourceErrors } from "~/modules/http/route-errors.server";
import { requireOrganisation } from "~/modules/procedures/context.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withResourceErrors(request, async () => {
    const organisation = await requireOrganisation(params);
    return signLanguageDownload(request, getDb(), organisation.id, "captions");
  });
}

/** A file to download, nothing to send: 405. */
export async function action({ request }: ActionFunctionArgs) {
  return withResourceErrors(request, async () => {
    throw new HttpError(405, "method_not_allowed");
  });
}
