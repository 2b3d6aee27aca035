/**
 * Frozen in time: never edit after it has shipped; add a new migration instead.
 * Imports nothing from the app. Runs on SQLite and PostgreSQL.
 */
import { Kysely, PostgresAdapter, sql } from "kysely";

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  // an auto-numbered primary key in each engine's own way
  const id = (table: ReturnType<Kysely<any>["schema"]["createTable"]>) =>
    pg
      ? table.addColumn("id", "integer", (c) => c.primaryKey().generatedByDefaultAsIdentity())
      : table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());

  await id(db.schema.createTable("organisations"))
    .addColumn("slug", "varchar(64)", (c) => c.notNull().unique())
    .addColumn("name", "varchar(200)", (c) => c.notNull())
    .addColumn("postal_address", "varchar(500)", (c) => c.notNull().defaultTo(""))
    .addColumn("controller_name", "varchar(200)", (c) => c.notNull().defaultTo(""))
    .addColumn("controller_contact", "varchar(500)", (c) => c.notNull().defaultTo(""))
    .addColumn("dpo_name", "varchar(200)", (c) => c.notNull().defaultTo(""))
    .addColumn("dpo_contact", "varchar(500)", (c) => c.notNull().defaultTo(""))
    .addColumn("accessibility_contact", "varchar(500)", (c) => c.notNull().defaultTo(""))
    .addColumn("supervisory_authority", "varchar(500)", (c) => c.notNull().defaultTo(""))
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .execute();

  await id(db.schema.createTable("procedures"))
    .addColumn("organisation_id", "integer", (c) => c.notNull().references("organisations.id"))
    .addColumn("slug", "varchar(100)", (c) => c.notNull())
    .addColumn("title", "varchar(300)", (c) => c.notNull())
    .addColumn("summary", "varchar(1000)", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("kind", "varchar(40)", (c) => c.notNull())
    .addColumn("legal_basis", "varchar(500)", (c) => c.notNull())
    .addColumn("responsible_office", "varchar(300)", (c) => c.notNull())
    .addColumn("opens_at", "varchar(32)", (c) => c.notNull())
    .addColumn("closes_at", "varchar(32)", (c) => c.notNull())
    .addColumn("status", "varchar(24)", (c) => c.notNull())
    .addColumn("retention_months", "integer", (c) => c.notNull())
    .addColumn("publication_policy", "varchar(1000)", (c) => c.notNull().defaultTo(""))
    .addColumn("notice_version", "varchar(40)", (c) => c.notNull())
    .addColumn("contact_name", "varchar(10)", (c) => c.notNull().defaultTo("off"))
    .addColumn("contact_name_purpose", "varchar(500)", (c) => c.notNull().defaultTo(""))
    .addColumn("contact_address", "varchar(10)", (c) => c.notNull().defaultTo("off"))
    .addColumn("contact_address_purpose", "varchar(500)", (c) => c.notNull().defaultTo(""))
    .addColumn("contact_email", "varchar(10)", (c) => c.notNull().defaultTo("off"))
    .addColumn("contact_email_purpose", "varchar(500)", (c) => c.notNull().defaultTo(""))
    .addColumn("contact_phone", "varchar(10)", (c) => c.notNull().defaultTo("off"))
    .addColumn("contact_phone_purpose", "varchar(500)", (c) => c.notNull().defaultTo(""))
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .addUniqueConstraint("procedures_org_slug_unique", ["organisation_id", "slug"])
    .execute();

  await id(db.schema.createTable("questions"))
    .addColumn("procedure_id", "integer", (c) => c.notNull().references("procedures.id").onDelete("cascade"))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("kind", "varchar(20)", (c) => c.notNull())
    .addColumn("label", "varchar(500)", (c) => c.notNull())
    .addColumn("hint", "varchar(1000)", (c) => c.notNull().defaultTo(""))
    .addColumn("required", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("max_length", "integer")
    .addColumn("options_json", "text", (c) => c.notNull().defaultTo("[]"))
    .execute();
  await db.schema.createIndex("questions_procedure_idx").on("questions").columns(["procedure_id", "position"]).execute();

  await id(db.schema.createTable("submissions"))
    .addColumn("organisation_id", "integer", (c) => c.notNull().references("organisations.id"))
    .addColumn("procedure_id", "integer", (c) => c.notNull().references("procedures.id"))
    .addColumn("receipt_code_hash", "varchar(64)", (c) => c.notNull().unique())
    .addColumn("channel", "varchar(10)", (c) => c.notNull())
    .addColumn("entered_by_account_id", "integer")
    .addColumn("source_reference", "varchar(100)")
    .addColumn("received_on", "varchar(32)")
    .addColumn("notice_version", "varchar(40)", (c) => c.notNull())
    .addColumn("language", "varchar(10)", (c) => c.notNull())
    .addColumn("state", "varchar(24)", (c) => c.notNull())
    .addColumn("response_state", "varchar(24)", (c) => c.notNull())
    .addColumn("idempotency_key", "varchar(64)", (c) => c.notNull().unique())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("submissions_procedure_idx").on("submissions").columns(["procedure_id", "created_at"]).execute();

  await id(db.schema.createTable("answers"))
    .addColumn("submission_id", "integer", (c) => c.notNull().references("submissions.id").onDelete("cascade"))
    .addColumn("question_id", "integer", (c) => c.notNull().references("questions.id"))
    .addColumn("value", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("answers_submission_idx").on("answers").column("submission_id").execute();
  await db.schema.createIndex("answers_question_idx").on("answers").column("question_id").execute();

  await db.schema
    .createTable("contact_details")
    .addColumn("submission_id", "integer", (c) => c.primaryKey().references("submissions.id").onDelete("cascade"))
    .addColumn("name", "varchar(200)")
    .addColumn("postal_address", "varchar(500)")
    .addColumn("email", "varchar(254)")
    .addColumn("phone", "varchar(40)")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("submission_drafts")
    .addColumn("id", "varchar(64)", (c) => c.primaryKey())
    .addColumn("procedure_id", "integer", (c) => c.notNull().references("procedures.id").onDelete("cascade"))
    .addColumn("payload_json", "text")
    .addColumn("language", "varchar(10)", (c) => c.notNull())
    .addColumn("submission_id", "integer", (c) => c.references("submissions.id").onDelete("set null"))
    .addColumn("receipt_code", "varchar(20)")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .addColumn("expires_at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("submission_drafts_expires_idx").on("submission_drafts").column("expires_at").execute();
  void sql;
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["submission_drafts", "contact_details", "answers", "submissions", "questions", "procedures", "organisations"]) {
    await db.schema.dropTable(table).execute();
  }
}
