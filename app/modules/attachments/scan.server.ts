/**
 * The malware-scanning hook: every file is sent to a ClamAV daemon with its INSTREAM command before it
 * is accepted, where one is configured (CLAMD_URL: `tcp://host:3310` or `unix:/run/clamav/clamd.ctl`).
 * The protocol is a few lines (clamd(8): "zINSTREAM\0", then chunks each prefixed by their length as a
 * 4-byte big-endian number, a zero-length chunk to end, one reply line), so it is written here rather
 * than pulled in as a library (decision 54). Without CLAMD_URL nothing is scanned (the README says so);
 * with it, a daemon that cannot be reached refuses the file rather than letting it through unscanned.
 */
import { createReadStream } from "node:fs";
import { connect, type Socket } from "node:net";

export type ScanResult = { verdict: "clean" } | { verdict: "infected"; signature: string } | { verdict: "unavailable"; reason: string };

/** Chunks sent to clamd: well below its default StreamMaxLength per chunk, few round trips. */
const CHUNK_BYTES = 64 * 1024;
const TIMEOUT_MS = 30_000;

export function clamdUrl(env: NodeJS.ProcessEnv = process.env): string | null {
  const value = env.CLAMD_URL?.trim();
  return value ? value : null;
}

function open(url: string): Socket {
  if (url.startsWith("unix:")) return connect({ path: url.slice("unix:".length).replace(/^\/\/(?=\/)/, "") });
  const parsed = new URL(url);
  if (parsed.protocol !== "tcp:") throw new Error(`CLAMD_URL must start with tcp:// or unix: (got ${parsed.protocol})`);
  return connect({ host: parsed.hostname, port: Number(parsed.port || 3310) });
}

/** Parses clamd's reply line, e.g. "stream: OK", "stream: Eicar-Test-Signature FOUND", "INSTREAM size limit exceeded. ERROR". */
export function parseReply(reply: string): ScanResult {
  const line = reply.replace(/\0/g, "").trim();
  if (/^stream: OK$/.test(line)) return { verdict: "clean" };
  const found = /^stream: (.+) FOUND$/.exec(line);
  if (found) return { verdict: "infected", signature: found[1] };
  return { verdict: "unavailable", reason: line || "empty reply" };
}

/** Sends the file at `path` to clamd and waits for its verdict; never throws. */
export async function scanFile(path: string, url: string): Promise<ScanResult> {
  return new Promise<ScanResult>((resolve) => {
    let settled = false;
    let socket: Socket;
    const reply: Buffer[] = [];
    const done = (result: ScanResult) => {
      if (settled) return;
      settled = true;
      socket?.destroy();
      resolve(result);
    };
    try {
      socket = open(url);
    } catch (error) {
      return done({ verdict: "unavailable", reason: (error as Error).message });
    }
    socket.setTimeout(TIMEOUT_MS, () => done({ verdict: "unavailable", reason: "timeout" }));
    socket.on("error", (error) => done({ verdict: "unavailable", reason: error.message }));
    socket.on("data", (chunk) => reply.push(chunk));
    socket.on("end", () => done(parseReply(Buffer.concat(reply).toString("utf8"))));
    socket.on("connect", async () => {
      try {
        socket.write("zINSTREAM\0");
        for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
          if (settled) return;
          const size = Buffer.alloc(4);
          size.writeUInt32BE(chunk.byteLength);
          socket.write(size);
          // back-pressure: a slow daemon does not make us buffer the whole file
          if (!socket.write(chunk)) await new Promise((r) => socket.once("drain", r));
        }
        socket.write(Buffer.alloc(4));
      } catch (error) {
        done({ verdict: "unavailable", reason: (error as Error).message });
      }
    });
  });
}
