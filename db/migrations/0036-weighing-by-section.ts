/**
 * The council's weighing table reads a procedure's statements section by section, by number within
 * each, in keyset batches (issue 19, decision 53): an index on (procedure, section, id) serves each
 * batch from the index on both engines (0027's (procedure, section) leaves PostgreSQL to sort every
 * batch's candidates by id).
 * Frozen once shipped; imports nothing from the app; runs on SQLite and PostgreSQL.
 */
import { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("submissions_procedure_section_id").on("submissions").columns(["procedure_id", "section_id", "id"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("submissions_procedure_section_id").execute();
}
