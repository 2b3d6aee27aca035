/** Art. 15: everything held about the submission, as a JSON download. A POST, because it is recorded. */
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/db.server";
import { formatDate } from "~/i18n/format";
import { getT } from "~/i18n/i18n.server";
import { requirePost, withResourceErrors } from "~/modules/http/route-errors.server";
import { requireReceiptSession } from "~/modules/privacy/context.server";
import { exportSubmission } from "~/modules/privacy/rights.server";

export async function loader({ params }: LoaderFunctionArgs) {
  throw redirect(`/${params.org}/beitrag/protokoll`, 303);
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withResourceErrors(request, async () => {
    requirePost(request);
    const { submissionId } = await requireReceiptSession(request, params);
    const exported = await exportSubmission(getDb(), submissionId);
    const { t, locale } = await getT(request, "privacy");
    // each event explained in the reader's language, as on the page
    const privacyLog = exported.privacyLog.map((e) => ({
      ...e,
      explanation: t(`events.${e.type}.explanation`, {
        channel: e.details.channel ? t(`channels.${e.details.channel}`) : "",
        version: e.details.version ?? "",
        until: typeof e.details.until === "string" ? formatDate(e.details.until, locale) : "",
        actor: t(`actors.${e.actorRole}`),
        categories: e.categories.map((c) => t(`categories.${c}`)).join(", "),
        reason: e.details.reason ? t(`deletionReasons.${e.details.reason}`) : "",
        context: e.type === "erasure_requested" && e.details.held ? "held" : undefined,
      }),
    }));
    const body = JSON.stringify({ ...exported, privacyLog }, null, 2);
    return new Response(body, {
      headers: {
        "Content-Type": "application/json; charset=utf-8",
        "Content-Disposition": `attachment; filename="teilhabe-beitrag-${exported.exportedAt.slice(0, 10)}.json"`,
        "Cache-Control": "no-store",
      },
    });
  });
}
