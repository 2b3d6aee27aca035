/** RFC 4180 records (quoted fields, doubled quotes, CRLF), read independently of the writer. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  const field = /"((?:[^"]|"")*)"|([^,"\r\n]*)/y;
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    field.lastIndex = i;
    const m = field.exec(text)!;
    row.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]);
    i = field.lastIndex;
    if (text[i] === ",") i++;
    else if (text.startsWith("\r\n", i)) {
      rows.push(row);
      row = [];
      i += 2;
    } else throw new Error(`unexpected ${JSON.stringify(text[i])} at ${i}`);
  }
  return rows;
}
