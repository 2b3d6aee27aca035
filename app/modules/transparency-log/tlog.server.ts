/**
 * The transparency log's tree (decision 56): the integrator gives waiting leaves their indexes in
 * order, extends the tiles, and signs a checkpoint — off the request path, on a timer, one at a time
 * across instances (the `tlog_state` row is its lock). Proofs and tiles are read from the stored tiles
 * and their interior nodes (decision 66).
 */
import { sql, type Kysely, type Transaction } from "kysely";
import { engineOf } from "#db/connection.server";
import type { Database } from "#db/schema";
import { runPlain } from "#db/plain-sql.server";
import { EMPTY_ROOT, HASH_SIZE, consistencyProof, inclusionProof, leafHash, rangeHash, type SubtreeReader } from "./merkle";
import { signCheckpoint, type SignerKey } from "./note";
import { TILE_WIDTH, spanOfTile, tileNodes, tileOf, tileRoot } from "./tiles";

type Db = Kysely<Database> | Transaction<Database>;

export interface TreeState {
  size: number;
  root: Buffer;
}

export interface StoredCheckpoint {
  size: number;
  root: Buffer;
  note: string;
  signedAt: string;
  keyName: string;
}

const bytes = (value: Uint8Array | Buffer) => Buffer.from(value.buffer, value.byteOffset, value.byteLength);

/** A stored tile: its entries (as published) and its interior nodes (null for tiles written before migration 0045). */
export interface StoredTile {
  hashes: Buffer;
  nodes: Buffer | null;
}

/**
 * Reads tiles once per reader: a proof touches one tile per level (and a few at the tree's right
 * edge), each one indexed read; every subtree hash it needs is a slice of the tile's stored nodes.
 */
export function tileReader(db: Db, overlay?: Map<string, StoredTile>): { read: SubtreeReader; tile: (level: number, idx: number) => Promise<Buffer | undefined> } {
  const cache = new Map<string, Promise<StoredTile | undefined>>();
  const stored = (level: number, idx: number) => {
    const key = `${level}/${idx}`;
    const fromOverlay = overlay?.get(key);
    if (fromOverlay) return Promise.resolve(fromOverlay);
    let loaded = cache.get(key);
    if (!loaded) {
      loaded = runPlain<{ hashes: Uint8Array; nodes: Uint8Array | null }>(db, "select hashes, nodes from tlog_tiles where level = ? and idx = ?", [level, idx]).then((r) =>
        r.rows[0] ? { hashes: bytes(r.rows[0].hashes), nodes: r.rows[0].nodes ? bytes(r.rows[0].nodes) : null } : undefined,
      );
      cache.set(key, loaded);
    }
    return loaded;
  };
  const read: SubtreeReader = async (height, index) => {
    const where = tileOf(height, index);
    const t = await stored(where.level, where.tile);
    if (!t) throw new Error(`tile ${where.level}/${where.tile} is missing`);
    return spanOfTile(t.hashes, t.nodes, where.first, where.count);
  };
  return { read, tile: async (level, idx) => (await stored(level, idx))?.hashes };
}

export async function readTreeState(db: Db): Promise<TreeState> {
  const row = await db.selectFrom("tlog_state").select(["tree_size", "root_hash"]).where("id", "=", 1).executeTakeFirstOrThrow();
  return { size: Number(row.tree_size), root: Buffer.from(row.root_hash, "hex") };
}

const toCheckpoint = (row: { tree_size: number | string; root_hash: string; note: string; signed_at: string; key_name: string }): StoredCheckpoint => ({
  size: Number(row.tree_size),
  root: Buffer.from(row.root_hash, "hex"),
  note: row.note,
  signedAt: row.signed_at,
  keyName: row.key_name,
});

export async function latestCheckpoint(db: Db): Promise<StoredCheckpoint | null> {
  const row = await db.selectFrom("tlog_checkpoints").selectAll().orderBy("tree_size", "desc").limit(1).executeTakeFirst();
  return row ? toCheckpoint(row) : null;
}

