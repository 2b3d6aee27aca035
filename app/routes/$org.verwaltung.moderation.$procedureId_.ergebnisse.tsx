/** Publishing the results of a procedure: the summary (Markdown), then publish or update. Moderators only. */
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfField } from "~/components/CsrfField";
import { ErrorSummary } from "~/components/ErrorSummary";
import { TextField } from "~/components/fields";
import { getDb } from "~/db.server";
import { CONTENT_LANGUAGE } from "~/i18n/config";
import { getT } from "~/i18n/i18n.server";
import { requireStaff, requireStaffAction } from "~/modules/accounts/permissions.server";
import { MODERATION_ROLES } from "~/modules/accounts/roles";
import { startJob } from "~/modules/jobs/jobs.server";
import { HttpError } from "~/modules/http/errors";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { procedureForModeration } from "~/modules/moderation/moderation.server";
import { publishResultsAs, saveSummaryAs } from "~/modules/moderation/moderator-actions.server";
import { renderMarkdown } from "~/modules/procedures/markdown";
import { resultsUrlFor } from "~/modules/notifications/outbox.server";
import { PUBLISHABLE, SUMMARY_EDITABLE } from "~/modules/results/rules";
import { resultsOverview } from "~/modules/results/publishing.server";
import { errorMessageFor, type FieldError } from "~/modules/forms/fields";

const DONE = ["saved", "published", "updated"] as const;

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params, MODERATION_ROLES);
    const db = getDb();
    const procedure = await procedureForModeration(db, user.organisationId, params.procedureId);
    const overview = await resultsOverview(db, user.organisationId, procedure.id);
    if (!overview) throw new HttpError(404, "not_found");
    const { t } = await getT(request, "moderation");
    const done = new URL(request.url).searchParams.get("erledigt") ?? "";
    return {
      pageTitle: t("results.title", { title: procedure.title }),
      csrfToken: user.csrfToken,
      procedure: { id: procedure.id, title: procedure.title, status: overview.procedure.status },
      editable: SUMMARY_EDITABLE.includes(overview.procedure.status),
      publishable: PUBLISHABLE.includes(overview.procedure.status) || overview.procedure.status === "results_published",
      summary: overview.procedure.resultsSummary,
      counts: { published: overview.published, unreviewed: overview.unreviewed, notPublished: overview.notPublished, unanswered: overview.unanswered, pendingLogs: overview.pendingLogs },
      unansweredHref: `/${user.organisationSlug}/verwaltung/moderation/${procedure.id}?antwort=no`,
      done: (DONE as readonly string[]).includes(done) ? done : null,
      queueHref: `/${user.organisationSlug}/verwaltung/moderation/${procedure.id}`,
      publicHref: `/${user.organisationSlug}/verfahren/${procedure.slug}/ergebnisse`,
    };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    const { user, fields } = await requireStaffAction(request, params, MODERATION_ROLES);
    const db = getDb();
    const procedure = await procedureForModeration(db, user.organisationId, params.procedureId);
    for (const [name, values] of fields) {
      if (name !== "intent" && name !== "summary") throw new HttpError(400, "unknown_field");
      if (values.length !== 1) throw new HttpError(400, "repeated_field");
    }
    const intent = fields.get("intent")?.[0];
    const summary = fields.get("summary")?.[0] ?? "";
    const here = `/${user.organisationSlug}/verwaltung/moderation/${procedure.id}/ergebnisse`;
    const moderator = { organisationId: user.organisationId, accountId: user.id, clientAddress: context?.clientAddress };

    if (intent === "save") {
      const result = await saveSummaryAs(db, moderator, procedure.id, summary);
      if (!result.ok) return data({ errors: result.errors, summary }, { status: result.status });
      return redirect(`${here}?erledigt=saved`, 303);
    }
    if (intent === "publish") {
      // residents who asked to be told the result: queued with the publication, sent by the outbox job
      const origin = process.env.PUBLIC_ORIGIN ?? new URL(request.url).origin;
      const result = await publishResultsAs(db, moderator, { procedureId: procedure.id, summary, resultsUrl: resultsUrlFor(origin, user.organisationSlug, procedure.slug) });
      if (!result.ok) return data({ errors: result.errors, summary }, { status: result.status });
      // the privacy-log entries: written by the job, started now rather than at the next schedule
      startJob(db, "results_inclusion");
      return redirect(`${here}?erledigt=${result.firstPublication ? "published" : "updated"}`, 303);
    }
    throw new HttpError(400, "unknown_field");
  });
}

