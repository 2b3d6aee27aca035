/**
 * The benchmark's yardstick (`npm run bench` starts it as a child process): a bare node:http server
 * doing the same I/O as our two hot paths and nothing else —
 *   GET  /page   the procedure page as a static buffer, gzip- or brotli-compressed once at start
 *                (whichever the client accepts; the raw bytes otherwise), with an ETag;
 *   POST /submit an urlencoded body read and parsed like a form, one INSERT into a fresh SQLite
 *                file (WAL, synchronous=FULL, so the commit is on disk), then a 303 redirect.
 *   GET  /file   BARE_FILE streamed from disk (documents, the weighing table; BARE_FILE_TYPE);
 *   GET  /text*  BARE_TEXT's bytes from memory (a transparency-log proof).
 * Settings (environment): BARE_PAGE (file with the page's HTML), BARE_DATABASE (SQLite file),
 * PORT (0 = any). Prints {"event":"listening","port":n} when ready.
 */
import Database from "better-sqlite3";
import { createHash } from "node:crypto";
import { createReadStream, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const page = readFileSync(process.env.BARE_PAGE);
const gzip = gzipSync(page, { level: 9 });
const brotli = brotliCompressSync(page, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } });
// GET /text: a small text answer held in memory (the transparency log's proofs: the same bytes ours sends)
const text = process.env.BARE_TEXT ? readFileSync(process.env.BARE_TEXT) : null;
const etag = `"${createHash("sha1").update(page).digest("base64url").slice(0, 22)}"`;

const db = new Database(process.env.BARE_DATABASE);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = FULL");
db.exec("create table if not exists submissions (id integer primary key, payload text not null, created_at text not null)");
const insert = db.prepare("insert into submissions (payload, created_at) values (?, ?)");

const server = createServer((req, res) => {
  if (req.method === "GET" && req.url === "/page") {
    const accepts = String(req.headers["accept-encoding"] ?? "");
    const [body, encoding] = /\bbr\b/.test(accepts) ? [brotli, "br"] : /\bgzip\b/.test(accepts) ? [gzip, "gzip"] : [page, null];
    res.writeHead(200, {
      "Content-Type": "text/html; charset=utf-8",
      "Content-Length": body.length,
      ETag: etag,
      Vary: "Accept-Encoding",
      ...(encoding ? { "Content-Encoding": encoding } : {}),
    });
    return void res.end(body);
  }
  if (req.method === "GET" && req.url === "/file" && process.env.BARE_FILE) {
    res.writeHead(200, { "Content-Type": process.env.BARE_FILE_TYPE ?? "application/pdf", "Content-Length": statSync(process.env.BARE_FILE).size, "Content-Disposition": 'attachment; filename="plan.pdf"' });
    return void createReadStream(process.env.BARE_FILE).pipe(res);
  }
  if (req.method === "GET" && req.url.startsWith("/text") && text) {
    res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": text.length, "Cache-Control": "public, max-age=30" });
    return void res.end(text);
  }
  if (req.method === "POST" && req.url === "/submit") {
    const chunks = [];
    let size = 0;
    req.on("data", (c) => {
      size += c.length;
      if (size <= 64 * 1024) chunks.push(c);
    });
    req.on("end", () => {
      const fields = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      insert.run(JSON.stringify([...fields]), new Date().toISOString());
      res.writeHead(303, { Location: "/page", "Content-Length": 0 });
      res.end();
    });
    return;
  }
  res.writeHead(404, { "Content-Length": 0 });
  res.end();
});
server.keepAliveTimeout = 5_000;
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  console.log(JSON.stringify({ event: "listening", port: server.address().port }));
});
const stop = () => server.close(() => (db.close(), process.exit(0)));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
