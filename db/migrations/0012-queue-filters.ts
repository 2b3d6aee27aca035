/**
 * The moderation queue's filters (state, channel, answered or not) in any combination, oldest first,
 * without walking the procedure: one index whose leading columns are every filter. The queue asks
 * it once per combination of the filter values (a few seeks of at most one page each) and merges
 * the pages by id. Before it, a filter that matched few rows (say "published, not yet answered"
 * at the end of a consultation) read every submission of the procedure: seconds at 1 000 000.
 * Frozen once shipped; imports nothing from the app; runs on SQLite and PostgreSQL.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("submissions_queue_filters_idx")
    .on("submissions")
    .columns(["procedure_id", "state", "channel", "response_state", "id"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("submissions_queue_filters_idx").execute();
}
