/**
 * The production server: Express in front of the Remix build. Sets the security headers, writes
 * one access-log line per request and counts it for /metrics, answers the probes (/healthz,
 * /readyz, /metrics), compresses, serves hashed assets as immutable, and hands everything else
 * to Remix through a small adapter that respects back-pressure. Two kinds of request skip Express
 * with the same headers, log line, metrics and checks: a cached resident page (the page cache's
 * fast path) and every request that changes something (POST and the other non-GET methods, which
 * all go to Remix; decision 26). Prepares the database (migrate; in demo mode seed demo data into
 * an empty one; in production refuse to start without its settings), then listens on PORT (3000)
 * at HOST (loopback unless PUBLIC_ORIGIN is set). Settings: README, "Configuration".
 */
import { createServer } from "node:http";
import { createHash, timingSafeEqual } from "node:crypto";
import compression from "compression";
import express from "express";
import { createRequestHandler } from "@remix-run/node";

process.env.NODE_ENV ??= "production";
const env = process.env;
const setting = (name, fallback) => (env[name] !== undefined && env[name] !== "" ? Number(env[name]) : fallback);

const build = await import("./build/index.js");
const { prepareDatabase, closeDatabase, runScheduledJobs, runTransparencyLog, serverSupport, createPageCache } = build.entry.module;
const { log, readiness, securityHeaders, observeRequest, renderMetrics, maxBodyBytesFor, listenHost, isPrivatePath } = serverSupport;
const routePattern = serverSupport.routePatterns(build.routes);
serverSupport.startProcessMetrics();
const { seeded, demo } = await prepareDatabase().catch(refuseToStart);

/** A setting missing in production (or demo accounts in a production database): the message alone, exit 1. */
function refuseToStart(error) {
  if (error?.name !== "ConfigurationError") throw error;
  console.error(error.message);
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

const accessLog = env.ACCESS_LOG !== "false";
const metricsToken = env.METRICS_TOKEN?.trim() || undefined;
let stopping = false;

const app = express();
app.disable("x-powered-by");
// behind a reverse proxy, TRUST_PROXY (e.g. "loopback" or a hop count) lets req.ip be the client's
if (env.TRUST_PROXY) app.set("trust proxy", /^\d+$/.test(env.TRUST_PROXY) ? Number(env.TRUST_PROXY) : env.TRUST_PROXY);
/** Express's compiled "trust proxy" setting: (address, hop) => trusted; also for requests that skip Express. */
const trustProxy = app.get("trust proxy fn");

// Every response: security headers; when it ends, one access-log line and the request metrics.
// The log names the route pattern (/einladung/:token), never the path or query: no tokens, codes
// or search terms, no IP address.
const securityHeaderList = Object.entries(securityHeaders());
function instrument(req, res) {
  const started = process.hrtime.bigint();
  const socketBytesBefore = req.socket.bytesWritten;
  for (const [name, value] of securityHeaderList) res.setHeader(name, value);
  res.once("close", () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const route = res.locals.route ?? routePattern(pathOf(req));
    observeRequest(req.method, route, res.statusCode, seconds);
    if (!accessLog) return;
    log("info", "request", {
      method: req.method,
      route,
      status: res.statusCode,
      ms: Math.round(seconds * 10_000) / 10,
      bytes: req.socket.bytesWritten - socketBytesBefore,
      ...(res.writableFinished ? {} : { aborted: true }),
    });
  });
}
/** The path without the query, as Express's req.path (also for requests that skip Express). */
function pathOf(req) {
  if (req.path !== undefined) return req.path;
  const query = req.url.indexOf("?");
  return query === -1 ? req.url : req.url.slice(0, query);
}

// A request refused before its body was read (413) leaves bytes on the connection: close it
// after the answer, or the client's next request on it would fail.
function closeWhenBodyUnread(req, res) {
  const writeHead = res.writeHead;
  res.writeHead = function (...args) {
    if (!req.complete) res.setHeader("Connection", "close");
    return writeHead.apply(this, args);
  };
}

// Requests from other sites: Remix would refuse a cross-origin form POST with a bare 500 (and
// throws on an Origin it cannot parse), so we decide here and let the app answer with a clear 403
// page: the request is marked, and the Origin header, once judged, is removed before Remix sees it.
function markCrossSite(req) {
  delete req.headers["x-teilhabe-cross-site"];
  if (req.method !== "GET" && req.method !== "HEAD") {
    const site = req.headers["sec-fetch-site"];
    const origin = req.headers.origin;
    let cross = typeof site === "string" && site !== "same-origin" && site !== "none";
    // Referrer-Policy: no-referrer makes Chromium send "Origin: null" on same-origin form posts
    if (!cross && origin && origin !== "null") {
      try {
        cross = new URL(origin).host !== publicHostOf(req);
      } catch {
        cross = true;
      }
    }
    if (cross) req.headers["x-teilhabe-cross-site"] = "1";
    delete req.headers.origin;
  }
}

