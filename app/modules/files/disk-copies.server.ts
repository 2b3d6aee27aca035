/**
 * Local copies of public files on this machine's disk, named by their SHA-256 (decision 46): the
 * database stays the only store (backups, several instances), but a file downloaded again is
 * streamed from disk like any static file instead of being read again from the database's chunks,
 * which costs several times the CPU per byte. Only for files anyone may read (a procedure's
 * documents); never for residents' files.
 *
 * - A first download is served from the database and, meanwhile, copies the blob to
 *   `<dir>/<sha256>` (through a temporary name, checked against the hash, then renamed): a copy is
 *   complete and right, or absent. A copy never goes stale, as its name is its content.
 * - Bounded by FILE_COPIES_MB (512; 0 turns copies off), least recently used removed first; at
 *   start, the copies an earlier process left are counted (oldest first).
 * - A file is opened before its answer starts: a copy removed meanwhile (by another worker's
 *   limit, a tmp cleaner) still streams whole, and one that is gone falls back to the database.
 */
import { createHash, randomBytes } from "node:crypto";
import { close, createWriteStream, mkdirSync, openSync, read, readdirSync, rmSync, statSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";

const SHA256 = /^[0-9a-f]{64}$/;
/** a temporary copy older than this was left by a process that ended */
const STALE_PART_MS = 60 * 60 * 1000;

export interface DiskCopiesOptions {
  dir: string;
  /** the most all copies may take on disk; 0 turns copies off */
  maxBytes: number;
}

export type DiskCopies = ReturnType<typeof createDiskCopies>;

export function createDiskCopies({ dir, maxBytes }: DiskCopiesOptions) {
  /** sha256 → bytes, least recently used first */
  const copies = new Map<string, number>();
  const writing = new Set<string>();
  let total = 0;
  let usable = maxBytes > 0;

  if (usable) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const found: { name: string; size: number; used: number }[] = [];
      for (const name of readdirSync(dir)) {
        const stats = statSync(join(dir, name));
        if (SHA256.test(name)) found.push({ name, size: stats.size, used: stats.mtimeMs });
        else if (name.endsWith(".part") && Date.now() - stats.mtimeMs > STALE_PART_MS) rmSync(join(dir, name), { force: true });
      }
      for (const { name, size } of found.sort((a, b) => a.used - b.used)) add(name, size);
    } catch {
      usable = false; // no writable directory: every download comes from the database, as before
    }
  }

  function add(sha256: string, size: number) {
    copies.set(sha256, size);
    total += size;
    for (const [oldest, bytes] of copies) {
      if (total <= maxBytes) break;
      forget(oldest, bytes);
    }
  }

  function forget(sha256: string, size = copies.get(sha256)) {
    if (size === undefined) return;
    copies.delete(sha256);
    total -= size;
    rmSync(join(dir, sha256), { force: true });
  }

  return {
    /**
     * The bytes start..end (inclusive) of the copy of this file, or null when there is none (then
     * the caller reads the database, and may `fill` the copy).
     */
    read(sha256: string, size: number, start: number, end: number): ReadableStream<Uint8Array> | null {
      if (copies.get(sha256) !== size) return null;
      let fd: number;
      try {
        fd = openSync(join(dir, sha256), "r");
      } catch {
        forget(sha256);
        return null;
      }
      // most recently used last
      copies.delete(sha256);
      copies.set(sha256, size);
      return streamOf(fd, start, end);
    },

    /** Start copying a file in the background, once at a time, if it fits; errors leave no copy. */
    fill(sha256: string, size: number, source: () => ReadableStream<Uint8Array>): void {
      if (!usable || !SHA256.test(sha256) || size > maxBytes / 4 || copies.has(sha256) || writing.has(sha256)) return;
      writing.add(sha256);
      const part = join(dir, `${sha256}.${randomBytes(6).toString("hex")}.part`);
      const hash = createHash("sha256");
      let bytes = 0;
      const check = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          bytes += chunk.length;
          done(null, chunk);
        },
      });
      void (async () => {
        try {
          await pipeline(Readable.fromWeb(source() as import("node:stream/web").ReadableStream), check, createWriteStream(part, { mode: 0o600 }));
          if (bytes !== size || hash.digest("hex") !== sha256) throw new Error("the copy differs from the stored file");
          await rename(part, join(dir, sha256));
          add(sha256, size);
        } catch {
          await rm(part, { force: true }).catch(() => {});
        } finally {
          writing.delete(sha256);
        }
      })();
    },

    /** Remove the copy of a file that is no longer published (this machine's copy; others age out). */
    forget(sha256: string): void {
      forget(sha256);
    },

    stats: () => ({ files: copies.size, bytes: total, writing: writing.size }),
  };
}

/** 256 KiB per read */
const READ_BYTES = 256 * 1024;
/** An open file's bytes start..end (inclusive); whoever takes it closes fd. */
export interface OpenFileRange {
  fd: number;
  start: number;
  end: number;
}

/** A copy's web stream → its open file, handed over once while nobody has read the web stream. */
const openFiles = new WeakMap<ReadableStream<Uint8Array>, () => OpenFileRange | null>();

/**
 * The open file behind a copy's web stream (a Response body from `read`), or null for any other
 * body; the caller then owns the file and must close it, and the web stream is not to be read. The
 * server sends it from a few reused buffers (issue 17): every chunk a new Buffer made V8 run a full
 * garbage collection of the app's heap every ~40 MB sent (external memory), over half our CPU per MB.
 */
export function takeFileOfBody(body: ReadableStream<Uint8Array>): OpenFileRange | null {
  return openFiles.get(body)?.() ?? null;
}

/**
 * The bytes start..end of an open file as a web stream, one read per pull: about half the CPU per
 * byte of Readable.toWeb(createReadStream()), which the answer's web stream would need otherwise.
 */
function streamOf(fd: number, start: number, end: number): ReadableStream<Uint8Array> {
  let position = start;
  let closed = false;
  const done = () => {
    if (!closed) close(fd, () => {});
    closed = true;
  };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (position > end) return void (done(), controller.close());
        const buffer = Buffer.allocUnsafe(Math.min(READ_BYTES, end - position + 1));
        return new Promise<void>((resolve) => {
          read(fd, buffer, 0, buffer.length, position, (error, bytesRead) => {
            if (error || bytesRead === 0) {
              done();
              controller.error(error ?? new Error("the copy ended early"));
            } else {
              position += bytesRead;
              controller.enqueue(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
              if (position > end) (done(), controller.close());
            }
            resolve();
          });
        });
      },
      cancel: done,
    },
    { highWaterMark: 0 },
  );
  openFiles.set(stream, () => {
    // only once, and only while nothing was read: then the taker owns (and closes) the file
    if (closed || position !== start || stream.locked) return null;
    closed = true;
    return { fd, start, end };
  });
  return stream;
}

let shared: DiskCopies | undefined;
/** This process's copies: FILE_COPIES_DIR (the OS temp directory's teilhabe-files), FILE_COPIES_MB (512). */
export function diskCopies(): DiskCopies {
  const mb = process.env.FILE_COPIES_MB;
  shared ??= createDiskCopies({
    dir: process.env.FILE_COPIES_DIR?.trim() || join(tmpdir(), "teilhabe-files"),
    maxBytes: (mb !== undefined && mb !== "" ? Number(mb) : 512) * 1024 * 1024,
  });
  return shared;
}
