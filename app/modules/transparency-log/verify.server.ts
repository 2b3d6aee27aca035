/**
 * The operator's check of the whole log (`npm run privacy:verify`): every privacy-log event — a
 * submission's or an alert's — has a leaf; every submission still has its log; every leaf whose salt is kept still commits to its stored event (a rewritten event or a
 * deleted one shows); the indexes run without gaps; the tree rebuilt from the entries has the root of
 * every stored checkpoint and of the state; the tiles served for proofs agree; each checkpoint's
 * signature holds.
 */
import { sql, type Kysely } from "kysely";
import type { Database } from "#db/schema";
import { commitmentOf } from "./commitment";
import { leafHash, nodeHash, rangeHash } from "./merkle";
import { openCheckpoint, type VerifierKey } from "./note";
import { readTreeState, tileReader } from "./tlog.server";
import { TILE_WIDTH } from "./tiles";

export interface TreeCheck {
  ok: boolean;
  leaves: number;
  checkpoints: number;
  problems: string[];
}

type LeafRow = {
  leaf_index: number | null;
  entry: string;
  salt: string | null;
  privacy_event_id: number | null;
  alert_event_id: number | null;
  event_id: number | null;
  /** "submission 12" or "alert 3" */
  subject: string | null;
  seq: number | null;
  occurred_at: string | null;
  type: string | null;
  actor_role: string | null;
  data_categories: string | null;
  purpose: string | null;
  legal_basis: string | null;
  details_json: string | null;
  hash: string | null;
};

function leafProblem(row: LeafRow): string | null {
  const where = row.leaf_index === null ? "a waiting leaf" : `leaf ${row.leaf_index}`;
  if (row.event_id === null) {
    const named = row.alert_event_id !== null ? `alert event ${row.alert_event_id}` : `privacy-log event ${row.privacy_event_id}`;
    return row.salt === null ? null : `${where}: its ${named} was deleted`;
  }
  if (row.salt === null) return null;
  const entry = commitmentOf(
    {
      seq: Number(row.seq),
      occurredAt: row.occurred_at!,
      type: row.type!,
      actorRole: row.actor_role!,
      categories: JSON.parse(row.data_categories!) as string[],
      purpose: row.purpose!,
      legalBasis: row.legal_basis!,
      details: JSON.parse(row.details_json!) as Record<string, unknown>,
      hash: row.hash!,
    },
    row.salt,
  ).toString("hex");
  return entry === row.entry ? null : `${where}: event ${row.seq} of ${row.subject} was changed after it was written`;
}

