/**
 * The C2SP tlog-tiles layout (height 8): tile (L, N) holds the hashes of tree level 8·L, entries
 * N·256 … N·256+255; a partial tile of width W is served as `.p/W`. Level-0 tiles hold leaf hashes.
 * Pure functions: paths, and the hash of any perfect subtree from the tiles that hold it.
 */
import { HASH_SIZE, nodeHash } from "./merkle";

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;

/** N as path segments: groups of three digits, all but the last prefixed with "x" (1234067 → x001/x234/067). */
export function tileIndexPath(n: number): string {
  let digits = String(n);
  while (digits.length % 3 !== 0) digits = "0" + digits;
  const groups = digits.match(/\d{3}/g)!;
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join("/");
}

/** The inverse of tileIndexPath, or null for anything else. */
export function parseTileIndexPath(segments: readonly string[]): number | null {
  if (segments.length === 0 || segments.length > 6) return null;
  let digits = "";
  for (let i = 0; i < segments.length; i++) {
    const last = i === segments.length - 1;
    const m = (last ? /^(\d{3})$/ : /^x(\d{3})$/).exec(segments[i]);
    if (!m) return null;
    digits += m[1];
  }
  const n = Number(digits);
  return Number.isSafeInteger(n) && tileIndexPath(n) === segments.join("/") ? n : null;
}

/** Where a perfect subtree (height, index) is stored: its tile and the span of entries inside it. */
export function tileOf(height: number, index: number): { level: number; tile: number; first: number; count: number } {
  const level = Math.floor(height / TILE_HEIGHT);
  const span = 2 ** (height - level * TILE_HEIGHT);
  const firstEntry = index * span;
  return { level, tile: Math.floor(firstEntry / TILE_WIDTH), first: firstEntry % TILE_WIDTH, count: span };
}

/** The root of `count` (a power of two) consecutive hashes from a tile's bytes. */
export function hashSpan(tile: Uint8Array, first: number, count: number): Buffer {
  let level: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const start = (first + i) * HASH_SIZE;
    if (start + HASH_SIZE > tile.length) throw new Error("the tile is shorter than the tree says");
    level.push(Buffer.from(tile.subarray(start, start + HASH_SIZE)));
  }
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(nodeHash(level[i], level[i + 1]));
    level = next;
  }
  return level[0];
}

/**
 * A tile's interior nodes, stored beside it (decision 66) so that a proof reads each subtree hash
 * instead of recomputing it from up to 128 entries: the nodes of heights 1…8 above the tile's
 * entries, height by height (128, 64, … 1 slots of 32 bytes; 255 in all). In a partial tile only
 * the complete nodes are filled; the others stay zero and are never read.
 */
export const NODE_SLOTS = TILE_WIDTH - 1;

/** The slot of node `j` at `height` (1…8) inside a tile's node bytes. */
const nodeSlot = (height: number, j: number) => TILE_WIDTH - ((2 * TILE_WIDTH) >> height) + j;

export function tileNodes(hashes: Uint8Array): Buffer {
  const nodes = Buffer.alloc(NODE_SLOTS * HASH_SIZE);
  const at = (height: number, j: number) =>
    height === 0 ? hashes.subarray(j * HASH_SIZE, (j + 1) * HASH_SIZE) : nodes.subarray(nodeSlot(height, j) * HASH_SIZE, (nodeSlot(height, j) + 1) * HASH_SIZE);
  let count = Math.floor(hashes.length / HASH_SIZE);
  for (let height = 1; height <= TILE_HEIGHT; height++) {
    count >>= 1;
    for (let j = 0; j < count; j++) nodeHash(at(height - 1, 2 * j), at(height - 1, 2 * j + 1)).copy(nodes, nodeSlot(height, j) * HASH_SIZE);
  }
  return nodes;
}

/** The root of a full tile, from its node bytes. */
export const tileRoot = (nodes: Uint8Array): Buffer => Buffer.from(nodes.subarray((NODE_SLOTS - 1) * HASH_SIZE, NODE_SLOTS * HASH_SIZE));

/**
 * The root of `count` (a power of two) consecutive entries from `first` (a multiple of count): read
 * from the stored nodes when the tile has them, computed from the entries otherwise (tiles written
 * before migration 0045).
 */
export function spanOfTile(hashes: Uint8Array, nodes: Uint8Array | null, first: number, count: number): Buffer {
  if ((first + count) * HASH_SIZE > hashes.length) throw new Error("the tile is shorter than the tree says");
  if (count === 1) return Buffer.from(hashes.subarray(first * HASH_SIZE, (first + 1) * HASH_SIZE));
  if (nodes && nodes.length === NODE_SLOTS * HASH_SIZE) {
    const slot = nodeSlot(Math.round(Math.log2(count)), first / count);
    return Buffer.from(nodes.subarray(slot * HASH_SIZE, (slot + 1) * HASH_SIZE));
  }
  return hashSpan(hashes, first, count);
}
