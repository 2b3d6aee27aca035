/**
 * The outbox of result notifications: one row per submission and kind, sent by a scheduled job.
 * No address is stored here: the job opens the submission's (encrypted) contact data at send time
 * through the logged path, so the address stays encrypted at rest and every clear-text read is
 * recorded in the submission's privacy log. Frozen once shipped.
 */
import { Kysely, PostgresAdapter } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const idColumn = (c: any) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement());

  await db.schema
    .createTable("outbox")
    .addColumn("id", "integer", idColumn)
    .addColumn("organisation_id", "integer", (c) => c.notNull().references("organisations.id"))
    .addColumn("submission_id", "integer", (c) => c.notNull().references("submissions.id"))
    // 'result_email'
    .addColumn("kind", "varchar(20)", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("body_text", "text", (c) => c.notNull())
    .addColumn("language", "varchar(8)", (c) => c.notNull())
    // 'pending' | 'sent' | 'failed' | 'cancelled'
    .addColumn("state", "varchar(12)", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_error", "text")
    // when the row is due next; null once sent, cancelled or given up
    .addColumn("next_attempt_at", "varchar(32)")
    .addColumn("sent_at", "varchar(32)")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    // a submission is notified once
    .addUniqueConstraint("outbox_submission_kind_unique", ["submission_id", "kind"])
    .execute();
  // the job looks for due rows
  await db.schema.createIndex("outbox_due_idx").on("outbox").columns(["state", "next_attempt_at"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("outbox_due_idx").execute();
  await db.schema.dropTable("outbox").execute();
}
