/** What a procedure is about, who is responsible, and its dates. */
import { useTranslation } from "react-i18next";
import { CONTENT_LANGUAGE } from "~/i18n/config";
import { formatDate } from "~/i18n/format";
import { renderMarkdown } from "../markdown";
import type { AcceptanceState, Procedure } from "../procedure";

/** Plain text in paragraphs (blank lines between them), for texts that are not Markdown. */
export function Paragraphs({ text, lang }: { text: string; lang?: string }) {
  return (
    <div lang={lang}>
      {text.split(/\n{2,}/).map((p, i) => (
        <p key={i}>{p}</p>
      ))}
    </div>
  );
}

export function ProcedureDetails({ procedure, acceptance }: { procedure: Procedure; acceptance: AcceptanceState }) {
  const { t, i18n } = useTranslation("procedures");
  return (
    <>
      <p className="lead" lang={CONTENT_LANGUAGE}>
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
          <dd lang={CONTENT_LANGUAGE}>{procedure.responsibleOffice}</dd>
        </div>
      </dl>
      <h2>{t("detail.about")}</h2>
      {/* safe by construction: the renderer escapes all text and writes only its own elements; `#` is an h3 under this h2 */}
      <div lang={CONTENT_LANGUAGE} dangerouslySetInnerHTML={{ __html: renderMarkdown(procedure.body, { headingOffset: 2 }) }} />
    </>
  );
}
