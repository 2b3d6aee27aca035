/**
 * `npm run bench:attachments` (issue 20): BENCH_ATTACHMENTS_CONCURRENCY (32) residents at once, each
 * sending the form with a ~5 MB photo and then confirming it (the two posts a submission takes),
 * BENCH_ATTACHMENTS_N (64) submissions per round, BENCH_ATTACHMENTS_ROUNDS (3) rounds, against the
 * production server (`build/server/index.js`) on a fresh SQLite file. Reported as medians over the
 * rounds: submissions/s, p99 latency of a whole submission, and the server's peak RSS over the run
 * (VmHWM; the goal is < 200 MB). In the same run, the bare baseline: a node:http server that streams
 * the same multipart body to a file and answers 303 (the I/O of an upload and nothing else) — our
 * submissions/s as a ratio of its uploads/s. The server runs with the flags it has
 * in production (docs/operations.md: --max-old-space-size=128 --max-semi-space-size=1, MALLOC_ARENA_MAX=2).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { openDatabase } from "#db/connection.server";
import { saveAttachmentSettings } from "~/modules/attachments/attachments.server";

const N = Number(process.env.BENCH_ATTACHMENTS_N ?? 64);
const CONCURRENCY = Number(process.env.BENCH_ATTACHMENTS_CONCURRENCY ?? 32);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ATTACHMENTS_ROUNDS ?? 3));
const FORM = "/musterstadt/verfahren/radverkehrsplan-2030";
const root = new URL("..", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "teilhabe-bench-attachments-"));

const { buildIfStale } = await import(join(root, "scripts/build-if-stale.js"));
buildIfStale();

async function startProcess(args: string[], env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, PORT: "0", ...env }, stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    const onData = (c: Buffer) => {
      out += c;
      const m = out.match(/"event":"listening","port":(\d+)/);
      if (m) {
        child.stdout!.off("data", onData);
        child.stdout!.resume();
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code}`)));
  });
  child.removeAllListeners("exit");
  return { child, url: `http://127.0.0.1:${port}` };
}
const stop = async (child: ChildProcess) => {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
};
const statusMb = (pid: number, field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;
const peakMb = (pid: number) => statusMb(pid, "VmHWM");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.99) - 1)];

/** A photo of about 5 MB as a phone makes it: noise compresses badly, like a detailed scene. */
async function photo(): Promise<Buffer> {
  const [w, h] = [2800, 2100];
  const raw = Buffer.alloc(w * h * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 2654435761) >>> 24 ^ (Math.random() * 64) | 0;
  return sharp(raw, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 95 }).withExif({ IFD0: { Artist: "Bench" } }).toBuffer();
}

/** Runs `n` tasks with `concurrency` at once; returns each task's milliseconds and the wall time. */
async function load(n: number, concurrency: number, task: (i: number) => Promise<void>) {
  const times: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < n; i = next++) {
        const t = performance.now();
        await task(i);
        times.push(performance.now() - t);
      }
    }),
  );
  return { times, seconds: (performance.now() - start) / 1000 };
}

const image = await photo();
console.log(`photo: ${(image.length / 1e6).toFixed(1)} MB JPEG; ${N} submissions per round, ${CONCURRENCY} at once, ${ROUNDS} round(s)`);

// our server, on a fresh database with attachments allowed (1 file of 10 MB)
const database = join(dir, "bench.sqlite");
const ours = await startProcess(["--max-old-space-size=128", "--max-semi-space-size=1", "build/server/index.js"], {
  DATABASE_URL: database,
  JOBS_INTERVAL_MS: "0",
  TLOG_INTERVAL_MS: "0",
  SUBMISSIONS_PER_HOUR: "0",
  ACCESS_LOG: "false",
  MALLOC_ARENA_MAX: "2",
  REQUEST_TIMEOUT_MS: "300000",
  // a submission waiting for its turn at sharp on a loaded machine sends nothing for a while
  SOCKET_IDLE_TIMEOUT_MS: "300000",
});
const h = openDatabase(database);
const procedure = await h.db.selectFrom("procedures").select("id").where("slug", "=", "radverkehrsplan-2030").executeTakeFirstOrThrow();
await saveAttachmentSettings(h.db, procedure.id, { maxFiles: 1, maxBytes: 10_000_000 });
const q = await h.db.selectFrom("questions").select("id").where("procedure_id", "=", procedure.id).orderBy("position").execute();
const answers: [string, string][] = [
  [`q${q[0].id}`, "Der Radweg am Bahnhof ist zu schmal, siehe Foto."],
  [`q${q[2].id}`, "bike"],
  [`q${q[3].id}`, "safety"],
  [`q${q[4].id}`, "4"],
];
const body = () => {
  const form = new FormData();
  for (const [k, v] of answers) form.append(k, v);
  form.append("attachments", new Blob([new Uint8Array(image)], { type: "image/jpeg" }), "IMG_0001.JPG");
  return form;
};