/** The host the client addressed: X-Forwarded-Host from a proxy TRUST_PROXY trusts, else Host. */
function publicHostOf(req) {
  const forwarded = req.headers["x-forwarded-host"];
  if (forwarded && trustProxy(req.socket.remoteAddress, 0)) return forwarded.split(",")[0].trim();
  return req.headers.host;
}

/**
 * Host headers a URL cannot be made of (`a b`, `[::1`, `x:99999`) are the client's mistake: 400,
 * never a 500 from building the request's URL.
 */
function hasValidHost(req) {
  for (const host of [req.headers.host, req.headers["x-forwarded-host"]]) {
    if (host === undefined) continue;
    if (typeof host !== "string" || host.length > 255) return false;
    try {
      const url = new URL(`http://${host.split(",")[0].trim()}`);
      if (url.pathname !== "/" || url.search || url.hash || url.username || url.password) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** What every request gets, through Express or not (handleChange below): add a concern for every request here. */
function prepare(req, res) {
  instrument(req, res);
  closeWhenBodyUnread(req, res);
  markCrossSite(req);
}
app.use((req, res, next) => {
  prepare(req, res);
  next();
});

// Probes for the operator: not pages, no database for /healthz, plain text.
const probe = (res, status, text) => res.status(status).set({ "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" }).send(text);
app.get("/healthz", (_req, res) => {
  res.locals.route = "/healthz";
  probe(res, 200, "ok\n");
});
app.get("/readyz", async (_req, res) => {
  res.locals.route = "/readyz";
  if (stopping) return probe(res, 503, "not ready: shutting_down\n");
  const state = await readiness();
  probe(res, state.ready ? 200 : 503, state.ready ? "ready\n" : `not ready: ${state.reason}\n`);
});
app.get("/metrics", async (req, res) => {
  res.locals.route = "/metrics";
  if (!mayReadMetrics(req)) return probe(res, 403, "Forbidden: /metrics needs METRICS_TOKEN as a bearer token, or a direct connection from this machine when METRICS_TOKEN is not set.\n");
  res.status(200).set({ "Content-Type": "text/plain; version=0.0.4; charset=utf-8", "Cache-Control": "no-store" }).send(await renderMetrics());
});

// Rendered-page cache: resident pages that are the same for every reader, rendered once per path,
// language and content version, served precompressed with ETag/304 (app/modules/http/page-cache.server.ts).
// A hit it can answer at once is answered before Express (see the server below); the rest come here.
const cache = pageCache();
app.use(cache.middleware);
// one instance: also in front of the bodies of requests that skip Express (sendResponse)
const compress = compression();
app.use(compress);
app.use("/build", (_req, res, next) => {
  res.locals.route = "/build/*";
  next();
});
app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y", index: false }));
// other public files (robots.txt, icons): only paths that look like files touch the disk
const publicFiles = express.static("public", { maxAge: "1h", index: false });
app.use((req, res, next) => {
  if (!/\.[a-z0-9]+$/i.test(req.path)) return next();
  res.locals.route = "/<public file>";
  publicFiles(req, res, () => {
    res.locals.route = undefined;
    next();
  });
});
// app.use, not app.all("*"): a route pattern makes Express decode the path first, and a malformed
// escape (/verfahren/%FF) would end in Express's own English 400 instead of our localized page
app.use(remixHandler());
/** An error no page caught; a client's mistake Express noticed (status 4xx) is not a fault of ours. */
function logUnhandled(error, req) {
  if (!(error?.status < 500)) log("error", "unhandled_error", { route: routePattern(pathOf(req)), method: req.method, error: error instanceof Error ? error.message : String(error) });
}
app.use((error, req, _res, next) => {
  logUnhandled(error, req);
  next(error);
});

/**
 * METRICS_TOKEN set: only with `Authorization: Bearer <token>`. Not set: only from this machine
 * (a direct loopback connection that did not come through a proxy).
 */
function mayReadMetrics(req) {
  if (metricsToken) {
    const given = /^Bearer (.+)$/i.exec(req.get("authorization") ?? "")?.[1] ?? "";
    const digest = (s) => createHash("sha256").update(s).digest();
    return timingSafeEqual(digest(given), digest(metricsToken));
  }
  const from = req.socket.remoteAddress ?? "";
  const proxied = req.get("x-forwarded-for") !== undefined || req.get("forwarded") !== undefined;
  return !proxied && (from === "127.0.0.1" || from === "::1" || from === "::ffff:127.0.0.1");
}

/** The page cache; a miss renders through its own Remix handler. PAGE_CACHE_MB (32), 0 = off. */
function pageCache() {
  const development = env.NODE_ENV === "development";
  const render = createRequestHandler(build, development ? "development" : "production");
  return createPageCache({
    buildVersion: build.assets.version,
    maxBytes: development ? 0 : setting("PAGE_CACHE_MB", 32) * 1024 * 1024,
    routePattern,
    render: (req) => render(fetchRequestOf(req, new AbortController().signal), { clientAddress: clientAddressOf(req) ?? "unknown" }),
  });
}

/**
 * req.protocol as Express computes it, for node's own request (the fast path below keys the page
 * cache with it): X-Forwarded-Proto only from a proxy that TRUST_PROXY trusts.
 */
function protocolOf(req) {
  const own = req.socket.encrypted ? "https" : "http";
  if (!trustProxy(req.socket.remoteAddress, 0)) return own;
  const header = req.headers["x-forwarded-proto"];
  return (typeof header === "string" ? header : own).split(",")[0].trim();
}

/**
 * Remix behind Express, like @remix-run/express but with back-pressure both ways: the request
 * body is read only as fast as the app consumes it (and never beyond maxBodyBytes), and the
 * response body is written only as fast as the client takes it (awaiting 'drain'), so a slow
 * reader of a 20 MB download does not make the server buffer the file. Uses only node's own
 * request and response, so that requests which skip Express take the same way.
 */
const handleRemixRequest = createRequestHandler(build, env.NODE_ENV === "development" ? "development" : "production");
async function respondWithRemix(req, res, { compressBody }) {
  const controller = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  const request = fetchRequestOf(req, controller.signal);
  const response = await handleRemixRequest(request, { clientAddress: clientAddressOf(req) ?? "unknown" });
  await sendResponse(req, res, response, compressBody);
}

function remixHandler() {
  return async (req, res, next) => {
    try {
      await respondWithRemix(req, res, { compressBody: false }); // compression() is in front
    } catch (error) {
      next(error);
    }
  };
}

/**
 * Every request that changes something (POST and the other methods but GET and HEAD) goes to Remix;
 * nothing in the Express chain but compression applies to it, and Express's own set-up of each
 * request (it swaps the prototypes of req and res, which slows every later access to them) cost
 * about a third of a submission POST's CPU (decision 26). So it is handed to Remix directly, with
 * the same headers, log line, metrics, cross-site check and body limit; a response with a body is
 * compressed as compression() would (an error page after a form with mistakes).
 */
async function handleChange(req, res) {
  res.locals = {};
  prepare(req, res);
  try {
    await respondWithRemix(req, res, { compressBody: true });
  } catch (error) {
    // as our error middleware and Express's final handler would
    logUnhandled(error, req);
    if (res.headersSent) return void res.destroy();
    res.statusCode = 500;
    res.setHeader("Content-Type", "text/plain; charset=utf-8");
    res.end("Internal Server Error\n");
  }
}

/** Express's req.hostname: X-Forwarded-Host only from a trusted proxy, without the port. */
function hostnameOf(req) {
  let host = req.headers["x-forwarded-host"];
  if (!host || !trustProxy(req.socket.remoteAddress, 0)) host = req.headers.host;
  else if (host.includes(",")) host = host.slice(0, host.indexOf(",")).trimEnd();
  if (!host) return undefined;
  const offset = host[0] === "[" ? host.indexOf("]") + 1 : 0;
  const colon = host.indexOf(":", offset);
  return colon === -1 ? host : host.slice(0, colon);
}

/**
 * Express's req.ip (proxy-addr): the socket's address, or, through proxies TRUST_PROXY trusts,
 * the nearest address in X-Forwarded-For that is not a trusted proxy.
 */
function clientAddressOf(req) {
  const addresses = [req.socket.remoteAddress];
  const forwardedFor = req.headers["x-forwarded-for"];
  if (typeof forwardedFor === "string") addresses.push(...forwardedFor.split(",").map((a) => a.trim()).filter(Boolean).reverse());
  let i = 0;
  while (i < addresses.length - 1 && trustProxy(addresses[i], i)) i++;
  return addresses[i];
}

function fetchRequestOf(req, signal) {
  // the host name honours "trust proxy"; the port comes from X-Forwarded-Host or Host
  const hostHeader = req.headers["x-forwarded-host"] ?? req.headers.host ?? "";
  const port = Number.parseInt(hostHeader.split(":")[1] ?? "", 10);
  const host = `${hostnameOf(req)}${Number.isSafeInteger(port) ? `:${port}` : ""}`;
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const init = { method: req.method, headers, signal };
  if (req.method !== "GET" && req.method !== "HEAD") {
    init.body = bodyOf(req, maxBodyBytesFor(pathOf(req)));
    init.duplex = "half";
  }
  return new Request(new URL(`${protocolOf(req)}://${host}${req.originalUrl ?? req.url}`).href, init);
}

/**
 * The request body as a web stream that pulls from the socket on demand. After maxBodyBytes it
 * delivers what it has and stops reading: the reader sees more than its own limit and refuses
 * (readForm: 413); the unread rest stays on the connection, which closes after the answer.
 */
function bodyOf(req, limit) {
  let received = 0;
  let finished = false;
  let controller;
  const stop = () => {
    finished = true;
    req.off("data", onData);
    req.off("end", onEnd);
    req.off("error", onError);
    req.off("close", onClose);
    req.pause();
  };
  function onData(chunk) {
    received += chunk.byteLength;
    controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if (received > limit) {
      stop();
      controller.close();
    } else if (controller.desiredSize <= 0) req.pause();
  }
  function onEnd() {
    stop();
    controller.close();
  }
  function onError(error) {
    stop();
    controller.error(error);
  }
  function onClose() {
    if (!req.complete) onError(new Error("client went away"));
  }
  return new ReadableStream(
    {
      start(c) {
        controller = c;
        req.on("data", onData);
        req.once("end", onEnd);
        req.once("error", onError);
        req.once("close", onClose);
      },
      pull() {
        if (!finished) req.resume();
      },
      cancel() {
        if (!finished) stop();
      },
    },
    { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength },
  );
}

async function sendResponse(req, res, response, compressBody) {
  if (response.statusText) res.statusMessage = response.statusText;
  res.statusCode = response.status;
  for (const [name, value] of response.headers) if (name !== "set-cookie") res.setHeader(name, value);
  for (const cookie of response.headers.getSetCookie()) res.appendHeader("Set-Cookie", cookie);
  // downloads and redirects of private pages too (pages get it from entry.server)
  if (!response.headers.has("cache-control") && isPrivatePath(pathOf(req))) res.setHeader("Cache-Control", "no-store");
  if (!response.body) return void res.end();
  // compression() in front of the body alone: it decides (type, size, Accept-Encoding) when the headers go out
  if (compressBody) compress(req, res, () => {});
  let closed = false;
  let wake;
  const wakeUp = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  res.once("close", () => {
    closed = true;
    wakeUp();
  });
  // one 'drain' listener for the whole response: compression hands 'drain' listeners to its zlib
  // stream, where res.once() could never remove them (a leak warning after 10 waits)
  res.on("drain", wakeUp);
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (closed) return void (await reader.cancel());
      if (!res.write(value)) {
        // wait until the client (or the compressor in front of it) has taken what we gave it
        await new Promise((resolve) => {
          wake = resolve;
        });
        if (closed) return void (await reader.cancel());
      }
    }
    res.end();
  } catch (error) {
    reader.cancel().catch(() => {});
    if (res.headersSent) res.destroy();
    else throw error;
  }
}

const UNSUPPORTED_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);
/** A client's mistake noticed before any routing: a short plain answer with the usual headers and log line. */
function refuse(req, res, status, headers, text) {
  res.locals = {};
  instrument(req, res);
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", Connection: "close", ...headers });
  res.end(text);
}

