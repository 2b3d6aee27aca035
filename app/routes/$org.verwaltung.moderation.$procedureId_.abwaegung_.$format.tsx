/** A procedure's weighing table as a file: /abwaegung/xlsx or /abwaegung/odt, ?variante=namentlich|anonymisiert&text=original|geschwaerzt. */
import { createReadableStreamFromReadable, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/db.server";
import { requireStaff } from "~/modules/accounts/permissions.server";
import { MODERATION_ROLES } from "~/modules/accounts/roles";
import { exportWeighingTable, parseWeighingRequest } from "~/modules/considerations/export.server";
import { HttpError } from "~/modules/http/errors";
import { withResourceErrors } from "~/modules/http/route-errors.server";
import { procedureForModeration } from "~/modules/moderation/moderation.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  // a file: a refusal is a short text in the reader's language, not a page
  return withResourceErrors(request, async () => {
    const user = await requireStaff(request, params, MODERATION_ROLES);
    const wanted = parseWeighingRequest(params.format, new URL(request.url).searchParams);
    const procedure = await procedureForModeration(getDb(), user.organisationId, params.procedureId);
    const file = await exportWeighingTable(getDb(), { procedure, moderatorId: user.id, request: wanted, clientAddress: context?.clientAddress as string | undefined });
    return new Response(createReadableStreamFromReadable(file.body), {
      headers: {
        "Content-Type": file.contentType,
        "Content-Disposition": `attachment; filename="${file.fileName}"`,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
      },
    });
  });
}

/** A file to download, nothing to send. */
export async function action({ request, params }: ActionFunctionArgs) {
  return withResourceErrors(request, async () => {
    await requireStaff(request, params, MODERATION_ROLES);
    throw new HttpError(405, "method_not_allowed");
  });
}
