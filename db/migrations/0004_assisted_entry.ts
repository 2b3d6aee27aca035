/**
 * Assisted entry (phone, counter, paper, letter): the same paper reference twice in one procedure
 * is refused by the database too. Frozen once shipped; imports nothing from the app.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  // NULL references (online, phone, counter) never collide: both engines treat NULLs as distinct
  await db.schema
    .createIndex("submissions_procedure_reference_unique")
    .on("submissions")
    .columns(["procedure_id", "source_reference"])
    .unique()
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("submissions_procedure_reference_unique").execute();
}
