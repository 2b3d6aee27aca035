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
import { mkdtempSync, rmSync } from "node:fs";
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
const { openDatabase } = await import("./bench-db.js");
const counted = await openDatabase(databaseUrl);
console.table(results);
console.log(`Submissions stored: ${counted} in ${elapsed.toFixed(1)} s = ${(counted / elapsed).toFixed(0)} submissions/s`);

server.kill("SIGTERM");
await new Promise((r) => server.once("exit", r));
rmSync(dir, { recursive: true, force: true });
