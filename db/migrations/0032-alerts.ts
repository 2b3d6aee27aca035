/**
 * E-mail alerts without an account (issue 21): the alert (address encrypted, topics, double
 * opt-in), its own hash-chained privacy log, the notices residents are told about (a procedure
 * opened, results published) and one delivery row per alert and mail, so a large send is paced,
 * resumable and never repeats a recipient. Frozen once shipped; imports nothing from the app.
 */
import { Kysely, PostgresAdapter } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const idColumn = (c: any) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement());

  await db.schema
    .createTable("alerts")
    .addColumn("id", "integer", idColumn)
    .addColumn("organisation_id", "integer", (c) => c.notNull().references("organisations.id"))
    // SHA-256 of the secret in the alert's links (256 random bits: a plain hash cannot be searched)
    .addColumn("token_digest", "varchar(64)", (c) => c.notNull().unique())
    // the link secret itself, sealed (AES-256-GCM): later mails carry the links again
    .addColumn("token_sealed", "text", (c) => c.notNull())
    // AES-256-GCM ciphertext bound to the token digest; null once erased
    .addColumn("email", "text")
    // HMAC of the normalised address: limits per address without decrypting; null once erased
    .addColumn("email_digest", "varchar(80)")
    .addColumn("language", "varchar(8)", (c) => c.notNull())
    // topics: every new procedure, and/or the results of one procedure
    .addColumn("new_procedures", "integer", (c) => c.notNull())
    .addColumn("procedure_id", "integer", (c) => c.references("procedures.id"))
    // 'online' | 'desk'
    .addColumn("channel", "varchar(12)", (c) => c.notNull())
    // 'pending' | 'confirmed' | 'unsubscribed' | 'expired' | 'erased' | 'deleted'
    .addColumn("state", "varchar(16)", (c) => c.notNull())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("confirmed_at", "varchar(32)")
    .addColumn("delete_after", "varchar(32)")
    .addColumn("reminder_sent_at", "varchar(32)")
    .addColumn("ended_at", "varchar(32)")
    .execute();
  await db.schema.createIndex("alerts_state_idx").on("alerts").columns(["organisation_id", "state", "id"]).execute();
  await db.schema.createIndex("alerts_email_digest_idx").on("alerts").columns(["email_digest"]).execute();

  await db.schema
    .createTable("alert_events")
    .addColumn("id", "integer", idColumn)
    .addColumn("organisation_id", "integer", (c) => c.notNull().references("organisations.id"))
    // no cascade: the log outlives the address it describes
    .addColumn("alert_id", "integer", (c) => c.notNull().references("alerts.id"))
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
    .addUniqueConstraint("alert_events_alert_seq_unique", ["alert_id", "seq"])
    .execute();

  await db.schema
    .createTable("alert_notices")
    .addColumn("id", "integer", idColumn)
    .addColumn("organisation_id", "integer", (c) => c.notNull().references("organisations.id"))
    .addColumn("procedure_id", "integer", (c) => c.notNull().references("procedures.id"))
    // 'procedure_opened' | 'results_published'
    .addColumn("kind", "varchar(24)", (c) => c.notNull())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    // fan-out cursor: deliveries exist for every matching alert with id <= queued_through
    .addColumn("queued_through", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("queued_at", "varchar(32)")
    .addUniqueConstraint("alert_notices_procedure_kind_unique", ["procedure_id", "kind"])
    .execute();

  await db.schema
    .createTable("alert_deliveries")
    .addColumn("id", "integer", idColumn)
    .addColumn("organisation_id", "integer", (c) => c.notNull().references("organisations.id"))
    .addColumn("alert_id", "integer", (c) => c.notNull().references("alerts.id"))
    // null for the alert's own mails (confirmation, still interested?)
    .addColumn("notice_id", "integer", (c) => c.references("alert_notices.id"))
    // 'confirmation' | 'reminder' | 'procedure_opened' | 'results_published'
    .addColumn("kind", "varchar(24)", (c) => c.notNull())
    // 'pending' | 'sent' | 'failed' | 'cancelled'
    .addColumn("state", "varchar(12)", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_error", "text")
    .addColumn("next_attempt_at", "varchar(32)")
    .addColumn("sent_at", "varchar(32)")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    // one mail per alert and notice, however often the fan-out runs
    .addUniqueConstraint("alert_deliveries_alert_notice_unique", ["alert_id", "notice_id"])
    .execute();
  await db.schema.createIndex("alert_deliveries_due_idx").on("alert_deliveries").columns(["state", "next_attempt_at", "id"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("alert_deliveries").execute();
  await db.schema.dropTable("alert_notices").execute();
  await db.schema.dropTable("alert_events").execute();
  await db.schema.dropTable("alerts").execute();
}
