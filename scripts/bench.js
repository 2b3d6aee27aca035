/**
 * `npm run bench`: autocannon against the production build on a fresh SQLite database (or the
 * database in BENCH_DATABASE_URL). Two scenarios, each BENCH_SECONDS (default 10) with
 * BENCH_CONNECTIONS (default 10) connections:
 *   1. GET of a procedure page (the form);
 *   2. a valid submission end to end: POST the form (validated, kept as a draft), then POST
 *      "send" (one transaction, committed with synchronous=FULL before the receipt is shown).
 * Prints requests/s and latency percentiles for each, and submissions stored per second.
 */
import autocannon from "autocannon";
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildIfStale, root } from "./build-if-stale.js";

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const PROCEDURE = "/musterstadt/verfahren/radverkehrsplan-2030";

buildIfStale();
const dir = mkdtempSync(join(tmpdir(), "teilhabe-bench-"));
const databaseUrl = process.env.BENCH_DATABASE_URL || join(dir, "bench.sqlite");

const server = spawn(process.execPath, ["server.js"], {
  cwd: root,
  env: { ...process.env, PORT: "0", HOST: "127.0.0.1", DATABASE_URL: databaseUrl, NODE_ENV: "production" },
  stdio: ["ignore", "pipe", "inherit"],
});
const port = await new Promise((resolve, reject) => {
  let out = "";
  server.stdout.on("data", (c) => {
    out += c;
    const m = out.match(/"event":"listening","port":(\d+)/);
    if (m) resolve(Number(m[1]));
  });
  server.on("exit", (code) => reject(new Error(`server exited with ${code}`)));
});
const url = `http://127.0.0.1:${port}`;

function summary(name, r) {
  return {
    scenario: name,
    "requests/s (mean)": Math.round(r.requests.average),
    "latency p50 ms": r.latency.p50,
    "latency p99 ms": r.latency.p99,
    requests: r.requests.total,
    "non-2xx/3xx": r.non2xx - (r["3xx"] ?? 0),
    errors: r.errors + r.timeouts,
  };
}

const form = new URLSearchParams([
  ["q1", "Der Radweg in der Bahnhofstraße endet plötzlich an der Kreuzung. Bitte bis zum Bahnhof verlängern."],
  ["q2", "Bahnhofstraße"],
  ["q3", "bike"],
  ["q4", "safety"],
  ["q4", "lighting"],
  ["q5", "4"],
  ["q6", "yes"],
  ["contact_email", "bench@example.org"],
]).toString();

const results = [];
console.log(`Benchmark: ${seconds} s per scenario, ${connections} connections, database ${databaseUrl.startsWith("postgres") ? "PostgreSQL" : "SQLite (WAL, synchronous=FULL)"}`);

results.push(
  summary(
    "GET procedure page",
    await autocannon({ url: url + PROCEDURE, connections, duration: seconds }),
  ),
);

const before = Date.now();
const submitResult = await autocannon({
  url,
  connections,
  duration: seconds,
  requests: [
    {
      method: "POST",
      path: PROCEDURE,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form,
      onResponse: (status, body, context, headers) => {
        const setCookie = headers["set-cookie"] ?? headers["Set-Cookie"];
        const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
        if (first) context.cookie = String(first).split(";")[0];
      },
    },
    {
      method: "POST",
      path: `${PROCEDURE}/pruefen`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      setupRequest: (req, context) => ({ ...req, headers: { ...req.headers, cookie: context.cookie ?? "" } }),
    },
  ],
});
const elapsed = (Date.now() - before) / 1000;
results.push(summary("POST form + POST send (pairs)", submitResult));

// count what was stored, through the server's own database
const { openDatabase, seedPublishedFixture } = await import("./bench-db.js");
const counted = await openDatabase(databaseUrl);
console.table(results);
console.log(`Submissions stored: ${counted} in ${elapsed.toFixed(1)} s = ${(counted / elapsed).toFixed(0)} submissions/s`);

