/**
 * Remix behind node's own request and response, like @remix-run/express but with back-pressure
 * both ways: the request body is read only as fast as the app consumes it (and never beyond the
 * path's body limit), and the response body is written only as fast as the client takes it
 * (awaiting 'drain'), so a slow reader of a 20 MB download does not make the server buffer the file.
 */
import { close, read } from "node:fs";
import { ServerResponse, type IncomingMessage } from "node:http";
import type { RequestFacts } from "./request-facts";
import { pathOf } from "./request-facts";

/** A fetch Request of node's request: the host and protocol as Express would read them, the body pulled on demand. */
export function fetchRequestOf(req: IncomingMessage, facts: RequestFacts, signal: AbortSignal, maxBodyBytes: number): Request {
  // the host name honours "trust proxy"; the port comes from X-Forwarded-Host or Host
  const hostHeader = String(req.headers["x-forwarded-host"] ?? req.headers.host ?? "");
  const port = Number.parseInt(hostHeader.split(":")[1] ?? "", 10);
  const host = `${facts.hostnameOf(req)}${Number.isSafeInteger(port) ? `:${port}` : ""}`;
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const init: RequestInit & { duplex?: "half" } = { method: req.method, headers, signal };
  if (req.method !== "GET" && req.method !== "HEAD") {
    init.body = bodyOf(req, maxBodyBytes);
    init.duplex = "half";
  }
  const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? "/";
  return new Request(new URL(`${facts.protocolOf(req)}://${host}${url}`).href, init);
}

/**
 * The request body as a web stream that pulls from the socket on demand. After `limit` bytes it
 * delivers what it has and stops reading: the reader sees more than its own limit and refuses
 * (readForm: 413); the unread rest stays on the connection, which closes after the answer.
 */
function bodyOf(req: IncomingMessage, limit: number): ReadableStream<Uint8Array> {
  let received = 0;
  let finished = false;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stop = () => {
    finished = true;
    req.off("data", onData);
    req.off("end", onEnd);
    req.off("error", onError);
    req.off("close", onClose);
    req.pause();
  };
  function onData(chunk: Buffer) {
    received += chunk.byteLength;
    controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if (received > limit) {
      stop();
      controller.close();
    } else if ((controller.desiredSize ?? 0) <= 0) req.pause();
  }
  function onEnd() {
    stop();
    controller.close();
  }
  function onError(error: Error) {
    stop();
    controller.error(error);
  }
  function onClose() {
    if (!req.complete) onError(new Error("client went away"));
  }
  return new ReadableStream<Uint8Array>(
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

export interface SendOptions {
  /** pages and downloads with a receipt code or personal data: no-store when the app set no Cache-Control */
  isPrivatePath(path: string): boolean;
  /** compression() in front of the body alone, when nothing in front of this compresses */
  compress?: (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
  /** the open file behind a body, taken over, else null (serverSupport.takeFileOfBody) */
  takeFileOfBody?: (body: ReadableStream<Uint8Array>) => { fd: number; start: number; end: number } | null;
}

/** A fetch Response written to node's response as fast as the client takes it. */
export async function sendResponse(req: IncomingMessage, res: ServerResponse, response: Response, options: SendOptions): Promise<void> {
  if (response.statusText) res.statusMessage = response.statusText;
  res.statusCode = response.status;
  for (const [name, value] of response.headers) if (name !== "set-cookie") res.setHeader(name, value);
  for (const cookie of response.headers.getSetCookie()) res.appendHeader("Set-Cookie", cookie);
  // downloads and redirects of private pages too (pages get it from entry.server)
  if (!response.headers.has("cache-control") && options.isPrivatePath(pathOf(req))) res.setHeader("Cache-Control", "no-store");
  if (!response.body) return void res.end();
  // compression() decides (type, size, Accept-Encoding) when the headers go out
  options.compress?.(req, res, () => {});
  const file = options.takeFileOfBody?.(response.body);
  if (file) return sendFile(res, file);
  let closed = false;
  let wake: (() => void) | undefined;
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
        await new Promise<void>((resolve) => {
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

/** the buffers one download reuses, and their size */
const FILE_BUFFERS = 4;
const FILE_BUFFER_BYTES = 64 * 1024;

/**
 * An open file's bytes start..end written from FILE_BUFFERS reused buffers: a buffer is read into
 * again only when the socket has taken it (the write's callback), which is the back-pressure too.
 * A new Buffer per chunk (a web stream's, or fs.createReadStream's) is external memory, and every
 * ~40 MB of it made V8 collect the app's whole heap: our downloads cost twice the bare server's CPU
 * per MB (issue 17). compression() drops write callbacks, so once it has decided not to compress
 * (it never compresses a download's media type) the writes go to node's own ServerResponse.write.
 */
const writeToSocket = ServerResponse.prototype.write as (this: ServerResponse, chunk: Uint8Array, callback: () => void) => boolean;

async function sendFile(res: ServerResponse, { fd, start, end }: { fd: number; start: number; end: number }): Promise<void> {
  const free: Buffer[] = Array.from({ length: FILE_BUFFERS }, () => Buffer.allocUnsafeSlow(FILE_BUFFER_BYTES));
  let waiting: (() => void) | undefined;
  let closed = false;
  const release = (buffer?: Buffer) => {
    if (buffer) free.push(buffer);
    const resolve = waiting;
    waiting = undefined;
    resolve?.();
  };
  const onClose = () => {
    closed = true;
    release();
  };
  res.once("close", onClose);
  const readInto = (buffer: Buffer, length: number, position: number) =>
    new Promise<number>((resolve, reject) => read(fd, buffer, 0, length, position, (error, bytes) => (error ? reject(error) : resolve(bytes))));
  try {
    res.writeHead(res.statusCode); // compression() decides here
    const direct = !res.hasHeader("content-encoding");
    let position = start;
    while (position <= end && !closed) {
      if (free.length === 0) {
        await new Promise<void>((resolve) => (waiting = resolve));
        continue;
      }
      const buffer = free.pop()!;
      const bytes = await readInto(buffer, Math.min(FILE_BUFFER_BYTES, end - position + 1), position);
      if (bytes === 0) throw new Error("the file ended early");
      position += bytes;
      if (closed) break;
      if (direct) writeToSocket.call(res, buffer.subarray(0, bytes), () => release(buffer));
      else {
        // compressed after all: a copy of each chunk, waiting for 'drain'
        release(buffer);
        if (!res.write(Buffer.from(buffer.subarray(0, bytes)))) {
          await new Promise<void>((resolve) => {
            waiting = resolve;
            res.once("drain", () => release());
          });
        }
      }
    }
    if (!closed) res.end();
  } catch {
    res.destroy(); // the headers are out: the client sees a cut download, not a wrong one
  } finally {
    res.off("close", onClose);
    close(fd, () => {});
  }
}