async function submission() {
  const sent = await fetch(`${ours.url}${FORM}`, { method: "POST", body: body(), redirect: "manual" });
  await sent.arrayBuffer();
  if (sent.status !== 303) throw new Error(`form: ${sent.status}`);
  const cookie = sent.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const confirmed = await fetch(`${ours.url}${FORM}/pruefen`, { method: "POST", headers: { cookie, "content-type": "application/x-www-form-urlencoded" }, body: "", redirect: "manual" });
  await confirmed.arrayBuffer();
  if (confirmed.status !== 303) throw new Error(`confirm: ${confirmed.status}`);
}

// the yardstick: the same body streamed to a file, then a 303
const bareScript = `
const { createServer } = require("node:http");
const { createWriteStream, rmSync } = require("node:fs");
const { join } = require("node:path");
let n = 0;
const server = createServer((req, res) => {
  const path = join(process.env.BARE_DIR, "upload-" + ++n);
  req.pipe(createWriteStream(path)).on("finish", () => { rmSync(path, { force: true }); res.writeHead(303, { Location: "/ok" }); res.end(); });
});
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ event: "listening", port: server.address().port })));
`;
const bare = await startProcess(["-e", bareScript], { BARE_DIR: dir });
async function bareUpload() {
  const res = await fetch(`${bare.url}/upload`, { method: "POST", body: body(), redirect: "manual" });
  await res.arrayBuffer();
  if (res.status !== 303) throw new Error(`bare: ${res.status}`);
}

const rounds: { ours: number; bare: number; p99: number }[] = [];
try {
  await submission(); // warm-up: the first sharp call loads libvips
  for (let r = 1; r <= ROUNDS; r++) {
    const b = await load(N, CONCURRENCY, bareUpload);
    const o = await load(N, CONCURRENCY, submission);
    rounds.push({ ours: N / o.seconds, bare: N / b.seconds, p99: p99(o.times) });
    console.log(`round ${r}: ${(N / o.seconds).toFixed(2)} submissions/s (p99 ${(p99(o.times) / 1000).toFixed(1)} s); bare uploads ${(N / b.seconds).toFixed(1)}/s`);
  }
  const stored = await h.db.selectFrom("attachments").select((eb) => eb.fn.countAll().as("n")).where("submission_id", "is not", null).executeTakeFirstOrThrow();
  const peak = peakMb(ours.child.pid!);
  const result = {
    submissionsPerSecond: Number(median(rounds.map((x) => x.ours)).toFixed(2)),
    p99Seconds: Number((median(rounds.map((x) => x.p99)) / 1000).toFixed(2)),
    bareUploadsPerSecond: Number(median(rounds.map((x) => x.bare)).toFixed(1)),
    ratioToBare: Number(median(rounds.map((x) => x.ours / x.bare)).toFixed(3)),
    serverPeakRssMb: Math.round(peak),
    peakRssGoal: peak < 200 ? "met (< 200 MB)" : "NOT met (>= 200 MB)",
    // at the end: anonymous memory (heap, malloc, libvips) and file-backed pages (SQLite's mapped WAL and database)
    serverRssAtEndMb: { anon: Math.round(statusMb(ours.child.pid!, "RssAnon")), file: Math.round(statusMb(ours.child.pid!, "RssFile")) },
    attachmentsStored: Number(stored.n),
  };
  console.log(JSON.stringify(result, null, 2));
  if (Number(stored.n) < N * ROUNDS) throw new Error(`only ${stored.n} attachments stored`);
} finally {
  await h.close();
  await stop(bare.child);
  await stop(ours.child);
  rmSync(dir, { recursive: true, force: true });
}
