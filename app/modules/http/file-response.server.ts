/**
 * A file as an HTTP response, the way PDF viewers and download managers expect it: Content-Length,
 * a strong ETag (304 for If-None-Match), one byte range (206 with Content-Range; 416 when it cannot
 * be met; If-Range falls back to the whole file when the ETag changed), always a download
 * (Content-Disposition: attachment with an RFC 6266 filename*), never sniffed or rendered as a page
 * (nosniff, a sandboxing Content-Security-Policy). Byte ranges are parsed by range-parser (Express's own).
 */
import contentDisposition from "content-disposition";
import parseRange from "range-parser";

export interface FileForResponse {
  byteSize: number;
  /** a hash of the bytes: the strong ETag */
  hash: string;
  mediaType: string;
  fileName: string;
  cacheControl: string;
  /** the bytes start..end (inclusive), read only when sent */
  read(start: number, end: number): ReadableStream<Uint8Array>;
}

/** The name for clients without RFC 6266 filename*: letters without accents, anything else non-ASCII as "_". */
const asciiFallback = (name: string) =>
  name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^\x20-\x7e]/g, "_")
    .replace(/["\\]/g, "_");

const matchesEtag = (header: string, etag: string) => header.split(",").some((t) => t.trim() === etag || t.trim() === "*");

export function fileResponse(request: Request, file: FileForResponse): Response {
  const etag = `"${file.hash}"`;
  const headers = new Headers({
    "Content-Type": file.mediaType,
    "Content-Disposition": contentDisposition(file.fileName, { type: "attachment", fallback: asciiFallback(file.fileName) }),
    ETag: etag,
    "Cache-Control": file.cacheControl,
    "Accept-Ranges": "bytes",
    "X-Content-Type-Options": "nosniff",
    // opened directly anyway: no scripts, no plugins, no same-origin access
    "Content-Security-Policy": "sandbox; default-src 'none'",
  });
  const ifNoneMatch = request.headers.get("if-none-match");
  if (ifNoneMatch && matchesEtag(ifNoneMatch, etag)) return new Response(null, { status: 304, headers });

  const range = request.headers.get("range");
  const ifRange = request.headers.get("if-range");
  // If-Range with a date or another ETag: the file may have changed, so the whole of it
  const rangeApplies = range !== null && (ifRange === null || ifRange.trim() === etag);
  if (rangeApplies && file.byteSize > 0) {
    const parsed = parseRange(file.byteSize, range, { combine: true });
    if (parsed === -1) {
      headers.set("Content-Range", `bytes */${file.byteSize}`);
      headers.set("Content-Length", "0");
      return new Response(null, { status: 416, headers });
    }
    // -2 (malformed) is ignored as RFC 9110 allows; several ranges are answered with the whole file
    if (parsed !== -2 && parsed.type === "bytes" && parsed.length === 1) {
      const { start, end } = parsed[0];
      headers.set("Content-Range", `bytes ${start}-${end}/${file.byteSize}`);
      headers.set("Content-Length", String(end - start + 1));
      return new Response(request.method === "HEAD" ? null : file.read(start, end), { status: 206, headers });
    }
  }
  headers.set("Content-Length", String(file.byteSize));
  const body = request.method === "HEAD" || file.byteSize === 0 ? null : file.read(0, file.byteSize - 1);
  return new Response(body, { status: 200, headers });
}
