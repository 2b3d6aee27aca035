/**
 * Full-text search over the answers for the moderation queue (issue 14, point 12; decision 44).
 * An index per engine, kept by the database so that no write path (any channel, a redaction keeps
 * the original, an operator's delete) can forget it, and filled from the existing answers here:
 * - SQLite: an FTS5 table with external content (`answers` itself; FTS5 stores only the index),
 *   kept by triggers on insert, delete and update of `value`. unicode61 folds case for all of
 *   Unicode (Ä/ä); diacritics are kept (remove_diacritics 0) so that both engines treat "Brücke"
 *   and "Brucke" as different words, as PostgreSQL's 'simple' configuration does.
 * - PostgreSQL: a GIN expression index on to_tsvector('simple', value) — 'simple' lowercases and
 *   does no stemming, so German words are not mangled by an English dictionary; no extension needed.
 * Frozen once shipped; imports nothing from the app; runs on SQLite and PostgreSQL.
 */
import { Kysely, PostgresAdapter, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`create index answers_value_search_idx on answers using gin (to_tsvector('simple', value))`.execute(db);
    return;
  }
  await sql`create virtual table answers_fts using fts5(value, content='answers', content_rowid='id', tokenize='unicode61 remove_diacritics 0')`.execute(db);
  await sql`create trigger answers_fts_insert after insert on answers begin
    insert into answers_fts (rowid, value) values (new.id, new.value);
  end`.execute(db);
  await sql`create trigger answers_fts_delete after delete on answers begin
    insert into answers_fts (answers_fts, rowid, value) values ('delete', old.id, old.value);
  end`.execute(db);
  await sql`create trigger answers_fts_update after update of value on answers begin
    insert into answers_fts (answers_fts, rowid, value) values ('delete', old.id, old.value);
    insert into answers_fts (rowid, value) values (new.id, new.value);
  end`.execute(db);
  await sql`insert into answers_fts (answers_fts) values ('rebuild')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`drop index answers_value_search_idx`.execute(db);
    return;
  }
  await sql`drop trigger answers_fts_update`.execute(db);
  await sql`drop trigger answers_fts_delete`.execute(db);
  await sql`drop trigger answers_fts_insert`.execute(db);
  await sql`drop table answers_fts`.execute(db);
}
