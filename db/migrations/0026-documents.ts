/**
 * Files in the database (decision 42) and the documents of a procedure (issue 17).
 *
 * `file_blobs` / `file_chunks`: a file's bytes in rows of at most 256 KiB (`blob` on SQLite, `bytea`
 * on PostgreSQL), so one SQLite process and several instances on one PostgreSQL see the same files
 * and a backup of the database includes them. A blob is written in several short transactions and
 * only `claimed` (set in the transaction that makes it reachable, e.g. the document row's) counts;
 * an unclaimed blob older than an hour is a leftover of an upload that failed and is swept by a job.
 *
 * `documents`: what residents see of a procedure's draft (title, description, the plain-text summary
 * BITV asks for, the file). Writes raise the organisation's content version (decision 21), so cached
 * procedure pages show a new, replaced or withdrawn document at once.
 * Frozen once shipped; imports nothing from the app; runs on SQLite and PostgreSQL.
 */
import { Kysely, PostgresAdapter, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const idColumn = (c: any) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement());

  await db.schema
    .createTable("file_blobs")
    .addColumn("id", "integer", idColumn)
    .addColumn("byte_size", "integer", (c) => c.notNull())
    .addColumn("chunk_bytes", "integer", (c) => c.notNull())
    // hex SHA-256 of the whole file: the download's strong ETag, checked by the backup
    .addColumn("sha256", "varchar(64)", (c) => c.notNull())
    .addColumn("claimed", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("file_blobs_unclaimed").on("file_blobs").columns(["claimed", "created_at"]).execute();

  await db.schema
    .createTable("file_chunks")
    .addColumn("blob_id", "integer", (c) => c.notNull().references("file_blobs.id").onDelete("cascade"))
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("data", pg ? "bytea" : "blob", (c) => c.notNull())
    .addPrimaryKeyConstraint("file_chunks_pk", ["blob_id", "seq"])
    .execute();

  await db.schema
    .createTable("documents")
    .addColumn("id", "integer", idColumn)
    .addColumn("organisation_id", "integer", (c) => c.notNull().references("organisations.id"))
    .addColumn("procedure_id", "integer", (c) => c.notNull().references("procedures.id"))
    .addColumn("blob_id", "integer", (c) => c.notNull().unique().references("file_blobs.id"))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("title", "varchar(200)", (c) => c.notNull())
    .addColumn("description", "varchar(500)", (c) => c.notNull().defaultTo(""))
    // the accessible alternative in plain text (required)
    .addColumn("summary", "text", (c) => c.notNull())
    // 'pdf' | 'odt' | 'docx' | 'png' | 'jpeg', found from the file's bytes
    .addColumn("kind", "varchar(8)", (c) => c.notNull())
    .addColumn("media_type", "varchar(100)", (c) => c.notNull())
    // the uploaded name, cleaned (no path, no control or direction characters), with the kind's extension
    .addColumn("file_name", "varchar(160)", (c) => c.notNull())
    .addColumn("byte_size", "integer", (c) => c.notNull())
    .addColumn("sha256", "varchar(64)", (c) => c.notNull())
    .addColumn("created_by", "integer", (c) => c.references("accounts.id"))
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("documents_procedure").on("documents").columns(["procedure_id", "position"]).execute();

  // the organisation's content version (migration 0011) goes up with every write to a document
  if (pg) {
    await sql
      .raw(
        `create function content_versions_touch_documents() returns trigger language plpgsql as $$
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
        "create constraint trigger content_versions_documents after insert or update or delete on documents deferrable initially deferred for each row execute function content_versions_touch_documents()",
      )
      .execute(db);
    return;
  }
  const bump = (r: string) => `update content_versions set version = version + 1 where organisation_id = ${r}.organisation_id;`;
  for (const [event, row] of [["insert", "new"], ["update", "new"], ["delete", "old"]] as const) {
    await sql.raw(`create trigger content_versions_documents_${event} after ${event} on documents begin ${bump(row)} end`).execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema.dropTable("documents").execute();
  if (pg) await sql.raw("drop function content_versions_touch_documents()").execute(db);
  await db.schema.dropTable("file_chunks").execute();
  await db.schema.dropTable("file_blobs").execute();
}
