/**
 * The operator's view of a running server: /healthz (the process answers), /readyz (database
 * reachable, migrations current, not shutting down), /metrics in Prometheus text format (who may
 * read it; requests, submissions per channel, jobs, memory), and a slow download that does not
 * make the server hold the whole file in memory.
 */
import { request as httpRequest, type IncomingMessage } from "node:http";
import Sqlite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { Client } from "../support/http";
import { startServer, type TestServer } from "../support/server";
import { DEMO, csrfOf, signIn } from "../support/staff";
import { berlinDay } from "~/i18n/dates";

const PROCEDURE = "/musterstadt/verfahren/radverkehrsplan-2030";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A sample's name and labels in one canonical form: Prometheus reads labels as a set, in any order. */
function sampleKey(sample: string): string {
  const brace = sample.indexOf("{");
  if (brace < 0) return sample;
  const labels = sample.slice(brace + 1, -1).match(/[a-z_]+="(?:[^"\\]|\\.)*"/g) ?? [];
  return `${sample.slice(0, brace)}{${labels.sort().join(",")}}`;
}

/** One sample's value from the exposition text, e.g. value(text, 'teilhabe_submissions_created_total{channel="online"}'). */
function value(metrics: string, sample: string): number | undefined {
  const wanted = sampleKey(sample);
  for (const line of metrics.split("\n")) {
    const space = line.lastIndexOf(" ");
    if (!line.startsWith("#") && space > 0 && sampleKey(line.slice(0, space)) === wanted) return Number(line.slice(space + 1));
  }
  return undefined;
}

