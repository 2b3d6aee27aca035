/**
 * The captions (WebVTT, text/vtt) of the municipality's explanation in German Sign Language, for the
 * home page's <track> and as a download (decision 49).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/db.server";
import { readBlob } from "~/modules/documents/sign-language.server";
import { findSignLanguageFile } from "~/modules/documents/sign-language.server";
import { HttpError } from "~/modules/http/errors";
import { fileResponse } from "~/modules/http/file-response.server";
import { withResourceErrors } from "~/modules/http/route-errors.server";
import { requireOrganisation } from "~/modules/procedures/context.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withResourceErrors(request, async () => {
    const organisation = await requireOrganisation(params);
    const db = getDb();
    const file = await findSignLanguageFile(db, organisation.id, "captions");
    if (!file) throw new HttpError(404, "not_found");
    return fileResponse(request, {
      byteSize: file.blob.byteSize,
      hash: file.blob.sha256,
      mediaType: file.mediaType,
      fileName: file.fileName,
      // a replaced video is gone from caches within minutes; the ETag makes a re-check cheap
      cacheControl: "public, max-age=300",
      read: (start, end) => readBlob(db, file.blob, start, end),
    });
  });
}

/** A file to download, nothing to send: 405. */
export async function action({ request }: ActionFunctionArgs) {
  return withResourceErrors(request, async () => {
    throw new HttpError(405, "method_not_allowed");
  });
}
