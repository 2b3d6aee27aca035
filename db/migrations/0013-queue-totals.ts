/**
 * `submission_totals`: how many submissions each procedure has in each state and response state,
 * for the moderation overview (counted per request it read every submission of the organisation:
 * 5 s at 1 000 000). Kept by triggers on `submissions`, not by the app's code, so that no write
 * path (a new submission on any channel, moderation, a response, a withdrawal, an erasure) can
 * forget it; filled from the rows that exist. On PostgreSQL the triggers are constraint triggers
 * deferred to commit: the counter row is the last lock a transaction takes and is held only for
 * the commit, so concurrent submissions to one procedure do not wait on each other's work.
 * Frozen once shipped; imports nothing from the app; runs on SQLite and PostgreSQL.
 */
import { Kysely, PostgresAdapter, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable("submission_totals")
    .addColumn("procedure_id", "integer", (c) => c.notNull())
    .addColumn("state", "varchar(24)", (c) => c.notNull())
    .addColumn("response_state", "varchar(24)", (c) => c.notNull())
    .addColumn("n", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("submission_totals_pk", ["procedure_id", "state", "response_state"])
    .execute();
  await sql`insert into submission_totals (procedure_id, state, response_state, n)
    select procedure_id, state, response_state, count(*) from submissions group by procedure_id, state, response_state`.execute(db);

  const add = (row: string, delta: number) =>
    `insert into submission_totals (procedure_id, state, response_state, n) values (${row}.procedure_id, ${row}.state, ${row}.response_state, ${delta})
       on conflict (procedure_id, state, response_state) do update set n = submission_totals.n + ${delta};`;
  const changed = "old.procedure_id <> new.procedure_id or old.state <> new.state or old.response_state <> new.response_state";

  if (pg) {
    await sql
      .raw(
        `create function submission_totals_count() returns trigger language plpgsql as $$
begin
  if tg_op in ('UPDATE', 'DELETE') then
    ${add("old", -1)}
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    ${add("new", 1)}
  end if;
  return null;
end $$`,
      )
      .execute(db);
    const trigger = (name: string, events: string, when = "") =>
      sql
        .raw(
          `create constraint trigger ${name} after ${events} on submissions deferrable initially deferred for each row ${when} execute function submission_totals_count()`,
        )
        .execute(db);
    await trigger("submission_totals_insert_delete", "insert or delete");
    await trigger("submission_totals_update", "update", `when (${changed})`);
    return;
  }

  await sql.raw(`create trigger submission_totals_insert after insert on submissions begin ${add("new", 1)} end`).execute(db);
  await sql.raw(`create trigger submission_totals_delete after delete on submissions begin ${add("old", -1)} end`).execute(db);
  await sql
    .raw(
      `create trigger submission_totals_update after update of procedure_id, state, response_state on submissions when ${changed} begin ${add("old", -1)} ${add(
        "new",
        1,
      )} end`,
    )
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  if (pg) {
    await sql`drop trigger submission_totals_update on submissions`.execute(db);
    await sql`drop trigger submission_totals_insert_delete on submissions`.execute(db);
    await sql`drop function submission_totals_count()`.execute(db);
  } else {
    for (const name of ["submission_totals_insert", "submission_totals_delete", "submission_totals_update"]) await sql.raw(`drop trigger ${name}`).execute(db);
  }
  await db.schema.dropTable("submission_totals").execute();
}
