/**
 * The municipality's explanation in German Sign Language (decision 49), for the home page's <video>
 * and as a download: byte ranges, ETag, nosniff, the type found from its bytes, from this machine's
 * copy on disk after the first download (decision 46).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getDatabaseHandle, getDb } from "~/db.server";
import { readDocumentBytes } from "~/modules/documents/documents.server";
import { findSignLanguageFile } from "~/modules/documents/sign-language.server";
import { HttpError } from "~/modules/http/errors";
import { fileResponse } from "~/modules/http/file-response.server";
import { withResourceErrors } from "~/modules/http/route-errors.server";
import { requireOrganisation } from "~/modules/procedures/context.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withResourceErrors(request, async () => {
    const organisation = await requireOrganisation(params);
    const db = getDb();
    const file = await findSignLanguageFile(db, organisation.id, "video");
    if (!file) throw new HttpError(404, "not_found");
    return fileResponse(request, {
      byteSize: file.blob.byteSize,
      hash: file.blob.sha256,
      mediaType: file.mediaType,
      fileName: file.fileName,
      // a replaced video is gone from caches within minutes; the ETag makes a re-check cheap
      cacheControl: "public, max-age=300",
      read: (start, end) => readDocumentBytes(db, file.blob, start, end, getDatabaseHandle().readSync),
    });
  });
}

/** A file to download, nothing to send: 405. */
export async function action({ request }: ActionFunctionArgs) {
  return withResourceErrors(request, async () => {
    throw new HttpError(405, "method_not_allowed");
  });
}
