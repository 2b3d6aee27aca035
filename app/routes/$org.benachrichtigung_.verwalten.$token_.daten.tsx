/** Art. 15 for an alert: everything held about it, with the proofs of its log, as a JSON download. A POST, because it is recorded. */
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/db.server";
import { getT } from "~/i18n/i18n.server";
import { exportAlert } from "~/modules/alerts/alerts.server";
import { explainAlertEvent } from "~/modules/alerts/ui/AlertLog";
import { requirePost, withResourceErrors } from "~/modules/http/route-errors.server";
import { localiseLegalBasis } from "~/modules/privacy-log/legal-basis";
import { requireOrganisation } from "~/modules/procedures/context.server";
import { ALERT_TOKEN } from "~/modules/alerts/alerts";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withResourceErrors(request, async () => {
    const organisation = await requireOrganisation(params);
    // only a well-formed token goes back into the Location header
    const token = ALERT_TOKEN.test(params.token ?? "") ? params.token : "";
    throw redirect(`/${organisation.slug}/benachrichtigung/verwalten/${token}`, 303);
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withResourceErrors(request, async () => {
    requirePost(request);
    const organisation = await requireOrganisation(params);
    const exported = await exportAlert(getDb(), organisation.id, params.token ?? "");
    const { t, locale } = await getT(request, "alerts");
    // each event explained in the reader's language, as on the page
    const privacyLog = exported.privacyLog.map((e) => ({ ...e, explanation: explainAlertEvent(e, t, locale), legalBasisText: localiseLegalBasis(e.legalBasis, t, locale).text }));
    return new Response(JSON.stringify({ ...exported, privacyLog }, null, 2), {
      headers: {
        "Content-Type": "application/json; charset=utf-8",
        "Content-Disposition": `attachment; filename="teilhabe-benachrichtigung-${exported.exportedAt.slice(0, 10)}.json"`,
        "Cache-Control": "no-store",
      },
    });
  });
}
