/** The organisation's accessibility statement (the state's law by default, e.g. § 9b NBGG; BITV 2.0 and § 12b BGG for federal bodies), from its data. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Paragraphs } from "~/components/Paragraphs";
import { getDb } from "~/db.server";
import { CONTENT_LANGUAGE } from "~/i18n/config";
import { formatDate } from "~/i18n/format";
import { getT } from "~/i18n/i18n.server";
import { getStatement } from "~/modules/accessibility/accessibility.server";
import { conciliationBody } from "~/modules/accessibility/statement";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { publicOrganisation, requireOrganisation } from "~/modules/procedures/context.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const organisation = await requireOrganisation(params);
    const { t } = await getT(request, "accessibility");
    const statement = await getStatement(getDb(), organisation.id);
    return {
      pageTitle: t("statement.title"),
      organisation: publicOrganisation(organisation),
      statement,
      conciliation: conciliationBody(statement),
      contact: organisation.accessibility_contact,
      site: `${new URL(request.url).host}/${organisation.slug}`,
    };
  });
}

export default function AccessibilityStatement() {
  const { organisation, statement, conciliation, contact, site } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("accessibility");
  const lng = i18n.language;
  const german = lng === CONTENT_LANGUAGE ? undefined : CONTENT_LANGUAGE;
  const limitations = statement.standardLimitations.length + statement.customLimitations.length;
  return (
    <>
      <h1>{t("statement.title")}</h1>
      <p className="lead">{t("statement.intro", { organisation: organisation.name, site })}</p>

      <h2>{t("statement.status.heading")}</h2>
      <p>{t(`statement.status.${statement.conformance}`)}</p>
      <p>{t(`statement.law.${statement.legalFramework}`)}</p>
      <p>{t("statement.law.standard")}</p>

      <h2>{t("statement.limitations.heading")}</h2>
      {limitations === 0 ? (
        <p>{t("statement.limitations.none")}</p>
      ) : (
        <>
          <p>{t("statement.limitations.intro")}</p>
          {statement.standardLimitations.map((key) => (
            <section key={key} aria-labelledby={`limitation-${key}`}>
              <h3 id={`limitation-${key}`}>{t(`limitations.${key}.part`)}</h3>
              <p>
                <strong>{t("statement.limitations.reason")}:</strong> {t(`limitations.${key}.reason`)}
              </p>
              <p>
                <strong>{t("statement.limitations.alternative")}:</strong> {t(`limitations.${key}.alternative`)}
              </p>
            </section>
          ))}
          {statement.customLimitations.length > 0 && german ? <p className="hint">{t("statement.limitations.onlyGerman")}</p> : null}
          {statement.customLimitations.map((l, i) => (
            <section key={i} aria-labelledby={`limitation-own-${i}`}>
              <h3 id={`limitation-own-${i}`} lang={german}>
                {l.part}
              </h3>
              <p>
                <strong>{t("statement.limitations.reason")}:</strong> <span lang={german}>{l.reason}</span>
              </p>
              {l.alternative ? (
                <p>
                  <strong>{t("statement.limitations.alternative")}:</strong> <span lang={german}>{l.alternative}</span>
                </p>
              ) : null}
            </section>
          ))}
        </>
      )}

      <h2>{t("statement.preparation.heading")}</h2>
      <p>
        {t("statement.preparation.prepared", { date: formatDate(`${statement.preparedOn}T12:00:00Z`, lng) })}{" "}
        {t(`statement.preparation.${statement.method}`)}{" "}
        {t("statement.preparation.reviewed", { date: formatDate(`${statement.reviewedOn}T12:00:00Z`, lng) })}
      </p>
      <p>{t("statement.preparation.automated")}</p>

      <h2>{t("statement.feedback.heading")}</h2>
      <p>{t("statement.feedback.body")}</p>
      <p>
        <a className="button" href={`/${organisation.slug}/barrierefreiheit/melden`}>
          {t("statement.feedback.formLink")}
        </a>
      </p>
      {contact ? (
        <>
          <p>{t("statement.feedback.contact")}</p>
          <Paragraphs text={contact} lang={german} />
        </>
      ) : null}

      <h2>{t("statement.enforcement.heading")}</h2>
      <p>{t("statement.enforcement.body")}</p>
      <h3>{t(statement.legalFramework === "federal" ? "statement.enforcement.federal" : "statement.enforcement.state")}</h3>
      <Paragraphs text={conciliation} lang={german} />
    </>
  );
}
