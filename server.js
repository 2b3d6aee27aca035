/**
 * The production server: Express in front of the Remix build. Compresses every response, serves
 * hashed assets as immutable, prepares the database (migrate, seed demo data into an empty one),
 * then listens on PORT (3000). Settings: see README, "Configuration".
 */
import compression from "compression";
import express from "express";
import { createRequestHandler } from "@remix-run/express";

process.env.NODE_ENV ??= "production";

const build = await import("./build/index.js");
const { prepareDatabase, closeDatabase, runScheduledJobs } = build.entry.module;
const { seeded } = await prepareDatabase();

// the retention job (and later ones) on a schedule; a lease in the database keeps instances from doubling up
const jobsEveryMs = Number(process.env.JOBS_INTERVAL_MS ?? 15 * 60 * 1000);
if (jobsEveryMs > 0) {
  const runJobs = () => runScheduledJobs().catch(() => {});
  setTimeout(runJobs, 5_000).unref();
  setInterval(runJobs, jobsEveryMs).unref();
}

const app = express();
app.disable("x-powered-by");
// A request refused before its body was read (413) leaves bytes on the connection: close it
// after the answer, or the client's next request on it would fail.
app.use((req, res, next) => {
  const writeHead = res.writeHead;
  res.writeHead = function (...args) {
    if (!req.complete) res.setHeader("Connection", "close");
    return writeHead.apply(this, args);
  };
  next();
});
// Requests from other sites: Remix would refuse a cross-origin form POST with a bare 500, so we
// note it here (removing the Origin header) and let the app answer with a clear 403 page.
app.use((req, _res, next) => {
  delete req.headers["x-teilhabe-cross-site"];
  if (req.method !== "GET" && req.method !== "HEAD") {
    const site = req.headers["sec-fetch-site"];
    const origin = req.headers.origin;
    let cross = typeof site === "string" && site !== "same-origin" && site !== "none";
    if (!site && origin && origin !== "null") {
      try {
        cross = new URL(origin).host !== req.headers.host;
      } catch {
        cross = true;
      }
    }
    if (cross) {
      req.headers["x-teilhabe-cross-site"] = "1";
      delete req.headers.origin;
    }
  }
  next();
});
app.use(compression());
app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y", index: false }));
// other public files (robots.txt, icons): only paths that look like files touch the disk
const publicFiles = express.static("public", { maxAge: "1h", index: false });
app.use((req, res, next) => (/\.[a-z0-9]+$/i.test(req.path) ? publicFiles(req, res, next) : next()));
// behind a reverse proxy, TRUST_PROXY (e.g. "loopback" or a hop count) lets req.ip be the client's
if (process.env.TRUST_PROXY) app.set("trust proxy", /^\d+$/.test(process.env.TRUST_PROXY) ? Number(process.env.TRUST_PROXY) : process.env.TRUST_PROXY);
app.all(
  "*",
  createRequestHandler({
    build,
    mode: process.env.NODE_ENV === "development" ? "development" : "production",
    getLoadContext: (req) => ({ clientAddress: req.ip ?? req.socket.remoteAddress ?? "unknown" }),
  }),
);

const port = Number(process.env.PORT ?? 3000);
const server = app.listen(port, process.env.HOST, () => {
  const address = server.address();
  const shown = typeof address === "object" && address ? address.port : port;
  console.log(
    JSON.stringify({ time: new Date().toISOString(), level: "info", event: "listening", port: shown, seeded, url: `http://localhost:${shown}` }),
  );
});
// slow clients cannot hold a connection forever
server.headersTimeout = 15_000;
server.requestTimeout = 30_000;

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  server.close();
  server.closeIdleConnections?.();
  await closeDatabase();
  process.exit(0);
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