const port = setting("PORT", 3000);
const server = createServer(
  {
    // slow clients cannot hold a connection: the headers within HEADERS_TIMEOUT_MS, the whole
    // request (headers and body) within REQUEST_TIMEOUT_MS, checked every second
    headersTimeout: setting("HEADERS_TIMEOUT_MS", 10_000),
    requestTimeout: setting("REQUEST_TIMEOUT_MS", 30_000),
    keepAliveTimeout: setting("KEEP_ALIVE_TIMEOUT_MS", 5_000),
    connectionsCheckingInterval: 1_000,
    maxHeaderSize: 16 * 1024,
  },
  (req, res) => {
    if (!hasValidHost(req)) return void refuse(req, res, 400, {}, "Bad Request: invalid Host header\n");
    // methods a fetch Request cannot carry (Remix would answer 500): never ours to serve
    if (UNSUPPORTED_METHODS.has(req.method)) return void refuse(req, res, 405, { Allow: "GET, HEAD, POST" }, "Method Not Allowed\n");
    // a cached resident page, answered without Express when nothing needs waiting for (SQLite);
    // the same headers, log line and metrics as every other response
    if (req.method === "GET" && cache.serveFromNode(req, res, protocolOf(req), instrument)) return;
    if (req.method !== "GET" && req.method !== "HEAD") return void handleChange(req, res);
    app(req, res);
  },
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
