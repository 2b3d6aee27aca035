/**
 * `npm run bench`: the production build on a fresh SQLite database (or BENCH_DATABASE_URL), each
 * scenario measured with autocannon against our server AND, in the same run, against a bare
 * node:http server doing the same I/O (scripts/bench-bare.js), reported as a ratio:
 *   1. GET of the procedure page (Accept-Encoding: gzip, br, like a browser) vs a static buffer of
 *      the same page and compression; BENCH_GET_CONNECTIONS (10) connections;
 *   2. a valid submission, durable, vs one form POST with one SQLite insert (WAL,
 *      synchronous=FULL) and a 303; BENCH_POST_CONNECTIONS (32) connections. One submission in our
 *      app is two POSTs — the form (validated, kept as a draft) and "send" (one transaction with the
 *      submission and its privacy-log events, committed before the receipt is shown) — so both our
 *      requests/s and our submissions/s are compared with the bare inserts/s.
 * Each scenario runs BENCH_SECONDS (10) per server, in BENCH_ROUNDS (3) alternating rounds (ours,
 * bare, ours, bare, …): machines of this kind change speed for minutes at a time, and a ratio of two
 * runs taken one after the other measured that change as much as our server. BENCH_RUNS (1) repeats
 * phase 1; every goal is judged on the MEDIAN over all rounds of all runs, printed with its range,
 * each run's median, and how busy the machine was meanwhile (other processes' share of the cores,
 * the load average) — never on the best round. Then phase 2 (results and moderation at BENCH_FIXTURE
 * submissions, below), after the document downloads (20 concurrent downloads of a 20 MB document,
 * ours from the database vs the bare server streaming the same file from disk; runDownloadPhase).
 * At the end: the peak RSS of our server over the whole run (VmHWM);
 * BENCH_MEMORY=1 adds the peak of every step and what it was made of (memorySampler). Each row also
 * shows the server's own CPU time per request (/proc/<pid>/stat), steadier than requests/s when
 * the machine is shared.
 */
import autocannon from "autocannon";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { buildIfStale, root } from "./build-if-stale.js";
import { signIn, startProcess, uploadBenchDocument } from "./bench-support.js";

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const getConnections = Number(process.env.BENCH_GET_CONNECTIONS ?? process.env.BENCH_CONNECTIONS ?? 10);
const postConnections = Number(process.env.BENCH_POST_CONNECTIONS ?? 32);
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const PROCEDURE = "/musterstadt/verfahren/radverkehrsplan-2030";
const BROWSER = { "accept-encoding": "gzip, deflate, br", "accept-language": "de-DE,de;q=0.9" };

buildIfStale();
const dir = mkdtempSync(join(tmpdir(), "teilhabe-bench-"));
const databaseUrl = process.env.BENCH_DATABASE_URL || join(dir, "bench.sqlite");

const stopProcess = async (child) => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
};

/**
 * BENCH_MEMORY=1: the server's memory sampled every 20 ms (/proc/<pid>/status) and its peak reported
 * per step (phase 1, seeding, publishing, the inclusion job, each page, the export), split into
 * anonymous memory (heap, malloc: SQLite's page cache, buffers), file-backed and shared (the WAL
 * index) pages, with the V8 side (heap used, external, array buffers) the server reports of itself
 * through a small preloaded probe. For finding which step sets the peak; off by default.
 */
const memoryTrace = process.env.BENCH_MEMORY === "1";
const probeFile = join(dir, "memory-probe.json");
const probe = `import{writeFileSync as w}from"node:fs";setInterval(()=>{try{w(${JSON.stringify(probeFile)},JSON.stringify(process.memoryUsage()))}catch{}},20).unref();`;
const serverArgs = [...(memoryTrace ? [`--import=data:text/javascript,${encodeURIComponent(probe)}`] : []), ...(process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean)];

/** Our server's settings (the compared checkout's server gets the same, with its own database). */
const serverEnv = (database, copies) => ({
  HOST: "127.0.0.1",
  DATABASE_URL: database,
  // every request comes from this machine: the per-client submission limit would stop the load
  SUBMISSIONS_PER_HOUR: "0",
  NODE_ENV: "production",
  // the documents' copies on disk (decision 46) in the run's own directory, removed with it
  FILE_COPIES_DIR: copies,
  ACCESS_LOG: process.env.ACCESS_LOG ?? "true",
  // the heap limit we recommend for production (docs/configuration.md): V8 otherwise lets the heap
  // grow far beyond what the server needs before it collects
  NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS ?? "--max-old-space-size=128",
  // the C library's allocator as we recommend it for production (docs/configuration.md)
  MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? "2",
});
const { child: server, url } = await startProcess("build/server/index.js", serverEnv(databaseUrl, join(dir, "file-copies")), serverArgs); // BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof" to profile our server
process.on("uncaughtException", (error) => {
  console.error(error);
  server.kill("SIGTERM");
  process.exit(1);
});
const memory = memoryTrace ? memorySampler(server.pid) : { step() {}, stop() {} };
memory.step("start-up");
/** A reader of one moment of /proc/<pid>/status: field name → kB. */
const procStatus = (pid) => {
  const text = readFileSync(`/proc/${pid}/status`, "utf8");
  return (field) => Number(text.match(new RegExp(`${field}:\\s+(\\d+)`))?.[1] ?? 0);
};
const status = (pid, field) => procStatus(pid)(field) / 1024;

