/**
 * A document of a published procedure, as a download: byte ranges for PDF viewers, a strong ETag,
 * never shown as a page (app/modules/http/file-response.server.ts). Only the chunks a range touches are
 * read; a document downloaded before streams from this machine's copy on disk (decision 46).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getDatabaseHandle } from "~/db.server";
import { findDocumentForDownload, publishedFileResponse } from "~/modules/documents/documents.server";
import { HttpError } from "~/modules/http/errors";
import { withResourceErrors } from "~/modules/http/route-errors.server";
import { parseId } from "~/modules/forms/parse.server";
import { loadProcedureContext } from "~/modules/procedures/context.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withResourceErrors(request, async () => {
    const { db, procedure } = await loadProcedureContext(request, params);
    const id = parseId(params.id);
    const document = id === null ? undefined : await findDocumentForDownload(db, procedure.id, id);
    if (!document) throw new HttpError(404, "not_found");
    return publishedFileResponse(request, db, document, { diskCopy: true, readSync: getDatabaseHandle().readSync });
  });
}

/** A file to download, nothing to send: 405. */
export async function action({ request }: ActionFunctionArgs) {
  return withResourceErrors(request, async () => {
    throw new HttpError(405, "method_not_allowed");
  });
}
