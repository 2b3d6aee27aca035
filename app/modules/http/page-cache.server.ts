/**
 * The rendered-page cache: resident pages that are the same for every reader — an organisation's
 * home, a procedure page, its privacy notice and its results — are rendered once
 * per path, language and content version and then served precompressed (brotli or gzip, as the
 * client accepts) with an ETag, answering If-None-Match with 304. Decision 0018.
 *
 * Not the paper form: every print carries its own form number. When a page is the same for every reader: a GET without any cookie but the language cookie (a
 * draft, a receipt-code session or a staff sign-in bypasses the cache), without ?lng= (that
 * response sets the language cookie) and without unknown query parameters; and the rendered
 * response is a 200 HTML page that sets no cookie and is not marked no-store or private.
 *
 * When it is stale: every request reads the organisation's counter in `content_versions` (one
 * indexed look-up), which triggers in the database raise on every change a resident page could
 * show (migration 0011) — so two instances never serve an old page after an edit through either.
 * The app build is part of the key; translations of the interface are read at start, so a new
 * process starts with an empty cache. A page also expires when one of the organisation's
 * procedures opens or closes (its state is computed from the time) and after an hour at most.
 *
 * Memory: an LRU bounded by bytes (PAGE_CACHE_MB, default 32; 0 turns the cache off).
 */
import { createHash } from "node:crypto";
import { brotliCompress, constants, gzipSync } from "node:zlib";
import { getDatabaseHandle } from "~/db.server";
import { getLocale, rememberedLanguage } from "~/i18n/i18n.server";

/** The request as Express gives it (only what the cache reads). */
interface CacheRequest {
  method: string;
  path: string;
  originalUrl: string;
  protocol: string;
  headers: Record<string, string | string[] | undefined>;
}

/** node's own request (before Express): what the fast path reads. */
interface NodeRequest {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
}

/** node's own response (before Express), with the pipeline's `locals` (server/pipeline.ts). */
type NodeResponse = CacheResponse;

/** The response as Express gives it (node's ServerResponse). */
interface CacheResponse {
  statusCode: number;
  setHeader(name: string, value: string | number | readonly string[]): unknown;
  appendHeader?(name: string, value: string): unknown;
  getHeader(name: string): unknown;
  end(body?: Buffer): unknown;
  locals: Record<string, unknown>;
}

interface Entry {
  key: string;
  version: number;
  build: string;
  expiresAt: number;
  headers: [string, string][];
  identity: Buffer;
  gzip: Buffer;
  br: Buffer | null;
  etag: string;
  bytes: number;
}

export interface PageCacheOptions {
  /** the app build (build.assets.version): a new build never serves an old page */
  buildVersion: string;
  /** the most the rendered pages may take, in bytes (default 32 MB); 0 turns the cache off */
  maxBytes?: number;
  /** renders the request through Remix (the server's handler, server/pipeline.ts) */
  render: (req: CacheRequest) => Promise<Response>;
  /** the route pattern of a path, for the access log and metrics (computed once per kind of page here) */
  routePattern?: (path: string) => string;
  /** what an organisation's pages depend on: given by the app (entry.server.tsx), the cache knows no domain */
  content: PageContent;
}

/** An organisation's content as the cache needs it, by the organisation's slug. */
export interface PageContent {
  /** the content version (decision 21); undefined for no such organisation */
  version(slug: string): Promise<number | undefined>;
  /** the same, read synchronously; null where the engine cannot (PostgreSQL) */
  versionNow(slug: string): number | undefined | null;
  /** the moment a page rendered `now` goes stale by the clock (a procedure opening or closing), at most maxAgeMs ahead */
  expiresAt(slug: string, now: Date, maxAgeMs: number): Promise<number>;
}

const MAX_AGE_MS = 60 * 60 * 1000;
const SLUG = "[a-z0-9][a-z0-9-]{0,99}";
/** path → the query parameters the page reads (any other parameter bypasses the cache) */
const PAGES: { pattern: RegExp; params: string[] }[] = [
  { pattern: new RegExp(`^/(${SLUG})/?$`), params: [] },
  { pattern: new RegExp(`^/(${SLUG})/verfahren/${SLUG}$`), params: ["abschnitt"] },
  { pattern: new RegExp(`^/(${SLUG})/verfahren/${SLUG}/datenschutz$`), params: [] },
  { pattern: new RegExp(`^/(${SLUG})/verfahren/${SLUG}/ergebnisse$`), params: ["seite"] },
];
/** top-level routes that look like an organisation's home but are not */
const NOT_ORGANISATIONS = new Set(["anmelden", "abmelden", "barrierefreiheit", "einladung", "build", "healthz", "readyz", "metrics"]);

