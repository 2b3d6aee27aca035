/**
 * Crash safety: the production server under concurrent resident submissions is killed with SIGKILL
 * at random moments, at least 20 times, and restarted on the same database each time. Afterwards
 * every receipt code a resident was shown leads to their submission, no submission is half-written,
 * no draft was submitted twice, and every privacy-log chain is intact. On SQLite and (with
 * TEST_DATABASE_URL) PostgreSQL — there the app server is killed, not PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "#db/connection.server";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";
import { auditDatabase, freePort, killHard, newStats, randomBetween, residentJourney, sleep, spawnApp, stopGently, type AppProcess, type Receipt } from "./support";

const KILLS = 20;
const CLIENTS = 6;

describe.each(engines)("killing the server under load on %s", (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it(`loses no acknowledged submission, writes none by halves and duplicates none across ${KILLS} SIGKILLs`, { timeout: 120_000 }, async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const started = Date.now();
    // first start: migrations and demo data, not killed
    let app: AppProcess = spawnApp({ databaseUrl: database.url, port });
    await app.ready;

    const stats = newStats();
    const receipts: Receipt[] = [];
    let stopping = false;
    let counter = 0;
    const clients = Array.from({ length: CLIENTS }, async (_, i) => {
      while (!stopping) {
        const marker = `crash-${engine}-${i}-${counter++}`;
        // client 0 double-clicks every send; odd clients leave contact data (encrypted, its own table)
        const receipt = await residentJourney(() => base, marker, stats, { doubleSend: i === 0, withContact: i % 2 === 1 });
        if (receipt) receipts.push(receipt);
      }
    });

    let kills = 0;
    try {
      const clientFailure = Promise.all(clients).then(() => "done");
      while (kills < KILLS) {
        await sleep(randomBetween(50, 700));
        await killHard(app);
        kills++;
        app = spawnApp({ databaseUrl: database.url, port });
        // a client that failed for a reason other than the kills ends the test at once
        const outcome = await Promise.race([app.ready.then(() => "ready"), clientFailure]);
        if (outcome !== "ready") break;
      }
      stopping = true;
      await Promise.all(clients);
    } finally {
      stopping = true;
      await stopGently(app);
    }

    const handle = openDatabase(database.url);
    try {
      const audit = await auditDatabase(handle.db, receipts);
      const resent = receipts.filter((r) => r.resent).length;
      console.log(
        `[crash ${engine}] ${kills} SIGKILLs in ${((Date.now() - started) / 1000).toFixed(1)} s; ${stats.journeys} receipt codes shown ` +
          `(${resent} after sending the same draft again), ${stats.retries} requests retried; ${audit.submissions} submissions in the database, ` +
          `${audit.receiptsFound} of ${receipts.length} codes found; ${audit.chainsChecked} privacy logs checked; ` +
          `${audit.problems.length} problems; ${stats.serverErrors.length} server errors`,
      );
      expect(kills).toBeGreaterThanOrEqual(KILLS);
      expect(stats.serverErrors).toEqual([]);
      expect(audit.problems).toEqual([]);
      expect(receipts.length).toBeGreaterThan(KILLS);
      expect(resent).toBeGreaterThan(0);
      expect(audit.receiptsFound).toBe(receipts.length);
      expect(audit.chainsChecked).toBe(audit.submissions);
    } finally {
      await handle.close();
    }
  });
});
