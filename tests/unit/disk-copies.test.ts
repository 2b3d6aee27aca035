/**
 * Local copies of public files (decision 46): a copy exists only when its bytes match the stored
 * hash, a range reads just its bytes, the size limit removes the least recently used, and a copy
 * that vanished falls back to the database (null).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createDiskCopies } from "~/modules/files/disk-copies.server";

const dir = mkdtempSync(join(tmpdir(), "teilhabe-copies-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fileOf = (size: number, seed: number) => Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + seed) % 251));
const sha = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
const streamOf = (bytes: Buffer) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < bytes.length; i += 1000) c.enqueue(bytes.subarray(i, i + 1000));
      c.close();
    },
  });
const bytesOf = async (stream: ReadableStream<Uint8Array>) => {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return Buffer.concat(chunks);
};
const settle = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
};

describe("copies of public files on disk", () => {
  it("keep a file once it is copied whole, and read any range of it", async () => {
    const copies = createDiskCopies({ dir: join(dir, "a"), maxBytes: 4 * 1024 * 1024 });
    const file = fileOf(300_000, 1);
    expect(copies.read(sha(file), file.length, 0, file.length - 1)).toBeNull();
    copies.fill(sha(file), file.length, () => streamOf(file));
    await settle(() => copies.stats().files === 1);
    expect(Buffer.compare(await bytesOf(copies.read(sha(file), file.length, 0, file.length - 1)!), file)).toBe(0);
    expect(Buffer.compare(await bytesOf(copies.read(sha(file), file.length, 262_000, 270_099)!), file.subarray(262_000, 270_100))).toBe(0);
  });

  it("never keep bytes that differ from the stored hash", async () => {
    const copies = createDiskCopies({ dir: join(dir, "b"), maxBytes: 1024 * 1024 });
    const file = fileOf(50_000, 2);
    const other = fileOf(50_000, 3);
    copies.fill(sha(file), file.length, () => streamOf(other));
    await settle(() => copies.stats().writing === 0);
    expect(copies.stats().files).toBe(0);
    expect(readdirSync(join(dir, "b"))).toEqual([]);
    expect(copies.read(sha(file), file.length, 0, 10)).toBeNull();
  });

  it("stay within their limit, least recently used out first; a withdrawn file's copy is removed", async () => {
    const copies = createDiskCopies({ dir: join(dir, "c"), maxBytes: 100_000 });
    const [a, b, c] = [fileOf(25_000, 4), fileOf(25_000, 5), fileOf(25_000, 6)];
    for (const f of [a, b]) {
      copies.fill(sha(f), f.length, () => streamOf(f));
      await settle(() => copies.read(sha(f), f.length, 0, 0) !== null);
    }
    // a used again: b is now the least recently used
    await bytesOf(copies.read(sha(a), a.length, 0, 9)!);
    for (const f of [c, fileOf(25_000, 7), fileOf(25_000, 8)]) {
      copies.fill(sha(f), f.length, () => streamOf(f));
      await settle(() => copies.read(sha(f), f.length, 0, 0) !== null);
    }
    expect(copies.stats().bytes).toBeLessThanOrEqual(100_000);
    expect(existsSync(join(dir, "c", sha(b)))).toBe(false);
    expect(copies.read(sha(a), a.length, 0, 0)).not.toBeNull();
    copies.forget(sha(a));
    expect(existsSync(join(dir, "c", sha(a)))).toBe(false);
    expect(copies.read(sha(a), a.length, 0, 0)).toBeNull();
  });

  it("fall back to the database when a copy vanished from the disk", async () => {
    const copies = createDiskCopies({ dir: join(dir, "d"), maxBytes: 1024 * 1024 });
    const file = fileOf(10_000, 8);
    copies.fill(sha(file), file.length, () => streamOf(file));
    await settle(() => copies.stats().files === 1);
    rmSync(join(dir, "d", sha(file)));
    expect(copies.read(sha(file), file.length, 0, 9)).toBeNull();
    expect(copies.stats().files).toBe(0);
  });
});
