/**
 * Videos with captions (issue 17, decision 49).
 *
 * `documents.captions_blob_id`: a procedure's document may be a video (kind 'mp4' or 'webm'); its
 * WebVTT caption file is a second blob, required for a video (the module refuses one without), null
 * for every other kind.
 *
 * `sign_language_videos`: at most one per organisation — the explanation of the site in German Sign
 * Language that BITV 2.0 § 4 asks for on the home page, with its caption file. Writes raise the
 * organisation's content version (decision 21), so cached home pages show it at once.
 * Frozen once shipped; imports nothing from the app; runs on SQLite and PostgreSQL.
 */
import { Kysely, PostgresAdapter, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema.alterTable("documents").addColumn("captions_blob_id", "integer", (c) => c.references("file_blobs.id")).execute();

  await db.schema
    .createTable("sign_language_videos")
    .addColumn("organisation_id", "integer", (c) => c.primaryKey().references("organisations.id"))
    .addColumn("blob_id", "integer", (c) => c.notNull().unique().references("file_blobs.id"))
    .addColumn("captions_blob_id", "integer", (c) => c.notNull().unique().references("file_blobs.id"))
    // 'mp4' | 'webm', found from the file's bytes
    .addColumn("kind", "varchar(8)", (c) => c.notNull())
    .addColumn("media_type", "varchar(100)", (c) => c.notNull())
    .addColumn("file_name", "varchar(160)", (c) => c.notNull())
    .addColumn("byte_size", "integer", (c) => c.notNull())
    .addColumn("sha256", "varchar(64)", (c) => c.notNull())
    .addColumn("created_by", "integer", (c) => c.references("accounts.id"))
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .execute();

  if (pg) {
    await sql
      .raw(
        `create function content_versions_touch_sign_language_videos() returns trigger language plpgsql as $$
declare
  r record;
begin
  if tg_op = 'DELETE' then r := old; else r := new; end if;
  update content_versions set version = version + 1 where organisation_id = r.organisation_id;
  return null;
end $$`,
      )
      .execute(db);
    await sql
      .raw(
        "create constraint trigger content_versions_sign_language_videos after insert or update or delete on sign_language_videos deferrable initially deferred for each row execute function content_versions_touch_sign_language_videos()",
      )
      .execute(db);
    return;
  }
  const bump = (r: string) => `update content_versions set version = version + 1 where organisation_id = ${r}.organisation_id;`;
  for (const [event, row] of [["insert", "new"], ["update", "new"], ["delete", "old"]] as const) {
    await sql.raw(`create trigger content_versions_sign_language_videos_${event} after ${event} on sign_language_videos begin ${bump(row)} end`).execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema.dropTable("sign_language_videos").execute();
  if (pg) await sql.raw("drop function content_versions_touch_sign_language_videos()").execute(db);
  await db.schema.alterTable("documents").dropColumn("captions_blob_id").execute();
}
