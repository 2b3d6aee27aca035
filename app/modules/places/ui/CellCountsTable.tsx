/** Statements counted per grid cell, as a table shaped like the grid (moderation and results pages). */
import type { ReactNode } from "react";

interface CellCount {
  cell: string;
  /** null: not shown (decision 30) */
  count: number | null;
}

export function CellCountsTable<C extends CellCount>({
  counts,
  caption,
  hrefOf,
  textOf = (c) => String(c.count),
}: {
  counts: { columns: string[]; rows: { label: string; counts: C[] }[] };
  caption: string;
  hrefOf?: (cell: string) => string;
  textOf?: (c: C) => ReactNode;
}) {
  return (
    <div className="table-wrap" role="region" aria-labelledby="cell-counts-caption" tabIndex={0}>
      <table className="table">
        <caption id="cell-counts-caption">{caption}</caption>
        <thead>
          <tr>
            <td />
            {counts.columns.map((c) => (
              <th key={c} scope="col" className="num">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {counts.rows.map((row) => (
            <tr key={row.label}>
              <th scope="row">{row.label}</th>
              {row.counts.map((c) => (
                <td key={c.cell} className="num">
                  {hrefOf && c.count !== null && c.count > 0 ? <a href={hrefOf(c.cell)}>{textOf(c)}</a> : textOf(c)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