/** What to cache this request as, or null when it must go to Remix. */
export function cacheTarget(
  req: Pick<CacheRequest, "method" | "path" | "originalUrl" | "headers">,
): { organisation: string; pathAndQuery: string; page: number } | null {
  if (req.method !== "GET") return null;
  const index = PAGES.findIndex((p) => p.pattern.test(req.path));
  if (index < 0) return null;
  const page = PAGES[index];
  const organisation = page.pattern.exec(req.path)![1];
  if (NOT_ORGANISATIONS.has(organisation)) return null;
  if (!onlyLanguageCookie(req.headers.cookie)) return null;
  const q = req.originalUrl.indexOf("?");
  const path = q < 0 ? req.originalUrl : req.originalUrl.slice(0, q);
  if (q < 0) return { organisation, pathAndQuery: path, page: index };
  const search = new URLSearchParams(req.originalUrl.slice(q + 1));
  const kept: [string, string][] = [];
  for (const [name, value] of search) {
    if (!page.params.includes(name)) return null; // ?lng= (sets the cookie) and anything unknown
    kept.push([name, value]);
  }
  kept.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { organisation, pathAndQuery: kept.length ? `${path}?${new URLSearchParams(kept)}` : path, page: index };
}

/** No cookie at all, or only the language cookie: anything else (draft, receipt session, staff) may change the page. */
function onlyLanguageCookie(header: string | string[] | undefined): boolean {
  if (header === undefined) return true;
  const all = Array.isArray(header) ? header.join(";") : header;
  for (const part of all.split(";")) {
    const name = part.split("=", 1)[0].trim();
    if (name !== "" && name !== "lng") return false;
  }
  return true;
}

/** The encoding to send: brotli, gzip or none, by the client's Accept-Encoding (q=0 refuses). */
export function chooseEncoding(header: string | string[] | undefined): "br" | "gzip" | null {
  const accepted = new Set<string>();
  for (const item of String(header ?? "").split(",")) {
    const [name, ...params] = item.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    if (q && Number(q.slice(2)) <= 0) continue;
    if (name) accepted.add(name);
  }
  if (accepted.has("br")) return "br";
  if (accepted.has("gzip") || accepted.has("x-gzip")) return "gzip";
  return null;
}

function cacheable(response: Response): boolean {
  if (response.status !== 200) return false;
  if (response.headers.getSetCookie().length > 0) return false;
  if (!(response.headers.get("content-type") ?? "").startsWith("text/html")) return false;
  if (/\b(no-store|private)\b/i.test(response.headers.get("cache-control") ?? "")) return false;
  return true;
}

/**
 * The language a page will be in, from the two headers remix-i18next reads (without ?lng=, which
 * bypasses the cache): getLocale itself decides and remembers its answer (i18n.server.ts).
 */
async function localeOf(cookie: string, acceptLanguage: string): Promise<string> {
  return rememberedLanguage(cookie, acceptLanguage) ?? getLocale(new Request("http://localhost/", { headers: { cookie, "accept-language": acceptLanguage } }));
}

