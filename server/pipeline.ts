/**
 * The request pipeline: every request takes the same steps, in this order, until one of them
 * answers. The shared steps come first — the security headers, the access-log line and the metrics
 * (on every answer, whichever step gives it), the host and method checks, the cross-site mark —
 * then one of the ways to an answer:
 *   - a cached resident page, answered at once from memory (the page cache's fast path);
 *   - a request that changes something (POST and the other methods but GET and HEAD), handed to
 *     Remix directly: Express's set-up of each request (it swaps the prototypes of req and res)
 *     cost about a third of a submission POST's CPU (decision 26);
 *   - everything else through Express: probes, the page cache's middleware, compression, the
 *     build's assets and public files, then Remix.
 * Both ways to Remix go through respondWithRemix (one body limit, one back-pressure, one header rule).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import compression from "compression";
import express, { type NextFunction, type Request as ExpressRequest, type Response as ExpressResponse } from "express";
import { createRequestHandler } from "@remix-run/node";
import type { AppBuild } from "./build";
import { fetchRequestOf, sendResponse } from "./remix-adapter";
import { hasValidHost, pathOf, requestFacts, type TrustProxy } from "./request-facts";
import { remixMode, setting } from "./settings";

/** What the steps note on a response: the route pattern for the log line and metrics. */
export interface Locals {
  route?: string;
  [name: string]: unknown;
}
export type NodeResponse = ServerResponse & { locals: Locals };
/** A step of the pipeline: true when it answered (or will answer) the request. */
type Step = (req: IncomingMessage, res: NodeResponse) => boolean;

export interface PipelineOptions {
  /** write one access-log line per request (ACCESS_LOG, default on) */
  accessLog: boolean;
  /** METRICS_TOKEN: /metrics needs it as a bearer token; unset, only a direct connection from this machine */
  metricsToken?: string;
  /** TRUST_PROXY: a hop count or Express's names ("loopback", addresses) */
  trustProxy?: string;
  /** true once the process is stopping: /readyz answers 503 */
  stopping(): boolean;
}

const UNSUPPORTED_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);
const isChange = (method: string | undefined) => method !== "GET" && method !== "HEAD";

