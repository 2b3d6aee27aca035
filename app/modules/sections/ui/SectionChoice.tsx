/**
 * "Zu welchem Abschnitt?": the optional choice of a section in the form (a select: a draft may have
 * twenty sections and more), with "zum Entwurf insgesamt" first. Chosen through a section's
 * "Stellung nehmen zu …" link, it offers the way back to that section's text.
 */
import { useTranslation } from "react-i18next";
import { SelectField } from "~/components/fields";
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
  const { t } = useTranslation("sections");
  if (sections.length === 0) return null;
  const chosen = sections.find((s) => s.number === value);
  return (
    <SelectField
      name={SECTION_FIELD}
      label={t("choice.label")}
      hint={t("choice.hint")}
      error={error}
      value={chosen ? chosen.number : WHOLE_DRAFT}
      options={[{ value: WHOLE_DRAFT, label: t("choice.whole") }, ...sections.map((s) => ({ value: s.number, label: `${s.number} ${s.title}`, lang: s.lang }))]}
    >
      {chosen && backLink ? (
        <p>
          <a href={`#${sectionAnchor(chosen.number)}`}>{t("choice.back", { number: chosen.number })}</a>
        </p>
      ) : null}
    </SelectField>
  );
}
