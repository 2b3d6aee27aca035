/**
 * The weighing table as a spreadsheet (XLSX) through exceljs's streaming writer: one row per
 * statement, a frozen header row with filters, column widths, every cell a typed value (numbers as
 * numbers, text as text — never a formula, whatever the text begins with). Rows are committed as
 * they come, so memory stays bounded however many statements there are.
 */
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
    sheet.columns = columns.map((c) => ({ key: c.key, width: c.width, style: { alignment: { vertical: "top", wrapText: c.width >= 24 } } }));
    sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
    const header = sheet.addRow(columns.map((c) => c.header));
    header.font = { bold: true };
    header.commit();
    for await (const batch of batches) {
      for (const row of batch) sheet.addRow(columns.map((c) => c.value(row))).commit();
      // let the response drain before reading the next batch (back-pressure)
      if (out.writableNeedDrain) await new Promise((resolve) => out.once("drain", resolve));
    }
    sheet.commit();
    await workbook.commit();
  })().catch((error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))));
  return out;
}