export function createPipeline(build: AppBuild, options: PipelineOptions) {
  const { serverSupport, createPageCache } = build.entry.module;
  const { log, readiness, securityHeaders, observeRequest, renderMetrics, maxBodyBytesFor, isPrivatePath, takeFileOfBody } = serverSupport;
  const routePattern = serverSupport.routePatterns(build.routes);
  const securityHeaderList = Object.entries(securityHeaders());

  const app = express();
  app.disable("x-powered-by");
  // behind a reverse proxy, TRUST_PROXY (e.g. "loopback" or a hop count) lets req.ip be the client's
  if (options.trustProxy) app.set("trust proxy", /^\d+$/.test(options.trustProxy) ? Number(options.trustProxy) : options.trustProxy);
  const facts = requestFacts(app.get("trust proxy fn") as TrustProxy);
  // one instance: in front of Express's answers and of the bodies of changes (respondWithRemix);
  // it reads only node's own request and response
  const compress = compression();
  const compressNode = compress as unknown as (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

  /** An error no page caught; a client's mistake Express noticed (status 4xx) is not a fault of ours. */
  function logUnhandled(error: unknown, req: IncomingMessage) {
    const status = (error as { status?: number } | null)?.status;
    if (!(typeof status === "number" && status < 500)) {
      log("error", "unhandled_error", { route: routePattern(pathOf(req)), method: req.method, error: error instanceof Error ? error.message : String(error) });
    }
  }

  /**
   * Remix for node's request and response. A request refused before its body was read (413) leaves
   * bytes on the connection: the connection closes after the answer, or the client's next request
   * on it would fail.
   */
  const handleRemixRequest = createRequestHandler(build, remixMode());
  async function respondWithRemix(req: IncomingMessage, res: ServerResponse, compressBody: boolean) {
    const controller = new AbortController();
    res.once("close", () => {
      if (!res.writableFinished) controller.abort();
    });
    const request = fetchRequestOf(req, facts, controller.signal, maxBodyBytesFor(pathOf(req)));
    const response = await handleRemixRequest(request, { clientAddress: facts.clientAddressOf(req) ?? "unknown" });
    if (!req.complete) res.setHeader("Connection", "close");
    await sendResponse(req, res, response, { isPrivatePath, takeFileOfBody, compress: compressBody ? compressNode : undefined });
  }

  /** The page cache (PAGE_CACHE_MB, 32; 0 = off); a miss renders through Remix. */
  const development = remixMode() === "development";
  const renderForCache = createRequestHandler(build, remixMode());
  const cache = createPageCache({
    buildVersion: build.assets.version,
    maxBytes: development ? 0 : setting("PAGE_CACHE_MB", 32) * 1024 * 1024,
    routePattern,
    render: (req) =>
      renderForCache(fetchRequestOf(req as unknown as IncomingMessage, facts, new AbortController().signal, 0), {
        clientAddress: facts.clientAddressOf(req as unknown as IncomingMessage) ?? "unknown",
      }),
  });

  // ---- the shared steps ----

  /**
   * Security headers on every response; when it ends, one access-log line and the request metrics.
   * The log names the route pattern (/einladung/:token), never the path or query: no tokens, codes
   * or search terms, no IP address.
   */
  const instrument: Step = (req, res) => {
    const started = process.hrtime.bigint();
    const socketBytesBefore = req.socket.bytesWritten;
    res.locals = {};
    for (const [name, value] of securityHeaderList) res.setHeader(name, value);
    res.once("close", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = res.locals.route ?? routePattern(pathOf(req));
      observeRequest(req.method ?? "GET", route, res.statusCode, seconds);
      if (!options.accessLog) return;
      log("info", "request", {
        method: req.method,
        route,
        status: res.statusCode,
        ms: Math.round(seconds * 10_000) / 10,
        bytes: req.socket.bytesWritten - socketBytesBefore,
        ...(res.writableFinished ? {} : { aborted: true }),
      });
    });
    return false;
  };

  /** A client's mistake noticed before any routing: a short plain answer, and the connection closes. */
  const refuse = (res: ServerResponse, status: number, headers: Record<string, string>, text: string) => {
    res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", Connection: "close", ...headers });
    res.end(text);
    return true;
  };
  const refuseBadHost: Step = (req, res) => !hasValidHost(req) && refuse(res, 400, {}, "Bad Request: invalid Host header\n");
  // methods a fetch Request cannot carry (Remix would answer 500): never ours to serve
  const refuseUnsupportedMethod: Step = (req, res) =>
    UNSUPPORTED_METHODS.has(req.method ?? "") && refuse(res, 405, { Allow: "GET, HEAD, POST" }, "Method Not Allowed\n");

  /**
   * Requests from other sites: Remix would refuse a cross-origin form POST with a bare 500 (and
   * throws on an Origin it cannot parse), so we decide here and let the app answer with a clear 403
   * page: the request is marked, and the Origin header, once judged, is removed before Remix sees it.
   */
  const markCrossSite: Step = (req) => {
    delete req.headers["x-teilhabe-cross-site"];
    if (!isChange(req.method)) return false;
    const site = req.headers["sec-fetch-site"];
    const origin = req.headers.origin;
    let cross = typeof site === "string" && site !== "same-origin" && site !== "none";
    // Referrer-Policy: no-referrer makes Chromium send "Origin: null" on same-origin form posts
    if (!cross && origin && origin !== "null") {
      try {
        cross = new URL(origin).host !== facts.publicHostOf(req);
      } catch {
        cross = true;
      }
    }
    if (cross) req.headers["x-teilhabe-cross-site"] = "1";
    delete req.headers.origin;
    return false;
  };

  // ---- the ways to an answer ----

  /** A cached resident page, when nothing needs waiting for (SQLite reads the content version at once). */
  const serveCachedPage: Step = (req, res) => req.method === "GET" && cache.serveFromNode(req, res, facts.protocolOf(req));

  /** A change goes to Remix directly; its body is compressed as compression() would (an error page after a form with mistakes). */
  const serveChange: Step = (req, res) => {
    if (!isChange(req.method)) return false;
    respondWithRemix(req, res, true).catch((error: unknown) => {
      // as Express's final handler would
      logUnhandled(error, req);
      if (res.headersSent) return void res.destroy();
      if (!req.complete) res.setHeader("Connection", "close");
      res.statusCode = 500;
      res.setHeader("Content-Type", "text/plain; charset=utf-8");
      res.end("Internal Server Error\n");
    });
    return true;
  };

  // Probes for the operator: not pages, no database for /healthz, plain text.
  const probe = (res: ExpressResponse, status: number, text: string) =>
    res.status(status).set({ "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" }).send(text);
  app.get("/healthz", (_req, res) => {
    res.locals.route = "/healthz";
    probe(res, 200, "ok\n");
  });
  app.get("/readyz", async (_req, res) => {
    res.locals.route = "/readyz";
    if (options.stopping()) return void probe(res, 503, "not ready: shutting_down\n");
    const state = await readiness();
    probe(res, state.ready ? 200 : 503, state.ready ? "ready\n" : `not ready: ${state.reason}\n`);
  });
  app.get("/metrics", async (req, res) => {
    res.locals.route = "/metrics";
    if (!mayReadMetrics(req)) {
      return void probe(res, 403, "Forbidden: /metrics needs METRICS_TOKEN as a bearer token, or a direct connection from this machine when METRICS_TOKEN is not set.\n");
    }
    res.status(200).set({ "Content-Type": "text/plain; version=0.0.4; charset=utf-8", "Cache-Control": "no-store" }).send(await renderMetrics());
  });
  /**
   * METRICS_TOKEN set: only with `Authorization: Bearer <token>`. Not set: only from this machine
   * (a direct loopback connection that did not come through a proxy).
   */
  function mayReadMetrics(req: ExpressRequest) {
    if (options.metricsToken) {
      const given = /^Bearer (.+)$/i.exec(req.get("authorization") ?? "")?.[1] ?? "";
      const digest = (s: string) => createHash("sha256").update(s).digest();
      return timingSafeEqual(digest(given), digest(options.metricsToken));
    }
    const from = req.socket.remoteAddress ?? "";
    const proxied = req.get("x-forwarded-for") !== undefined || req.get("forwarded") !== undefined;
    return !proxied && (from === "127.0.0.1" || from === "::1" || from === "::ffff:127.0.0.1");
  }
  // Rendered-page cache (decision 21): a hit it could not answer at once (serveCachedPage), or a miss.
  app.use(cache.middleware);
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
  app.use(async (req, res, next) => {
    try {
      await respondWithRemix(req, res, false); // compression() is in front
    } catch (error) {
      next(error);
    }
  });
  app.use((error: unknown, req: ExpressRequest, _res: ExpressResponse, next: NextFunction) => {
    logUnhandled(error, req);
    next(error);
  });
  const serveThroughExpress: Step = (req, res) => {
    app(req, res);
    return true;
  };

  /** Every request, in this order, until a step answers. */
  const steps: Step[] = [instrument, refuseBadHost, refuseUnsupportedMethod, markCrossSite, serveCachedPage, serveChange, serveThroughExpress];

  return {
    handle(req: IncomingMessage, res: ServerResponse) {
      for (const step of steps) if (step(req, res as NodeResponse)) return;
    },
    log,
  };
}
