/**
 * A horizontal bar chart as inline SVG, always with the same numbers in a table underneath.
 *
 * The SVG is an image (role="img") named by its <title> and described by the table; screen
 * readers read the table. No viewBox: the drawing is as wide as the column (width 100%) and its
 * bars are percentages of it, while text keeps its size, so it stays readable at 320 px instead of
 * shrinking. Each answer is a line of text (cut when long; the table has it whole) above its bar;
 * the number sits after the bar, or inside it when the bar is long. Groups below the minimum size
 * have no bar and say "fewer than 5", in the chart and in the table; a group hidden to protect
 * one of them says "not shown". Right-to-left pages draw the
 * bars from the right. No script.
 */
import { useTranslation } from "react-i18next";
import { directionOf } from "~/i18n/config";

export interface ChartRow {
  key: string;
  label: string;
  /** language of the label when it is procedure content */
  lang?: string;
  /** null: a group too small to show, or hidden to protect one (`hidden`) */
  count: number | null;
  hidden?: "small_group" | "protects_small_group" | null;
}

/** A count as the page says it: the number, "fewer than 5", or "not shown" for a group hidden to protect a small one. */
export function countText(t: (key: string, options?: Record<string, unknown>) => string, number: Intl.NumberFormat, c: Pick<ChartRow, "count" | "hidden">, minGroupSize: number): string {
  if (c.count !== null) return number.format(c.count);
  return c.hidden === "protects_small_group" ? t("protectsSmallGroup") : t("fewerThan", { limit: minGroupSize });
}

const ROW_HEIGHT = 52;
const LABEL_CHARS = 34;
const BAR = "#1d70b8";
const INK = "#0b0c0c";

const shorten = (s: string) => {
  const chars = [...s];
  return chars.length > LABEL_CHARS ? `${chars.slice(0, LABEL_CHARS - 1).join("").trimEnd()}…` : s;
};
/** First-strong isolation: a German label reads correctly inside a right-to-left drawing. */
const isolate = (s: string) => `\u2068${s}\u2069`;
const pct = (n: number) => `${Math.round(n * 10) / 10}%`;

export function BarChart({
  id,
  question,
  questionLang,
  rows,
  minGroupSize,
  headerLabel,
  note,
}: {
  id: string;
  /** what the chart shows, for its title and the table's caption */
  question: string;
  /** language of the question (procedure content) */
  questionLang?: string;
  rows: ChartRow[];
  minGroupSize: number;
  /** the heading of the first table column */
  headerLabel: string;
  note?: string;
}) {
  const { t, i18n } = useTranslation("results");
  const rtl = directionOf(i18n.language) === "rtl";
  const number = new Intl.NumberFormat(i18n.language);
  const shown = (r: ChartRow) => countText(t, number, r, minGroupSize);
  const max = Math.max(0, ...rows.map((r) => r.count ?? 0));
  const titleId = `${id}-title`;
  const tableId = `${id}-table`;
  const captionId = `${id}-caption`;
  return (
    <>
      <svg
        width="100%"
        height={rows.length * ROW_HEIGHT}
        role="img"
        aria-labelledby={titleId}
        aria-describedby={tableId}
        direction={rtl ? "rtl" : "ltr"}
        fontSize="16"
        fill={INK}
      >
        <title id={titleId}>{t("chart.title", { question })}</title>
        {rows.map((r, i) => {
          const y = i * ROW_HEIGHT;
          const width = r.count !== null && max > 0 ? (r.count / max) * 100 : 0;
          const inside = width > 70;
          // the "start" of text follows the drawing's direction: the right edge for right-to-left
          const edge = rtl ? "100%" : "0";
          const barEnd = pct(rtl ? 100 - width : width);
          return (
            <g key={r.key}>
              <text x={edge} y={y + 18}>
                {isolate(shorten(r.label))}
              </text>
              {width > 0 ? <rect x={rtl ? barEnd : 0} y={y + 25} width={pct(width)} height="22" fill={BAR} /> : null}
              <text
                x={width > 0 ? barEnd : edge}
                dx={width > 0 ? (inside ? (rtl ? 6 : -6) : rtl ? -6 : 6) : 0}
                y={y + 41}
                textAnchor={inside ? "end" : "start"}
                fill={inside ? "#fff" : INK}
                fontWeight="700"
              >
                {shown(r)}
              </text>
            </g>
          );
        })}
      </svg>
      {note ? <p className="hint">{note}</p> : null}
      <div className="table-wrap" role="region" aria-labelledby={captionId} tabIndex={0}>
        <table className="table" id={tableId}>
          <caption id={captionId}>
            {t("chart.caption")} <bdi lang={questionLang}>{question}</bdi>
          </caption>
          <thead>
            <tr>
              <th scope="col">{headerLabel}</th>
              <th scope="col" className="num">
                {t("chart.count")}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <th scope="row" lang={r.lang}>
                  {r.label}
                </th>
                <td className="num">{shown(r)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
