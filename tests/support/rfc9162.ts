/**
 * An independent implementation of RFC 9162's tree, for tests only: the recursive definitions
 * (MTH, PATH, SUBPROOF) over plain arrays, written from the RFC and sharing no code with
 * app/modules/transparency-log, and verifiers that walk those recursions backwards.
 */
import { createHash } from "node:crypto";

const sha = (...parts: Buffer[]) => createHash("sha256").update(Buffer.concat(parts)).digest();
export const H_LEAF = (d: Buffer) => sha(Buffer.from([0]), d);
export const H_NODE = (l: Buffer, r: Buffer) => sha(Buffer.from([1]), l, r);
export function split(n: number) {
  let p = 1;
  while (p * 2 < n) p *= 2;
  return p;
}
/** MTH over leaf hashes (already H_LEAF'd), so that large trees are cheap to recompute. */
export function MTH_HASHES(L: Buffer[]): Buffer {
  if (L.length === 0) return sha();
  if (L.length === 1) return L[0];
  return H_NODE(MTH_HASHES(L.slice(0, split(L.length))), MTH_HASHES(L.slice(split(L.length))));
}
export const MTH = (D: Buffer[]) => MTH_HASHES(D.map(H_LEAF));
export function PATH(m: number, D: Buffer[]): Buffer[] {
  if (D.length <= 1) return [];
  const s = split(D.length);
  return m < s ? [...PATH(m, D.slice(0, s)), MTH(D.slice(s))] : [...PATH(m - s, D.slice(s)), MTH(D.slice(0, s))];
}
function SUBPROOF(m: number, D: Buffer[], b: boolean): Buffer[] {
  if (m === D.length) return b ? [] : [MTH(D)];
  const s = split(D.length);
  return m <= s ? [...SUBPROOF(m, D.slice(0, s), b), MTH(D.slice(s))] : [...SUBPROOF(m - s, D.slice(s), false), MTH(D.slice(0, s))];
}
export const PROOF = (m: number, D: Buffer[]) => (m === 0 || m === D.length ? [] : SUBPROOF(m, D, true));

/** The root an audit path leads to, walking PATH's recursion backwards; null when its shape is wrong. */
export function rootFromPath(m: number, n: number, leafHash: Buffer, path: Buffer[]): Buffer | null {
  if (n === 1) return path.length === 0 ? leafHash : null;
  if (path.length === 0) return null;
  const s = split(n);
  const sibling = path[path.length - 1];
  const rest = path.slice(0, -1);
  if (m < s) {
    const left = rootFromPath(m, s, leafHash, rest);
    return left && H_NODE(left, sibling);
  }
  const right = rootFromPath(m - s, n - s, leafHash, rest);
  return right && H_NODE(sibling, right);
}

/**
 * Both roots a consistency proof leads to (old tree of m, new tree of n), walking SUBPROOF backwards;
 * null when its shape is wrong. `oldRoot` stands in for the proof's omitted node when m is a complete subtree.
 */
export function rootsFromConsistency(m: number, n: number, proof: Buffer[], oldRoot: Buffer): { old: Buffer; new: Buffer } | null {
  const walk = (m: number, n: number, b: boolean, p: Buffer[]): { old: Buffer; new: Buffer } | null => {
    if (m === n) {
      if (b) return p.length === 0 ? { old: oldRoot, new: oldRoot } : null;
      return p.length === 1 ? { old: p[0], new: p[0] } : null;
    }
    if (p.length === 0) return null;
    const s = split(n);
    const last = p[p.length - 1];
    const rest = p.slice(0, -1);
    if (m <= s) {
      const inner = walk(m, s, b, rest);
      return inner && { old: inner.old, new: H_NODE(inner.new, last) };
    }
    const inner = walk(m - s, n - s, false, rest);
    return inner && { old: H_NODE(last, inner.old), new: H_NODE(last, inner.new) };
  };
  if (m === 0 || m === n) return proof.length === 0 ? { old: oldRoot, new: oldRoot } : null;
  return walk(m, n, true, proof);
}
