/**
 * How attachment bytes leave the server (decision 55): never sniffed (nosniff), never a page (a
 * sandboxing CSP that allows nothing), never cached by anyone for private files. Files for staff (and a person's own) are
 * downloads (Content-Disposition: attachment), thumbnails are shown inline in the review page; a
 * published photo is public, cacheable for a short while, and its answer sets no cookie.
 */
import contentDisposition from "content-disposition";

const ascii = (name: string) => name.normalize("NFKD").replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");

export function privateFileResponse(
  request: Request,
  file: { fileName: string; mediaType: string; byteSize: number; read(): ReadableStream<Uint8Array> },
  disposition: "attachment" | "inline",
): Response {
  return new Response(request.method === "HEAD" ? null : file.read(), {
    status: 200,
    headers: {
      "Content-Type": file.mediaType,
      "Content-Length": String(file.byteSize),
      "Content-Disposition": contentDisposition(file.fileName, { type: disposition, fallback: ascii(file.fileName) }),
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "sandbox; default-src 'none'",
      "Cache-Control": "private, no-store",
      "Cross-Origin-Resource-Policy": "same-origin",
    },
  });
}

/** A published photo: cookie-less (nothing is read from or set on the request), a strict CSP. */
export function publicImageResponse(request: Request, image: { mediaType: string; byteSize: number; sha256: string; read(): ReadableStream<Uint8Array> }): Response {
  const etag = `"${image.sha256}"`;
  const headers = {
    "Content-Type": image.mediaType,
    "Content-Disposition": "inline",
    ETag: etag,
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
    // taken back by a moderator: gone from caches within minutes
    "Cache-Control": "public, max-age=300",
    "Cross-Origin-Resource-Policy": "cross-origin",
    "Referrer-Policy": "no-referrer",
  };
  if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  return new Response(request.method === "HEAD" ? null : image.read(), { status: 200, headers: { ...headers, "Content-Length": String(image.byteSize) } });
}