// the bare server gets the page exactly as ours renders it for this reader
const pageFile = join(dir, "page.html");
writeFileSync(pageFile, Buffer.from(await (await fetch(url + PROCEDURE, { headers: { "accept-language": BROWSER["accept-language"] } })).arrayBuffer()));
const { child: bare, url: bareUrl } = await startProcess("scripts/bench-bare.js", { BARE_PAGE: pageFile, BARE_DATABASE: join(dir, "bare.sqlite") });

/**
 * One autocannon run. Latencies are taken from every response (autocannon itself has no p95); with
 * a sequence of requests, each step's latencies are kept apart too.
 */
async function measure(options, pid) {
  const all = [];
  const steps = (options.requests ?? [null]).map(() => []);
  const position = new Map();
  // a new connection every 500 requests, as browsers do when the server says "Connection: close"
  // (ours does after 1000 requests per socket; a client that keeps sending gets 503s)
  const instance = autocannon({ duration: seconds, reconnectRate: 500, ...options });
  instance.on("response", (client, _status, _bytes, ms) => {
    const i = position.get(client) ?? 0;
    position.set(client, (i + 1) % steps.length);
    steps[i].push(ms);
    all.push(ms);
  });
  const cpuBefore = cpuMs(pid);
  const r = await instance;
  const cpu = cpuMs(pid) - cpuBefore;
  // answered requests only (2xx, 3xx): a refused request is not throughput
  const answered = r.requests.total - (r.non2xx - (r["3xx"] ?? 0));
  return {
    // the server's own CPU time (user + system) per request: steadier than requests/s on a shared machine
    cpuPerRequest: cpu / Math.max(1, r.requests.total),
    rps: answered / r.duration,
    total: r.requests.total,
    bad: r.non2xx - (r["3xx"] ?? 0) + r.errors + r.timeouts,
    why: [...Object.entries(r.statusCodeStats ?? {}).filter(([code]) => !/^[23]/.test(code)).map(([code, { count }]) => `${count}×${code}`), r.errors ? `${r.errors} errors` : "", r.timeouts ? `${r.timeouts} timeouts` : ""].filter(Boolean).join(", "),
    latency: percentiles(all),
    steps: steps.map(percentiles),
    duration: r.duration,
    raw: { all, steps, answered, cpu },
  };
}

/**
 * Ours and bare in `rounds` alternating rounds of seconds/rounds each. Each round keeps its own
 * figures (a goal is judged on the median over rounds and runs, never on the best one); the merged
 * figures over all of a server's rounds are shown in the table. `around` runs before and after each
 * of our rounds (counting stored submissions).
 */
async function alternate(ours, bare, around = { before: async () => {}, after: async () => {} }) {
  const duration = seconds / rounds;
  const runs = { ours: [], bare: [] };
  const perRound = [];
  for (let i = 0; i < rounds; i++) {
    const machine = machineLoad([ours.pid, bare.pid, process.pid]);
    await around.before();
    const o = await measure({ ...ours.options, duration }, ours.pid);
    const extra = await around.after();
    const b = await measure({ ...bare.options, duration }, bare.pid);
    runs.ours.push(o);
    runs.bare.push(b);
    perRound.push({ ours: o, bare: b, extra, load: machine.end() });
  }
  const merged = (list) => {
    const sum = (f) => list.reduce((a, r) => a + f(r), 0);
    const total = sum((r) => r.total);
    const time = sum((r) => r.duration);
    return {
      cpuPerRequest: sum((r) => r.raw.cpu) / Math.max(1, total),
      rps: sum((r) => r.raw.answered) / time,
      total,
      bad: sum((r) => r.bad),
      why: list.map((r) => r.why).filter(Boolean).join("; "),
      latency: percentiles(list.flatMap((r) => r.raw.all)),
      steps: list[0].raw.steps.map((_, i) => percentiles(list.flatMap((r) => r.raw.steps[i]))),
      duration: time,
    };
  };
  const roundRatios = runs.ours.map((o, i) => `${Math.round(o.rps)}/${Math.round(runs.bare[i].rps)}`);
  return { ours: merged(runs.ours), bare: merged(runs.bare), rounds: roundRatios.join(", "), perRound };
}

/**
 * How busy the machine was while a round ran, apart from the benchmark itself: the share of all
 * cores' time (/proc/stat) used by processes other than our server, the bare server and this one
 * (autocannon runs inside it), and the 1-minute load average at the end. On a shared machine this
 * says which rounds were measured against someone else's work.
 */
function machineLoad(ownPids) {
  const busy = () => {
    const [, ...fields] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/);
    const n = fields.map(Number);
    const idle = n[3] + (n[4] ?? 0); // idle + iowait
    const all = n.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: all - idle, all };
  };
  const own = () => ownPids.reduce((a, pid) => a + cpuMs(pid) / 10, 0); // ticks of 10 ms
  const start = { ...busy(), own: own() };
  return {
    end() {
      const now = busy();
      const all = Math.max(1, now.all - start.all);
      const others = Math.max(0, now.busy - start.busy - (own() - start.own));
      return { othersPct: (100 * others) / all, loadavg: Number(readFileSync("/proc/loadavg", "utf8").split(" ")[0]) };
    },
  };
}

