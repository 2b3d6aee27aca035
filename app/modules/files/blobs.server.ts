/**
 * Files kept in the database in chunks (decision 42): the same files for one SQLite process and for
 * several instances on one PostgreSQL, and in every backup of the database without a step of its own.
 *
 * Writing: from a file already on disk (an upload is spooled first, so a slow client never holds
 * SQLite's write lock), a few chunks per short transaction. The blob is unclaimed until the caller
 * claims it in the transaction that makes it reachable; unclaimed leftovers are swept by a job.
 * Reading: a byte range reads only the chunks it touches, one at a time as the client takes them.
 */
import { createHash, randomUUID } from "node:crypto";
import { open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "#db/schema";

type Db = Kysely<Database> | Transaction<Database>;

/** 256 KiB per row: small enough for one row read per step of a download, large enough for few rows. */
export const CHUNK_BYTES = 256 * 1024;
/** Chunks per transaction while writing: the write lock is held for ~2 MiB of inserts at a time. */
const CHUNKS_PER_TRANSACTION = 8;
/** An unclaimed blob older than this is a leftover (an upload that failed half-way). */
export const UNCLAIMED_TTL_MS = 60 * 60 * 1000;

export interface StoredBlob {
  id: number;
  byteSize: number;
  sha256: string;
}

export interface BlobInfo extends StoredBlob {
  chunkBytes: number;
}

/** A file_blobs row as read (PostgreSQL may hand numbers back as strings), as BlobInfo. */
export const blobInfoOf = (row: { id: number; byte_size: number; chunk_bytes: number; sha256: string }): BlobInfo => ({
  id: Number(row.id),
  byteSize: Number(row.byte_size),
  chunkBytes: Number(row.chunk_bytes),
  sha256: row.sha256,
});

/** Copy a file from disk into a new, unclaimed blob. */
export async function storeBlobFromFile(db: Kysely<Database>, path: string, now: Date = new Date()): Promise<StoredBlob> {
  const file = await open(path, "r");
  try {
    const { size } = await file.stat();
    const hash = createHash("sha256");
    // the hash is known only at the end: the row starts with a placeholder
    const row = await db
      .insertInto("file_blobs")
      .values({ byte_size: size, chunk_bytes: CHUNK_BYTES, sha256: "", claimed: 0, created_at: now.toISOString() })
      .returning("id")
      .executeTakeFirstOrThrow();
    const id = Number(row.id);
    let seq = 0;
    let position = 0;
    while (position < size) {
      const batch: { blob_id: number; seq: number; data: Buffer }[] = [];
      while (batch.length < CHUNKS_PER_TRANSACTION && position < size) {
        const buffer = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, size - position));
        const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
        if (bytesRead !== buffer.length) throw new Error("the spooled file changed while it was stored");
        hash.update(buffer);
        batch.push({ blob_id: id, seq: seq++, data: buffer });
        position += buffer.length;
      }
      await db.transaction().execute(async (trx) => {
        for (const chunk of batch) await trx.insertInto("file_chunks").values(chunk).execute();
      });
    }
    const sha256 = hash.digest("hex");
    await db.updateTable("file_blobs").set({ sha256 }).where("id", "=", id).execute();
    return { id, byteSize: size, sha256 };
  } finally {
    await file.close();
  }
}

/**
 * Bytes made on the server (a normalised plan, a drawn picture) into a new, unclaimed blob: written
 * to a private temporary file first, so they take the same path as an upload.
 */
export async function storeBlobFromBytes(db: Kysely<Database>, bytes: Uint8Array, now: Date = new Date()): Promise<StoredBlob> {
  const path = join(process.env.UPLOAD_TMP_DIR || tmpdir(), `teilhabe-blob-${randomUUID()}`);
  await writeFile(path, bytes, { mode: 0o600 });
  try {
    return await storeBlobFromFile(db, path, now);
  } finally {
    await rm(path, { force: true });
  }
}

/** Mark a blob as in use: call it in the transaction that stores the reference to it. */
export async function claimBlob(db: Db, id: number): Promise<void> {
  const result = await db.updateTable("file_blobs").set({ claimed: 1 }).where("id", "=", id).where("claimed", "=", 0).executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new Error(`blob ${id} is missing or already claimed`);
}

