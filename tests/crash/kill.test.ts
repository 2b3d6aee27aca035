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

  it(`loses no acknowledged submission, writes none by halves and duplicates none across ${KILLS} SIGKILLs`, { timeout: 180_000 }, async () => {
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
    let codesWhileKilling = 0;
    const startFailures: string[] = [];
    try {
      const clientFailure = Promise.all(clients).then(() => "done");
      while (kills < KILLS) {
        const before = receipts.length;
        await sleep(randomBetween(50, 700));
        // every other time, the server lives until a journey has ended since the restart, so codes
        // are handed out between kills however slow the machine is
        if (kills % 2 === 1) for (let w = 0; receipts.length === before && w < 30_000; w += 20) await sleep(20);
        await killHard(app);
        kills++;
        // a client that failed for a reason other than the kills ends the test at once
        let outcome = "";
        for (let attempt = 1; attempt <= 3 && outcome !== "ready"; attempt++) {
          const started = (app = spawnApp({ databaseUrl: database.url, port }));
          let listening = false;
          outcome = await Promise.race([
            started.ready.then(() => ((listening = true), "ready")),
            clientFailure,
            // a start can fail while another test run rebuilds the app (build/ is replaced): try again,
            // at most twice; a server that cannot start on its database fails the test
            started.exited.then(async () => {
              if (listening) return "killed later";
              if (attempt === 3) await started.ready;
              startFailures.push(started.logs().slice(-500));
              await sleep(1000);
              return "exited";
            }),
          ]);
          if (outcome === "done") break;
        }
        if (outcome !== "ready") break;
      }
      codesWhileKilling = receipts.length;
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
          `${audit.problems.length} problems; ${stats.serverErrors.length} server errors; ${codesWhileKilling} codes before the last restart; ` +
          `${startFailures.length} restarts that failed and were tried again${startFailures.length ? `: ${startFailures.join(" | ")}` : ""}`,
      );
      expect(kills).toBeGreaterThanOrEqual(KILLS);
      expect(stats.serverErrors).toEqual([]);
      expect(audit.problems).toEqual([]);
      expect(codesWhileKilling).toBeGreaterThanOrEqual(KILLS / 2);
      expect(resent).toBeGreaterThan(0);
      expect(audit.receiptsFound).toBe(receipts.length);
      expect(audit.chainsChecked).toBe(audit.submissions);
    } finally {
      await handle.close();
    }
  });
});