export default function PublishResults() {
  const { procedure, editable, publishable, summary, counts, done, csrfToken, queueHref, publicHref, unansweredHref } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation(["moderation", "staff"]);
  const errors: FieldError[] = actionData?.errors ?? [];
  const errorFor = errorMessageFor(errors, t);
  const published = procedure.status === "results_published";
  return (
    <>
      <p className="caption" lang={CONTENT_LANGUAGE}>
        <a href={queueHref}>{procedure.title}</a>
      </p>
      <h1>{t("results.heading")}</h1>
      {done ? (
        <div className="notice notice--success" role="status">
          <p>{t(`results.done.${done}`)}</p>
        </div>
      ) : null}
      <ErrorSummary errors={errors} namespace="moderation" />
      <p>{t("results.intro")}</p>
      <dl className="facts">
        <div>
          <dt>{t("results.status")}</dt>
          <dd id="results-status">{t(`staff:status.${procedure.status}`)}</dd>
        </div>
        <div>
          <dt>{t("results.published")}</dt>
          <dd>{counts.published}</dd>
        </div>
        <div>
          <dt>{t("results.notPublished")}</dt>
          <dd>{counts.notPublished}</dd>
        </div>
        <div>
          <dt>{t("results.unreviewed")}</dt>
          <dd>{counts.unreviewed}</dd>
        </div>
        <div>
          <dt>{t("results.unanswered")}</dt>
          <dd>{counts.unanswered}</dd>
        </div>
      </dl>
      {published ? (
        <p>
          <a href={publicHref}>{t("results.publicLink")}</a>
        </p>
      ) : null}
      {counts.unreviewed > 0 && editable ? (
        <div className="notice">
          <p>{t("results.unreviewedWarning", { count: counts.unreviewed })}</p>
        </div>
      ) : null}
      {counts.unanswered > 0 && editable ? (
        <div className="notice" id="unanswered-warning">
          <p>
            {t("results.unansweredWarning", { count: counts.unanswered })} <a href={unansweredHref}>{t("results.unansweredLink")}</a>
          </p>
        </div>
      ) : null}
      {procedure.status === "open" ? (
        <div className="inset">
          <p>{t("results.draftWhileOpen")}</p>
        </div>
      ) : null}
      {counts.pendingLogs > 0 ? (
        <div className="notice">
          <p>{t("results.pending", { count: counts.pendingLogs })}</p>
        </div>
      ) : null}
      {editable ? (
        <form method="post" noValidate>
          <CsrfField token={csrfToken} />
          <TextField
            name="summary"
            label={t("results.summary")}
            hint={t("results.summaryHint")}
            value={actionData?.summary ?? summary}
            multiline
            error={errorFor("summary")}
            required
          />
          {publishable ? <p className="hint">{t("results.publishHint")}</p> : null}
          {/* saving first: the safe step is the one Enter or a quick click reaches first */}
          <div className="channel-links">
            <button type="submit" name="intent" value="save" className="button button--secondary">
              {t("results.save")}
            </button>
            {publishable ? (
              <button type="submit" name="intent" value="publish" className="button">
                {published ? t("results.update") : t("results.publish")}
              </button>
            ) : null}
          </div>
        </form>
      ) : (
        <div className="inset">
          <p>{procedure.status === "archived" ? t("results.archived") : t("results.notYet")}</p>
        </div>
      )}
      <h2>{t("results.preview")}</h2>
      {summary ? (
        // safe by construction: the renderer escapes all text and writes only its own elements
        <div lang={CONTENT_LANGUAGE} dangerouslySetInnerHTML={{ __html: renderMarkdown(summary, { headingOffset: 2 }) }} />
      ) : (
        <p>{t("results.noSummary")}</p>
      )}
    </>
  );
}