/** The median and the range of a list of numbers. */
function spread(values) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!sorted.length) return { median: NaN, min: NaN, max: NaN };
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

/** CPU time (user + system) a process has used so far, in ms (/proc/<pid>/stat, clock ticks of 10 ms). */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function percentiles(values) {
  const sorted = Float64Array.from(values).sort();
  const at = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);
  return { p50: at(50), p95: at(95), p99: at(99) };
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
const FORM = { "content-type": "application/x-www-form-urlencoded" };

console.log(
  `Benchmark: ${seconds} s per scenario, GET at ${getConnections} and POST at ${postConnections} connections; ` +
    `database ${databaseUrl.startsWith("postgres") ? "PostgreSQL" : "SQLite (WAL, synchronous=FULL)"}; page ${readFileSync(pageFile).length} bytes`,
);

/** a submission as a browser makes it: the form (→ draft, its cookie kept), then "send" */
const ourPosts = {
  url,
  connections: postConnections,
  requests: [
    {
      method: "POST",
      path: PROCEDURE,
      headers: { ...BROWSER, ...FORM },
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
      headers: { ...BROWSER, ...FORM },
      setupRequest: (req, context) => ({ ...req, headers: { ...req.headers, cookie: context.cookie ?? "" } }),
    },
  ],
};
const barePosts = { url: `${bareUrl}/submit`, method: "POST", connections: postConnections, headers: FORM, body: form };

// a short warm-up of both, GET and POST (JIT, page cache, SQLite file)
memory.step("warm-up");
await autocannon({ url: url + PROCEDURE, connections: 4, duration: 2, headers: BROWSER });
await autocannon({ url: `${bareUrl}/page`, connections: 4, duration: 2, headers: BROWSER });
await autocannon({ ...ourPosts, connections: 4, duration: 2 });
await autocannon({ ...barePosts, connections: 4, duration: 2 });

const ms = (v) => (Number.isFinite(v) ? v.toFixed(1) : "–");
const pct = (a, b) => `${((100 * a) / b).toFixed(0)} %`;
const verdict = (ok) => (ok ? "PASS" : "MISS");
const benchRuns = Math.max(1, Number(process.env.BENCH_RUNS ?? 1));
const allRounds = { get: [], post: [] };
let get, post;
for (let run = 1; run <= benchRuns; run++) {
  memory.step(`GET procedure page (run ${run})`);
  get = await alternate(
    { options: { url: url + PROCEDURE, connections: getConnections, headers: BROWSER }, pid: server.pid },
    { options: { url: `${bareUrl}/page`, connections: getConnections, headers: BROWSER }, pid: bare.pid },
  );
  memory.step(`POST form + send, ours and bare alternately (run ${run})`);
  let storedBefore = 0;
  post = await alternate(
    { options: ourPosts, pid: server.pid },
    { options: barePosts, pid: bare.pid },
    {
      before: async () => {
        storedBefore = await countStored(databaseUrl);
      },
      after: async () => (await countStored(databaseUrl)) - storedBefore,
    },
  );
  allRounds.get.push(...get.perRound.map((r) => ({ ...r, run })));
  allRounds.post.push(...post.perRound.map((r) => ({ ...r, run })));
  printRun(run, get, post);
}
await stopProcess(bare);


/** The last run's table (merged over its rounds), then every round's pair and the machine's load. */
function printRun(run, get, post) {
  const { ours: getOurs, bare: getBare } = get;
  const { ours: postOurs, bare: postBare } = post;
  const row = (scenario, r) => ({
    scenario,
    "req/s": Math.round(r.rps),
    "p50 ms": ms(r.latency.p50),
    "p95 ms": ms(r.latency.p95),
    "p99 ms": ms(r.latency.p99),
    requests: r.total,
    "CPU ms/req": r.cpuPerRequest === undefined ? "" : r.cpuPerRequest.toFixed(3),
    "bad/errors": r.bad ? `${r.bad} (${r.why})` : 0,
  });
  console.log(`\nRun ${run} of ${benchRuns} (${rounds} rounds per scenario, ours and bare alternating):`);
  console.table([
    row(`GET procedure page — ours (${getConnections} conn.)`, getOurs),
    row(`GET same page, static — bare (${getConnections} conn.)`, getBare),
    row(`POST form + POST send — ours (${postConnections} conn.)`, postOurs),
    { ...row("   of which POST form (→ draft)", { ...postOurs, latency: postOurs.steps[0], cpuPerRequest: undefined }), "req/s": "", requests: "", "bad/errors": "" },
    { ...row("   of which POST send (→ stored)", { ...postOurs, latency: postOurs.steps[1], cpuPerRequest: undefined }), "req/s": "", requests: "", "bad/errors": "" },
    row(`POST + 1 insert + 303 — bare (${postConnections} conn.)`, postBare),
  ]);
  const load = (r) => `others ${r.load.othersPct.toFixed(0)} % CPU, load ${r.load.loadavg.toFixed(2)}`;
  console.log(`Per round, ours/bare req/s: GET ${get.perRound.map((r) => `${Math.round(r.ours.rps)}/${Math.round(r.bare.rps)} (${load(r)})`).join("; ")}`);
  console.log(`                            POST ${post.perRound.map((r) => `${Math.round(r.ours.rps)}/${Math.round(r.bare.rps)} (${load(r)})`).join("; ")}`);
}

