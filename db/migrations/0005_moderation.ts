/**
 * Moderation: publication decisions, redactions kept apart from the original text, and the
 * official responses (one response may answer a group of submissions). Frozen once shipped.
 */
import { Kysely, PostgresAdapter } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const idColumn = (c: any) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement());

  await db.schema
    .createTable("responses")
    .addColumn("id", "integer", idColumn)
    .addColumn("organisation_id", "integer", (c) => c.notNull().references("organisations.id"))
    .addColumn("procedure_id", "integer", (c) => c.notNull().references("procedures.id"))
    .addColumn("decision", "varchar(20)", (c) => c.notNull())
    .addColumn("text", "text", (c) => c.notNull())
    .addColumn("created_by", "integer")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .execute();

  for (const [column, type] of [
    ["not_published_reason", "varchar(40)"],
    ["moderated_by", "integer"],
    ["moderated_at", "varchar(32)"],
    ["response_id", "integer"],
  ] as const) {
    await db.schema.alterTable("submissions").addColumn(column, type).execute();
  }
  // the moderation queue filters by procedure and state (and channel), newest or oldest first
  await db.schema.createIndex("submissions_queue_idx").on("submissions").columns(["procedure_id", "state", "id"]).execute();
  await db.schema.createIndex("submissions_channel_idx").on("submissions").columns(["procedure_id", "channel", "id"]).execute();

  await db.schema
    .createTable("answer_redactions")
    // the public version of an answer; the original stays in answers, internal only
    .addColumn("answer_id", "integer", (c) => c.primaryKey().references("answers.id").onDelete("cascade"))
    .addColumn("public_value", "text", (c) => c.notNull())
    .addColumn("redacted_by", "integer")
    .addColumn("redacted_at", "varchar(32)", (c) => c.notNull())
    .execute();

  await db.schema.alterTable("procedures").addColumn("results_summary", "text", (c) => c.notNull().defaultTo("")).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("procedures").dropColumn("results_summary").execute();
  await db.schema.dropTable("answer_redactions").execute();
  await db.schema.dropIndex("submissions_channel_idx").execute();
  await db.schema.dropIndex("submissions_queue_idx").execute();
  for (const column of ["response_id", "moderated_at", "moderated_by", "not_published_reason"]) {
    await db.schema.alterTable("submissions").dropColumn(column).execute();
  }
  await db.schema.dropTable("responses").execute();
}
