/**
 * Attachments are deleted with the submission's other personal data (issue 20): `delete_after` is the
 * same date its contact data get (the procedure's close plus its retention months), set when a file
 * becomes a submission's; the retention job deletes the files whose date has passed. Files sent before
 * this migration take their contact data's date where there is one; the others are dated by the job
 * from their procedure. Frozen once shipped; imports nothing from the app; runs on SQLite and PostgreSQL.
 */
import { Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("attachments").addColumn("delete_after", "varchar(32)").execute();
  await sql`update attachments set delete_after = (select c.delete_after from contact_details c where c.submission_id = attachments.submission_id) where submission_id is not null`.execute(db);
  await db.schema.createIndex("attachments_delete_after").on("attachments").columns(["delete_after"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("attachments_delete_after").execute();
  await db.schema.alterTable("attachments").dropColumn("delete_after").execute();
}
