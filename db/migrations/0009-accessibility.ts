/**
 * The accessibility statement (BITV 2.0 / § 12b BGG and state law) of each organisation, and the
 * barrier reports residents send through the feedback form. A report's contact data (e-mail,
 * phone) are optional, AES-256-GCM ciphertext, used only to answer, and erased once the report has
 * been closed for the retention period. Frozen once shipped; imports nothing from the app; runs on
 * SQLite and PostgreSQL (text ISO timestamps, 0/1 booleans).
 */
import { Kysely, PostgresAdapter } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const idColumn = (c: any) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement());

  await db.schema
    .createTable("accessibility_statements")
    .addColumn("organisation_id", "integer", (c) => c.primaryKey().references("organisations.id"))
    // 'full' | 'partial' | 'none'
    .addColumn("conformance", "varchar(12)", (c) => c.notNull())
    // 'self_assessment' | 'external_test'
    .addColumn("method", "varchar(20)", (c) => c.notNull())
    // calendar days YYYY-MM-DD
    .addColumn("prepared_on", "varchar(10)", (c) => c.notNull())
    .addColumn("reviewed_on", "varchar(10)", (c) => c.notNull())
    // JSON array of keys of the product's known limitations that apply (translated in every language)
    .addColumn("standard_limitations", "text", (c) => c.notNull().defaultTo("[]"))
    // JSON array of { part, reason, alternative }: the organisation's own, in German
    .addColumn("custom_limitations", "text", (c) => c.notNull().defaultTo("[]"))
    // the conciliation body (Schlichtungsstelle) and, where state law applies, the state's body
    .addColumn("federal_body", "varchar(1000)", (c) => c.notNull())
    .addColumn("state_body", "varchar(1000)", (c) => c.notNull().defaultTo(""))
    .addColumn("updated_by", "integer", (c) => c.references("accounts.id"))
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("barrier_reports")
    .addColumn("id", "integer", idColumn)
    .addColumn("organisation_id", "integer", (c) => c.notNull().references("organisations.id"))
    // the number the resident quotes, e.g. BF-K7M4-2QXP
    .addColumn("reference", "varchar(16)", (c) => c.notNull().unique())
    // one report per form: a double click or a resent form finds the first one
    .addColumn("idempotency_key", "varchar(64)", (c) => c.notNull().unique())
    .addColumn("page", "varchar(500)", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull())
    // ciphertext or null; null again once erased
    .addColumn("contact_email", "text")
    .addColumn("contact_phone", "text")
    .addColumn("language", "varchar(16)", (c) => c.notNull())
    .addColumn("received_at", "varchar(32)", (c) => c.notNull())
    // received_at + one month: the answer is due then
    .addColumn("due_at", "varchar(32)", (c) => c.notNull())
    // 'open' | 'answered' | 'closed'
    .addColumn("status", "varchar(12)", (c) => c.notNull())
    .addColumn("answer_text", "text")
    .addColumn("answered_at", "varchar(32)")
    .addColumn("answered_by", "integer", (c) => c.references("accounts.id"))
    .addColumn("closed_at", "varchar(32)")
    .addColumn("closed_by", "integer", (c) => c.references("accounts.id"))
    // closed_at + retention: the contact data are erased then
    .addColumn("contact_delete_after", "varchar(32)")
    .addColumn("contact_deleted_at", "varchar(32)")
    // the answer by e-mail: 'none' | 'pending' | 'sent' | 'failed' | 'cancelled'
    .addColumn("mail_state", "varchar(12)", (c) => c.notNull().defaultTo("none"))
    .addColumn("mail_attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("mail_next_attempt_at", "varchar(32)")
    .addColumn("mail_sent_at", "varchar(32)")
    .execute();
  // the admins' list: open ones by due date
  await db.schema.createIndex("barrier_reports_list_idx").on("barrier_reports").columns(["organisation_id", "status", "due_at"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("barrier_reports_list_idx").execute();
  await db.schema.dropTable("barrier_reports").execute();
  await db.schema.dropTable("accessibility_statements").execute();
}