async function metricsOf(server: TestServer, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}/metrics`, { headers });
  expect(res.status).toBe(200);
  return res.text();
}

async function participate(server: TestServer, text: string) {
  const c = new Client(server.url);
  expect((await c.post(PROCEDURE, [["q1", text], ["q3", "bike"], ["q5", "4"]])).status).toBe(303);
  expect((await c.post(`${PROCEDURE}/pruefen`, "")).status).toBe(303);
}

describe("health, readiness and metrics", () => {
  let server: TestServer;
  let h: DatabaseHandle;

  beforeAll(async () => {
    server = await startServer({ env: { JOBS_INTERVAL_MS: "300", JOBS_REST_MS: "0" } });
    h = openDatabase(server.database.url);
  });
  afterAll(async () => {
    await h?.close();
    await server?.stop();
  });

  it("answers /healthz without asking the database, and /readyz only when the migrations are current", async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe("ok\n");
    expect(health.headers.get("cache-control")).toBe("no-store");
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.text()).toBe("ready\n");

    // a database one migration behind this build (as after restoring an old backup): not ready
    const last = await h.db.selectFrom("kysely_migration" as never).select("name" as never).orderBy("name" as never, "desc").executeTakeFirstOrThrow() as { name: string };
    const row = await h.db.selectFrom("kysely_migration" as never).selectAll().where("name" as never, "=", last.name as never).executeTakeFirstOrThrow();
    await h.db.deleteFrom("kysely_migration" as never).where("name" as never, "=", last.name as never).execute();
    try {
      const behind = await fetch(`${server.url}/readyz`);
      expect(behind.status).toBe(503);
      expect(await behind.text()).toContain("migrations_pending");
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await h.db.insertInto("kysely_migration" as never).values(row as never).execute();
    }
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it("serves /metrics in Prometheus text format to this machine, with requests by route pattern, never a raw path", async () => {
    const token = "eGVoZWltZXMtZWlubGFkdW5ncy10b2tlbi0xMjM0NQ";
    const invitation = await fetch(`${server.url}/einladung/${token}`);
    await invitation.text();
    expect(invitation.status).toBe(404);
    const procedure = await fetch(`${server.url}${PROCEDURE}?suche=Ottilie`);
    await procedure.text();
    expect(procedure.status).toBe(200);
    // a request is counted when its response has finished on the server, which can be a moment
    // after the client has read it: ask again briefly until both are in
    let res = await fetch(`${server.url}/metrics`);
    let text = await res.text();
    for (let i = 0; i < 20 && !text.includes('route="/:org/verfahren/:slug",status="2xx"'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      res = await fetch(`${server.url}/metrics`);
      text = await res.text();
    }
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain;.*version=0\.0\.4/);
    expect(text).toContain("# TYPE teilhabe_http_requests_total counter");
    expect(text).toContain("# TYPE teilhabe_http_request_duration_seconds histogram");
    expect(value(text, 'teilhabe_http_requests_total{method="GET",route="/einladung/:token",status="4xx"}')).toBe(1);
    expect(value(text, 'teilhabe_http_requests_total{method="GET",route="/:org/verfahren/:slug",status="2xx"}')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'teilhabe_http_request_duration_seconds_count{method="GET",route="/:org/verfahren/:slug",status="2xx"}')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'teilhabe_http_request_duration_seconds_bucket{method="GET",route="/:org/verfahren/:slug",status="2xx",le="+Inf"}')).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(token);
    expect(text).not.toContain("Ottilie");
    expect(text).not.toContain("musterstadt");
    expect(value(text, "process_resident_memory_bytes")).toBeGreaterThan(10_000_000);
    expect(value(text, "nodejs_eventloop_lag_p99_seconds")).toBeGreaterThanOrEqual(0);
    // every line is a comment or a sample: name{labels} number (empty lines between families are allowed)
    for (const line of text.trim().split("\n").filter((l) => l !== "")) expect(line).toMatch(/^(# (HELP|TYPE) .+|[a-z_][a-z0-9_]*(\{[^}]*\})? -?[0-9.e+-]+)$/);
  });

  it("refuses /metrics to anyone who came through a proxy", async () => {
    const res = await fetch(`${server.url}/metrics`, { headers: { "x-forwarded-for": "203.0.113.9" } });
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain("teilhabe_");
  });

  it("counts each new submission by channel where it is created, a repeated send not again", async () => {
    const before = await metricsOf(server);
    await participate(server, "Zählen Sie mich bitte einmal.");
    const staff = (await signIn(server.url, DEMO.staff)).client;
    const procedureId = (await h.db.selectFrom("procedures").select("id").where("slug", "=", "radverkehrsplan-2030").executeTakeFirstOrThrow()).id;
    const form = await (await staff.get(`/musterstadt/verwaltung/schalter/${procedureId}/paper`)).text();
    const body: [string, string][] = [
      ["_csrf", csrfOf(form)], ["entry_key", form.match(/name="entry_key" value="([^"]+)"/)![1]], ["source_reference", "F1-METRIK1"],
      ["received_on", berlinDay(new Date().toISOString())], ["q1", "Auf Papier eingegangen."], ["q3", "bus"], ["q5", "2"],
    ];
    expect((await staff.post(`/musterstadt/verwaltung/schalter/${procedureId}/paper`, body)).status).toBe(303);
    expect((await staff.post(`/musterstadt/verwaltung/schalter/${procedureId}/paper`, body)).status).toBe(303); // the same form again
    const after = await metricsOf(server);
    const online = 'teilhabe_submissions_created_total{channel="online"}';
    const paper = 'teilhabe_submissions_created_total{channel="paper"}';
    expect((value(after, online) ?? 0) - (value(before, online) ?? 0)).toBe(1);
    expect((value(after, paper) ?? 0) - (value(before, paper) ?? 0)).toBe(1);
    expect(await h.db.selectFrom("submissions").select("id").where("channel", "=", "paper").execute()).toHaveLength(1);
  });

  it("counts scheduled job runs by job and result, failures included", async () => {
    const runs = async (job: string, result: string) => value(await metricsOf(server), `teilhabe_jobs_total{job="${job}",result="${result}"}`) ?? 0;
    for (let i = 0; i < 200 && (await runs("retention", "success")) === 0; i++) await sleep(100);
    expect(await runs("retention", "success")).toBeGreaterThan(0);
    // the sessions job cannot work while its table is missing: counted as a failure
    await h.db.schema.alterTable("staff_sessions").renameTo("staff_sessions_away").execute();
    try {
      for (let i = 0; i < 200 && (await runs("sessions", "failure")) === 0; i++) await sleep(100);
    } finally {
      await h.db.schema.alterTable("staff_sessions_away").renameTo("staff_sessions").execute();
    }
    expect(await runs("sessions", "failure")).toBeGreaterThan(0);
    expect(server.logs()).toContain('"event":"job_failed","job":"sessions"');
  });
});

describe("/metrics with METRICS_TOKEN", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ env: { METRICS_TOKEN: "metrics-secret-for-the-test", JOBS_INTERVAL_MS: "0" } });
  });
  afterAll(async () => server?.stop());

  it("answers only with the token as a bearer, even from this machine", async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(403);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: "Bearer wrong" } })).status).toBe(403);
    const ok = await fetch(`${server.url}/metrics`, { headers: { authorization: "Bearer metrics-secret-for-the-test" } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("teilhabe_http_requests_total");
    // probes stay open: a load balancer has no token
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });
});

describe("shutting down", () => {
  it("says not ready at once on SIGTERM, keeps answering for SHUTDOWN_DELAY_MS, then exits", async () => {
    const server = await startServer({ env: { SHUTDOWN_DELAY_MS: "3000", JOBS_INTERVAL_MS: "0" } });
    try {
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      process.kill(server.pid, "SIGTERM");
      await sleep(200);
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.text()).toContain("shutting_down");
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${server.url}${PROCEDURE}`)).status).toBe(200); // still serving while the balancer notices
      let alive = true;
      for (let i = 0; i < 200 && alive; i++) {
        await sleep(100);
        try {
          process.kill(server.pid, 0);
        } catch {
          alive = false;
        }
      }
      expect(alive).toBe(false);
      expect(server.logs()).toContain('"event":"stopping"');
    } finally {
      await server.stop();
    }
  });
});

