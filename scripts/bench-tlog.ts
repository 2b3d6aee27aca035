/**
 * `npm run bench:tlog`: the transparency log's costs (issue 22), in-process on SQLite files in a
 * temporary folder; every figure is a median or percentile over the run, printed with the machine's
 * load average (shared machines change speed: compare ratios, not absolute numbers).
 *   1. submissions/s through createSubmission (one durable transaction each, WAL, synchronous=FULL),
 *      with the leaves and without them, in BENCH_TLOG_ROUNDS (3) alternating rounds of
 *      BENCH_TLOG_SUBMISSIONS (1500): the ratio is the goal (≥ 90 %);
 *   2. integrating and signing a checkpoint for the leaves those rounds wrote (off the request path);
 *   3. inclusion and consistency proofs in a tree of BENCH_TLOG_LEAVES (10 000 000) leaves, built
 *      straight into tiles: p50/p95 of 1000 random proofs each (goal: inclusion p95 < 10 ms).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { nodeHash } from "~/modules/transparency-log/merkle";
import { openDatabase } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { seedDemoIfEmpty } from "#db/seed";
import { findPublicProcedure } from "~/modules/procedures/procedures.server";
import { createSubmission } from "~/modules/submissions/submissions.server";
import { getSigningKey } from "~/modules/transparency-log/keys.server";
import { leaveOutLeavesForBenchmark } from "~/modules/transparency-log/leaves.server";
import SqliteDatabase from "better-sqlite3";
import { leafHash, rangeHash } from "~/modules/transparency-log/merkle";
import { integrate, proveConsistency, proveInclusion, tileReader } from "~/modules/transparency-log/tlog.server";
import { TILE_WIDTH, hashSpan } from "~/modules/transparency-log/tiles";

const ROUNDS = Number(process.env.BENCH_TLOG_ROUNDS ?? 3);
const SUBMISSIONS = Number(process.env.BENCH_TLOG_SUBMISSIONS ?? 1500);
const LEAVES = Number(process.env.BENCH_TLOG_LEAVES ?? 10_000_000);
process.env.TLOG_SIGNING_KEY ||= "PRIVATE+KEY+bench.teilhabe.invalid/transparenz+dbc9a8cb+AZMQdUKtWUq8l8EX/79v+kSdKG342KJX9fxy3LNBSq8a";

/**
 * The bench's fast path to a large tree: the tiles of `leaves` leaves (entries SHA-256("leaf i"),
 * standing in for commitments) in one streaming pass straight into `tlog_tiles` with better-sqlite3,
 * each full tile written once (the integrator rewrites a partial tile as it grows, which a
 * 10-million-leaf build cannot afford on a shared machine). No `tlog_leaves` rows: proofs read tiles
 * only. Returns the tree's root, computed while writing, for a check against the tiles.
 */
function writeTilesDirectly(file: string, leaves: number): Buffer {
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = OFF");
  const insert = sqlite.prepare("insert into tlog_tiles (level, idx, hashes) values (?, ?, ?)");
  const pending: Buffer[][] = [];
  const written: number[] = [];
  const put = sqlite.transaction((rows: [number, number, Buffer][]) => {
    for (const row of rows) insert.run(...row);
  });
  let batch: [number, number, Buffer][] = [];
  const add = (level: number, hash: Buffer) => {
    (pending[level] ??= []).push(hash);
    written[level] ??= 0;
    if (pending[level].length === TILE_WIDTH) {
      const tile = Buffer.concat(pending[level]);
      batch.push([level, written[level]++, tile]);
      pending[level] = [];
      add(level + 1, hashSpan(tile, 0, TILE_WIDTH));
    }
  };
  for (let i = 0; i < leaves; i++) {
    add(0, leafHash(createHash("sha256").update(`leaf ${i}`).digest()));
    if (batch.length >= 512) {
      put(batch);
      batch = [];
    }
  }
  // partial tiles, and the root: the perfect subtrees left of the end, right to left
  let root: Buffer | null = null;
  for (let level = 0; level < pending.length; level++) {
    const hashes = pending[level] ?? [];
    if (hashes.length > 0) batch.push([level, written[level] ?? 0, Buffer.concat(hashes)]);
  }
  put(batch);
  for (let level = 0; level < pending.length; level++) {
    const hashes = pending[level] ?? [];
    // the hashes of this level left over, as perfect subtrees of decreasing size
    let start = 0;
    const subtrees: Buffer[] = [];
    for (let bit = TILE_WIDTH >> 1; bit >= 1; bit >>= 1) {
      if (hashes.length - start >= bit) {
        subtrees.push(hashSpan(Buffer.concat(hashes.slice(start, start + bit)), 0, bit));
        start += bit;
      }
    }
    for (let i = subtrees.length - 1; i >= 0; i--) root = root ? nodeHash(subtrees[i], root) : subtrees[i];
  }
  sqlite.prepare("update tlog_state set tree_size = ?, root_hash = ? where id = 1").run(leaves, root!.toString("hex"));
  sqlite.close();
  return root!;
}

