/** The paper form's "Zu welchem Abschnitt?": the sections printed with their numbers, and a box for the number. */
import { useTranslation } from "react-i18next";
import { contentAttrs } from "~/modules/procedures/translations";
import type { ShownSection } from "../outline";

export function PaperSectionChoice({ sections }: { sections: readonly ShownSection[] }) {
  const { t, i18n } = useTranslation(["sections", "common", "procedures"]);
  if (sections.length === 0) return null;
  return (
    <div className="paper__question">
      <h3>
        {t("choice.label")} <span className="requirement">{t("common:optional")}</span>
      </h3>
      <p className="hint">{t("paper.hint")}</p>
      <ul className="contents">
        {sections.map((s) => (
          <li key={s.number}>
            <span className="section-number">{s.number}</span> <span {...contentAttrs(s.lang, i18n.language)}>{s.title}</span>
          </li>
        ))}
      </ul>
      <div className="paper__lines paper__lines--1" aria-label={t("procedures:paper.writeHere")} role="img" />
    </div>
  );
}
