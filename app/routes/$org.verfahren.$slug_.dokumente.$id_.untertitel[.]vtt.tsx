/**
 * A video document's captions (WebVTT) for the page's <track> and as a download (decision 49):
 * text/vtt, nosniff, byte ranges and ETag like every document (app/modules/http/file-response.server.ts).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { findCaptionsForDownload, publishedFileResponse } from "~/modules/documents/documents.server";
import { CAPTIONS_MEDIA_TYPE } from "~/modules/files/captions.server";
import { HttpError } from "~/modules/http/errors";
import { withResourceErrors } from "~/modules/http/route-errors.server";
import { parseId } from "~/modules/forms/parse.server";
import { loadProcedureContext } from "~/modules/procedures/context.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withResourceErrors(request, async () => {
    const { db, procedure } = await loadProcedureContext(request, params);
    const id = parseId(params.id);
    const captions = id === null ? undefined : await findCaptionsForDownload(db, procedure.id, id);
    if (!captions) throw new HttpError(404, "not_found");
    return publishedFileResponse(request, db, { ...captions, mediaType: CAPTIONS_MEDIA_TYPE }, { diskCopy: false });
  });
}

/** A file to download, nothing to send: 405. */
export async function action({ request }: ActionFunctionArgs) {
  return withResourceErrors(request, async () => {
    throw new HttpError(405, "method_not_allowed");
  });
}