/**
 * Every goal judged on the median over all rounds of all runs (BENCH_RUNS × BENCH_ROUNDS), with
 * the range beside it: a goal is met only when its median meets it, never by the best round.
 */
const perRound = {
  getRatio: allRounds.get.map((r) => r.ours.rps / r.bare.rps),
  postRatio: allRounds.post.map((r) => r.ours.rps / r.bare.rps),
  storedRatio: allRounds.post.map((r) => r.extra / r.ours.duration / r.bare.rps),
  p99: allRounds.post.map((r) => Math.max(r.ours.steps[0].p99, r.ours.steps[1].p99)),
  // server CPU per stored submission (form + send), ours; per insert, bare
  cpuPerSubmission: allRounds.post.map((r) => r.ours.raw.cpu / Math.max(1, r.extra)),
  cpuPerBareInsert: allRounds.post.map((r) => r.bare.raw.cpu / Math.max(1, r.bare.total)),
  others: [...allRounds.get, ...allRounds.post].map((r) => r.load.othersPct),
  loadavg: [...allRounds.get, ...allRounds.post].map((r) => r.load.loadavg),
};
const share = (s) => `median ${(100 * s.median).toFixed(0)} % (range ${(100 * s.min).toFixed(0)}–${(100 * s.max).toFixed(0)} %)`;
const millis = (s) => `median ${ms(s.median)} ms (range ${ms(s.min)}–${ms(s.max)})`;
const n = `${benchRuns * rounds} rounds`;
const goals = [];
/** With BENCH_RUNS > 1, each run's own median too: how far one run of the command moves. */
const runMedians = (values, format) => {
  if (benchRuns < 2) return "";
  const rows = allRounds.post.length === values.length ? allRounds.post : allRounds.get;
  const perRun = Array.from({ length: benchRuns }, (_, i) => spread(values.filter((_, j) => rows[j].run === i + 1)).median);
  return `; per run ${perRun.map(format).join(", ")}`;
};
const ratioGoal = (goal, values, floor) => {
  const s = spread(values);
  goals.push({ goal, measured: `${share(s)} over ${n}${runMedians(values, (v) => `${(100 * v).toFixed(0)} %`)}`, result: verdict(s.median >= floor) });
};
ratioGoal("GET procedure page ≥ 25 % of bare req/s", perRound.getRatio, 0.25);
ratioGoal("Submission POSTs ≥ 50 % of bare req/s", perRound.postRatio, 0.5);
ratioGoal("Submissions stored ≥ 50 % of bare inserts/s", perRound.storedRatio, 0.5);
{
  const s = spread(perRound.p99);
  goals.push({ goal: `Submission POST p99 < 50 ms at ${postConnections} conn. (slower of form and send)`, measured: `${millis(s)} over ${n}${runMedians(perRound.p99, (v) => `${ms(v)} ms`)}`, result: verdict(s.median < 50) });
}
{
  const ours = spread(perRound.cpuPerSubmission);
  const bare = spread(perRound.cpuPerBareInsert);
  console.log(
    `\nServer CPU per stored submission (form + send): median ${ours.median.toFixed(3)} ms (range ${ours.min.toFixed(3)}–${ours.max.toFixed(3)}); ` +
      `bare per insert: median ${bare.median.toFixed(3)} ms`,
  );
}
{
  const others = spread(perRound.others);
  const load = spread(perRound.loadavg);
  console.log(
    `Machine while measuring: other processes used median ${others.median.toFixed(0)} % of all cores' time (range ${others.min.toFixed(0)}–${others.max.toFixed(0)} %); ` +
      `1-minute load average median ${load.median.toFixed(2)} (range ${load.min.toFixed(2)}–${load.max.toFixed(2)}) on ${availableParallelism()} cores`,
  );
}
console.log(`Server memory after phase 1: RSS ${status(server.pid, "VmRSS").toFixed(0)} MB, peak so far ${status(server.pid, "VmHWM").toFixed(0)} MB`);

// BENCH_COMPARE: this build against another checkout's, submission rounds alternating (runComparePhase).
if (process.env.BENCH_COMPARE) {
  memory.step("submissions, this build vs BENCH_COMPARE");
  goals.push(...(await runComparePhase(process.env.BENCH_COMPARE)));
}

// Document downloads: ours from the database's chunks vs a file streamed from disk (runDownloadPhase).
if (process.env.BENCH_DOWNLOADS !== "0") {
  memory.step("document downloads");
  goals.push(...(await runDownloadPhase({ url, serverPid: server.pid, pageFile })));
}

// Proofs from the transparency log against the same bytes from memory (runProofPhase); after the
// downloads, whose RSS goal is judged on their own
if (process.env.BENCH_PROOFS !== "0") {
  memory.step("transparency-log proofs");
  goals.push(...(await runProofPhase({ url, serverPid: server.pid })));
  console.log(`Server memory after the proofs: RSS ${status(server.pid, "VmRSS").toFixed(0)} MB, peak so far ${status(server.pid, "VmHWM").toFixed(0)} MB`);
}

