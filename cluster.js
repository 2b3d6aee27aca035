/**
 * Every core of one machine: WEB_CONCURRENCY=<n> (or `auto`, one worker per core) runs n workers of
 * server.js behind one port (node:cluster). With SQLite they share one WAL database: transactions
 * begin IMMEDIATE and wait (busy_timeout) for each other, so writers queue instead of failing.
 *
 * The primary prepares the database once (migrations, demo data) in a short-lived child before any
 * worker starts, restarts a worker that dies, and on SIGTERM/SIGINT asks every worker to finish its
 * requests and stop. WEB_CONCURRENCY unset or 1: this is just server.js in this process.
 * Scheduled jobs run in every worker, but a lease row lets only one of them run a job at a time.
 */
import cluster from "node:cluster";
import { fork } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";

process.env.NODE_ENV ??= "production";

const log = (level, event, fields = {}) => console.log(JSON.stringify({ time: new Date().toISOString(), level, event, ...fields }));

/** WEB_CONCURRENCY: a number, or "auto" for one worker per core. */
export function workerCount(value = process.env.WEB_CONCURRENCY) {
  const v = (value ?? "").trim().toLowerCase();
  if (v === "auto") return availableParallelism();
  const n = Number.parseInt(v, 10);
  return Number.isFinite(n) && n > 0 ? Math.min(n, 64) : 1;
}

if (process.argv.includes("--prepare-only")) {
  // the one-off child: migrate and seed, then leave
  const build = await import("./build/index.js");
  let seeded;
  try {
    ({ seeded } = await build.entry.module.prepareDatabase());
  } catch (error) {
    if (error?.name !== "ConfigurationError") throw error;
    // a missing production setting: the message alone, no worker starts
    console.error(error.message);
    process.exit(1);
  }
  await build.entry.module.closeDatabase();
  log("info", "database_prepared", { seeded });
  process.exit(0);
}

const count = workerCount();
if (count <= 1 || !cluster.isPrimary) {
  await import("./server.js");
} else {
  const prepared = await new Promise((resolve) => {
    const child = fork(fileURLToPath(import.meta.url), ["--prepare-only"], { stdio: "inherit" });
    child.on("exit", (code) => resolve(code === 0));
  });
  if (!prepared) {
    log("error", "cluster_prepare_failed", { message: "The database could not be prepared; no worker was started." });
    process.exit(1);
  }

  cluster.setupPrimary({ exec: fileURLToPath(new URL("./server.js", import.meta.url)) });
  let stopping = false;
  // a worker that dies before it listens, again and again, means the app cannot start: stop, so the
  // service manager sees it, rather than forking forever
  let failedStarts = 0;
  const listening = new WeakSet();

  const start = () => {
    const worker = cluster.fork();
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

  const stop = (signal) => {
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
