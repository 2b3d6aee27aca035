/**
 * The transparency log's published files under /transparenz/ (decision 56), plain and cacheable:
 *   checkpoint               the latest signed checkpoint (C2SP tlog-checkpoint)
 *   checkpoint/<size>        any earlier one, for ever
 *   checkpoints              the history: one line per checkpoint, "<size> <signed at> <root>"
 *   key                      the verifier key (<name>+<key ID>+<key>)
 *   tile/<L>/<N>[.p/<W>]     hash tiles, tile/entries/<N>[.p/<W>] entry bundles (C2SP tlog-tiles)
 *   proof/inclusion?index=I&size=S, proof/consistency?from=A&to=B   one base64 hash per line
 */
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { HttpError } from "~/modules/http/errors";
import { formatVerifierKey, type SignerKey } from "./note";
import { checkpointOfSize, latestCheckpoint, listCheckpoints, proveConsistency, proveInclusion, readEntryBundle, readTile, readTreeState } from "./tlog.server";
import { TILE_WIDTH, parseTileIndexPath } from "./tiles";

export interface PublishedFile {
  body: string | Buffer;
  type: string;
  cacheControl: string;
}

const TEXT = "text/plain; charset=utf-8";
const SHORT = "public, max-age=30";
const FOREVER = "public, max-age=31536000, immutable";

function count(value: string | null | undefined): number {
  if (value === null || value === undefined || !/^(0|[1-9][0-9]{0,12})$/.test(value)) throw new HttpError(404, "not_found");
  return Number(value);
}

async function tileFile(db: Kysely<Database>, segments: string[]): Promise<PublishedFile> {
  // tile/<L>/<N…>[.p/<W>] or tile/entries/<N…>[.p/<W>]
  let width = TILE_WIDTH;
  let rest = segments;
  if (rest.length >= 2 && /\.p$/.test(rest[rest.length - 2])) {
    width = count(rest[rest.length - 1]);
    if (width < 1 || width >= TILE_WIDTH) throw new HttpError(404, "not_found");
    rest = [...rest.slice(0, -2), rest[rest.length - 2].slice(0, -2)];
  }
  const [levelText, ...indexPath] = rest;
  const idx = parseTileIndexPath(indexPath);
  if (idx === null) throw new HttpError(404, "not_found");
  // only what a published checkpoint covers: a tile never changes once served
  const last = await latestCheckpoint(db);
  const size = last?.size ?? 0;
  if (levelText === "entries") {
    if (idx * TILE_WIDTH + width > size) throw new HttpError(404, "not_found");
    const bundle = await readEntryBundle(db, idx, width);
    if (!bundle) throw new HttpError(404, "not_found");
    return { body: bundle, type: "application/octet-stream", cacheControl: FOREVER };
  }
  const level = count(levelText);
  if (level > 6) throw new HttpError(404, "not_found");
  const entriesAtLevel = Math.floor(size / TILE_WIDTH ** level);
  if (idx * TILE_WIDTH + width > entriesAtLevel) throw new HttpError(404, "not_found");
  const tile = await readTile(db, level, idx, width);
  if (!tile) throw new HttpError(404, "not_found");
  return { body: tile, type: "application/octet-stream", cacheControl: FOREVER };
}

export async function publishedFile(db: Kysely<Database>, key: SignerKey, path: string, search: URLSearchParams): Promise<PublishedFile> {
  const segments = path.split("/").filter((s) => s !== "");
  const [head, ...rest] = segments;
  if (head === "checkpoint" && rest.length === 0) {
    const c = await latestCheckpoint(db);
    if (!c) throw new HttpError(404, "not_found");
    return { body: c.note, type: TEXT, cacheControl: SHORT };
  }
  if (head === "checkpoint" && rest.length === 1) {
    const c = await checkpointOfSize(db, count(rest[0]));
    if (!c) throw new HttpError(404, "not_found");
    return { body: c.note, type: TEXT, cacheControl: FOREVER };
  }
  if (head === "checkpoints" && rest.length === 0) {
    const lines: string[] = [];
    for (let after = -1; ; ) {
      const page = await listCheckpoints(db, after, 5000);
      if (page.length === 0) break;
      for (const c of page) lines.push(`${c.size} ${c.signedAt} ${c.root.toString("base64")}`);
      after = page[page.length - 1].size;
    }
    return { body: lines.join("\n") + (lines.length ? "\n" : ""), type: TEXT, cacheControl: SHORT };
  }
  if (head === "key" && rest.length === 0) return { body: `${formatVerifierKey(key)}\n`, type: TEXT, cacheControl: SHORT };
  if (head === "tile" && rest.length >= 2 && rest.length <= 9) return tileFile(db, rest);
  if (head === "proof" && rest.length === 1 && (rest[0] === "inclusion" || rest[0] === "consistency")) {
    const state = await readTreeState(db);
    const last = await latestCheckpoint(db);
    const published = Math.min(state.size, last?.size ?? 0);
    let proof: Buffer[];
    if (rest[0] === "inclusion") {
      const index = count(search.get("index"));
      const size = count(search.get("size"));
      if (!(index < size && size <= published) || !(await checkpointOfSize(db, size))) throw new HttpError(404, "not_found");
      proof = await proveInclusion(db, index, size);
    } else {
      const from = count(search.get("from"));
      const to = count(search.get("to"));
      if (!(from <= to && to <= published)) throw new HttpError(404, "not_found");
      proof = await proveConsistency(db, from, to);
    }
    return { body: proof.map((h) => h.toString("base64") + "\n").join(""), type: TEXT, cacheControl: FOREVER };
  }
  throw new HttpError(404, "not_found");
}