// Phase 2 (SQLite): results and moderation at scale — see runResultsPhase below.
const fixture = Number(process.env.BENCH_FIXTURE ?? 100_000);
if (fixture > 0 && !databaseUrl.startsWith("postgres")) {
  const { rows, weighing } = await runResultsPhase({ url, databaseUrl, fixture, serverPid: server.pid });
  for (const { label, ours, bare } of weighing) {
    goals.push({ goal: `${label} (${fixture} submissions): server RSS < 200 MB`, measured: `${ours.seconds.toFixed(1)} s, bare the same bytes ${bare.seconds.toFixed(2)} s; peak RSS ${ours.peakRssMb} MB`, result: verdict(ours.peakRssMb < 200) });
  }
  for (const r of rows) {
    goals.push({ goal: `${r.scenario} p95 < 100 ms (${fixture} submissions)`, measured: `${r["p95 ms"]} ms`, result: verdict(Number(r["p95 ms"]) < 100 && r["non-200"] === 0) });
  }
}
memory.stop();
const peakMb = status(server.pid, "VmHWM");
goals.push({ goal: "Peak RSS of the server over the whole run < 200 MB", measured: `${peakMb.toFixed(0)} MB (VmHWM)`, result: verdict(peakMb < 200) });
console.log(`\nGoals (phase 1: the median over ${n} decides; phase 2: one measurement each):`);
console.table(goals);

/**
 * BENCH_COMPARE=<checkout>: the same submissions (form + send at BENCH_POST_CONNECTIONS) against
 * this build and the built server of another checkout (e.g. `git worktree add /tmp/before <commit>
 * && (cd /tmp/before && npm ci && npm run build)`), each on a fresh database of its own, in
 * BENCH_ROUNDS alternating rounds of BENCH_SECONDS/BENCH_ROUNDS, after a warm-up of the other
 * server of 2 × BENCH_SECONDS. Reported: the server CPU per
 * stored submission of each (median and range over rounds) and their ratio — what a change saved,
 * measured in one run on the same machine, so the machine's own changes of speed cancel out.
 */
async function runComparePhase(other) {
  const { child: before, url: beforeUrl } = await startProcess("build/server/index.js", serverEnv(join(dir, "compare.sqlite"), join(dir, "compare-copies")), [], other);
  const beforeDatabase = join(dir, "compare.sqlite");
  const duration = seconds / rounds;
  // its warm-up, not measured: ours is warm from phase 1; on a busy machine one round was not enough
  // (the other build's CPU per submission still fell by a third over the next rounds)
  await autocannon({ ...ourPosts, url: beforeUrl, connections: 4, duration: 2 });
  await autocannon({ ...ourPosts, url: beforeUrl, duration: 2 * seconds });
  const cpu = { ours: [], before: [] };
  const p99 = { ours: [], before: [] };
  const oneRound = async (target, pid, database, into) => {
    const stored = await countStored(database);
    const r = await measure({ ...ourPosts, url: target, duration }, pid);
    cpu[into].push(r.raw.cpu / Math.max(1, (await countStored(database)) - stored));
    p99[into].push(Math.max(r.steps[0].p99, r.steps[1].p99));
  };
  for (let i = 0; i < rounds; i++) {
    await oneRound(url, server.pid, databaseUrl, "ours");
    await oneRound(beforeUrl, before.pid, beforeDatabase, "before");
  }
  await stopProcess(before);
  const ours = spread(cpu.ours);
  const then = spread(cpu.before);
  const range = (s) => `median ${s.median.toFixed(3)} ms (range ${s.min.toFixed(3)}–${s.max.toFixed(3)})`;
  console.log(`\nServer CPU per stored submission, ${rounds} alternating rounds: this build ${range(ours)}, ${other} ${range(then)}`);
  console.log(`  POST p99 (slower of form and send): this build ${p99.ours.map(ms).join(", ")} ms; ${other} ${p99.before.map(ms).join(", ")} ms`);
  return [
    {
      goal: `Server CPU per stored submission ≤ 2/3 of ${other}'s (same run, alternating)`,
      measured: `${((100 * ours.median) / then.median).toFixed(0)} % (${ours.median.toFixed(3)} vs ${then.median.toFixed(3)} ms, medians of ${rounds} rounds)`,
      result: verdict(ours.median <= (2 / 3) * then.median),
    },
  ];
}

/**
 * Proofs from the transparency log (decision 56): BENCH_GET_CONNECTIONS clients asking for
 * inclusion proofs of random leaves (and then consistency proofs between random sizes) of the
 * checkpoint the server signed for phase 1's submissions, against the bare server answering one
 * such proof's bytes from memory, in alternating rounds. The tree is built on the server's timer
 * (TLOG_INTERVAL_MS, 60 s): this waits up to 90 s for a checkpoint.
 */
