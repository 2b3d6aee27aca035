/** The queries the procedure administration shares: a procedure row of this organisation, a draft held, its questions. */
import type { Kysely, Transaction } from "kysely";
import type { Database, ProcedureRow, QuestionRow } from "#db/schema";
import { HttpError } from "~/modules/http/errors";

type Db = Kysely<Database>;
type Trx = Transaction<Database>;

/** A procedure row of this organisation; any other is a 404. */
export async function findRow(db: Db | Trx, organisationId: number, id: number): Promise<ProcedureRow> {
  const row = await db.selectFrom("procedures").selectAll().where("organisation_id", "=", organisationId).where("id", "=", id).executeTakeFirst();
  if (!row) throw new HttpError(404, "procedure_not_found");
  return row;
}

/**
 * Inside a transaction: makes sure the procedure is this organisation's and still a draft, and
 * holds its row until the end (a conditional update locks it on PostgreSQL; SQLite transactions
 * take the write lock at once), so that opening cannot slip in between check and change.
 */
export async function lockDraft(trx: Trx, organisationId: number, procedureId: number): Promise<boolean> {
  const result = await trx
    .updateTable("procedures")
    .set({ status: "draft" }) // writes nothing new, but holds the row
    .where("organisation_id", "=", organisationId)
    .where("id", "=", procedureId)
    .where("status", "=", "draft")
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 1) return true;
  await findRow(trx, organisationId, procedureId); // 404 when it is not this organisation's
  return false;
}

export async function touch(trx: Trx, procedureId: number, now: Date) {
  await trx.updateTable("procedures").set({ updated_at: now.toISOString() }).where("id", "=", procedureId).execute();
}

export async function questionsOf(trx: Trx, procedureId: number): Promise<QuestionRow[]> {
  return trx.selectFrom("questions").selectAll().where("procedure_id", "=", procedureId).orderBy("position").orderBy("id").execute();
}
