/**
 * The short privacy notice next to the form (Art. 13 GDPR, first layer): who is responsible, which
 * personal data are asked for and why, the legal basis, when they are deleted; the full notice
 * is one link away.
 */
import { useTranslation } from "react-i18next";
import { CONTENT_LANGUAGE } from "~/i18n/config";
import { formatDate } from "~/i18n/format";
import { personalDataDeletionDate, type Procedure } from "../procedure";

export function ShortPrivacyNotice({
  procedure,
  controller,
  fullNoticeHref,
  asksForPlace = false,
}: {
  procedure: Procedure;
  controller: string;
  fullNoticeHref: string;
  /** the form asks where it is about (issue 18): a place can be personal data, say how it is published */
  asksForPlace?: boolean;
}) {
  const { t, i18n } = useTranslation(["procedures", "place"]);
  const deletion = formatDate(personalDataDeletionDate(procedure), i18n.language);
  return (
    <section className="notice" aria-labelledby="privacy-heading">
      <h2 id="privacy-heading">{t("privacy.heading")}</h2>
      {procedure.contactFields.length === 0 ? (
        <p>{t("privacy.noPersonalData")}</p>
      ) : (
        <>
          <p>{t("privacy.intro")}</p>
          <ul>
            {procedure.contactFields.map((f) => (
              <li key={f.key}>
                <strong>{t(`privacy.fields.${f.key}`)}</strong> ({t(`privacy.mode.${f.mode}`)}):{" "}
                <span lang={CONTENT_LANGUAGE}>{f.purpose}</span>
              </li>
            ))}
          </ul>
          <p>{t("privacy.deletion", { date: deletion, count: procedure.retentionMonths })}</p>
        </>
      )}
      {asksForPlace ? <p>{t("place:privacy")}</p> : null}
      <p>
        {t("privacy.controller")} <span lang={CONTENT_LANGUAGE}>{controller}</span>.{" "}
        {t("privacy.legalBasis")} <span lang={CONTENT_LANGUAGE}>{procedure.legalBasis}</span>.
      </p>
      <p>
        <a href={fullNoticeHref}>{t("privacy.fullNoticeLink")}</a>
      </p>
    </section>
  );
}
