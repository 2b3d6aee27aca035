/**
 * The weighing table as the moderation page shows it for printing: the anonymised variant with the
 * published (redacted) text — no names, so nothing is opened and nothing logged — grouped by section
 * like the council's document, at most PRINT_MAX rows (the files take every statement).
 */
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import type { Procedure } from "~/modules/procedures/procedure";
import { EXTRA_COLUMNS, WHOLE_DRAFT, countStatements, weighingColumns, weighingRows } from "./weighing-table.server";

export const PRINT_MAX = 1000;

export async function printableWeighingTable(db: Kysely<Database>, procedure: Procedure, moderatorId: number) {
  const office = procedure.responsibleOffice;
  const groupBy = EXTRA_COLUMNS.find((c) => c.groups)?.key ?? null;
  // the office is the table's caption here, not a column repeated on every row; the section heads its group
  const columns = weighingColumns("anonymised", office).filter((c) => c.key !== "office" && c.key !== groupBy);
  const groups: { title: string; rows: (string | number)[][] }[] = [];
  for await (const batch of weighingRows(db, procedure, { variant: "anonymised", text: "redacted", moderatorId, limit: PRINT_MAX, order: groupBy ? "section" : "number" })) {
    for (const r of batch) {
      const title = groupBy ? r.extra[groupBy] || WHOLE_DRAFT : "";
      if (groups.at(-1)?.title !== title) groups.push({ title, rows: [] });
      groups.at(-1)!.rows.push(columns.map((c) => c.value(r)));
    }
  }
  const rows = groups.flatMap((g) => g.rows);
  const total = await countStatements(db, procedure.organisationId, procedure.id);
  const considered = await db
    .selectFrom("submissions")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("organisation_id", "=", procedure.organisationId)
    .where("procedure_id", "=", procedure.id)
    .where("response_id", "is not", null)
    .executeTakeFirstOrThrow();
  return { columns: columns.map((c) => ({ key: c.key, header: c.header })), groups, rows, total, considered: Number(considered.n), office };
}
