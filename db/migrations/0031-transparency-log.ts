/**
 * The transparency log over privacy-log events (issue 22, decision 56).
 *
 * `tlog_leaves`: one row per privacy-log event, written in the event's transaction: the leaf entry
 * (a commitment: SHA-256 over a random salt and the event, hex) and the salt. `leaf_index` is given
 * later, in order, by the one integrator that holds `tlog_state`'s row; the salt is erased with the
 * personal data it could confirm, the entry never changes. No foreign key to the event: the leaf
 * outlives an erased event.
 * `tlog_tiles`: the tree's hashes in C2SP tlog-tiles layout (height 8): tile (level, idx) holds up to
 * 256 hashes of level-`level*8` nodes, concatenated; a partial tile is rewritten as it grows.
 * `tlog_checkpoints`: every signed checkpoint, kept. `tlog_state`: one row, the integrated size and root.
 * Events written before this migration get their leaves here, in id order (the commitment as in
 * app/modules/transparency-log/commitment.ts, written out again: migrations import no app code).
 * Frozen once shipped; imports nothing from the app; runs on SQLite and PostgreSQL.
 */
import { createHash, randomBytes } from "node:crypto";
import { Kysely, PostgresAdapter } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const idColumn = (c: any) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement());

  await db.schema
    .createTable("tlog_leaves")
    .addColumn("id", "integer", idColumn)
    .addColumn("privacy_event_id", "integer")
    .addColumn("entry", "varchar(64)", (c) => c.notNull())
    .addColumn("salt", "varchar(64)")
    .addColumn("leaf_index", "integer", (c) => c.unique())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("tlog_leaves_event").on("tlog_leaves").column("privacy_event_id").execute();

  await db.schema
    .createTable("tlog_tiles")
    .addColumn("level", "integer", (c) => c.notNull())
    .addColumn("idx", "integer", (c) => c.notNull())
    .addColumn("hashes", pg ? "bytea" : "blob", (c) => c.notNull())
    .addPrimaryKeyConstraint("tlog_tiles_pk", ["level", "idx"])
    .execute();

  await db.schema
    .createTable("tlog_checkpoints")
    .addColumn("tree_size", "integer", (c) => c.primaryKey())
    .addColumn("root_hash", "varchar(64)", (c) => c.notNull())
    .addColumn("key_name", "varchar(200)", (c) => c.notNull())
    .addColumn("note", "text", (c) => c.notNull())
    .addColumn("signed_at", "varchar(32)", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("tlog_state")
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("tree_size", "integer", (c) => c.notNull())
    .addColumn("root_hash", "varchar(64)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db
    .insertInto("tlog_state")
    .values({ id: 1, tree_size: 0, root_hash: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", updated_at: new Date(0).toISOString() })
    .execute();

  const createdAt = new Date().toISOString();
  for (let after = 0; ; ) {
    const events = await db.selectFrom("privacy_events").selectAll().where("id", ">", after).orderBy("id").limit(500).execute();
    if (events.length === 0) break;
    await db
      .insertInto("tlog_leaves")
      .values(
        events.map((e: any) => {
          const salt = randomBytes(32);
          const canonical = JSON.stringify([e.seq, e.occurred_at, e.type, e.actor_role, e.data_categories, e.purpose, e.legal_basis, e.details_json, e.hash]);
          const entry = createHash("sha256").update("teilhabe/privacy-event/v1\n").update(salt).update(canonical).digest("hex");
          return { privacy_event_id: e.id, entry, salt: salt.toString("hex"), created_at: createdAt };
        }),
      )
      .execute();
    after = events[events.length - 1].id;
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["tlog_state", "tlog_checkpoints", "tlog_tiles", "tlog_leaves"]) await db.schema.dropTable(table).execute();
}
