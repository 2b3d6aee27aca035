/**
 * The Merkle tree of RFC 9162 (Certificate Transparency 2.0, § 2.1): leaf hash SHA-256(0x00 ‖ leaf),
 * node hash SHA-256(0x01 ‖ left ‖ right), the split at the largest power of two below the size.
 * Proofs are built over any store of perfect-subtree hashes (`SubtreeReader`: the tiles), and
 * verified with nothing but the proof, so the same code runs in the server, the verifier command
 * and the monitor. Pure functions; hashes are 32-byte Buffers.
 */
import { createHash } from "node:crypto";

export const HASH_SIZE = 32;

export function leafHash(entry: Uint8Array): Buffer {
  return createHash("sha256").update(Buffer.from([0])).update(entry).digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash("sha256").update(Buffer.from([1])).update(left).update(right).digest();
}

/** The root of the empty tree: SHA-256 of nothing. */
export const EMPTY_ROOT = createHash("sha256").digest();

/** The largest power of two strictly smaller than n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * Hash of the perfect subtree of height `height` whose leaves start at `index << height`
 * (height 0: a leaf hash). Synchronous or not, as the store is.
 */
export type SubtreeReader = (height: number, index: number) => Buffer | Promise<Buffer>;

const isPowerOfTwo = (n: number) => n > 0 && (n & (n - 1)) === 0;
const log2 = (n: number) => Math.round(Math.log2(n));

/** MTH(D[start:end]) for an aligned range (start is a multiple of the range's split, as all RFC 9162 ranges are). */
export async function rangeHash(read: SubtreeReader, start: number, end: number): Promise<Buffer> {
  const size = end - start;
  if (size === 0) return EMPTY_ROOT;
  if (isPowerOfTwo(size) && start % size === 0) return read(log2(size), start / size);
  const k = splitPoint(size);
  return nodeHash(await rangeHash(read, start, start + k), await rangeHash(read, start + k, end));
}

/** RFC 9162 § 2.1.3.1: the audit path of leaf `index` in the tree of `size` leaves, leaf side first. */
export async function inclusionProof(read: SubtreeReader, index: number, size: number): Promise<Buffer[]> {
  if (!(index >= 0 && index < size)) throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
  const path: Buffer[] = [];
  // walk down from the root, collecting the sibling ranges; they are emitted leaf side first
  let start = 0;
  let end = size;
  const siblings: [number, number][] = [];
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (index < start + k) {
      siblings.push([start + k, end]);
      end = start + k;
    } else {
      siblings.push([start, start + k]);
      start = start + k;
    }
  }
  for (let i = siblings.length - 1; i >= 0; i--) path.push(await rangeHash(read, siblings[i][0], siblings[i][1]));
  return path;
}

/** RFC 9162 § 2.1.4.1: the proof that the tree of `from` leaves is a prefix of the tree of `to` leaves. */
export async function consistencyProof(read: SubtreeReader, from: number, to: number): Promise<Buffer[]> {
  if (!(from >= 0 && from <= to)) throw new RangeError(`no consistency proof from ${from} to ${to}`);
  if (from === 0 || from === to) return [];
  const proof: Buffer[] = [];
  // SUBPROOF(m, D[start:end], b), iteratively; the nodes come out root side first and are reversed at the end
  let start = 0;
  let end = to;
  let m = from;
  let complete = true;
  const nodes: Buffer[] = [];
  for (;;) {
    const n = end - start;
    if (m === n) {
      if (!complete) nodes.push(await rangeHash(read, start, end));
      break;
    }
    const k = splitPoint(n);
    if (m <= k) {
      nodes.push(await rangeHash(read, start + k, end));
      end = start + k;
    } else {
      nodes.push(await rangeHash(read, start, start + k));
      start = start + k;
      m -= k;
      complete = false;
    }
  }
  for (let i = nodes.length - 1; i >= 0; i--) proof.push(nodes[i]);
  return proof;
}

/** RFC 9162 § 2.1.3.2: the root that an inclusion proof leads to, or null when the proof has the wrong shape. */
export function rootFromInclusionProof(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[]): Buffer | null {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size) && index >= 0 && index < size)) return null;
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leaf);
  for (const p of proof) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

export function verifyInclusion(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  const computed = rootFromInclusionProof(index, size, leaf, proof);
  return computed !== null && computed.equals(Buffer.from(root));
}

/** RFC 9162 § 2.1.4.2: whether `proof` shows the tree (size1, root1) to be a prefix of (size2, root2). */
export function verifyConsistency(size1: number, size2: number, proof: readonly Uint8Array[], root1: Uint8Array, root2: Uint8Array): boolean {
  if (!(Number.isSafeInteger(size1) && Number.isSafeInteger(size2) && size1 >= 0 && size1 <= size2)) return false;
  const r1: Buffer = Buffer.from(root1);
  const r2: Buffer = Buffer.from(root2);
  if (size1 === size2) return proof.length === 0 && r1.equals(r2);
  if (size1 === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path: Buffer[] = isPowerOfTwo(size1) ? [r1, ...proof.map((p) => Buffer.from(p))] : proof.map((p) => Buffer.from(p));
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Buffer = path[0];
  let sr: Buffer = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return fr.equals(r1) && sr.equals(r2) && sn === 0;
}
