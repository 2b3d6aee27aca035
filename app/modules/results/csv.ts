/** CSV (RFC 4180) for the open data and the audit log's download. */

/**
 * One CSV field: quoted when it contains a comma, a double quote or a line break (quotes doubled).
 * Text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP's advice against
 * CSV injection; the data come from the public): = + - @ first, also after leading spaces or line
 * breaks (spreadsheets trim them), and a tab, CR or LF first.
 */
export const FORMULA_START = /^[\s\u00A0\u3000]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|^[\t\r\n]/;
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  let v = String(value);
  if (typeof value === "string" && FORMULA_START.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** A CSV record with its CRLF line ending. */
export const csvRow = (fields: (string | number | null | undefined)[]) => `${fields.map(csvField).join(",")}\r\n`;

export const CSV_BOM = "\uFEFF";