export function createPageCache(options: PageCacheOptions) {
  const maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  const entries = new Map<string, Entry>();
  let totalBytes = 0;
  let hits = 0;
  let misses = 0;

  const remove = (entry: Entry) => {
    if (entries.get(entry.key) === entry) {
      entries.delete(entry.key);
      totalBytes -= entry.bytes;
    }
  };
  const add = (entry: Entry) => {
    const old = entries.get(entry.key);
    if (old) remove(old);
    if (entry.bytes > maxBytes / 4) return;
    entries.set(entry.key, entry);
    totalBytes += entry.bytes;
    for (const oldest of entries.values()) {
      if (totalBytes <= maxBytes) break;
      remove(oldest);
    }
  };

  function send(req: Pick<CacheRequest, "headers">, res: CacheResponse, entry: Entry) {
    for (const [name, value] of entry.headers) res.setHeader(name, value);
    const encoding = chooseEncoding(req.headers["accept-encoding"]);
    const [body, tag] = encoding === "br" && entry.br ? [entry.br, "br"] : encoding ? [entry.gzip, "gz"] : [entry.identity, ""];
    const etag = tag ? `"${entry.etag}-${tag}"` : `"${entry.etag}"`;
    res.setHeader("ETag", etag);
    const match = req.headers["if-none-match"];
    if (typeof match === "string" && match.split(",").some((m) => m.trim().replace(/^W\//, "") === etag)) {
      res.statusCode = 304;
      return void res.end();
    }
    res.statusCode = 200;
    if (tag) res.setHeader("Content-Encoding", tag === "br" ? "br" : "gzip");
    res.setHeader("Content-Length", body.length);
    res.end(body);
  }

  /** A rendered response that may not be cached (an error page, a cookie), sent as it is, gzipped when the client takes it. */
  async function sendUncached(req: CacheRequest, res: CacheResponse, response: Response) {
    let body = Buffer.from(await response.arrayBuffer());
    res.statusCode = response.status;
    for (const [name, value] of response.headers) if (name !== "set-cookie" && name !== "content-length") res.setHeader(name, value);
    const cookies = response.headers.getSetCookie();
    if (cookies.length) res.setHeader("Set-Cookie", cookies);
    if (body.length > 1024 && !response.headers.has("content-encoding") && chooseEncoding(req.headers["accept-encoding"])) {
      body = gzipSync(body);
      res.setHeader("Content-Encoding", "gzip");
      res.setHeader("Vary", response.headers.has("vary") ? `${response.headers.get("vary")}, Accept-Encoding` : "Accept-Encoding");
    }
    res.setHeader("Content-Length", body.length);
    res.end(body);
  }
  const patterns = new Map<number, string>();
  const keyOf = (protocol: string, host: unknown, pathAndQuery: string, locale: string) => `${protocol}://${String(host ?? "")}${pathAndQuery}|${locale}`;

  /**
   * The stored page under `key` if it is still good — same build, not expired, rendered at the
   * content version `version()` gives (read only when the rest holds) — counted as a hit and moved
   * to most recently used.
   */
  function take(key: string, version: () => number | undefined | null): Entry | undefined {
    const found = entries.get(key);
    if (!found || found.build !== options.buildVersion || Date.now() >= found.expiresAt || version() !== found.version) return undefined;
    hits++;
    entries.delete(key);
    entries.set(key, found);
    return found;
  }

  async function middleware(req: CacheRequest, res: CacheResponse, next: (error?: unknown) => void) {
    if (maxBytes <= 0) return next();
    const target = cacheTarget(req);
    if (!target) return next();
    if (options.routePattern) {
      // the same for every path of this kind: matched once, not per request
      let route = patterns.get(target.page);
      if (route === undefined) patterns.set(target.page, (route = options.routePattern(req.path)));
      res.locals.route = route;
    }
    try {
      // the language exactly as the page will pick it (remix-i18next: ?lng=, cookie, Accept-Language)
      const locale = await localeOf(String(req.headers.cookie ?? ""), String(req.headers["accept-language"] ?? ""));
      const version = await options.content.version(target.organisation);
      if (version === undefined) return next(); // no such organisation: Remix answers
      const key = keyOf(req.protocol, req.headers.host, target.pathAndQuery, locale);
      const found = take(key, () => version);
      if (found) return send(req, res, found);
      misses++;
      const now = new Date();
      const response = await options.render(req);
      if (!cacheable(response)) return void (await sendUncached(req, res, response));
      const identity = Buffer.from(await response.arrayBuffer());
      const headers: [string, string][] = [];
      for (const [name, value] of response.headers) {
        if (name === "content-length" || name === "content-encoding" || name === "etag") continue;
        headers.push([name, name === "vary" ? `${value}, Accept-Encoding` : value]);
      }
      if (!response.headers.has("vary")) headers.push(["vary", "Accept-Encoding"]);
      const entry: Entry = {
        key,
        version,
        build: options.buildVersion,
        expiresAt: await options.content.expiresAt(target.organisation, now, MAX_AGE_MS),
        headers,
        identity,
        gzip: gzipSync(identity, { level: 9 }),
        br: null,
        etag: createHash("sha256").update(identity).digest("base64url").slice(0, 27),
        bytes: 0,
      };
      entry.bytes = identity.length + entry.gzip.length + 1024;
      add(entry);
      send(req, res, entry);
      // brotli off the request path (the thread pool); until it is there, gzip is served
      brotliCompress(identity, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: identity.length } }, (error, br) => {
        if (error || entries.get(key) !== entry) return;
        entry.br = br;
        entry.bytes += br.length;
        totalBytes += br.length;
      });
    } catch (error) {
      next(error);
    }
  }

  /**
   * A hit answered straight from node's request, before Express (server/pipeline.ts): only when everything
   * the key needs is known without waiting — the version read synchronously (SQLite), the language
   * of these headers already detected once — and the request has no body. Returns false for
   * anything else, which then takes the middleware's way. The pipeline has set the response's
   * shared headers and its log line before this step.
   */
  function serveFromNode(req: NodeRequest, res: NodeResponse, protocol: string): boolean {
    if (maxBytes <= 0 || req.method !== "GET" || !getDatabaseHandle().readSync) return false;
    if (req.headers["content-length"] !== undefined || req.headers["transfer-encoding"] !== undefined) return false;
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    const target = cacheTarget({ method: req.method, path, originalUrl: url, headers: req.headers });
    if (!target) return false;
    const locale = rememberedLanguage(String(req.headers.cookie ?? ""), String(req.headers["accept-language"] ?? ""));
    const route = patterns.get(target.page);
    if (locale === undefined || route === undefined) return false;
    const found = take(keyOf(protocol, req.headers.host, target.pathAndQuery, locale), () => options.content.versionNow(target.organisation));
    if (!found) return false;
    res.locals.route = route;
    send(req, res, found);
    return true;
  }

  return {
    middleware,
    serveFromNode,
    /** for tests and /metrics-style inspection */
    stats: () => ({ entries: entries.size, bytes: totalBytes, hits, misses }),
  };
}
