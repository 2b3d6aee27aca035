/**
 * Inclusion and consistency proofs read every subtree hash instead of recomputing it (issue 22,
 * decision 66): `tlog_tiles.nodes` holds each tile's interior nodes, heights 1–8 above its entries,
 * height by height (128, 64, … 1 slots of 32 bytes), zero where a partial tile has no complete
 * node yet. Existing tiles are filled here, a few hundred at a time (RFC 9162 node hash written out
 * again: migrations import no app code). Frozen once shipped; runs on SQLite and PostgreSQL.
 */
import { createHash } from "node:crypto";
import { Kysely, PostgresAdapter } from "kysely";

const WIDTH = 256;
const HEIGHT = 8;
const SIZE = 32;
const slot = (height: number, j: number) => WIDTH - ((2 * WIDTH) >> height) + j;

function nodesOf(hashes: Uint8Array): Buffer {
  const nodes = Buffer.alloc((WIDTH - 1) * SIZE);
  const at = (height: number, j: number) => (height === 0 ? hashes.subarray(j * SIZE, (j + 1) * SIZE) : nodes.subarray(slot(height, j) * SIZE, (slot(height, j) + 1) * SIZE));
  let count = Math.floor(hashes.length / SIZE);
  for (let height = 1; height <= HEIGHT; height++) {
    count >>= 1;
    for (let j = 0; j < count; j++) {
      createHash("sha256").update(Buffer.from([1])).update(at(height - 1, 2 * j)).update(at(height - 1, 2 * j + 1)).digest().copy(nodes, slot(height, j) * SIZE);
    }
  }
  return nodes;
}

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema.alterTable("tlog_tiles").addColumn("nodes", pg ? "bytea" : "blob").execute();
  let after = { level: -1, idx: -1 };
  for (;;) {
    const rows: { level: number; idx: number; hashes: Uint8Array }[] = await db
      .selectFrom("tlog_tiles")
      .select(["level", "idx", "hashes"])
      .where((eb: any) => eb.or([eb("level", ">", after.level), eb.and([eb("level", "=", after.level), eb("idx", ">", after.idx)])]))
      .orderBy("level")
      .orderBy("idx")
      .limit(500)
      .execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      await db.updateTable("tlog_tiles").set({ nodes: nodesOf(row.hashes) }).where("level", "=", row.level).where("idx", "=", row.idx).execute();
    }
    const last = rows[rows.length - 1];
    after = { level: Number(last.level), idx: Number(last.idx) };
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("tlog_tiles").dropColumn("nodes").execute();
}