/** The closed demo procedure with `count` published submissions and its results out, written directly. */
function seedPublishedSubmissions(file: string, slug: string, count: number) {
  const db = new Sqlite(file);
  db.pragma("busy_timeout = 10000");
  const procedure = db.prepare("select id, organisation_id from procedures where slug = ?").get(slug) as { id: number; organisation_id: number };
  const question = db.prepare("select id from questions where procedure_id = ? order by position limit 1").get(procedure.id) as { id: number };
  const submission = db.prepare(
    `insert into submissions (organisation_id, procedure_id, receipt_code_hash, channel, notice_version, language, state, response_state, idempotency_key, created_at)
     values (?, ?, ?, 'online', '1', 'de', 'published', 'pending', ?, ?)`,
  );
  const answer = db.prepare("insert into answers (submission_id, question_id, value) values (?, ?, ?)");
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const { lastInsertRowid } = submission.run(procedure.organisation_id, procedure.id, `fixture-${i}`, `fixture-${i}`, new Date(Date.now() - (count - i) * 1000).toISOString());
      answer.run(lastInsertRowid, question.id, `Idee ${i}: mehr Bänke, Bäume und Schatten auf dem Marktplatz, dazu ein Brunnen für heiße Sommertage.`);
    }
    db.prepare("update procedures set status = 'results_published', results_summary = 'Viele Ideen.' where id = ?").run(procedure.id);
  })();
  db.close();
}

describe("a slow reader of a large download", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ env: { JOBS_INTERVAL_MS: "0" } });
    // the closed demo procedure with 150 000 published submissions: a CSV of about 20 MB
    seedPublishedSubmissions(server.database.url, "marktplatz", 150_000);
  });
  afterAll(async () => server?.stop());

  const memory = async () => {
    const text = await metricsOf(server);
    return { rss: value(text, "process_resident_memory_bytes")!, buffers: value(text, "nodejs_external_memory_bytes")! };
  };

  it("does not make the server buffer the file: it writes only as fast as the client reads", async () => {
    const url = `${server.url}/musterstadt/verfahren/marktplatz/daten.csv`;
    // one full download first: the database pages and the code paths are warm, the allocator has grown
    const warm = await fetch(url);
    expect((await warm.arrayBuffer()).byteLength).toBeGreaterThan(15_000_000);
    await sleep(500);
    const before = await memory();

    // read one chunk, then stop reading
    let received = 0;
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(url, { headers: { "accept-encoding": "identity" } }, resolve);
      req.on("error", reject);
      req.end();
    });
    expect(response.statusCode).toBe(200);
    await new Promise<void>((resolve) => response.once("data", (chunk: Buffer) => ((received += chunk.length), response.pause(), resolve())));

    // give the server every chance to run ahead: sample its memory until it stops changing
    const peak = { ...before };
    let last = 0;
    for (let i = 0, steady = 0; i < 40 && steady < 4; i++) {
      await sleep(250);
      const now = await memory();
      peak.rss = Math.max(peak.rss, now.rss);
      peak.buffers = Math.max(peak.buffers, now.buffers);
      steady = Math.abs(now.rss - last) < 512 * 1024 ? steady + 1 : 0;
      last = now.rss;
    }

    // then read the rest: the file really is large
    response.on("data", (chunk: Buffer) => (received += chunk.length));
    response.resume();
    await new Promise((resolve) => response.once("end", resolve));
    expect(received).toBeGreaterThan(15_000_000);
    const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
    // without back-pressure the whole file waits in the server's buffers: buffer memory grows by its size (the
    // sharp measure, below); RSS also moves with the allocator and the timers' jobs on a busy machine, so it only
    // has to stay clear of twice the file
    expect(peak.rss - before.rss, `server RSS grew by ${mb(peak.rss - before.rss)} while the reader paused`).toBeLessThan(2 * received);
    expect(peak.buffers - before.buffers, `server buffers grew by ${mb(peak.buffers - before.buffers)}`).toBeLessThan(received / 4);
  });
});

