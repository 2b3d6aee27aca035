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
