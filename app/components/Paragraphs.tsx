/** Plain text in paragraphs (blank lines between them), for texts that are not Markdown. */
export function Paragraphs({ text, lang }: { text: string; lang?: string }) {
  return (
    <div lang={lang}>
      {text.split(/\n{2,}/).map((p, i) => (
        <p key={i} className="pre">
          {p}
        </p>
      ))}
    </div>
  );
}