async function runProofPhase({ url, serverPid }) {
  let size = 0;
  for (const until = Date.now() + 90_000; Date.now() < until; await new Promise((r) => setTimeout(r, 2000))) {
    const res = await fetch(`${url}/transparenz/checkpoint`);
    size = res.status === 200 ? Number((await res.text()).split("\n")[1]) : 0;
    if (size >= 2) break;
  }
  if (!(size >= 2)) {
    console.log("\nTransparency-log proofs: no checkpoint within 90 s, left out");
    return [{ goal: "Transparency-log proofs", measured: "no checkpoint within 90 s", result: "MISS" }];
  }
  const random = (n) => Math.floor(Math.random() * n);
  const kinds = [
    ["inclusion", () => `/transparenz/proof/inclusion?index=${random(size)}&size=${size}`],
    ["consistency", () => {
      const to = 2 + random(size - 1);
      return `/transparenz/proof/consistency?from=${1 + random(to - 1)}&to=${to}`;
    }],
  ];
  const rows = [];
  const goals = [];
  for (const [kind, path] of kinds) {
    const sample = await fetch(url + path());
    if (sample.status !== 200) throw new Error(`proof bench: ${kind} proof answered ${sample.status}`);
    const textFile = join(dir, `proof-${kind}.txt`);
    writeFileSync(textFile, Buffer.from(await sample.arrayBuffer()));
    const { child: bareText, url: bareTextUrl } = await startProcess("scripts/bench-bare.js", { BARE_PAGE: pageFile, BARE_DATABASE: join(dir, `bare-${kind}.sqlite`), BARE_TEXT: textFile });
    const result = await alternate(
      { options: { url, connections: getConnections, requests: [{ method: "GET", setupRequest: (req) => ({ ...req, path: path() }) }] }, pid: serverPid },
      { options: { url: `${bareTextUrl}/text`, connections: getConnections }, pid: bareText.pid },
    );
    await stopProcess(bareText);
    const ratio = spread(result.perRound.map((r) => r.ours.rps / r.bare.rps));
    const p95 = spread(result.perRound.map((r) => r.ours.latency.p95));
    rows.push({ scenario: `${kind} proof in ${size} leaves — ours`, "req/s": Math.round(result.ours.rps), "p50 ms": ms(result.ours.latency.p50), "p95 ms": ms(result.ours.latency.p95), "p99 ms": ms(result.ours.latency.p99), "CPU ms/req": result.ours.cpuPerRequest.toFixed(3), "bad/errors": result.ours.bad });
    rows.push({ scenario: `the same bytes from memory — bare`, "req/s": Math.round(result.bare.rps), "p50 ms": ms(result.bare.latency.p50), "p95 ms": ms(result.bare.latency.p95), "p99 ms": ms(result.bare.latency.p99), "CPU ms/req": result.bare.cpuPerRequest.toFixed(3), "bad/errors": result.bare.bad });
    goals.push({ goal: `Transparency-log ${kind} proof p95 < 10 ms (${size} leaves, ${getConnections} conn.)`, measured: `${millis(p95)}; ${share(ratio)} of bare req/s`, result: verdict(p95.median < 10 && result.ours.bad === 0) });
  }
  console.log(`\nTransparency-log proofs (${rounds} rounds per server, ours and bare alternating):`);
  console.table(rows);
  return goals;
}

/**
 * Phase 2: a closed procedure with `fixture` submissions (BENCH_FIXTURE, default 100 000; 1 000 000
 * works), seeded directly into the server's SQLite database. A moderator publishes the results
 * through the app (the request's time is reported: it stores the statistics snapshot and asks the
 * job for the privacy-log entries); the benchmark waits for that job to finish (BENCH_WAIT_JOB=0
 * skips the wait) and reports its time. Then p50/p95/p99 of the results page (first page and page
 * 2000), the moderation queue and a filtered deep queue page, and the CSV export's time and the
 * server's peak RSS while streaming it. Self-contained: needs the server's URL, database and pid.
 */
