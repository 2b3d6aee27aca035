/** Statements counted per grid cell, as a table shaped like the grid (moderation and results pages). */
import type { CellCounts } from "../overview.server";

export function CellCountsTable({ counts, caption, hrefOf }: { counts: CellCounts; caption: string; hrefOf?: (cell: string) => string }) {
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
                  {hrefOf && c.count > 0 ? <a href={hrefOf(c.cell)}>{c.count}</a> : c.count}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
