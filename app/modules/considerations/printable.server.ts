/**
 * The weighing table as the moderation page shows it for printing: the anonymised variant with the
 * published (redacted) text — no names, so nothing is opened and nothing logged — at most
 * PRINT_MAX rows (the files take every statement).
 */
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import type { Procedure } from "~/modules/procedures/procedure";
import { countStatements, weighingColumns, weighingRows } from "./weighing-table.server";

export const PRINT_MAX = 1000;

export async function printableWeighingTable(db: Kysely<Database>, procedure: Procedure, moderatorId: number) {
  const office = procedure.responsibleOffice;
  // the office is the table's caption here, not a column repeated on every row
  const columns = weighingColumns("anonymised", office).filter((c) => c.key !== "office");
  const rows: (string | number)[][] = [];
  for await (const batch of weighingRows(db, procedure, { variant: "anonymised", text: "redacted", moderatorId, limit: PRINT_MAX })) {
    for (const r of batch) rows.push(columns.map((c) => c.value(r)));
  }
  const total = await countStatements(db, procedure.organisationId, procedure.id);
  const considered = await db
    .selectFrom("submissions")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("organisation_id", "=", procedure.organisationId)
    .where("procedure_id", "=", procedure.id)
    .where("response_id", "is not", null)
    .executeTakeFirstOrThrow();
  return { columns: columns.map((c) => ({ key: c.key, header: c.header })), rows, total, considered: Number(considered.n), office };
}
