/** The resident's view of their submission: status, privacy log, personal data held, and their rights. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Button } from "~/components/fields";
import { getDb } from "~/db.server";
import { CONTENT_LANGUAGE } from "~/i18n/config";
import { formatDate } from "~/i18n/format";
import { getT } from "~/i18n/i18n.server";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { publicOrganisation } from "~/modules/procedures/context.server";
import { PrivacyTimeline } from "~/modules/privacy-log/ui/PrivacyTimeline";
import { ReceivedFacts } from "~/modules/submissions/ui/ReceivedFacts";
import { requireReceiptSession } from "~/modules/privacy/context.server";
import { describeSubmission } from "~/modules/privacy/rights.server";
import { checkpointHolding } from "~/modules/transparency-log/proofs.server";
import { CheckpointNote } from "~/modules/transparency-log/ui/CheckpointNote";

const NOTICES = ["deleted", "held", "withdrawn", "nothing"] as const;

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const { organisation, submissionId, basePath } = await requireReceiptSession(request, params);
    const overview = await describeSubmission(getDb(), submissionId);
    const checkpoint = await checkpointHolding(getDb(), { submissionId });
    const { t } = await getT(request, "privacy");
    const notice = new URL(request.url).searchParams.get("done");
    return {
      pageTitle: t("log.title"),
      organisation: publicOrganisation(organisation),
      overview,
      checkpoint,
      basePath,
      notice: NOTICES.find((n) => n === notice) ?? null,
    };
  });
}

export default function SubmissionLog() {
  const { overview: o, checkpoint, basePath, notice, organisation } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("privacy");
  const lng = i18n.language;
  const stateKey = o.withdrawn ? "withdrawn" : o.state;
  return (
    <>
      <p className="caption" lang={CONTENT_LANGUAGE}>
        {o.procedure.title}
      </p>
      <h1>{t("log.title")}</h1>
      {notice ? (
        <div className="notice notice--success" role="status">
          <p>{t(`log.done.${notice}`, { reason: o.procedure.erasureHoldReason })}</p>
        </div>
      ) : null}

      <dl className="facts">
        <ReceivedFacts receivedOn={o.receivedOn} enteredAt={o.receivedAt} />
        <div>
          <dt>{t("log.channel")}</dt>
          <dd>{t(`channels.${o.channel}`)}</dd>
        </div>
        <div>
          <dt>{t("log.status")}</dt>
          <dd>{t(`states.${stateKey}`, { defaultValue: stateKey })}</dd>
        </div>
        <div>
          <dt>{t("log.response")}</dt>
          <dd>{t(`responseStates.${o.responseState}`, { defaultValue: o.responseState })}</dd>
        </div>
      </dl>

      {o.response ? (
        <section aria-labelledby="response-heading" className="inset">
          <h2 id="response-heading">{t("log.responseHeading")}</h2>
          <p>
            {/* a decision of the municipality's own set is labelled in German */}
            <strong lang={o.response.ownLabel ? "de" : undefined}>{o.response.ownLabel ?? t(`decisions.${o.response.decision}`)}</strong> · {formatDate(o.response.createdAt, lng)}
          </p>
          <p className="pre" lang="de">
            {o.response.text}
          </p>
        </section>
      ) : null}

      <section aria-labelledby="data-heading">
        <h2 id="data-heading">{t("log.dataHeading")}</h2>
        {o.personalData.length > 0 ? (
          <>
            <p>{t("log.dataIntro")}</p>
            <dl className="facts">
              {o.personalData.map((d) => (
                <div key={d.key}>
                  <dt>{t(`categories.${d.key}`)}</dt>
                  <dd dir="ltr" className="masked">
                    {d.masked}
                  </dd>
                </div>
              ))}
            </dl>
            {o.deleteAfter ? <p>{t("log.deleteOn", { date: formatDate(o.deleteAfter, lng) })}</p> : null}
            {o.erasureRequestedAt ? <p>{t("log.erasureHeld", { reason: o.procedure.erasureHoldReason })}</p> : null}
          </>
        ) : (
          <p>{o.personalDataDeletedAt ? t("log.dataDeleted", { date: formatDate(o.personalDataDeletedAt, lng) }) : t("log.noData")}</p>
        )}
        <p>
          {t("log.legalBasis")} <span lang="de">{o.procedure.legalBasis}</span>
        </p>
      </section>

      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">{t("log.timelineHeading")}</h2>
        <p className={o.chainIntact ? "chain chain--ok" : "chain chain--broken"}>
          <strong>{o.chainIntact ? t("log.chainIntact") : t("log.chainBroken")}</strong>
        </p>
        <PrivacyTimeline events={o.events} />
        <CheckpointNote checkpoint={checkpoint} organisationSlug={organisation.slug} />
      </section>

      <section aria-labelledby="rights-heading">
        <h2 id="rights-heading">{t("log.rightsHeading")}</h2>
        <h3>{t("log.download.heading")}</h3>
        <p>{t("log.download.text")}</p>
        <form method="post" action={`${basePath}/daten`}>
          <Button secondary>{t("log.download.button")}</Button>
        </form>
        {o.personalData.length > 0 && !o.erasureRequestedAt ? (
          <>
            <h3>{t("log.erase.heading")}</h3>
            <p>{t("log.erase.text")}</p>
            <p>
              <a href={`${basePath}/loeschen`}>{t("log.erase.link")}</a>
            </p>
          </>
        ) : null}
        {o.canWithdraw ? (
          <>
            <h3>{t("log.withdraw.heading")}</h3>
            <p>{t("log.withdraw.text")}</p>
            <p>
              <a href={`${basePath}/zurueckziehen`}>{t("log.withdraw.link")}</a>
            </p>
          </>
        ) : null}
        <h3>{t("log.moreRights.heading")}</h3>
        <ul>
          <li>{t("log.moreRights.rectification")}</li>
          <li>{t("log.moreRights.complaint")}</li>
        </ul>
        <dl className="facts">
          <div>
            <dt>{t("log.controller")}</dt>
            <dd lang="de">
              {o.organisation.controller}, {o.organisation.controllerContact}
            </dd>
          </div>
          <div>
            <dt>{t("log.dpo")}</dt>
            <dd lang="de">
              {o.organisation.dpo}, {o.organisation.dpoContact}
            </dd>
          </div>
          <div>
            <dt>{t("log.authority")}</dt>
            <dd lang="de">{o.organisation.supervisoryAuthority}</dd>
          </div>
        </dl>
      </section>

      <form method="post" action={`${basePath}/abmelden`}>
        <Button secondary>{t("log.signOut")}</Button>
      </form>
    </>
  );
}