export async function deleteBlob(db: Db, id: number): Promise<void> {
  // chunks first: PostgreSQL and SQLite both cascade, but an explicit delete keeps it engine-independent
  await db.deleteFrom("file_chunks").where("blob_id", "=", id).execute();
  await db.deleteFrom("file_blobs").where("id", "=", id).execute();
}

/** Remove unclaimed blobs older than UNCLAIMED_TTL_MS (uploads that failed after writing chunks). */
export async function sweepUnclaimedBlobs(db: Kysely<Database>, now: Date = new Date()): Promise<{ removed: number }> {
  const cutoff = new Date(now.getTime() - UNCLAIMED_TTL_MS).toISOString();
  const rows = await db.selectFrom("file_blobs").select("id").where("claimed", "=", 0).where("created_at", "<", cutoff).execute();
  for (const { id } of rows) await db.transaction().execute((trx) => deleteBlob(trx, Number(id)));
  return { removed: rows.length };
}

/**
 * The bytes start..end (inclusive) of a blob as a stream that reads one chunk per pull, so memory
 * stays at about one chunk per download and a range reads only its own chunks.
 */
export function readBlob(
  db: Kysely<Database>,
  blob: Pick<BlobInfo, "id" | "byteSize" | "chunkBytes">,
  start = 0,
  end = blob.byteSize - 1,
  /** SQLite: the connection's synchronous reader (db/connection.server.ts), which skips the query builder and its connection queue per chunk */
  readSync?: <Row>(sql: string, parameters: unknown[]) => Row | undefined,
): ReadableStream<Uint8Array> {
  let position = start;
  const chunk = async (seq: number) =>
    readSync
      ? readSync<{ data: Uint8Array }>("select data from file_chunks where blob_id = ? and seq = ?", [blob.id, seq])
      : await db.selectFrom("file_chunks").select("data").where("blob_id", "=", blob.id).where("seq", "=", seq).executeTakeFirst();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (position > end) return controller.close();
        const seq = Math.floor(position / blob.chunkBytes);
        const row = await chunk(seq);
        if (!row) return controller.error(new Error(`chunk ${seq} of blob ${blob.id} is missing`));
        const data = row.data instanceof Uint8Array ? row.data : new Uint8Array(row.data as ArrayBuffer);
        const from = position - seq * blob.chunkBytes;
        const to = Math.min(data.byteLength, end - seq * blob.chunkBytes + 1);
        controller.enqueue(data.subarray(from, to));
        position += to - from;
        if (position > end) controller.close();
      },
    },
    // PostgreSQL: one chunk read ahead while the previous one is being sent; a synchronous read needs none
    { highWaterMark: readSync ? 0 : 1 },
  );
}

/** A whole blob in memory: only for files known to be small (a plan picture, at most a few MB). */
export async function readBlobBytes(db: Kysely<Database>, blob: Pick<BlobInfo, "id" | "byteSize" | "chunkBytes">): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  const reader = readBlob(db, blob).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  return Buffer.concat(parts);
}

/** Every chunk of a blob hashed again: whether the stored bytes are still the ones written (backup check). */
export async function verifyBlob(db: Kysely<Database>, blob: BlobInfo): Promise<boolean> {
  const hash = createHash("sha256");
  let size = 0;
  const reader = readBlob(db, blob).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    hash.update(value);
    size += value.byteLength;
  }
  return size === blob.byteSize && hash.digest("hex") === blob.sha256;
}

/** Every claimed blob re-hashed (the backup checks its copy): how many, and the ids of those that differ. */
export async function verifyAllBlobs(db: Kysely<Database>): Promise<{ checked: number; broken: number[] }> {
  const blobs = await db.selectFrom("file_blobs").select(["id", "byte_size", "chunk_bytes", "sha256"]).where("claimed", "=", 1).orderBy("id").execute();
  const broken: number[] = [];
  for (const b of blobs) {
    const info = blobInfoOf(b);
    if (!(await verifyBlob(db, info))) broken.push(info.id);
  }
  return { checked: blobs.length, broken };
}
