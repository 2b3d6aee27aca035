/**
 * A procedure's plan and the place a statement is about (issue 18).
 *
 * `procedure_plans`: at most one plan per procedure — an image taken from one of the procedure's
 * documents, normalised once (its own blob, decision 42), with its alternative text, a labelled grid
 * (columns A…, rows 1…) and an optional north-up georeference (the WGS 84 coordinates of its
 * north-west and south-east corners in millionths of a degree: integers on both engines).
 *
 * `submission_places`: where a statement is about, any of words, a grid cell and a point on the
 * plan (x and y in ten-thousandths of the plan's width and height, 0…10000), stored with the
 * submission in the same transaction. Written by every channel.
 * Frozen once shipped; imports nothing from the app; runs on SQLite and PostgreSQL.
 */
import { Kysely, PostgresAdapter, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;

  await db.schema
    .createTable("procedure_plans")
    .addColumn("procedure_id", "integer", (c) => c.primaryKey().references("procedures.id"))
    .addColumn("organisation_id", "integer", (c) => c.notNull().references("organisations.id"))
    .addColumn("document_id", "integer", (c) => c.references("documents.id").onDelete("set null"))
    .addColumn("blob_id", "integer", (c) => c.notNull().unique().references("file_blobs.id"))
    .addColumn("width", "integer", (c) => c.notNull())
    .addColumn("height", "integer", (c) => c.notNull())
    .addColumn("alt_text", "varchar(1000)", (c) => c.notNull())
    .addColumn("grid_columns", "integer", (c) => c.notNull())
    .addColumn("grid_rows", "integer", (c) => c.notNull())
    .addColumn("north_udeg", "integer")
    .addColumn("west_udeg", "integer")
    .addColumn("south_udeg", "integer")
    .addColumn("east_udeg", "integer")
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("submission_places")
    .addColumn("submission_id", "integer", (c) => c.primaryKey().references("submissions.id").onDelete("cascade"))
    .addColumn("procedure_id", "integer", (c) => c.notNull().references("procedures.id"))
    .addColumn("description", "varchar(1200)")
    .addColumn("grid_cell", "varchar(4)")
    .addColumn("x", "integer")
    .addColumn("y", "integer")
    .execute();
  await db.schema.createIndex("submission_places_procedure").on("submission_places").columns(["procedure_id", "submission_id"]).execute();

  // the organisation's content version (migration 0011) goes up with every change of a plan
  if (pg) {
    await sql
      .raw(
        `create function content_versions_touch_plans() returns trigger language plpgsql as $$
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
        "create constraint trigger content_versions_plans after insert or update or delete on procedure_plans deferrable initially deferred for each row execute function content_versions_touch_plans()",
      )
      .execute(db);
    return;
  }
  const bump = (r: string) => `update content_versions set version = version + 1 where organisation_id = ${r}.organisation_id;`;
  for (const [event, row] of [["insert", "new"], ["update", "new"], ["delete", "old"]] as const) {
    await sql.raw(`create trigger content_versions_plans_${event} after ${event} on procedure_plans begin ${bump(row)} end`).execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema.dropTable("submission_places").execute();
  await db.schema.dropTable("procedure_plans").execute();
  if (pg) await sql.raw("drop function content_versions_touch_plans()").execute(db);
}
