/**
 * The unfiltered moderation queue and the results page walk a procedure's submissions in id
 * order: an index that gives exactly that order. Frozen once shipped; imports nothing from the app.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("submissions_procedure_id_idx").on("submissions").columns(["procedure_id", "id"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("submissions_procedure_id_idx").execute();
}
