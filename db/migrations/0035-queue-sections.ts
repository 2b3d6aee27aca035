/**
 * The moderation queue filtered by section (issue 17): one index whose leading columns are the
 * section and then every other filter, so the queue can seek each combination of state, channel and
 * answered-or-not within one section (as migration 0012 does for the whole procedure) and merge the
 * pages by id. With only (procedure_id, section_id) a section's later pages walked its statements.
 * Frozen once shipped; imports nothing from the app; runs on SQLite and PostgreSQL.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("submissions_queue_sections_idx")
    .on("submissions")
    .columns(["procedure_id", "section_id", "state", "channel", "response_state", "id"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("submissions_queue_sections_idx").execute();
}
