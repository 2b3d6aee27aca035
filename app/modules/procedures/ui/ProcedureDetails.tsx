/** What a procedure is about, who is responsible, and its dates. */
import { useTranslation } from "react-i18next";
import { CONTENT_LANGUAGE } from "~/i18n/config";
import { formatDate } from "~/i18n/format";
import type { ReactNode } from "react";
import { renderMarkdown, type HeadingSection } from "../markdown";
import type { AcceptanceState, Procedure } from "../procedure";
import { contentAttrs, type LocalizedProcedure } from "../translations";

export function ProcedureDetails({
  procedure,
  acceptance,
  bodySections,
  contents,
}: {
  /** with `langs` (in the reader's language) each text carries its own language */
  procedure: Procedure & { langs?: LocalizedProcedure["langs"] };
  acceptance: AcceptanceState;
  /** the numbered sections at the text's headings (by heading, in order) */
  bodySections?: readonly (HeadingSection | null)[] | null;
  /** the contents list, shown before the text */
  contents?: ReactNode;
}) {
  const { t, i18n } = useTranslation("procedures");
  const attrs = (piece: "summary" | "body") => contentAttrs(procedure.langs?.[piece] ?? CONTENT_LANGUAGE, i18n.language);
  return (
    <>
      <p className="lead" {...attrs("summary")}>
        {procedure.summary}
      </p>
      <dl className="facts">
        <div>
          <dt>{t("detail.status")}</dt>
          <dd>{t(`acceptance.${acceptance}`)}</dd>
        </div>
        <div>
          <dt>{t("detail.period")}</dt>
          <dd>
            {t("detail.periodValue", {
              from: formatDate(procedure.opensAt, i18n.language),
              until: formatDate(procedure.closesAt, i18n.language),
            })}
          </dd>
        </div>
        <div>
          <dt>{t("detail.kind")}</dt>
          <dd>{t(`kinds.${procedure.kind}`, { defaultValue: procedure.kind })}</dd>
        </div>
        <div>
          <dt>{t("detail.responsible")}</dt>
          <dd {...contentAttrs(CONTENT_LANGUAGE, i18n.language)}>{procedure.responsibleOffice}</dd>
        </div>
      </dl>
      <h2>{t("detail.about")}</h2>
      {contents}
      {/* safe by construction: the renderer escapes all text and writes only its own elements; `#` is an h3 under this h2 */}
      <div {...attrs("body")} dangerouslySetInnerHTML={{ __html: renderMarkdown(procedure.body, { headingOffset: 2, sections: bodySections ?? undefined }) }} />
    </>
  );
}
