/**
 * One of the person's own files, downloaded with the receipt code (issue 20, Art. 15): only while the
 * receipt session lasts, only their own uploads (a desk scan is never offered), always as a download.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/db.server";
import { findOwnAttachment } from "~/modules/attachments/attachments.server";
import { privateFileResponse } from "~/modules/attachments/response.server";
import { HttpError } from "~/modules/http/errors";
import { withResourceErrors } from "~/modules/http/route-errors.server";
import { requireReceiptSession } from "~/modules/privacy/context.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withResourceErrors(request, async () => {
    const { submissionId } = await requireReceiptSession(request, params);
    const file = await findOwnAttachment(getDb(), submissionId, params.token ?? "");
    if (!file) throw new HttpError(404, "not_found");
    return privateFileResponse(request, file, "attachment");
  });
}

export async function action({ request }: ActionFunctionArgs) {
  return withResourceErrors(request, async () => {
    throw new HttpError(405, "method_not_allowed");
  });
}