async function runResultsPhase({ url, databaseUrl, fixture, serverPid }) {
  const { seedPublishedFixture, inclusionDone } = await import("./bench-db.js");
  memory.step("seeding the fixture");
  const seededIn = Date.now();
  const { slug, procedureId, deepAfter } = seedPublishedFixture(databaseUrl, fixture);
  console.log(`\nFixture: ${fixture} submissions (85 % published) in "${slug}", seeded in ${((Date.now() - seededIn) / 1000).toFixed(1)} s`);
  memory.step("moderator sign-in");
  const cookie = await signInModerator(url);
  memory.step("publishing (request)");
  const staffPage = `${url}/musterstadt/verwaltung/moderation/${procedureId}/ergebnisse`;
  const form = await (await fetch(staffPage, { headers: { cookie } })).text();
  const csrf = form.match(/name="_csrf" value="([^"]+)"/)?.[1];
  if (!csrf) throw new Error("no CSRF token on the publish page");
  const t0 = performance.now();
  const published = await fetch(staffPage, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({ _csrf: csrf, intent: "publish", summary: "Viele Ideen für mehr Grün, Schatten und sichere Radwege." }).toString(),
  });
  const publishMs = performance.now() - t0;
  if (published.status !== 303) throw new Error(`publishing the results answered ${published.status}`);
  console.log(`Publishing the results (request): ${publishMs.toFixed(0)} ms`);
  memory.step("inclusion job");
  if (process.env.BENCH_WAIT_JOB !== "0") {
    const jobFrom = Date.now();
    while (!inclusionDone(databaseUrl, procedureId)) await new Promise((r) => setTimeout(r, 1000));
    console.log(`Privacy-log entries for every published submission (inclusion job): ${((Date.now() - jobFrom) / 1000).toFixed(1)} s`);
  }
  const results = `${url}/musterstadt/verfahren/${slug}/ergebnisse`;
  const queue = `${url}/musterstadt/verwaltung/moderation/${procedureId}`;
  const rows = [];
  memory.step("GET results page");
  rows.push(await latencies("GET results page (first page)", results, {}));
  memory.step("GET results page 2000");
  rows.push(await latencies("GET results page 2000", `${results}?seite=2000`, {}));
  memory.step("GET moderation queue");
  rows.push(await latencies("GET moderation queue", queue, { cookie }));
  memory.step("GET queue, filtered, deep");
  rows.push(await latencies("GET queue, filtered, deep page", `${queue}?kanal=paper&nach=${deepAfter}`, { cookie }));
  console.table(rows);
  memory.step("CSV export");
  const { bytes, peakRssMb, baseRssMb, seconds } = await exportPeak(`${url}/musterstadt/verfahren/${slug}/daten.csv`, serverPid);
  console.log(`CSV export of ${fixture} submissions: ${(bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(1)} s; server RSS ${baseRssMb} MB before, peak ${peakRssMb} MB during`);
  // the weighing table (issue 19): every statement, streamed; the named variant also writes a privacy-log entry per name
  // against its bare baseline: the same bytes streamed from disk by the bare server, right after
  const weighing = [];
  for (const [label, file, type] of [
    ["Weighing table XLSX, anonymised", "xlsx?variante=anonymisiert", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
    ["Weighing table ODT, named", "odt?variante=namentlich", "application/vnd.oasis.opendocument.text"],
  ]) {
    memory.step(label);
    const saved = join(dir, `weighing-${weighing.length}`);
    const w = await exportPeak(`${queue}/abwaegung/${file}`, serverPid, { cookie }, saved);
    const { child: bareFile, url: bareFileUrl } = await startProcess("scripts/bench-bare.js", { BARE_PAGE: pageFile, BARE_DATABASE: join(dir, "bare-weighing.sqlite"), BARE_FILE: saved, BARE_FILE_TYPE: type });
    const b = await exportPeak(`${bareFileUrl}/file`, bareFile.pid);
    await stopProcess(bareFile);
    console.log(
      `${label}, ${fixture} submissions: ${(w.bytes / 1e6).toFixed(1)} MB in ${w.seconds.toFixed(1)} s (bare, the same bytes from disk: ${b.seconds.toFixed(2)} s); ` +
        `server RSS ${w.baseRssMb} MB before, peak ${w.peakRssMb} MB during`,
    );
    weighing.push({ label, ours: w, bare: b });
  }
  return { rows, weighing };
}

/**
 * BENCH_MEMORY=1 (see above): `step(name)` starts a step, `stop()` prints each step's peak RSS, what
 * it was made of at that moment, and the peak (VmHWM) when the step ended.
 */
function memorySampler(pid) {
  const steps = [];
  const mb = (kb) => Math.round(kb / 1024);
  let v8 = {};
  const sample = () => {
    const kb = procStatus(pid);
    try {
      v8 = JSON.parse(readFileSync(probeFile, "utf8"));
    } catch {} // caught mid-write: the previous reading
    return { rss: kb("VmRSS"), anon: kb("RssAnon"), file: kb("RssFile"), shmem: kb("RssShmem"), hwm: kb("VmHWM"), v8 };
  };
  const tick = () => {
    const current = steps[steps.length - 1];
    if (!current) return;
    const s = sample();
    if (s.rss >= (current.peak?.rss ?? 0)) current.peak = s;
    current.hwm = s.hwm;
  };
  const timer = setInterval(tick, 20);
  return {
    step(name) {
      tick();
      steps.push({ name, peak: null, hwm: 0, from: Date.now() });
    },
    stop() {
      tick();
      clearInterval(timer);
      const m = (bytes) => (bytes === undefined ? "" : Math.round(bytes / 1048576));
      console.log("\nServer memory per step (BENCH_MEMORY=1; MB; RSS = anon + file + shmem; heap/external/arrayBuffers from process.memoryUsage()):");
      console.table(
        steps.map(({ name, peak, hwm, from }, i) => ({
          step: name,
          s: (((steps[i + 1]?.from ?? Date.now()) - from) / 1000).toFixed(1),
          "peak RSS": mb(peak?.rss ?? 0),
          anon: mb(peak?.anon ?? 0),
          file: mb(peak?.file ?? 0),
          shmem: mb(peak?.shmem ?? 0),
          "heap used": m(peak?.v8.heapUsed),
          "heap total": m(peak?.v8.heapTotal),
          external: m(peak?.v8.external),
          arrayBuffers: m(peak?.v8.arrayBuffers),
          "VmHWM after": mb(hwm),
        })),
      );
    },
  };
}