export async function checkpointOfSize(db: Db, size: number): Promise<StoredCheckpoint | null> {
  const row = await db.selectFrom("tlog_checkpoints").selectAll().where("tree_size", "=", size).executeTakeFirst();
  return row ? toCheckpoint(row) : null;
}

/** Every checkpoint, oldest first, `limit` at a time after `afterSize`. */
export async function listCheckpoints(db: Db, afterSize = -1, limit = 1000): Promise<StoredCheckpoint[]> {
  const rows = await db.selectFrom("tlog_checkpoints").selectAll().where("tree_size", ">", afterSize).orderBy("tree_size").limit(limit).execute();
  return rows.map(toCheckpoint);
}

export interface IntegrationResult {
  added: number;
  size: number;
  checkpoint: number | null;
}

/**
 * Gives up to `batch` waiting leaves their indexes, extends the tiles and signs a checkpoint of the
 * new size. One integrator at a time: PostgreSQL locks the state row, SQLite transactions are exclusive.
 */
export async function integrate(db: Kysely<Database>, key: SignerKey, now: Date = new Date(), batch = 20_000): Promise<IntegrationResult> {
  return db.transaction().execute(async (trx) => {
    if (engineOf(trx) === "postgres") await sql`select id from tlog_state where id = 1 for update`.execute(trx);
    const state = await readTreeState(trx);
    const waiting = await runPlain<{ id: number | string; entry: string }>(trx, "select id, entry from tlog_leaves where leaf_index is null order by id limit ?", [batch]);
    const leaves = waiting.rows.map((r) => ({ id: Number(r.id), entry: r.entry }));
    let size = state.size;
    let root = state.root;
    if (leaves.length > 0) {
      await assignIndexes(trx, leaves, state.size);
      const tiles = await extendTiles(trx, state.size, leaves.map((l) => leafHash(Buffer.from(l.entry, "hex"))));
      size = state.size + leaves.length;
      root = await rangeHash(tileReader(trx, tiles).read, 0, size);
      await trx.updateTable("tlog_state").set({ tree_size: size, root_hash: root.toString("hex"), updated_at: now.toISOString() }).where("id", "=", 1).execute();
    }
    const last = await latestCheckpoint(trx);
    if (size === 0 || (last && last.size === size && last.keyName === key.name)) return { added: 0, size, checkpoint: null };
    if (last && last.size === size) {
      // a new key (rotation): the same tree, signed anew
      await trx.deleteFrom("tlog_checkpoints").where("tree_size", "=", size).execute();
    }
    await trx
      .insertInto("tlog_checkpoints")
      .values({ tree_size: size, root_hash: root.toString("hex"), key_name: key.name, note: signCheckpoint(key, size, root), signed_at: now.toISOString() })
      .execute();
    return { added: leaves.length, size, checkpoint: size };
  });
}

async function assignIndexes(trx: Transaction<Database>, leaves: { id: number }[], first: number) {
  for (let start = 0; start < leaves.length; start += 1000) {
    const chunk = leaves.slice(start, start + 1000);
    const values = chunk.map(() => "(cast(? as integer), cast(? as integer))").join(", ");
    await runPlain(
      trx,
      `with v(id, idx) as (values ${values}) update tlog_leaves set leaf_index = v.idx from v where tlog_leaves.id = v.id`,
      chunk.flatMap((leaf, i) => [leaf.id, first + start + i]),
    );
  }
}

/**
 * Appends hashes to the level-0 tiles from position `first`; full tiles carry their root up a level.
 * Each tile written gets its interior nodes computed once here, on the timer (a full tile's root is
 * one of them), so that proofs only read. Returns the tiles written.
 */
