/** What every page behind the receipt code needs: the organisation and the submission this browser may see. */
import type { Params } from "@remix-run/react";
import { redirect } from "@remix-run/node";
import { requireOrganisation } from "~/modules/procedures/context.server";
import { receiptSessionSubmission } from "./receipt-session.server";

export async function requireReceiptSession(request: Request, params: Params) {
  const organisation = await requireOrganisation(params);
  const submissionId = await receiptSessionSubmission(request, organisation.id);
  // no code shown (or the 30 minutes are over): back to the look-up form. Also when another site
  // sent the browser here (Fetch Metadata): opening the log or the download writes an event into
  // the resident's privacy log, which only the resident's own step may do (a same-site link, a
  // typed address, or the redirect after the POST that entered the code).
  if (submissionId === null || openedFromAnotherSite(request)) throw redirect(`/${organisation.slug}/beitrag`, 303);
  return { organisation, submissionId, basePath: `/${organisation.slug}/beitrag` };
}

/** Sec-Fetch-Site says another site (or a sibling subdomain) started this request. */
function openedFromAnotherSite(request: Request): boolean {
  const site = request.headers.get("sec-fetch-site");
  return site !== null && site !== "same-origin" && site !== "none";
}