/** Submissions stored so far, read from the server's own database. */
async function countStored(target) {
  const { submissionsInDatabase } = await import("./bench-db.js");
  return submissionsInDatabase(target);
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
function signInModerator(base) {
  return signIn(base, "moderation@demo.example");
}

/**
 * BENCH_DOWNLOAD_CLIENTS (20) concurrent downloads of a BENCH_DOWNLOAD_MB (20) MB PDF, uploaded
 * through the admin page into the database, against the bare server streaming the same file from
 * disk (GET /file), in BENCH_ROUNDS alternating rounds; the goal is judged on the ratio of the
 * medians of the two servers' bytes/s. Our server's RSS is sampled every 20 ms meanwhile. Then a
 * range from the middle of the file (what a PDF viewer asks for) is timed.
 */
async function runDownloadPhase({ url, serverPid, pageFile }) {
  const clients = Number(process.env.BENCH_DOWNLOAD_CLIENTS ?? 20);
  const size = Number(process.env.BENCH_DOWNLOAD_MB ?? 20) * 1_000_000;
  const file = join(dir, "plan.pdf");
  const { seconds: uploadSeconds, download: ours } = await uploadBenchDocument(url, file, size);
  console.log(`\nDocument downloads: a ${size / 1e6} MB PDF uploaded in ${uploadSeconds.toFixed(1)} s; ${clients} concurrent downloads per round, ${rounds} rounds per server`);

  const { child: bareFiles, url: bareFilesUrl } = await startProcess("scripts/bench-bare.js", { BARE_PAGE: pageFile, BARE_DATABASE: join(dir, "bare-files.sqlite"), BARE_FILE: file });
  const round = async (target, pid) => {
    const rss = () => status(pid, "VmRSS");
    let peak = rss();
    const timer = setInterval(() => (peak = Math.max(peak, rss())), 20);
    const started = process.hrtime.bigint();
    const cpuBefore = cpuMs(pid);
    const received = await Promise.all(
      Array.from({ length: clients }, async () => {
        const res = await fetch(target);
        if (res.status !== 200) throw new Error(`download bench: ${target} answered ${res.status}`);
        let n = 0;
        for await (const chunk of res.body) n += chunk.length;
        if (n !== size) throw new Error(`download bench: ${n} of ${size} bytes`);
        return n;
      }),
    );
    clearInterval(timer);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const mb = received.reduce((a, b) => a + b, 0) / 1e6;
    // the server's own CPU time per MB sent: steadier than MB/s when the machine is shared
    return { mbPerSecond: mb / seconds, peakRss: peak, cpuPerMb: (cpuMs(pid) - cpuBefore) / mb };
  };
  await round(ours, serverPid); // warm-up: JIT, the database's pages in the cache
  await round(`${bareFilesUrl}/file`, bareFiles.pid);
  const ourRounds = [];
  const bareRounds = [];
  for (let i = 0; i < rounds; i++) {
    ourRounds.push(await round(ours, serverPid));
    bareRounds.push(await round(`${bareFilesUrl}/file`, bareFiles.pid));
    const [o, b] = [ourRounds[i], bareRounds[i]];
    console.log(`  round ${i + 1}: ours ${o.mbPerSecond.toFixed(0)} MB/s (RSS peak ${o.peakRss.toFixed(0)} MB, CPU ${o.cpuPerMb.toFixed(2)} ms/MB), bare ${b.mbPerSecond.toFixed(0)} MB/s (CPU ${b.cpuPerMb.toFixed(2)} ms/MB)`);
  }
  await stopProcess(bareFiles);

  // a PDF viewer's request: 64 KiB from the middle
  const rangeMs = [];
  for (let i = 0; i < 50; i++) {
    const from = Math.floor(size / 2) + i * 65_536;
    const t = process.hrtime.bigint();
    const res = await fetch(ours, { headers: { range: `bytes=${from}-${from + 65_535}` } });
    const got = (await res.arrayBuffer()).byteLength;
    if (res.status !== 206 || got !== 65_536) throw new Error(`download bench: range answered ${res.status} with ${got} bytes`);
    rangeMs.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  rangeMs.sort((a, b) => a - b);
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const ourMedian = median(ourRounds.map((r) => r.mbPerSecond));
  const bareMedian = median(bareRounds.map((r) => r.mbPerSecond));
  const peak = Math.max(...ourRounds.map((r) => r.peakRss));
  console.log(`  64 KiB range from the middle: p50 ${rangeMs[25].toFixed(1)} ms, p95 ${rangeMs[47].toFixed(1)} ms (50 requests, each 206)`);
  return [
    {
      goal: `Document downloads (${clients} × ${size / 1e6} MB at once): ours ≥ 50 % of a bare server streaming the file from disk`,
      measured: `${pct(ourMedian, bareMedian)} (median ${ourMedian.toFixed(0)} vs ${bareMedian.toFixed(0)} MB/s over ${rounds} rounds)`,
      result: verdict(ourMedian >= 0.5 * bareMedian),
    },
    { goal: "Server RSS during the downloads < 200 MB", measured: `${peak.toFixed(0)} MB (peak of 20 ms samples)`, result: verdict(peak < 200) },
  ];
}

/** Download an export while sampling the server's resident memory. */
async function exportPeak(target, pid, headers = {}, saveTo = null) {
  const rss = () => status(pid, "VmRSS");
  const base = Math.round(rss());
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, rss())), 20);
  const t0 = Date.now();
  const res = await fetch(target, { headers });
  if (res.status !== 200) throw new Error(`${target} answered ${res.status}`);
  let bytes = 0;
  const kept = [];
  for await (const chunk of res.body) {
    bytes += chunk.length;
    if (saveTo) kept.push(chunk);
  }
  clearInterval(timer);
  if (saveTo) writeFileSync(saveTo, Buffer.concat(kept));
  return { bytes, peakRssMb: Math.round(peak), baseRssMb: base, seconds: (Date.now() - t0) / 1000 };
}

await stopProcess(server);
rmSync(dir, { recursive: true, force: true });