export async function extendTiles(trx: Transaction<Database>, first: number, hashes: Buffer[]): Promise<Map<string, StoredTile>> {
  const { tile } = tileReader(trx);
  const written = new Map<string, StoredTile>();
  const current = async (level: number, idx: number) => written.get(`${level}/${idx}`)?.hashes ?? (await tile(level, idx)) ?? Buffer.alloc(0);
  let level = 0;
  let position = first;
  let pending = hashes;
  while (pending.length > 0) {
    const carried: Buffer[] = [];
    const carriedFrom = Math.floor(position / TILE_WIDTH);
    for (let i = 0; i < pending.length; ) {
      const idx = Math.floor((position + i) / TILE_WIDTH);
      const offset = (position + i) % TILE_WIDTH;
      const existing = await current(level, idx);
      if (existing.length !== offset * HASH_SIZE) throw new Error(`tile ${level}/${idx} has ${existing.length / HASH_SIZE} hashes, expected ${offset}`);
      const take = Math.min(TILE_WIDTH - offset, pending.length - i);
      const next = Buffer.concat([existing, ...pending.slice(i, i + take)]);
      const nodes = tileNodes(next);
      written.set(`${level}/${idx}`, { hashes: next, nodes });
      if (next.length === TILE_WIDTH * HASH_SIZE) carried.push(tileRoot(nodes));
      i += take;
    }
    // the tiles filled now are consecutive from the first one touched: the next level's entries from its index
    position = carriedFrom;
    pending = carried;
    level++;
  }
  for (const [key, t] of written) {
    const [l, idx] = key.split("/").map(Number);
    await trx
      .insertInto("tlog_tiles")
      .values({ level: l, idx, hashes: t.hashes, nodes: t.nodes })
      .onConflict((oc) => oc.columns(["level", "idx"]).doUpdateSet({ hashes: t.hashes, nodes: t.nodes }))
      .execute();
  }
  return written;
}

/** The inclusion proof of a leaf in the tree of `size` leaves (a checkpoint's size). */
export async function proveInclusion(db: Db, index: number, size: number): Promise<Buffer[]> {
  return inclusionProof(tileReader(db).read, index, size);
}

export async function proveConsistency(db: Db, from: number, to: number): Promise<Buffer[]> {
  return consistencyProof(tileReader(db).read, from, to);
}

/** One tile's bytes as published: `width` hashes (a partial tile) or all 256, or null when the tree has no such tile. */
export async function readTile(db: Db, level: number, idx: number, width: number = TILE_WIDTH): Promise<Buffer | null> {
  const t = await tileReader(db).tile(level, idx);
  if (!t || t.length < width * HASH_SIZE) return null;
  return t.subarray(0, width * HASH_SIZE);
}

/** An entry bundle (C2SP tlog-tiles): each leaf's entry prefixed by its length as two big-endian bytes. */
export async function readEntryBundle(db: Db, idx: number, width: number = TILE_WIDTH): Promise<Buffer | null> {
  const first = idx * TILE_WIDTH;
  const rows = await db
    .selectFrom("tlog_leaves")
    .select(["leaf_index", "entry"])
    .where("leaf_index", ">=", first)
    .where("leaf_index", "<", first + width)
    .orderBy("leaf_index")
    .execute();
  if (rows.length !== width) return null;
  return Buffer.concat(rows.flatMap((r) => [Buffer.from([0, 32]), Buffer.from(r.entry, "hex")]));
}

export { EMPTY_ROOT };

/** The timer's run: integrate until no leaf waits (a backlog goes in batches), one checkpoint per batch. */
export async function integrateWaiting(db: Kysely<Database>, key: SignerKey, now: Date = new Date(), batch = 20_000): Promise<{ added: number; size: number; checkpoints: number }> {
  let added = 0;
  let checkpoints = 0;
  for (;;) {
    const result = await integrate(db, key, now, batch);
    added += result.added;
    if (result.checkpoint !== null) checkpoints++;
    if (result.added < batch) return { added, size: result.size, checkpoints };
  }
}