// Phase 2 (SQLite): a closed procedure with BENCH_FIXTURE (100 000) published submissions and
// responses: the results page and the moderation queue under load (p95), and the CSV export's
// peak memory in the server process.
const fixture = Number(process.env.BENCH_FIXTURE ?? 100_000);
process.on("uncaughtException", (error) => {
  console.error(error);
  server.kill("SIGTERM");
  process.exit(1);
});
if (fixture > 0 && !databaseUrl.startsWith("postgres")) {
  const seededIn = Date.now();
  const { slug, procedureId } = seedPublishedFixture(databaseUrl, fixture);
  console.log(`\nFixture: ${fixture} published submissions with responses in "${slug}" (seeded in ${((Date.now() - seededIn) / 1000).toFixed(1)} s)`);
  const cookie = await signInModerator(url);
  const fixtureResults = [];
  fixtureResults.push(await latencies("GET results page (first page)", `${url}/musterstadt/verfahren/${slug}/ergebnisse`, {}));
  fixtureResults.push(await latencies("GET results page 2000", `${url}/musterstadt/verfahren/${slug}/ergebnisse?seite=2000`, {}));
  fixtureResults.push(await latencies("GET moderation queue", `${url}/musterstadt/verwaltung/moderation/${procedureId}`, { cookie }));
  fixtureResults.push(await latencies("GET queue, filtered, deep page", `${url}/musterstadt/verwaltung/moderation/${procedureId}?kanal=paper&nach=90000`, { cookie }));
  console.table(fixtureResults);
  const { bytes, peakRssMb, baseRssMb, seconds } = await exportPeak(`${url}/musterstadt/verfahren/${slug}/daten.csv`, server.pid);
  console.log(`CSV export of ${fixture} submissions: ${(bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(1)} s; server RSS ${baseRssMb} MB before, peak ${peakRssMb} MB during`);
}

async function latencies(name, target, headers) {
  const durations = [];
  let failures = 0;
  const until = Date.now() + Math.min(seconds, 10) * 1000;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (Date.now() < until) {
        const t0 = performance.now();
        const res = await fetch(target, { headers, redirect: "manual" });
        await res.arrayBuffer();
        durations.push(performance.now() - t0);
        if (res.status !== 200) failures++;
      }
    }),
  );
  durations.sort((a, b) => a - b);
  const at = (p) => durations[Math.min(durations.length - 1, Math.floor((p / 100) * durations.length))].toFixed(1);
  return { scenario: name, requests: durations.length, "p50 ms": at(50), "p95 ms": at(95), "p99 ms": at(99), "non-200": failures };
}

/** The demo moderator, signed in with the demo TOTP secret. */
async function signInModerator(base) {
  const res = await fetch(`${base}/anmelden`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "email=moderation%40demo.example&password=teilhabe-demo",
  });
  let cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).filter((c) => !c.endsWith("=")).pop();
  const code = await fetch(`${base}/anmelden/code`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: `code=${totp("JBSWY3DPEHPK3PXP")}`,
  });
  cookie = code.headers.getSetCookie().map((c) => c.split(";")[0]).filter((c) => !c.endsWith("=")).pop();
  return cookie;
}

function totp(secret) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secret) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000)));
  const h = createHmac("sha1", key).update(counter).digest();
  const o = h[h.length - 1] & 15;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1e6).padStart(6, "0");
}

/** Download an export while sampling the server's resident memory. */
async function exportPeak(target, pid) {
  const rss = () => Number(readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/)[1]) / 1024;
  const base = Math.round(rss());
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, rss())), 20);
  const t0 = Date.now();
  const res = await fetch(target);
  let bytes = 0;
  for await (const chunk of res.body) bytes += chunk.length;
  clearInterval(timer);
  return { bytes, peakRssMb: Math.round(peak), baseRssMb: base, seconds: (Date.now() - t0) / 1000 };
}

server.kill("SIGTERM");
await new Promise((r) => server.once("exit", r));
rmSync(dir, { recursive: true, force: true });