const dir = mkdtempSync(join(tmpdir(), "teilhabe-bench-tlog-"));
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];
const median = (values: number[]) => percentile(values, 50);

try {
  const h = openDatabase(join(dir, "submissions.sqlite"));
  await migrateToLatest(h.db);
  await seedDemoIfEmpty(h.db);
  const orgId = (await h.db.selectFrom("organisations").select("id").executeTakeFirstOrThrow()).id;
  const procedure = (await findPublicProcedure(h.db, orgId, "radverkehrsplan-2030"))!;
  let sequence = 0;
  const round = async (withLeaves: boolean) => {
    leaveOutLeavesForBenchmark(!withLeaves);
    const started = performance.now();
    for (let i = 0; i < SUBMISSIONS; i++) {
      await h.db.transaction().execute((trx) =>
        createSubmission(trx, {
          procedure,
          input: { answers: [{ questionId: procedure.questions[0].id, values: ["Mehr Radwege"] }], contact: { email: "bench@example.org" }, consentResults: true },
          channel: "online",
          language: "de",
          idempotencyKey: `bench-tlog-${++sequence}`,
        }),
      );
    }
    return SUBMISSIONS / ((performance.now() - started) / 1000);
  };
  const withTree: number[] = [];
  const without: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    without.push(await round(false));
    withTree.push(await round(true));
  }
  leaveOutLeavesForBenchmark(false);
  if (ROUNDS > 0) console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} (2 cores)`);
  if (ROUNDS > 0) console.log(`1. submissions/s without leaves: median ${median(without).toFixed(0)} (${without.map((v) => v.toFixed(0)).join(", ")})`);
  if (ROUNDS > 0) console.log(`   submissions/s with leaves:    median ${median(withTree).toFixed(0)} (${withTree.map((v) => v.toFixed(0)).join(", ")})`);
  if (ROUNDS > 0) console.log(`   ratio with/without: ${((median(withTree) / median(without)) * 100).toFixed(1)} % (goal ≥ 90 %)`);

  const started = performance.now();
  const result = await integrate(h.db, getSigningKey(), new Date(), 1_000_000);
  console.log(`2. integrated ${result.added} leaves and signed checkpoint ${result.size} in ${(performance.now() - started).toFixed(0)} ms, on the timer, not in any request`);
  await h.close();

  const treeFile = join(dir, "tree.sqlite");
  const migrated = openDatabase(treeFile);
  await migrateToLatest(migrated.db);
  await migrated.close();
  const buildStarted = performance.now();
  const root = writeTilesDirectly(treeFile, LEAVES);
  console.log(`3. ${LEAVES.toLocaleString("en")} leaf hashes written into tiles in ${((performance.now() - buildStarted) / 1000).toFixed(0)} s (direct path: one pass, each tile written once)`);
  const big = openDatabase(treeFile);
  if (!(await rangeHash(tileReader(big.db).read, 0, LEAVES)).equals(root)) throw new Error("the tiles do not give the root computed while writing them");
  const inclusion: number[] = [];
  const consistency: number[] = [];
  // CPU time per proof as well: on a shared machine the wall clock mostly measures the queue for a core
  const inclusionCpu: number[] = [];
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  for (let i = 0; i < 1000; i++) {
    const index = Math.floor(Math.random() * LEAVES);
    const t0 = performance.now();
    const c0 = cpuMs();
    await proveInclusion(big.db, index, LEAVES);
    inclusion.push(performance.now() - t0);
    inclusionCpu.push(cpuMs() - c0);
    const from = 1 + Math.floor(Math.random() * (LEAVES - 1));
    const t1 = performance.now();
    await proveConsistency(big.db, from, LEAVES);
    consistency.push(performance.now() - t1);
  }
  console.log(`   inclusion proof: p50 ${median(inclusion).toFixed(2)} ms, p95 ${percentile(inclusion, 95).toFixed(2)} ms (goal p95 < 10 ms)`);
  console.log(`   inclusion proof CPU time: p50 ${median(inclusionCpu).toFixed(2)} ms, p95 ${percentile(inclusionCpu, 95).toFixed(2)} ms`);
  console.log(`   consistency proof: p50 ${median(consistency).toFixed(2)} ms, p95 ${percentile(consistency, 95).toFixed(2)} ms`);
  console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} (2 cores)`);
  await big.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
