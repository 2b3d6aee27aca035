/**
 * The privacy log, data rights and retention. Frozen once shipped; imports nothing from the app.
 */
import { Kysely, PostgresAdapter } from "kysely";

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);

  await db.schema
    .createTable("privacy_events")
    .addColumn("id", "integer", (c) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement()))
    .addColumn("organisation_id", "integer", (c) => c.notNull().references("organisations.id"))
    // no cascade: the log outlives the content it describes
    .addColumn("submission_id", "integer", (c) => c.notNull().references("submissions.id"))
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("occurred_at", "varchar(32)", (c) => c.notNull())
    .addColumn("type", "varchar(40)", (c) => c.notNull())
    .addColumn("actor_role", "varchar(20)", (c) => c.notNull())
    .addColumn("actor_account_id", "integer")
    .addColumn("data_categories", "varchar(200)", (c) => c.notNull())
    .addColumn("purpose", "varchar(60)", (c) => c.notNull())
    .addColumn("legal_basis", "varchar(500)", (c) => c.notNull())
    .addColumn("details_json", "text", (c) => c.notNull())
    .addColumn("prev_hash", "varchar(64)", (c) => c.notNull())
    .addColumn("hash", "varchar(64)", (c) => c.notNull())
    .addUniqueConstraint("privacy_events_submission_seq_unique", ["submission_id", "seq"])
    .execute();

  // contact data become ciphertext: longer than the plain limits
  if (pg) {
    for (const column of ["name", "postal_address", "email", "phone"]) {
      await db.schema.alterTable("contact_details").alterColumn(column, (c) => c.setDataType("text")).execute();
    }
  }
  await db.schema.alterTable("contact_details").addColumn("delete_after", "varchar(32)").execute();

  for (const [column, type] of [
    ["consent_results_notification", "integer"],
    ["erasure_requested_at", "varchar(32)"],
    ["personal_data_deleted_at", "varchar(32)"],
    ["withdrawn_at", "varchar(32)"],
  ] as const) {
    await db.schema.alterTable("submissions").addColumn(column, type).execute();
  }

  await db.schema.alterTable("procedures").addColumn("erasure_hold", "integer", (c) => c.notNull().defaultTo(0)).execute();
  await db.schema
    .alterTable("procedures")
    .addColumn("erasure_hold_reason", "varchar(500)", (c) => c.notNull().defaultTo(""))
    .execute();

  await db.schema
    .createTable("rate_limits")
    .addColumn("key", "varchar(200)", (c) => c.primaryKey())
    .addColumn("window_start", "varchar(32)", (c) => c.notNull())
    .addColumn("count", "integer", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("job_leases")
    .addColumn("name", "varchar(60)", (c) => c.primaryKey())
    .addColumn("locked_until", "varchar(32)", (c) => c.notNull())
    .addColumn("locked_by", "varchar(100)", (c) => c.notNull())
    .addColumn("last_result", "text")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("job_leases").execute();
  await db.schema.dropTable("rate_limits").execute();
  await db.schema.alterTable("procedures").dropColumn("erasure_hold_reason").execute();
  await db.schema.alterTable("procedures").dropColumn("erasure_hold").execute();
  for (const column of ["withdrawn_at", "personal_data_deleted_at", "erasure_requested_at", "consent_results_notification"]) {
    await db.schema.alterTable("submissions").dropColumn(column).execute();
  }
  await db.schema.alterTable("contact_details").dropColumn("delete_after").execute();
  await db.schema.dropTable("privacy_events").execute();
}
