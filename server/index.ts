/**
 * The production server process: prepares the database in a short-lived child (migrate; in demo mode seed demo data into
 * an empty one; in production refuse to start without its settings), runs the scheduled jobs, and
 * answers HTTP on PORT (3000) at HOST (loopback unless PUBLIC_ORIGIN is set) through the request
 * pipeline (pipeline.ts). Compiled to build/server/index.js by `npm run build`; `npm start` and
 * `npm run serve` run it through cluster.ts. Settings: docs/configuration.md.
 */
import cluster from "node:cluster";
import { fork } from "node:child_process";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { loadBuild } from "./build";
import { createPipeline } from "./pipeline";
import { setting } from "./settings";

process.env.NODE_ENV ??= "production";
const env = process.env;

const build = await loadBuild();
const { prepareDatabase, closeDatabase, runScheduledJobs, runTransparencyLog, serverSupport } = build.entry.module;
const { log, listenHost } = serverSupport;
serverSupport.startProcessMetrics();
// migrating and seeding the demo run first in a short-lived child, as cluster.ts does for its workers:
// seeding (sharp, pdf-lib, thousands of rows) left ~40 MB in this process's heap and malloc arenas
// for good. The call below then finds the database ready. A cluster worker's primary did this already.
let seededByChild = false;
if (cluster.isPrimary) {
  const prepared = await new Promise<boolean>((resolve) => {
    const child = fork(fileURLToPath(new URL("./cluster.js", import.meta.url)), ["--prepare-only"], { stdio: "inherit" });
    child.on("message", (message: { seeded?: boolean }) => (seededByChild = message.seeded === true));
    child.on("exit", (code) => resolve(code === 0));
  });
  if (!prepared) process.exit(1); // the child said why
}
const prepared = await prepareDatabase().catch(refuseToStart);
const { demo } = prepared;
const seeded = prepared.seeded || seededByChild;

/** A setting missing in production (or demo accounts in a production database): the message alone, exit 1. */
function refuseToStart(error: unknown): never {
  if ((error as Error | null)?.name !== "ConfigurationError") throw error;
  console.error((error as Error).message);
  process.exit(1);
}

// the retention job (and later ones) on a schedule; a lease in the database keeps instances from doubling up
const jobsEveryMs = setting("JOBS_INTERVAL_MS", 15 * 60 * 1000);
if (jobsEveryMs > 0) {
  const runJobs = () => runScheduledJobs().catch(() => {});
  setTimeout(runJobs, 5_000).unref();
  setInterval(runJobs, jobsEveryMs).unref();
}

// the transparency log: waiting leaves get their indexes and a signed checkpoint, off the request path (decision 56)
const tlogEveryMs = setting("TLOG_INTERVAL_MS", 60 * 1000);
if (tlogEveryMs > 0) {
  const runTlog = () => runTransparencyLog().catch(() => {});
  setTimeout(runTlog, Math.min(tlogEveryMs, 2_000)).unref();
  setInterval(runTlog, tlogEveryMs).unref();
}

let stopping = false;
const pipeline = createPipeline(build, {
  accessLog: env.ACCESS_LOG !== "false",
  metricsToken: env.METRICS_TOKEN?.trim() || undefined,
  trustProxy: env.TRUST_PROXY || undefined,
  stopping: () => stopping,
});

const port = setting("PORT", 3000);
const server = createServer(
  {
    // slow clients cannot hold a connection: the headers within HEADERS_TIMEOUT_MS, the whole
    // request (headers and body, an upload too) within REQUEST_TIMEOUT_MS, checked every second
    headersTimeout: setting("HEADERS_TIMEOUT_MS", 10_000),
    requestTimeout: setting("REQUEST_TIMEOUT_MS", 30_000),
    keepAliveTimeout: setting("KEEP_ALIVE_TIMEOUT_MS", 5_000),
    connectionsCheckingInterval: 1_000,
    maxHeaderSize: 16 * 1024,
  },
  pipeline.handle,
);
server.maxHeadersCount = 100;
server.maxRequestsPerSocket = 1_000;
server.maxConnections = setting("MAX_CONNECTIONS", 1_000);
// a response nobody reads (a stalled download) frees its connection after this long without progress
server.setTimeout(setting("SOCKET_IDLE_TIMEOUT_MS", 60_000));
server.listen(port, listenHost(), () => {
  const address = server.address();
  const shown = typeof address === "object" && address ? address.port : port;
  log("info", "listening", { port: shown, seeded, demo, url: `http://localhost:${shown}` });
});

/**
 * SIGTERM/SIGINT: /readyz answers 503 at once (a load balancer stops sending), after
 * SHUTDOWN_DELAY_MS (0) the server stops accepting, lets running requests finish (at most
 * SHUTDOWN_GRACE_MS, 10 s), closes the database and exits.
 */
async function stop() {
  if (stopping) return;
  stopping = true;
  log("info", "stopping");
  const delay = setting("SHUTDOWN_DELAY_MS", 0);
  if (delay > 0) await new Promise((r) => setTimeout(r, delay));
  const closed = new Promise((r) => server.close(r));
  server.closeIdleConnections();
  const grace = setTimeout(() => server.closeAllConnections(), setting("SHUTDOWN_GRACE_MS", 10_000));
  await closed;
  clearTimeout(grace);
  await closeDatabase();
  process.exit(0);
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
