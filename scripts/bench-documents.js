/**
 * `npm run bench:documents`: issue 17's download goals on their own, on a fresh server (the same
 * production build and settings as `npm run bench`, whose download phase runs after the submissions
 * and so measures their memory too):
 *   - BENCH_DOWNLOAD_CLIENTS (20) concurrent downloads of a BENCH_DOWNLOAD_MB (20) MB PDF uploaded
 *     through the admin page, against a bare node:http server streaming the same file from disk
 *     (scripts/bench-bare.js), in BENCH_ROUNDS (5) alternating rounds (ours, bare, ours, …). The goal
 *     (≥ 50 %) is judged on the ratio of the two medians; each round's ratio and the range are printed.
 *   - our server's RSS sampled every 20 ms during the rounds, and its VmHWM (peak since start; goal < 200 MB);
 *   - a byte range does not read the whole file: the bytes our server reads (/proc/<pid>/io rchar,
 *     every read and pread: SQLite's pages, the copy on disk, sockets) for one 64 KiB range, before
 *     any whole download (from the database's chunks) and after (from the copy on disk, decision 46).
 * The machine's load (uptime) is printed before and after: figures from a shared machine are ratios.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { buildIfStale, root } from "./build-if-stale.js";
import { startProcess as startServerProcess, uploadBenchDocument } from "./bench-support.js";

const clients = Number(process.env.BENCH_DOWNLOAD_CLIENTS ?? 20);
const size = Number(process.env.BENCH_DOWNLOAD_MB ?? 20) * 1_000_000;
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
const RANGE = 65_536;

buildIfStale();
const dir = mkdtempSync(join(tmpdir(), "teilhabe-bench-documents-"));
const children = [];
const stopAll = () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGTERM");
};
process.on("uncaughtException", (error) => {
  console.error(error);
  stopAll();
  rmSync(dir, { recursive: true, force: true });
  process.exit(1);
});

/** A server process of the shared kind, stopped with the others at the end. */
async function startProcess(script, env) {
  const started = await startServerProcess(script, env);
  children.push(started.child);
  return started;
}

const procField = (pid, file, field) => Number(readFileSync(`/proc/${pid}/${file}`, "utf8").match(new RegExp(`${field}:\\s+(\\d+)`))?.[1] ?? 0);
const rssMb = (pid) => procField(pid, "status", "VmRSS") / 1024;
const hwmMb = (pid) => procField(pid, "status", "VmHWM") / 1024;
const readBytes = (pid) => procField(pid, "io", "rchar");
const cpuMs = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
const spread = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return { median: sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2, min: sorted[0], max: sorted[sorted.length - 1] };
};
const uptime = () => `load average ${loadavg().map((l) => l.toFixed(2)).join(", ")}`;

console.log(`bench:documents — ${clients} × ${size / 1e6} MB, ${rounds} rounds per server; machine: ${uptime()}`);

// the same settings as npm run bench (and as docs/configuration.md recommends for production)
const { child: server, url } = await startProcess("build/server/index.js", {
  HOST: "127.0.0.1",
  DATABASE_URL: process.env.BENCH_DATABASE_URL || join(dir, "bench.sqlite"),
  NODE_ENV: "production",
  FILE_COPIES_DIR: join(dir, "file-copies"),
  ACCESS_LOG: "false",
  // the flags production runs with (docs/operations.md, decision 61)
  NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS ?? "--max-old-space-size=128 --max-semi-space-size=1",
  MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? "2",
});
console.log(`Server started: RSS ${rssMb(server.pid).toFixed(0)} MB`);

const file = join(dir, "plan.pdf");
const { seconds: uploadSeconds, download: ours } = await uploadBenchDocument(url, file, size);
console.log(`Uploaded in ${uploadSeconds.toFixed(1)} s; server RSS ${rssMb(server.pid).toFixed(0)} MB, peak so far ${hwmMb(server.pid).toFixed(0)} MB`);

/** One range request; the bytes the server read meanwhile (with a moment for a background copy to show). */
async function rangeRead(from) {
  const before = readBytes(server.pid);
  const res = await fetch(ours, { headers: { range: `bytes=${from}-${from + RANGE - 1}` } });
  const got = (await res.arrayBuffer()).byteLength;
  if (res.status !== 206 || got !== RANGE) throw new Error(`range answered ${res.status} with ${got} bytes`);
  await new Promise((r) => setTimeout(r, 300));
  return readBytes(server.pid) - before;
}
const coldRange = await rangeRead(Math.floor(size / 2));

