/**
 * Scale-out: two app instances on two ports against one fresh database, as behind a load balancer.
 * Nothing that matters lives in process memory: a resident's draft made on one instance is sent on
 * the other (once, however often), a staff session and its CSRF token from one are honoured by the
 * other, a TOTP code is accepted once across both, sign-in rate limits count attempts on both,
 * moderation on both at once keeps every privacy-log chain intact, and each scheduled job runs once.
 *
 * The scale-out engine is PostgreSQL: that run needs TEST_DATABASE_URL (tests/support/databases.ts
 * prints how to set it when it is missing). Without it the same suite runs two instances on one
 * SQLite file — the single-machine case — so the properties are still checked.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from "~/modules/accounts/demo.server";
import { totpCode } from "~/modules/accounts/totp.server";
import { createTestDatabase, engines, postgresUrl, type TestDatabase } from "../support/databases";
import { Client } from "../support/http";
import { csrfOf, DEMO } from "../support/staff";
import { auditDatabase, freePort, newStats, residentJourney, sleep, spawnApp, stopGently, type AppProcess, type Receipt } from "../crash/support";

if (!postgresUrl) {
  console.warn(
    "[scale] TEST_DATABASE_URL is not set: the two instances share a SQLite file here; the PostgreSQL scale-out run is left out. " +
      "Run it with: TEST_DATABASE_URL=postgres://root@127.0.0.1:5432/test npx vitest run tests/scale",
  );
}

const MODERATION = "/musterstadt/verwaltung/moderation";

describe.each(engines)("two instances on one %s database", (engine) => {
  let database: TestDatabase;
  let a: AppProcess;
  let b: AppProcess;
  let urls: [string, string];
  let h: DatabaseHandle;
  const receipts: Receipt[] = [];
  // TRUST_PROXY: each part of the test comes from its own client address (X-Forwarded-For)
  const env = { TRUST_PROXY: "loopback", JOBS_INTERVAL_MS: "700" };
  const from = (ip: string) => ({ "x-forwarded-for": ip });

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    const [pa, pb] = [await freePort(), await freePort()];
    a = spawnApp({ databaseUrl: database.url, port: pa, env });
    await a.ready; // the first prepares the database
    b = spawnApp({ databaseUrl: database.url, port: pb, env });
    await b.ready;
    urls = [`http://127.0.0.1:${pa}`, `http://127.0.0.1:${pb}`];
    h = openDatabase(database.url);
  });
  afterAll(async () => {
    await h?.close();
    for (const app of [a, b]) if (app) await stopGently(app);
    await database?.drop();
  });

  async function passwordStep(base: string, email: string, ip: string) {
    const c = new Client(base, from(ip));
    const res = await c.post("/anmelden", [["email", email], ["password", DEMO_PASSWORD]]);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toMatch(/^\/anmelden\/code/);
    return { c, location: res.headers.get("location")! };
  }

  it("takes resident submissions through both instances at once: a draft made on one is sent on the other, once", async () => {
    const stats = newStats();
    const clients = Array.from({ length: 6 }, async (_, i) => {
      for (let j = 0; j < 8; j++) {
        // every request goes to either instance, as a load balancer without sticky sessions does
        const r = await residentJourney(() => urls[Math.round(Math.random())], `scale-${engine}-${i}-${j}`, stats, { doubleSend: i % 3 === 0, withContact: i % 2 === 0 });
        if (r) receipts.push(r);
      }
    });
    await Promise.all(clients);
    expect(stats.serverErrors).toEqual([]);
    expect(receipts).toHaveLength(48);
    const audit = await auditDatabase(h.db, receipts);
    expect(audit.problems).toEqual([]);
    expect(audit.receiptsFound).toBe(48);
  });

  it("accepts a session and its CSRF token from one instance on the other, and a TOTP code only once across both", async () => {
    await h.db.updateTable("accounts").set({ totp_last_step: null }).where("email", "=", DEMO.moderator).execute();
    // password on A, second factor on B
    const { c, location } = await passwordStep(urls[0], DEMO.moderator, "10.0.0.1");
    c.base = urls[1];
    const code = totpCode(DEMO_TOTP_SECRET);
    const second = await c.post(location, [["code", code]]);
    expect(second.status).toBe(303);
    // the same code again, for another sign-in on A: refused (replay), although A never saw it
    const other = await passwordStep(urls[0], DEMO.moderator, "10.0.0.2");
    expect((await other.c.post(other.location, [["code", code]])).status).not.toBe(303);
    // the session works on both instances
    for (const base of urls) {
      c.base = base;
      expect((await c.get(MODERATION)).status).toBe(200);
    }

    // CSRF token read on A, action sent on B
    const procedureId = (await h.db.selectFrom("procedures").select("id").where("slug", "=", "radverkehrsplan-2030").executeTakeFirstOrThrow()).id;
    const ids = (await h.db.selectFrom("submissions").select("id").where("procedure_id", "=", procedureId).orderBy("id").limit(12).execute()).map((r) => r.id);
    c.base = urls[0];
    const csrf = csrfOf(await (await c.get(`${MODERATION}/beitrag/${ids[0]}`)).text());
    c.base = urls[1];
    const crossed = await c.post(`${MODERATION}/beitrag/${ids[0]}`, [["_csrf", csrf], ["intent", "not_publish"], ["reason", "insult"]]);
    expect(crossed.status).toBe(303);

    // moderation on both instances at once; the same submission answered through both at the same moment
    const results = await Promise.all(
      ids.slice(1).flatMap((id, i) => {
        const act = (base: string) => {
          const m = new Client(base);
          m.cookies = new Map(c.cookies);
          return m.post(`${MODERATION}/beitrag/${id}`, [["_csrf", csrf], ["intent", "respond"], ["decision", "noted"], ["response_text", `Zur Kenntnis genommen (${i}).`]]);
        };
        return i % 2 === 0 ? [act(urls[0]), act(urls[1])] : [act(urls[i % 4 === 1 ? 0 : 1])];
      }),
    );
    for (const r of results) expect(r.status).toBe(303);
    const answered = await h.db.selectFrom("submissions").select(["id", "response_state", "response_id"]).where("id", "in", ids.slice(1)).execute();
    for (const s of answered) expect(s.response_id).not.toBeNull();
    const audit = await auditDatabase(h.db, receipts);
    expect(audit.problems).toEqual([]);
  });

  it("counts failed sign-ins on both instances against one limit", async () => {
    // after 5 failures of one client on one account, the next attempt waits (SIGN_IN_DELAYS); alternating instances must not double that
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const c = new Client(urls[i % 2], from("10.1.0.77"));
      statuses.push((await c.post("/anmelden", [["email", "niemand@demo.example"], ["password", "falsch"]])).status);
    }
    expect(statuses.slice(0, 5)).toEqual(Array(5).fill(400));
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
  });

  it("runs each scheduled job once, though both instances try every 0.7 s", async () => {
    // the first runs start 5 s after each instance started; then a job's lease rests for 5 minutes —
    // except results_inclusion and alerts, which work off requests (and sign-ups) and take their lease again at the next tick
    const REPEATING = new Set(["results_inclusion", "alerts"]);
    const finishedBy = (app: AppProcess) => [...app.logs().matchAll(/"event":"job_finished","job":"([a-z_]+)"/g)].map((m) => m[1]);
    const finished = () => [...finishedBy(a), ...finishedBy(b)];
    for (let waited = 0; waited < 30_000; waited += 250) {
      const names = (await h.db.selectFrom("job_leases").select("name").execute()).map((r) => r.name);
      if (names.length > 0 && names.every((n) => finished().includes(n))) break;
      await sleep(250);
    }
    await sleep(3000); // both instances try again several times
    const perJob = new Map<string, number>();
    for (const name of finished()) perJob.set(name, (perJob.get(name) ?? 0) + 1);
    console.log(`[scale ${engine}] job runs across both instances: ${JSON.stringify(Object.fromEntries(perJob))}`);
    expect([...perJob.keys()].filter((n) => !REPEATING.has(n)).length).toBeGreaterThanOrEqual(3);
    for (const [name, n] of perJob) if (!REPEATING.has(name)) expect(n, name).toBe(1);
  });
});
