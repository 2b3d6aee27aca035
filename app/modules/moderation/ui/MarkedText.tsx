/** Free text with the detector's findings marked, so the moderator sees what to remove. */
import { useTranslation } from "react-i18next";
import type { Finding } from "../personal-data";

export function MarkedText({ text, findings }: { text: string; findings: Finding[] }) {
  const { t } = useTranslation("moderation");
  const parts: JSX.Element[] = [];
  let at = 0;
  findings.forEach((f, i) => {
    if (f.start > at) parts.push(<span key={`t${i}`}>{text.slice(at, f.start)}</span>);
    parts.push(
      <mark key={`m${i}`} className="finding">
        <span className="visually-hidden">{t(`findings.${f.kind}`)}: </span>
        {text.slice(f.start, f.end)}
      </mark>,
    );
    at = f.end;
  });
  if (at < text.length) parts.push(<span key="rest">{text.slice(at)}</span>);
  return (
    <p className="pre" lang="de">
      {parts}
    </p>
  );
}