const { child: bare, url: bareUrl } = await startProcess("scripts/bench-bare.js", { BARE_PAGE: file, BARE_DATABASE: join(dir, "bare.sqlite"), BARE_FILE: file });
let downloadPeak = 0;
const round = async (target, pid) => {
  let peak = rssMb(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 20);
  const started = process.hrtime.bigint();
  const cpuBefore = cpuMs(pid);
  const received = await Promise.all(
    Array.from({ length: clients }, async () => {
      const res = await fetch(target);
      if (res.status !== 200) throw new Error(`${target} answered ${res.status}`);
      let n = 0;
      for await (const chunk of res.body) n += chunk.length;
      if (n !== size) throw new Error(`${n} of ${size} bytes`);
      return n;
    }),
  );
  clearInterval(timer);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const mb = received.reduce((a, b) => a + b, 0) / 1e6;
  if (pid === server.pid) downloadPeak = Math.max(downloadPeak, peak);
  return { mbPerSecond: mb / seconds, peakRss: peak, cpuPerMb: (cpuMs(pid) - cpuBefore) / mb };
};
const t0 = Date.now();
await round(ours, server.pid); // warm-up: JIT; the first download fills this machine's copy (decision 46)
await round(`${bareUrl}/file`, bare.pid);
const ourRounds = [];
const bareRounds = [];
for (let i = 0; i < rounds; i++) {
  ourRounds.push(await round(ours, server.pid));
  bareRounds.push(await round(`${bareUrl}/file`, bare.pid));
  const [o, b] = [ourRounds[i], bareRounds[i]];
  console.log(
    `  round ${i + 1}: ours ${o.mbPerSecond.toFixed(0)} MB/s (RSS peak ${o.peakRss.toFixed(0)} MB, CPU ${o.cpuPerMb.toFixed(2)} ms/MB), bare ${b.mbPerSecond.toFixed(0)} MB/s (CPU ${b.cpuPerMb.toFixed(2)} ms/MB): ${((100 * o.mbPerSecond) / b.mbPerSecond).toFixed(0)} %`,
  );
}
const warmRange = await rangeRead(Math.floor(size / 3));

const ourSpeed = spread(ourRounds.map((r) => r.mbPerSecond));
const bareSpeed = spread(bareRounds.map((r) => r.mbPerSecond));
const ratios = spread(ourRounds.map((r, i) => r.mbPerSecond / bareRounds[i].mbPerSecond));
const ourCpu = spread(ourRounds.map((r) => r.cpuPerMb));
const bareCpu = spread(bareRounds.map((r) => r.cpuPerMb));
const hwm = hwmMb(server.pid);
const pct = (v) => `${(100 * v).toFixed(0)} %`;
const verdict = (ok) => (ok ? "PASS" : "MISS");
console.log(`Machine after the rounds: ${uptime()}`);
console.table([
  {
    goal: `${clients} × ${size / 1e6} MB at once: ours ≥ 50 % of bare`,
    measured: `${pct(ourSpeed.median / bareSpeed.median)} (median ${ourSpeed.median.toFixed(0)} vs ${bareSpeed.median.toFixed(0)} MB/s; per-round ratio ${pct(ratios.min)}–${pct(ratios.max)}; CPU ${ourCpu.median.toFixed(2)} vs ${bareCpu.median.toFixed(2)} ms/MB)`,
    result: verdict(ourSpeed.median >= 0.5 * bareSpeed.median),
  },
  { goal: "server RSS during the downloads < 200 MB", measured: `${downloadPeak.toFixed(0)} MB (20 ms samples); VmHWM since start ${hwm.toFixed(0)} MB`, result: verdict(downloadPeak < 200 && hwm < 200) },
  {
    goal: `a ${RANGE / 1024} KiB range reads far less than the file (${size / 1e6} MB)`,
    measured: `server read ${(coldRange / 1e6).toFixed(2)} MB from the database's chunks, ${(warmRange / 1e6).toFixed(2)} MB from the copy on disk`,
    result: verdict(coldRange < size / 10 && warmRange < size / 10),
  },
]);
stopAll();
rmSync(dir, { recursive: true, force: true });
