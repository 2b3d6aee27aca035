/**
 * Attachments (issue 20): photos and PDFs from residents, scans of letters from the desk.
 *
 * `attachment_settings`: per procedure, whether residents may attach files (no row = off), how many
 * and how large each may be. A table of its own so the procedure editor and its copies stay as they are.
 *
 * `attachments`: one stored file. Its bytes are in the file store (migration 0026), encrypted with a
 * key of its own (`key_sealed`, sealed with the contact-data key ring); the name is sealed too. A
 * resident's file first belongs to a form draft (`draft_id`, while the form is filled in) and to its
 * submission once sent (`submission_id`); a desk scan belongs to its submission at once. `token` is
 * the random id used in addresses (never the row id). Images carry a thumbnail blob for moderators.
 * Frozen once shipped; imports nothing from the app; runs on SQLite and PostgreSQL.
 */
import { Kysely, PostgresAdapter } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const idColumn = (c: any) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement());

  await db.schema
    .createTable("attachment_settings")
    .addColumn("procedure_id", "integer", (c) => c.primaryKey().references("procedures.id"))
    .addColumn("max_files", "integer", (c) => c.notNull())
    .addColumn("max_bytes", "integer", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("attachments")
    .addColumn("id", "integer", idColumn)
    .addColumn("token", "varchar(32)", (c) => c.notNull().unique())
    .addColumn("organisation_id", "integer", (c) => c.notNull().references("organisations.id"))
    .addColumn("procedure_id", "integer", (c) => c.notNull().references("procedures.id"))
    // the form draft it was chosen in (no foreign key: drafts are swept on their own)
    .addColumn("draft_id", "varchar(64)")
    .addColumn("submission_id", "integer", (c) => c.references("submissions.id"))
    // 'resident' | 'desk'
    .addColumn("source", "varchar(16)", (c) => c.notNull())
    // 'jpeg' | 'png' | 'pdf': what is stored (images are re-encoded)
    .addColumn("kind", "varchar(8)", (c) => c.notNull())
    .addColumn("media_type", "varchar(100)", (c) => c.notNull())
    .addColumn("name_sealed", "text", (c) => c.notNull())
    .addColumn("key_sealed", "text", (c) => c.notNull())
    .addColumn("byte_size", "integer", (c) => c.notNull())
    // SHA-256 of the stored (decrypted) bytes, shown in the resident's export
    .addColumn("sha256", "varchar(64)", (c) => c.notNull())
    .addColumn("blob_id", "integer", (c) => c.notNull().unique().references("file_blobs.id"))
    .addColumn("thumb_blob_id", "integer", (c) => c.unique().references("file_blobs.id"))
    .addColumn("thumb_key_sealed", "text")
    .addColumn("width", "integer")
    .addColumn("height", "integer")
    // 1 once a moderator chose to publish this image with the results
    .addColumn("published", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_by", "integer", (c) => c.references("accounts.id"))
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("attachments_draft").on("attachments").columns(["draft_id"]).execute();
  await db.schema.createIndex("attachments_submission").on("attachments").columns(["submission_id"]).execute();
  await db.schema.createIndex("attachments_unsent").on("attachments").columns(["submission_id", "created_at"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("attachments").execute();
  await db.schema.dropTable("attachment_settings").execute();
}
