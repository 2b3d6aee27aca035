/**
 * Group commit for the submission path on SQLite. Every commit with synchronous=FULL waits for the
 * disk (fsync), and better-sqlite3 waits on the event loop's thread: with many residents sending at
 * once, one fsync per submission is the ceiling. Here, units of work that arrive together (in the
 * same turn of the event loop, or while a batch is being written) run in ONE transaction, each in
 * its own savepoint — a unit that fails is rolled back alone — and are committed with one fsync.
 * Nobody learns the outcome of a unit before that commit has returned: every receipt code is still
 * shown only after its own submission is on disk.
 *
 * A unit must use only the transaction it is given (the batch holds the one SQLite connection).
 * On PostgreSQL (a pool, commits in parallel) each unit simply gets its own transaction.
 */
import { CompiledQuery, type Kysely, type Transaction } from "kysely";
import { engineOf } from "#db/connection.server";
import type { Database } from "#db/schema";

type Work<T> = (trx: Transaction<Database>) => Promise<T>;
interface Unit {
  work: Work<unknown>;
  durable: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}
interface Queue {
  units: Unit[];
  scheduled: boolean;

}

const MAX_BATCH = 64;
// compiled once: these run for every unit of every batch
const statements = (verb: string) => Array.from({ length: MAX_BATCH }, (_, i) => CompiledQuery.raw(`${verb} unit_${i}`));
const SAVEPOINT = statements("savepoint");
const RELEASE = statements("release");
const ROLLBACK_TO = statements("rollback to");
const queues = new WeakMap<Kysely<Database>, Queue>();
/**
 * SQLite keeps what it needs to roll back to a savepoint (the sub-journal: a copy of every page a
 * unit changes) in a temporary FILE once it passes 64 KiB, which one submission's pages already do,
 * and writes that file a page at a time: five of every six write calls of the server under load
 * (38 → 7 per request measured; decision 25). A batch's sub-journal lives only as long as its
 * transaction, a few MB at most, so it is kept in memory: temp_store is read when a write
 * transaction begins, and set back to the default afterwards so large sorts elsewhere (exports,
 * results) may still spill to disk instead of growing the heap.
 */
const TEMP_IN_MEMORY = CompiledQuery.raw("pragma temp_store = memory");
const TEMP_DEFAULT = CompiledQuery.raw("pragma temp_store = default");

/**
 * A batch whose units all said `durable: false` (a draft: nothing anyone was promised yet) commits
 * with synchronous=NORMAL: written to the WAL, not waited for on the disk (decision 68). It is as
 * safe from a crash of the process as any commit and can be lost only with the machine's power —
 * and the next durable commit's fsync (a submission, moments later) takes it to disk with its own.
 */
const NOT_WAITING_FOR_DISK = CompiledQuery.raw("pragma synchronous = normal");
const WAITING_FOR_DISK = CompiledQuery.raw("pragma synchronous = full");

export function groupCommit<T>(db: Kysely<Database>, work: Work<T>, options: { durable?: boolean } = {}): Promise<T> {
  if (engineOf(db) !== "sqlite") return db.transaction().execute(work);
  let queue = queues.get(db);
  if (!queue) queues.set(db, (queue = { units: [], scheduled: false }));
  const q = queue;
  return new Promise<T>((resolve, reject) => {
    q.units.push({ work, durable: options.durable !== false, resolve: resolve as (value: unknown) => void, reject });
    if (!q.scheduled) {
      q.scheduled = true;
      // after the requests that arrived with this one have had their turn to join
      setImmediate(() => void drain(db, q));
    }
  });
}

/**
 * The batch's transaction; one that does not wait for the disk holds the connection from setting
 * synchronous=NORMAL until it is FULL again, so that no other writer's commit (an audited staff
 * action, a job) can fall in between. If setting it back fails, the connection is unusable anyway.
 */
async function batchTransaction(db: Kysely<Database>, durable: boolean, work: (trx: Transaction<Database>) => Promise<void>): Promise<void> {
  if (durable) return db.transaction().execute(work);
  await db.connection().execute(async (connection) => {
    await connection.executeQuery(NOT_WAITING_FOR_DISK);
    try {
      await connection.transaction().execute(work);
    } finally {
      await connection.executeQuery(WAITING_FOR_DISK);
    }
  });
}

async function drain(db: Kysely<Database>, q: Queue) {
  try {
    while (q.units.length > 0) {
      const batch = q.units.splice(0, MAX_BATCH);
      const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
      const savepoints = batch.length > 1;
      const durable = batch.some((unit) => unit.durable);
      // if SQLite refuses (a temporary table in use elsewhere), the sub-journal is a file: slower, same outcome
      if (savepoints) await db.executeQuery(TEMP_IN_MEMORY).catch(() => undefined);
      try {
        await batchTransaction(db, durable, async (trx) => {
          // alone in its batch (no one else sending at that moment), a unit needs no savepoint: if it
          // fails, its transaction is rolled back and it hears so below
          if (!savepoints) {
            outcomes[0] = { ok: true, value: await batch[0].work(trx) };
            return;
          }
          for (const [i, unit] of batch.entries()) {
            await trx.executeQuery(SAVEPOINT[i]);
            try {
              outcomes[i] = { ok: true, value: await unit.work(trx) };
              await trx.executeQuery(RELEASE[i]);
            } catch (error) {
              await trx.executeQuery(ROLLBACK_TO[i]);
              await trx.executeQuery(RELEASE[i]);
              outcomes[i] = { ok: false, error };
            }
          }
        });
      } catch (error) {
        // the commit itself failed: nothing of this batch is stored, everyone hears so
        for (const unit of batch) unit.reject(error);
        continue;
      } finally {
        if (savepoints) await db.executeQuery(TEMP_DEFAULT).catch(() => undefined);
      }
      // committed (and, with synchronous=FULL, on disk): only now the outcomes go out
      for (const [i, unit] of batch.entries()) {
        const outcome = outcomes[i];
        if (outcome.ok) unit.resolve(outcome.value);
        else unit.reject(outcome.error);
      }
    }
  } finally {
    q.scheduled = false;
    // units that arrived while the last commit was being written
    if (q.units.length > 0) {
      q.scheduled = true;
      setImmediate(() => void drain(db, q));
    }
  }
}
