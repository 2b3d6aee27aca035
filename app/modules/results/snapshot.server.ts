/**
 * The stored statistics of a procedure's results (table results_snapshots): raw counts per channel
 * and per answer over every submission not withdrawn, and the number of published submissions.
 *
 * Why stored: counting a million submissions on every request of the public results page is too
 * slow, and a cache in one process would let two app instances show different numbers. The row is
 * the one truth all instances read.
 *
 * How it stays right:
 * - the counts per channel and answer change only when a submission arrives or is withdrawn. The
 *   row keeps its *basis* (the highest submission id and the number withdrawn when it was
 *   counted); every read compares it with the database (two index look-ups) and counts again when
 *   either differs — whichever code path made the change;
 * - the number of published submissions changes with moderation: publishing and not publishing
 *   move it by one in the same transaction as the decision (adjustPublishedCount), and every
 *   recount sets it afresh.
 *
 * This module only stores and reads; statistics.server.ts does the counting.
 */
import { sql, type Kysely, type Transaction } from "kysely";
import { engineOf } from "#db/connection.server";
import type { Database } from "#db/schema";

type Db = Kysely<Database> | Transaction<Database>;

export interface RawCounts {
  /** submissions not withdrawn, per channel */
  channels: Record<string, number>;
  /** per chart question id, per answer value: submissions not withdrawn that gave it */
  answers: Record<string, Record<string, number>>;
}

export interface Basis {
  maxId: number;
  withdrawn: number;
}

export interface Snapshot {
  basis: Basis;
  published: number;
  counts: RawCounts;
  computedAt: string;
}

export const PUBLISHED_STATES = ["published", "published_redacted"] as const;

/** What the counts depend on, read cheaply: the newest submission id and how many are withdrawn. */
export async function readBasis(db: Db, procedureId: number): Promise<Basis> {
  const [max, withdrawn] = await Promise.all([
    db.selectFrom("submissions").select((eb) => eb.fn.max("id").as("id")).where("procedure_id", "=", procedureId).executeTakeFirst(),
    db.selectFrom("submissions").select((eb) => eb.fn.countAll().as("n")).where("procedure_id", "=", procedureId).where("state", "=", "withdrawn").executeTakeFirstOrThrow(),
  ]);
  return { maxId: Number(max?.id ?? 0), withdrawn: Number(withdrawn.n) };
}

export const sameBasis = (a: Basis, b: Basis) => a.maxId === b.maxId && a.withdrawn === b.withdrawn;

export async function readSnapshot(db: Db, procedureId: number): Promise<Snapshot | undefined> {
  const row = await db.selectFrom("results_snapshots").selectAll().where("procedure_id", "=", procedureId).executeTakeFirst();
  if (!row) return undefined;
  return {
    basis: { maxId: row.basis_max_id, withdrawn: row.basis_withdrawn },
    published: row.published_count,
    counts: JSON.parse(row.counts_json) as RawCounts,
    computedAt: row.computed_at,
  };
}

/** Published submissions of the procedure, counted (an index range; done inside the writing transaction). */
export async function countPublishedRows(db: Db, procedureId: number): Promise<number> {
  const row = await db
    .selectFrom("submissions")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("procedure_id", "=", procedureId)
    .where("state", "in", PUBLISHED_STATES)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Stores counts made from `basis` (read before counting). The number published is counted here,
 * inside the transaction that holds the row: on PostgreSQL the row is locked first, so a moderation
 * decision either finished before (and is counted) or waits and then adds its one.
 */
export async function storeSnapshot(db: Kysely<Database>, procedureId: number, basis: Basis, counts: RawCounts, now: Date = new Date()): Promise<Snapshot> {
  return db.transaction().execute(async (trx) => {
    const values = {
      basis_max_id: basis.maxId,
      basis_withdrawn: basis.withdrawn,
      published_count: 0,
      counts_json: JSON.stringify(counts),
      computed_at: now.toISOString(),
    };
    await trx
      .insertInto("results_snapshots")
      .values({ procedure_id: procedureId, ...values, basis_max_id: -1 })
      .onConflict((oc) => oc.column("procedure_id").doNothing())
      .execute();
    if (engineOf(trx) === "postgres") await sql`select procedure_id from results_snapshots where procedure_id = ${procedureId} for update`.execute(trx);
    const published = await countPublishedRows(trx, procedureId);
    await trx
      .updateTable("results_snapshots")
      .set({ ...values, published_count: published })
      .where("procedure_id", "=", procedureId)
      .execute();
    return { basis, published, counts, computedAt: values.computed_at };
  });
}

/**
 * A moderation decision moved a submission into (+1) or out of (-1) the published ones: the
 * stored number follows in the same transaction. Nothing to do before a snapshot exists.
 */
export async function adjustPublishedCount(trx: Transaction<Database>, procedureId: number, delta: number): Promise<void> {
  if (delta === 0) return;
  await trx
    .updateTable("results_snapshots")
    .set((eb) => ({ published_count: eb("published_count", "+", delta) }))
    .where("procedure_id", "=", procedureId)
    .execute();
}

export const isPublishedState = (state: string) => (PUBLISHED_STATES as readonly string[]).includes(state);
