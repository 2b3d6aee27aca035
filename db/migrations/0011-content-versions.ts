/**
 * `content_versions`: one counter per organisation that goes up whenever anything a resident page
 * of that organisation shows changes — the organisation, its procedures, their questions and
 * translations, results snapshots, responses, moderation decisions (a submission's state or
 * response), redactions, the accessibility statement, and new submissions to a procedure whose
 * results are out. The rendered-page cache (app/modules/http/page-cache.server.ts) keys pages by
 * it, so every app instance sees an edit at once, whichever code path made it.
 *
 * Kept by triggers, not by the app's code: no write path can forget it. On PostgreSQL they are
 * constraint triggers deferred to commit, so the counter row is always the last lock a
 * transaction takes (no deadlock with the rows it wrote) and is held only for the commit.
 * Frozen once shipped; imports nothing from the app; runs on SQLite and PostgreSQL.
 */
import { Kysely, PostgresAdapter, sql } from "kysely";

/** table → how to find the organisation of a written row (`r` is the row) */
const SOURCES: Record<string, { sqlite: (r: string) => string; pg: string; events?: string; when?: string }> = {
  procedures: { sqlite: (r) => `${r}.organisation_id`, pg: "org := r.organisation_id;" },
  responses: { sqlite: (r) => `${r}.organisation_id`, pg: "org := r.organisation_id;" },
  accessibility_statements: { sqlite: (r) => `${r}.organisation_id`, pg: "org := r.organisation_id;" },
  questions: {
    sqlite: (r) => `(select organisation_id from procedures where id = ${r}.procedure_id)`,
    pg: "select organisation_id into org from procedures where id = r.procedure_id;",
  },
  procedure_translations: {
    sqlite: (r) => `(select organisation_id from procedures where id = ${r}.procedure_id)`,
    pg: "select organisation_id into org from procedures where id = r.procedure_id;",
  },
  results_snapshots: {
    sqlite: (r) => `(select organisation_id from procedures where id = ${r}.procedure_id)`,
    pg: "select organisation_id into org from procedures where id = r.procedure_id;",
  },
  answer_redactions: {
    sqlite: (r) => `(select s.organisation_id from answers a join submissions s on s.id = a.submission_id where a.id = ${r}.answer_id)`,
    pg: "select s.organisation_id into org from answers a join submissions s on s.id = a.submission_id where a.id = r.answer_id;",
  },
};

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable("content_versions")
    .addColumn("organisation_id", "integer", (c) => c.primaryKey())
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`insert into content_versions (organisation_id, version) select id, 0 from organisations`.execute(db);

  if (pg) {
    await sql
      .raw(
        `create function content_versions_touch() returns trigger language plpgsql as $$
declare
  r record;
  org integer;
begin
  if tg_op = 'DELETE' then r := old; else r := new; end if;
  if tg_table_name = 'organisations' then
    if tg_op = 'INSERT' then
      insert into content_versions (organisation_id, version) values (r.id, 0) on conflict do nothing;
      return null;
    end if;
    org := r.id;
  elsif tg_table_name in ('submissions') then
    org := r.organisation_id;
  elsif tg_table_name = 'answers' then
    select organisation_id into org from submissions where id = r.submission_id;
  ${Object.entries(SOURCES)
    .map(([table, s]) => `elsif tg_table_name = '${table}' then\n    ${s.pg}`)
    .join("\n  ")}
  end if;
  if org is not null then
    update content_versions set version = version + 1 where organisation_id = org;
  end if;
  return null;
end $$`,
      )
      .execute(db);
    const trigger = (name: string, events: string, table: string, when = "") =>
      sql
        .raw(
          `create constraint trigger ${name} after ${events} on ${table} deferrable initially deferred for each row ${when} execute function content_versions_touch()`,
        )
        .execute(db);
    await trigger("content_versions_organisations", "insert or update", "organisations");
    for (const table of Object.keys(SOURCES)) await trigger(`content_versions_${table}`, "insert or update or delete", table);
    await trigger("content_versions_submissions_moderated", "update", "submissions", "when (old.state is distinct from new.state or old.response_id is distinct from new.response_id)");
    await trigger("content_versions_submissions_deleted", "delete", "submissions");
    await trigger("content_versions_answers", "update or delete", "answers");
    // new submissions change a public page only when the procedure's results are out (the counts)
    await sql
      .raw(
        `create function content_versions_touch_late() returns trigger language plpgsql as $$
begin
  if exists (select 1 from procedures where id = new.procedure_id and status = 'results_published') then
    update content_versions set version = version + 1 where organisation_id = new.organisation_id;
  end if;
  return null;
end $$`,
      )
      .execute(db);
    await sql
      .raw(
        "create constraint trigger content_versions_submissions_late after insert on submissions deferrable initially deferred for each row execute function content_versions_touch_late()",
      )
      .execute(db);
    return;
  }

  const bump = (org: string) => `update content_versions set version = version + 1 where organisation_id = ${org};`;
  const trigger = (name: string, event: string, table: string, body: string, when = "") =>
    sql.raw(`create trigger ${name} after ${event} on ${table} ${when ? `when ${when}` : ""} begin ${body} end`).execute(db);
  await trigger("content_versions_organisations_insert", "insert", "organisations", "insert into content_versions (organisation_id, version) values (new.id, 0) on conflict do nothing;");
  await trigger("content_versions_organisations_update", "update", "organisations", bump("new.id"));
  for (const [table, s] of Object.entries(SOURCES)) {
    await trigger(`content_versions_${table}_insert`, "insert", table, bump(s.sqlite("new")));
    await trigger(`content_versions_${table}_update`, "update", table, bump(s.sqlite("new")));
    await trigger(`content_versions_${table}_delete`, "delete", table, bump(s.sqlite("old")));
  }
  await trigger(
    "content_versions_submissions_update",
    "update of state, response_id",
    "submissions",
    bump("new.organisation_id"),
    "old.state is not new.state or old.response_id is not new.response_id",
  );
  await trigger("content_versions_submissions_delete", "delete", "submissions", bump("old.organisation_id"));
  await trigger(
    "content_versions_submissions_insert",
    "insert",
    "submissions",
    bump("new.organisation_id"),
    "(select status from procedures where id = new.procedure_id) = 'results_published'",
  );
  await trigger("content_versions_answers_update", "update", "answers", bump("(select organisation_id from submissions where id = new.submission_id)"));
  await trigger("content_versions_answers_delete", "delete", "answers", bump("(select organisation_id from submissions where id = old.submission_id)"));
}

export async function down(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  if (pg) {
    for (const table of ["organisations", "submissions", "answers", ...Object.keys(SOURCES)]) {
      const { rows } = await sql<{ tgname: string }>`select tgname from pg_trigger where tgname like 'content_versions_%' and tgrelid = ${table}::regclass`.execute(db);
      for (const { tgname } of rows) await sql.raw(`drop trigger ${tgname} on ${table}`).execute(db);
    }
    await sql.raw("drop function content_versions_touch_late()").execute(db);
    await sql.raw("drop function content_versions_touch()").execute(db);
    await db.schema.dropTable("content_versions").execute();
    return;
  }
  const { rows } = await sql<{ name: string }>`select name from sqlite_master where type = 'trigger' and name like 'content_versions_%'`.execute(db);
  for (const { name } of rows) await sql.raw(`drop trigger ${name}`).execute(db);
  await db.schema.dropTable("content_versions").execute();
}
