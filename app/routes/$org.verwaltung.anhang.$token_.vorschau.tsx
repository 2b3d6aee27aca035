/**
 * The thumbnail of a photo attachment, for the review page (issue 20): drawn by the server when the
 * photo was stored, shown inline; an opening is in the privacy log (once per half hour and person)
 * and the audit log before a byte is sent.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/db.server";
import { requireStaff } from "~/modules/accounts/permissions.server";
import { MODERATION_ROLES } from "~/modules/accounts/roles";
import { staffAttachmentResponse } from "~/modules/attachments/staff.server";
import { HttpError } from "~/modules/http/errors";
import { withResourceErrors } from "~/modules/http/route-errors.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withResourceErrors(request, async () => {
    const user = await requireStaff(request, params, MODERATION_ROLES);
    return staffAttachmentResponse(getDb(), request, { user, token: params.token ?? "", thumbnail: true, clientAddress: context.clientAddress as string | undefined });
  });
}

export async function action({ request }: ActionFunctionArgs) {
  return withResourceErrors(request, async () => {
    throw new HttpError(405, "method_not_allowed");
  });
}
