/**
 * The thumbnail of a photo attachment, for the review page (issue 20): drawn by the server when the
 * photo was stored, shown inline; an opening is in the privacy log (once per half hour and person)
 * and the audit log before a byte is sent.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/db.server";
import { requireStaff } from "~/modules/accounts/permissions.server";
import { MODERATION_ROLES } from "~/modules/accounts/roles";
import { privateFileResponse } from "~/modules/attachments/response.server";
import { openAttachmentForStaff } from "~/modules/attachments/staff.server";
import { HttpError } from "~/modules/http/errors";
import { withResourceErrors } from "~/modules/http/route-errors.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withResourceErrors(request, async () => {
    const user = await requireStaff(request, params, MODERATION_ROLES);
    const file = await openAttachmentForStaff(getDb(), {
      actor: { organisationId: user.organisationId, accountId: user.id, clientAddress: context.clientAddress as string | undefined },
      role: user.roles.includes("moderator") ? "moderator" : "admin",
      token: params.token ?? "",
      thumbnail: true,
    });
    return privateFileResponse(request, file, "inline");
  });
}

export async function action({ request }: ActionFunctionArgs) {
  return withResourceErrors(request, async () => {
    throw new HttpError(405, "method_not_allowed");
  });
}
