/**
 * The one short note a resident page shows when some of a procedure's own content is only in
 * German: "Parts of this page are only available in German" (partial) or "This procedure is only
 * available in German" (none). Nothing when everything is in the reader's language.
 */
import { useTranslation } from "react-i18next";
import type { Coverage } from "../translations";

export function ContentLanguageNote({ coverage }: { coverage: Coverage | null }) {
  const { t } = useTranslation("content");
  if (!coverage || coverage === "complete") return null;
  return (
    <p className="inset" data-content-language-note="">
      {t(coverage === "none" ? "note.none" : "note.partial")}
    </p>
  );
}
