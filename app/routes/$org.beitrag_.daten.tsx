/** Art. 15: everything held about the submission, as a JSON download. A POST, because it is recorded. */
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/db.server";
import { explainEvent } from "~/modules/privacy-log/explain";
import { localiseLegalBasis } from "~/modules/privacy-log/legal-basis";
import { getT } from "~/i18n/i18n.server";
import { requirePost, withResourceErrors } from "~/modules/http/route-errors.server";
import { requireReceiptSession } from "~/modules/privacy/context.server";
import { exportSubmission } from "~/modules/privacy/rights.server";
import { requireOrganisation } from "~/modules/procedures/context.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withResourceErrors(request, async () => {
    // the organisation's own slug: what was typed into the URL never reaches a Location header
    const organisation = await requireOrganisation(params);
    throw redirect(`/${organisation.slug}/beitrag/protokoll`, 303);
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withResourceErrors(request, async () => {
    requirePost(request);
    const { submissionId, organisation } = await requireReceiptSession(request, params);
    const exported = await exportSubmission(getDb(), submissionId);
    const { t, locale } = await getT(request, "privacy");
    // each event explained in the reader's language, as on the page
    const privacyLog = exported.privacyLog.map((e) => ({ ...e, explanation: explainEvent(e, t, locale), legalBasisText: localiseLegalBasis(e.legalBasis, t, locale).text }));
    // the person's own files: each downloadable with the receipt code while this session lasts
    const origin = process.env.PUBLIC_ORIGIN ?? new URL(request.url).origin;
    const attachments = exported.attachments.map(({ token, ...f }) => ({ ...f, download: token ? `${origin}/${organisation.slug}/beitrag/anhang/${token}` : null }));
    const body = JSON.stringify({ ...exported, attachments, privacyLog }, null, 2);
    return new Response(body, {
      headers: {
        "Content-Type": "application/json; charset=utf-8",
        "Content-Disposition": `attachment; filename="teilhabe-beitrag-${exported.exportedAt.slice(0, 10)}.json"`,
        "Cache-Control": "no-store",
      },
    });
  });
}
