/**
 * SQLite on every core: `WEB_CONCURRENCY=2 npm run serve` runs two workers on one WAL database.
 * Under concurrent resident journeys (with double clicks) no user sees an error — no
 * "database is locked" (SQLITE_BUSY) reaches anyone — both workers serve, a worker killed under
 * load is replaced, and nothing is lost, half-written or doubled.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "#db/connection.server";
import { createTestDatabase, type TestDatabase } from "../support/databases";
import { CLUSTER_SCRIPT } from "../support/server";
import { auditDatabase, freePort, newStats, residentJourney, sleep, spawnApp, stopGently, type Receipt } from "../crash/support";

const workersOf = (primary: number) =>
  readFileSync(`/proc/${primary}/task/${primary}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
/** CPU ticks a process has used (user + system) */
const cpuTicks = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return Number(fields[11]) + Number(fields[12]);
};

describe("a cluster of two workers on one SQLite database", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("takes concurrent submissions on both workers without SQLITE_BUSY reaching anyone, and replaces a killed worker", async () => {
    const port = await freePort();
    const app = spawnApp({ databaseUrl: database.url, port, script: CLUSTER_SCRIPT, listening: 2, env: { WEB_CONCURRENCY: "2", JOBS_INTERVAL_MS: "0" } });
    const stats = newStats();
    const receipts: Receipt[] = [];
    let workers: number[] = [];
    let ticks: number[] = [];
    let replaced = false;
    try {
      await app.ready;
      workers = workersOf(app.child.pid!);
      expect(workers).toHaveLength(2);
      // each worker runs with a small young generation, so streamed uploads are freed sooner (decision 61)
      for (const pid of workers) expect(readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")).toContain("--max-semi-space-size=1");
      ticks = workers.map(cpuTicks);
      const base = () => `http://127.0.0.1:${port}`;
      const perClient = 12;
      let settled = 0;
      const clients = Array.from({ length: 8 }, async (_, i) => {
        try {
          for (let j = 0; j < perClient; j++) {
            const r = await residentJourney(base, `scale-cluster-${i}-${j}`, stats, { doubleSend: i % 4 === 0, withContact: i % 2 === 1 });
            if (r) receipts.push(r);
          }
        } finally {
          settled++;
        }
      });
      // half-way, one worker is killed; the primary starts another, the clients retry on the survivor
      // (a client that failed ends the wait, so its error is what the test reports)
      while (receipts.length < 40 && settled === 0) await sleep(50);
      const used = workers.map((pid, i) => cpuTicks(pid) - ticks[i]);
      process.kill(workers[0], "SIGKILL");
      await Promise.all(clients);
      for (let waited = 0; waited < 60_000 && !replaced; waited += 200) {
        replaced = (app.logs().match(/"event":"listening"/g) ?? []).length >= 3;
        if (!replaced) await sleep(200);
      }
      console.log(
        `[cluster] 2 workers, ${receipts.length} receipt codes, ${stats.retries} requests retried (one worker killed), ${stats.unanswered} unanswered, ` +
          `CPU ticks per worker before the kill: ${used.join(", ")}; ${stats.serverErrors.length} server errors`,
      );
      // both workers took part
      for (const u of used) expect(u).toBeGreaterThan(0);
    } finally {
      await stopGently(app);
    }
    expect(replaced).toBe(true);
    expect(stats.serverErrors).toEqual([]);
    expect(app.logs()).not.toMatch(/SQLITE_BUSY|database is locked/);
    expect(receipts).toHaveLength(96);
    const handle = openDatabase(database.url);
    try {
      const audit = await auditDatabase(handle.db, receipts);
      expect(audit.problems).toEqual([]);
      expect(audit.receiptsFound).toBe(96);
      expect(audit.submissions).toBeGreaterThanOrEqual(96);
    } finally {
      await handle.close();
    }
  });
});
