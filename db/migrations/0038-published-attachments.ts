/**
 * Publishing a resident's photo with the results is a moderator's deliberate choice per image (issue
 * 20, decision 55): `public_token` is the random name it is served under on the separate, cookie-less
 * path (null while not published; a new one each time it is published again), `alt_text` the
 * moderator's description of it for readers who cannot see it, with who chose it and when.
 * Frozen once shipped; imports nothing from the app; runs on SQLite and PostgreSQL.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  // SQLite adds no UNIQUE column: the index makes it unique
  await db.schema.alterTable("attachments").addColumn("public_token", "varchar(32)").execute();
  await db.schema.createIndex("attachments_public_token").unique().on("attachments").column("public_token").execute();
  await db.schema.alterTable("attachments").addColumn("alt_text", "text").execute();
  await db.schema.alterTable("attachments").addColumn("published_at", "varchar(32)").execute();
  await db.schema.alterTable("attachments").addColumn("published_by", "integer", (c) => c.references("accounts.id")).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("attachments_public_token").execute();
  for (const column of ["published_by", "published_at", "alt_text", "public_token"]) await db.schema.alterTable("attachments").dropColumn(column).execute();
}
