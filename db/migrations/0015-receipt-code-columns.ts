/**
 * Issue 13: receipt codes are stored keyed (`h1:` + 64 hex characters, 67 in all) and the code a
 * confirmation page shows is sealed in its draft (about 110 characters). PostgreSQL enforces the
 * old lengths (64 and 20); SQLite does not, so there is nothing to do there. Widening a varchar
 * rewrites neither the table nor the unique index on PostgreSQL.
 * Frozen once shipped; imports nothing from the app; runs on SQLite and PostgreSQL.
 */
import { Kysely, PostgresAdapter, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`alter table submissions alter column receipt_code_hash type varchar(100)`.execute(db);
  await sql`alter table submission_drafts alter column receipt_code type text`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`alter table submission_drafts alter column receipt_code type varchar(20)`.execute(db);
  await sql`alter table submissions alter column receipt_code_hash type varchar(64)`.execute(db);
}
