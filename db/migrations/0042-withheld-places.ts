/**
 * A moderator can publish a statement but withhold its place (issue 18): a published point or cell
 * that reveals someone's home is a real case. `withheld_at` / `withheld_by` say when and by whom; a
 * withheld place is left out of the results' cell counts and the GeoJSON (staff still see it).
 * Withholding changes what the results page shows, so it raises the organisation's content version
 * (migration 0011) like every other write a resident page could show.
 * Frozen once shipped; imports nothing from the app; runs on SQLite and PostgreSQL.
 */
import { Kysely, PostgresAdapter, sql } from "kysely";

const BUMP = "update content_versions set version = version + 1 where organisation_id = (select organisation_id from procedures where id = new.procedure_id);";

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema.alterTable("submission_places").addColumn("withheld_at", "varchar(32)").execute();
  await db.schema.alterTable("submission_places").addColumn("withheld_by", "integer", (c) => c.references("accounts.id")).execute();
  if (pg) {
    await sql.raw(`create function content_versions_touch_withheld_places() returns trigger language plpgsql as $$ begin ${BUMP} return null; end $$`).execute(db);
    await sql
      .raw(
        "create constraint trigger content_versions_withheld_places after update of withheld_at on submission_places deferrable initially deferred for each row execute function content_versions_touch_withheld_places()",
      )
      .execute(db);
    return;
  }
  await sql.raw(`create trigger content_versions_withheld_places after update of withheld_at on submission_places begin ${BUMP} end`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  if (pg) {
    await sql.raw("drop trigger content_versions_withheld_places on submission_places").execute(db);
    await sql.raw("drop function content_versions_touch_withheld_places()").execute(db);
  } else await sql.raw("drop trigger content_versions_withheld_places").execute(db);
  for (const column of ["withheld_by", "withheld_at"]) await db.schema.alterTable("submission_places").dropColumn(column).execute();
}
