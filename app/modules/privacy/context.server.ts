/** What every page behind the receipt code needs: the organisation and the submission this browser may see. */
import type { Params } from "@remix-run/react";
import { redirect } from "@remix-run/node";
import { requireOrganisation } from "~/modules/procedures/context.server";
import { receiptSessionSubmission } from "./receipt-session.server";

export async function requireReceiptSession(request: Request, params: Params) {
  const organisation = await requireOrganisation(params);
  const submissionId = await receiptSessionSubmission(request, organisation.id);
  // no code shown (or the 30 minutes are over): back to the look-up form
  if (submissionId === null) throw redirect(`/${organisation.slug}/beitrag`, 303);
  return { organisation, submissionId, basePath: `/${organisation.slug}/beitrag` };
}
