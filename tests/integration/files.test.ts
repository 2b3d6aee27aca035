/**
 * The file store (decision 42) on SQLite and PostgreSQL: a file goes in as 256 KiB chunks and comes
 * back byte for byte, whole and in any range (reading only the chunks the range touches); a blob no
 * row claimed is swept after an hour, a claimed one never; deleting removes every chunk; the backup's
 * check finds a changed byte.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { CHUNK_BYTES, claimBlob, deleteBlob, readBlob, storeBlobFromFile, sweepUnclaimedBlobs, verifyAllBlobs } from "~/modules/files/blobs.server";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";
import { pdfOf } from "../support/files";

const dir = mkdtempSync(join(tmpdir(), "teilhabe-blobs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function read(stream: ReadableStream<Uint8Array>) {
  const parts: Uint8Array[] = [];
  for await (const part of stream as unknown as AsyncIterable<Uint8Array>) parts.push(part);
  return Buffer.concat(parts);
}

describe.each(engines)("file store (%s)", (engine) => {
  let database: TestDatabase;
  let h: DatabaseHandle;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    h = openDatabase(database.url);
    await migrateToLatest(h.db);
  });
  afterAll(async () => {
    await h?.close();
    await database?.drop();
  });

  const file = pdfOf(3 * CHUNK_BYTES + 1234, 5);
  const path = join(dir, `${engine}.pdf`);

  it("stores a file in chunks and reads it back whole and in ranges", async () => {
    writeFileSync(path, file);
    const blob = await storeBlobFromFile(h.db, path);
    expect(blob.byteSize).toBe(file.length);
    const chunks = await h.db.selectFrom("file_chunks").select(["seq"]).where("blob_id", "=", blob.id).orderBy("seq").execute();
    expect(chunks.map((c) => Number(c.seq))).toEqual([0, 1, 2, 3]);
    const info = { ...blob, chunkBytes: CHUNK_BYTES };
    expect((await read(readBlob(h.db, info))).equals(file)).toBe(true);
    for (const [start, end] of [[0, 0], [CHUNK_BYTES - 10, CHUNK_BYTES + 10], [2 * CHUNK_BYTES, 3 * CHUNK_BYTES - 1], [file.length - 7, file.length - 1], [100, 3 * CHUNK_BYTES + 5]]) {
      expect((await read(readBlob(h.db, info, start, end))).equals(file.subarray(start, end + 1)), `${start}-${end}`).toBe(true);
    }
    if (h.readSync) expect((await read(readBlob(h.db, info, 5, CHUNK_BYTES * 2, h.readSync))).equals(file.subarray(5, CHUNK_BYTES * 2 + 1))).toBe(true);
  });

  it("sweeps unclaimed blobs after an hour, never claimed ones; the check finds changed bytes", async () => {
    const t0 = new Date("2026-12-01T10:00:00Z");
    const left = await storeBlobFromFile(h.db, path, t0);
    const kept = await storeBlobFromFile(h.db, path, t0);
    await h.db.transaction().execute((trx) => claimBlob(trx, kept.id));
    await expect(h.db.transaction().execute((trx) => claimBlob(trx, kept.id))).rejects.toThrow();
    expect(await sweepUnclaimedBlobs(h.db, new Date(t0.getTime() + 30 * 60_000))).toEqual({ removed: 0 });
    const later = await sweepUnclaimedBlobs(h.db, new Date(t0.getTime() + 61 * 60_000));
    expect(later.removed).toBeGreaterThanOrEqual(1);
    const ids = (await h.db.selectFrom("file_blobs").select("id").execute()).map((r) => Number(r.id));
    expect(ids).toContain(kept.id);
    expect(ids).not.toContain(left.id);
    expect(await h.db.selectFrom("file_chunks").select("seq").where("blob_id", "=", left.id).execute()).toEqual([]);

    expect(await verifyAllBlobs(h.db)).toEqual({ checked: 1, broken: [] });
    const changed = Buffer.from(file.subarray(CHUNK_BYTES, 2 * CHUNK_BYTES));
    changed[17] ^= 1;
    await h.db.updateTable("file_chunks").set({ data: changed }).where("blob_id", "=", kept.id).where("seq", "=", 1).execute();
    expect(await verifyAllBlobs(h.db)).toEqual({ checked: 1, broken: [kept.id] });

    await h.db.transaction().execute((trx) => deleteBlob(trx, kept.id));
    expect(await h.db.selectFrom("file_chunks").select("seq").where("blob_id", "=", kept.id).execute()).toEqual([]);
  });
});
