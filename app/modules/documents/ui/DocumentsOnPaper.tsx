/**
 * The documents for those who do not download them: on the printed form and at the desk, a list of
 * titles with type and size, the address where they are online, and where they can be read on paper.
 */
import { useTranslation } from "react-i18next";
import { CONTENT_LANGUAGE } from "~/i18n/config";
import { formatFileSize } from "~/i18n/format";
import type { ProcedureDocument } from "../documents.server";

export function DocumentsOnPaper({
  id,
  documents,
  onlineAt,
  onPaperAt,
  headingLevel = 2,
}: {
  /** of the heading: unique on the page (a print page repeats the form) */
  id: string;
  documents: readonly ProcedureDocument[];
  onlineAt: string;
  onPaperAt: string;
  headingLevel?: 2 | 3;
}) {
  const { t, i18n } = useTranslation("procedures");
  if (documents.length === 0) return null;
  const Heading = headingLevel === 2 ? "h2" : "h3";
  return (
    <section aria-labelledby={id}>
      <Heading id={id}>{t("documents.title")}</Heading>
      <ol>
        {documents.map((d) => (
          <li key={d.id}>
            <span lang={CONTENT_LANGUAGE}>{d.title}</span> {`(${t(`documents.kinds.${d.kind}`)}, ${formatFileSize(d.byteSize, i18n.language)})`}
          </li>
        ))}
      </ol>
      <p>
        {t("documents.online")} <span className="paper__url">{onlineAt}</span>
      </p>
      <p>
        {t("documents.onPaper")} <span lang={CONTENT_LANGUAGE}>{onPaperAt}</span>
      </p>
    </section>
  );
}
