/**
 * "Where is it?" on the paper form (issue 18): the plan printed with its labelled grid, "mark it with
 * a cross or write the cell", and room for the cell and for words — what the desk then types in.
 */
import { useTranslation } from "react-i18next";
import { CONTENT_LANGUAGE } from "~/i18n/config";
import { contentAttrs } from "~/modules/procedures/translations";

export interface PaperPlan {
  src: string;
  width: number;
  height: number;
  /** the admin's alternative text, in German */
  alt: string;
  lastColumn: string;
  rows: number;
}

export function PaperPlace({ plan }: { plan: PaperPlan }) {
  const { t, i18n } = useTranslation("place");
  return (
    <div className="paper__place">
      <h3>{t("paper.heading")}</h3>
      <p className="hint">{t("paper.text")}</p>
      <p className="hint">{t("cell.hint", { lastColumn: plan.lastColumn, rows: plan.rows })}</p>
      <img className="place-crop" src={plan.src} width={plan.width} height={plan.height} alt={plan.alt} {...contentAttrs(CONTENT_LANGUAGE, i18n.language)} />
      <div className="paper__question">
        <p>{t("paper.cell")}</p>
        <div className="paper__lines paper__lines--1" aria-label={t("paper.cell")} role="img" />
        <p>{t("paper.words")}</p>
        <div className="paper__lines paper__lines--3" aria-label={t("paper.words")} role="img" />
      </div>
    </div>
  );
}
