/**
 * "Zu welchem Abschnitt?": the optional choice of a section in the form (a select: a draft may have
 * twenty sections and more), with "zum Entwurf insgesamt" first. Chosen through a section's
 * "Stellung nehmen zu …" link, it offers the way back to that section's text.
 */
import { useTranslation } from "react-i18next";
import { SECTION_FIELD, WHOLE_DRAFT, sectionAnchor, type ShownSection } from "../outline";

export function SectionChoice({
  sections,
  value = WHOLE_DRAFT,
  error,
  backLink = false,
}: {
  sections: readonly ShownSection[];
  value?: string;
  error?: string;
  /** the chosen section's text is on this page: link back to it */
  backLink?: boolean;
}) {
  const { t } = useTranslation(["sections", "common"]);
  if (sections.length === 0) return null;
  const chosen = sections.find((s) => s.number === value);
  const describedBy = [`${SECTION_FIELD}-hint`, error ? `${SECTION_FIELD}-error` : null].filter(Boolean).join(" ");
  return (
    <div className={`field${error ? " field--error" : ""}`}>
      <label className="label" htmlFor={SECTION_FIELD}>
        {t("choice.label")} <span className="requirement">{t("common:optional")}</span>
      </label>
      <div id={`${SECTION_FIELD}-hint`} className="hint">
        {t("choice.hint")}
      </div>
      {error ? (
        <p id={`${SECTION_FIELD}-error`} className="error-message">
          <span className="visually-hidden">{t("common:errorPrefix")}: </span>
          {error}
        </p>
      ) : null}
      <select className="input" id={SECTION_FIELD} name={SECTION_FIELD} defaultValue={chosen ? chosen.number : WHOLE_DRAFT} aria-describedby={describedBy} aria-invalid={error ? true : undefined}>
        <option value={WHOLE_DRAFT}>{t("choice.whole")}</option>
        {sections.map((s) => (
          <option key={s.number} value={s.number} lang={s.lang}>
            {`${s.number} ${s.title}`}
          </option>
        ))}
      </select>
      {chosen && backLink ? (
        <p>
          <a href={`#${sectionAnchor(chosen.number)}`}>{t("choice.back", { number: chosen.number })}</a>
        </p>
      ) : null}
    </div>
  );
}
