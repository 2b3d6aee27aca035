/**
 * Results at scale. `results_snapshots`: the statistics of a procedure's published results (raw
 * counts per channel and per answer, the number of published submissions), computed once and
 * stored, so the public results page does not count a million rows per request and several app
 * instances show the same numbers. `results_inclusion`: the "included in results / open data"
 * privacy-log entries still to be written after a publication, worked off in batches by a job
 * (`logged_through` is the last submission id done, so a resumed job carries on). Frozen once
 * shipped; imports nothing from the app.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("results_snapshots")
    .addColumn("procedure_id", "integer", (c) => c.primaryKey().references("procedures.id"))
    // what the counts were made from: the highest submission id and the number withdrawn then;
    // when either differs from the database's, the snapshot is made again
    .addColumn("basis_max_id", "integer", (c) => c.notNull())
    .addColumn("basis_withdrawn", "integer", (c) => c.notNull())
    .addColumn("published_count", "integer", (c) => c.notNull())
    // {"channels":{"online":n,…},"answers":{"<question id>":{"<value>":n,…}}}, raw (suppressed when shown)
    .addColumn("counts_json", "text", (c) => c.notNull())
    .addColumn("computed_at", "varchar(32)", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("results_inclusion")
    .addColumn("procedure_id", "integer", (c) => c.primaryKey().references("procedures.id"))
    .addColumn("organisation_id", "integer", (c) => c.notNull().references("organisations.id"))
    .addColumn("moderator_id", "integer")
    .addColumn("requested_at", "varchar(32)", (c) => c.notNull())
    .addColumn("logged_through", "integer", (c) => c.notNull().defaultTo(0))
    // null while entries are still to be written
    .addColumn("done_at", "varchar(32)")
    .execute();
  await db.schema.createIndex("results_inclusion_open_idx").on("results_inclusion").column("done_at").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("results_inclusion_open_idx").execute();
  await db.schema.dropTable("results_inclusion").execute();
  await db.schema.dropTable("results_snapshots").execute();
}
