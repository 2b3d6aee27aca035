/**
 * Every core of one machine: WEB_CONCURRENCY=<n> (or `auto`, one worker per core) runs n server
 * processes (index.ts) behind one port (node:cluster). With SQLite they share one WAL database:
 * transactions begin IMMEDIATE and wait (busy_timeout) for each other, so writers queue instead of failing.
 *
 * The primary prepares the database once (migrations, demo data) in a short-lived child before any
 * worker starts, restarts a worker that dies, and on SIGTERM/SIGINT asks every worker to finish its
 * requests and stop. WEB_CONCURRENCY unset or 1: this is just the server in this process.
 * Scheduled jobs run in every worker, but a lease row lets only one of them run a job at a time.
 * Compiled to build/server/cluster.js; `npm start` and `npm run serve` run it.
 */
import cluster, { type Worker } from "node:cluster";
import { fork } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { log } from "../app/modules/http/log.server";
import { loadBuild } from "./build";

process.env.NODE_ENV ??= "production";

/** WEB_CONCURRENCY: a number, or "auto" for one worker per core. */
export function workerCount(value = process.env.WEB_CONCURRENCY): number {
  const v = (value ?? "").trim().toLowerCase();
  if (v === "auto") return availableParallelism();
  const n = Number.parseInt(v, 10);
  return Number.isFinite(n) && n > 0 ? Math.min(n, 64) : 1;
}

const serverModule = new URL("./index.js", import.meta.url);

if (process.argv.includes("--prepare-only")) {
  // the one-off child: migrate and seed, then leave
  const { prepareDatabase, closeDatabase } = (await loadBuild()).entry.module;
  let seeded: boolean;
  try {
    ({ seeded } = await prepareDatabase());
  } catch (error) {
    if ((error as Error | null)?.name !== "ConfigurationError") throw error;
    // a missing production setting: the message alone, no worker starts
    console.error((error as Error).message);
    process.exit(1);
  }
  await closeDatabase();
  process.send?.({ seeded }); // to server/index.ts, which says in its "listening" line whether it seeded
  log("info", "database_prepared", { seeded });
  process.exit(0); // the log writes what it holds before the process ends (log.server.ts)
} else if (workerCount() <= 1 || !cluster.isPrimary) {
  await import(serverModule.href);
} else {
  await runPrimary(workerCount());
}

async function runPrimary(count: number) {
  const prepared = await new Promise<boolean>((resolve) => {
    const child = fork(fileURLToPath(import.meta.url), ["--prepare-only"], { stdio: "inherit" });
    child.on("exit", (code) => resolve(code === 0));
  });
  if (!prepared) {
    log("error", "cluster_prepare_failed", { message: "The database could not be prepared; no worker was started." });
    process.exit(1);
  }

  // a young generation of 1 MB per semi-space (V8's smallest) instead of 16: request bodies pass through in 64 KiB
  // buffers that are freed only when it is collected; 32 uploads at once kept ~50 MB of them (decision 61)
  const setsSemiSpace = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].some((a) => a.includes("--max-semi-space-size"));
  cluster.setupPrimary({ exec: fileURLToPath(serverModule), execArgv: setsSemiSpace ? process.execArgv : [...process.execArgv, "--max-semi-space-size=1"] });
  let stopping = false;
  // a worker that dies before it listens, again and again, means the app cannot start: stop, so the
  // service manager sees it, rather than forking forever
  let failedStarts = 0;
  const listening = new WeakSet<Worker>();

  const start = () => {
    // glibc's default of 8 malloc arenas per core holds freed libvips/SQLite memory per thread; two keep RSS down
    const worker = cluster.fork({ MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? "2" });
    worker.on("listening", () => {
      listening.add(worker);
      failedStarts = 0;
    });
  };

  cluster.on("exit", (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        log("info", "cluster_stopped");
        process.exit(0);
      }
      return;
    }
    log("warn", "worker_exited", { pid: worker.process.pid, code, signal });
    if (!listening.has(worker) && ++failedStarts >= 5) {
      log("error", "cluster_giving_up", { message: "Workers keep failing before they listen; see the errors above." });
      process.exit(1);
    }
    setTimeout(start, 250);
  });

  for (let i = 0; i < count; i++) start();
  log("info", "cluster_started", { workers: count, pid: process.pid });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {});
    if (workers.length === 0) process.exit(0);
    for (const w of workers) w?.process.kill(signal);
    // a worker that hangs does not keep the machine from stopping
    setTimeout(() => process.exit(0), 20_000).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGTERM"));
}
