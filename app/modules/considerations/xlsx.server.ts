/**
 * The weighing table as a spreadsheet (XLSX) through exceljs's streaming writer: one row per
 * statement, a frozen header row with filters, column widths, every cell a typed value (numbers as
 * numbers, text as text — never a formula, whatever the text begins with). Rows are committed as
 * they come, so memory stays bounded however many statements there are.
 */
import { once } from "node:events";
import { PassThrough, type Readable } from "node:stream";
import type { WeighingColumn, WeighingRow } from "./weighing-table.server";

export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

export function weighingXlsx(title: string, columns: WeighingColumn[], batches: AsyncIterable<WeighingRow[]>): Readable {
  const out = new PassThrough();
  void (async () => {
    // exceljs (~20 MB once loaded) only in a worker that writes a spreadsheet
    const { default: ExcelJS } = await import("exceljs");
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
    workbook.title = title;
    workbook.creator = "Teilhabe";
    const sheet = workbook.addWorksheet("Abwägung", { views: [{ state: "frozen", ySplit: 1 }] });
    // one style object per column, given to each of its cells: exceljs remembers a style by its object,
    // and the copy each new cell gets would be looked up by its XML, cell by cell (a fifth of the time)
    const styles = columns.map((c) => ({ alignment: { vertical: "top" as const, wrapText: c.width >= 24 } }));
    sheet.columns = columns.map((c, i) => ({ key: c.key, width: c.width, style: styles[i] }));
    sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
    const header = sheet.addRow(columns.map((c) => c.header));
    header.font = { bold: true };
    header.commit();
    for await (const batch of batches) {
      for (const statement of batch) {
        const row = sheet.addRow(columns.map((c) => c.value(statement)));
        for (let i = 0; i < styles.length; i++) row.getCell(i + 1).style = styles[i];
        row.commit();
      }
      // Back-pressure before the next batch is read. exceljs's sheet buffer writes into the zip
      // without waiting (its write() always returns true), so the zip's input is where the sheet's
      // XML piled up: 56–73 MB at 100 000 rows when compressing was slower than reading (decision 63).
      const zipInput = sheetZipInput(sheet);
      if (zipInput?.needsDrain()) await once(zipInput.stream, "drain");
      if (out.writableNeedDrain) await once(out, "drain");
    }
    sheet.commit();
    await workbook.commit();
  })().catch((error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))));
  return out;
}

/**
 * The stream the worksheet's XML goes into on its way into the zip (exceljs 4.4: the sheet's
 * StreamBuf `stream` pipes to archiver's entry input, its `pipes[0]`, a readable-stream 2
 * PassThrough without `writableNeedDrain`). Undefined if exceljs ever changes this; then only the
 * response's back-pressure applies.
 */
function sheetZipInput(sheet: unknown): { stream: NodeJS.EventEmitter; needsDrain(): boolean } | undefined {
  type Input = NodeJS.EventEmitter & { writableNeedDrain?: boolean; _writableState?: { needDrain?: boolean } };
  const input = (sheet as { stream?: { pipes?: unknown[] } }).stream?.pipes?.[0] as Input | undefined;
  if (!input || typeof input.once !== "function") return undefined;
  if (input.writableNeedDrain === undefined && input._writableState?.needDrain === undefined) return undefined;
  return { stream: input, needsDrain: () => Boolean(input.writableNeedDrain ?? input._writableState?.needDrain) };
}