export async function verifyTransparencyLog(db: Kysely<Database>, key: VerifierKey | null, batchSize = 4096): Promise<TreeCheck> {
  const problems: string[] = [];
  const report = (p: string) => {
    if (problems.length < 50) problems.push(p);
  };

  const missing = await db
    .selectFrom("privacy_events as e")
    .select(["e.id", "e.submission_id", "e.seq"])
    .where((eb) => eb.not(eb.exists(eb.selectFrom("tlog_leaves as l").select("l.id").whereRef("l.privacy_event_id", "=", "e.id"))))
    .orderBy("e.id")
    .limit(50)
    .execute();
  for (const e of missing) report(`event ${e.seq} of submission ${e.submission_id} is not in the transparency log`);
  const missingAlert = await db
    .selectFrom("alert_events as e")
    .select(["e.id", "e.alert_id", "e.seq"])
    .where((eb) => eb.not(eb.exists(eb.selectFrom("tlog_leaves as l").select("l.id").whereRef("l.alert_event_id", "=", "e.id"))))
    .orderBy("e.id")
    .limit(50)
    .execute();
  for (const e of missingAlert) report(`event ${e.seq} of alert ${e.alert_id} is not in the transparency log`);
  // every submission's log starts with its "received" event: a submission without events lost its whole chain
  const withoutLog = await db
    .selectFrom("submissions as s")
    .select("s.id")
    .where((eb) => eb.not(eb.exists(eb.selectFrom("privacy_events as e").select("e.id").whereRef("e.submission_id", "=", "s.id"))))
    .orderBy("s.id")
    .limit(50)
    .execute();
  for (const s of withoutLog) report(`submission ${s.id} has no privacy-log events: its whole log was deleted`);

  // a leaf's event is in one of the two logs: the other join finds nothing
  const leafQuery = () =>
    db
      .selectFrom("tlog_leaves as l")
      .leftJoin("privacy_events as e", "e.id", "l.privacy_event_id")
      .leftJoin("alert_events as a", "a.id", "l.alert_event_id")
      .select((eb) => [
        "l.leaf_index",
        "l.entry",
        "l.salt",
        "l.privacy_event_id",
        "l.alert_event_id",
        eb.fn.coalesce("e.id", "a.id").as("event_id"),
        eb
          .case()
          .when("e.id", "is not", null)
          .then(sql<string>`${"submission "} || cast(e.submission_id as varchar(20))`)
          .when("a.id", "is not", null)
          .then(sql<string>`${"alert "} || cast(a.alert_id as varchar(20))`)
          .else(null)
          .end()
          .as("subject"),
        eb.fn.coalesce("e.seq", "a.seq").as("seq"),
        eb.fn.coalesce("e.occurred_at", "a.occurred_at").as("occurred_at"),
        eb.fn.coalesce("e.type", "a.type").as("type"),
        eb.fn.coalesce("e.actor_role", "a.actor_role").as("actor_role"),
        eb.fn.coalesce("e.data_categories", "a.data_categories").as("data_categories"),
        eb.fn.coalesce("e.purpose", "a.purpose").as("purpose"),
        eb.fn.coalesce("e.legal_basis", "a.legal_basis").as("legal_basis"),
        eb.fn.coalesce("e.details_json", "a.details_json").as("details_json"),
        eb.fn.coalesce("e.hash", "a.hash").as("hash"),
      ]);

  for (const row of (await leafQuery().where("l.leaf_index", "is", null).execute()) as LeafRow[]) {
    const p = leafProblem(row);
    if (p) report(p);
  }

  const state = await readTreeState(db);
  const checkpoints = await db.selectFrom("tlog_checkpoints").selectAll().orderBy("tree_size").execute();
  for (const c of checkpoints) {
    if (key) {
      const opened = openCheckpoint(c.note, key);
      if (!opened.ok) report(`checkpoint ${c.tree_size}: ${opened.problem}`);
      else if (opened.checkpoint.size !== Number(c.tree_size) || opened.checkpoint.root.toString("hex") !== c.root_hash) report(`checkpoint ${c.tree_size}: the signed note says something else`);
    }
    if (Number(c.tree_size) > state.size) report(`checkpoint ${c.tree_size} was published, but the tree now has only ${state.size} leaves: leaves were removed`);
  }
  const rootsWanted = new Map<number, string>(checkpoints.map((c) => [Number(c.tree_size), c.root_hash]));

  // rebuild the tree from the entries: a stack of perfect subtrees (the compact range)
  const stack: { height: number; hash: Buffer }[] = [];
  const rootNow = () => {
    if (stack.length === 0) return "";
    let r = stack[stack.length - 1].hash;
    for (let i = stack.length - 2; i >= 0; i--) r = nodeHash(stack[i].hash, r);
    return r.toString("hex");
  };
  const tiles = tileReader(db);
  let expected = 0;
  let currentTile: { idx: number; bytes: Buffer | undefined } = { idx: -1, bytes: undefined };
  for (;;) {
    const rows = (await leafQuery().where("l.leaf_index", ">=", expected).orderBy("l.leaf_index").limit(batchSize).execute()) as LeafRow[];
    if (rows.length === 0) break;
    for (const row of rows) {
      if (Number(row.leaf_index) !== expected) {
        report(`leaf ${expected} is missing: the indexes jump to ${row.leaf_index}`);
        expected = Number(row.leaf_index);
      }
      const p = leafProblem(row);
      if (p) report(p);
      const hash = leafHash(Buffer.from(row.entry, "hex"));
      // the served level-0 tile must hold the same leaf hashes (read one tile at a time: memory stays flat)
      const tileIdx = Math.floor(expected / TILE_WIDTH);
      if (tileIdx !== currentTile.idx) currentTile = { idx: tileIdx, bytes: await tileReader(db).tile(0, tileIdx) };
      const tile = currentTile.bytes;
      const offset = (expected % TILE_WIDTH) * 32;
      if (expected < state.size && (!tile || !tile.subarray(offset, offset + 32).equals(hash))) report(`tile 0/${Math.floor(expected / TILE_WIDTH)} does not hold leaf ${expected}`);
      let node = { height: 0, hash };
      while (stack.length > 0 && stack[stack.length - 1].height === node.height) {
        const left = stack.pop()!;
        node = { height: node.height + 1, hash: nodeHash(left.hash, node.hash) };
      }
      stack.push(node);
      expected++;
      const wanted = rootsWanted.get(expected);
      if (wanted !== undefined && rootNow() !== wanted) report(`checkpoint ${expected}: the tree now has another root: a leaf before it was changed or removed`);
    }
  }
  if (expected !== state.size) report(`the tree holds ${expected} leaves, its state says ${state.size}`);
  else if (state.size > 0 && rootNow() !== state.root.toString("hex")) report("the stored root does not match the leaves");
  if (state.size > 0) {
    try {
      if (!(await rangeHash(tiles.read, 0, state.size)).equals(state.root)) report("the tiles served for proofs do not give the stored root");
    } catch (error) {
      report(`the tiles are incomplete: ${(error as Error).message}`);
    }
  }
  return { ok: problems.length === 0, leaves: expected, checkpoints: checkpoints.length, problems };
}
