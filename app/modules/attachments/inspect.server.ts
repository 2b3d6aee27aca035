/**
 * What a file from a stranger must pass before it is kept (issue 20): its type from its bytes (JPEG,
 * PNG, WebP, HEIC where the image library decodes it, PDF; the name and declared type are ignored),
 * complete, not also something else (a "polyglot": an image or PDF that is also an HTML page or a ZIP
 * archive), scanned by ClamAV where configured, and images decoded and drawn again by sharp within a
 * pixel limit (a decompression bomb is refused before it is decoded), so the stored copy is a fresh
 * image without EXIF, GPS or any other metadata, never the uploaded bytes. PDFs are kept as they are
 * (and only ever served to staff, as downloads).
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, rm } from "node:fs/promises";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { fileTypeFromFile } from "file-type";
import { loadSharp } from "~/modules/files/sharp.server";
import type { AttachmentKind } from "#db/schema";
import { cleanFileName, isComplete } from "~/modules/files/detect.server";
import { UPLOAD_DIR, type SpooledFile } from "~/modules/http/multipart.server";
import { scanFile } from "./scan.server";

/** Decoding stops beyond this many pixels (about 40 megapixels: every phone camera, no bombs). */
export const MAX_INPUT_PIXELS = 40_000_000;
/** The longest side a stored photo keeps: enough to see what is meant, far less to store. */
export const MAX_SIDE = 2560;
/** The longest side of a moderator's thumbnail. */
export const THUMB_SIDE = 320;

export type AttachmentProblem =
  | "empty"
  | "unknown_type"
  | "truncated"
  | "polyglot"
  | "unreadable"
  | "too_many_pixels"
  | "infected"
  | "scan_unavailable";

export interface PreparedAttachment {
  kind: AttachmentKind;
  mediaType: string;
  name: string;
  /** the bytes to keep: the re-encoded image, or the PDF as uploaded */
  path: string;
  byteSize: number;
  sha256: string;
  thumbPath: string | null;
  width: number | null;
  height: number | null;
}

export type Preparation = { ok: true; prepared: PreparedAttachment; cleanup(): Promise<void> } | { ok: false; problem: AttachmentProblem };

const IMAGE_TYPES = new Set(["jpg", "png", "webp", "heic"]);
/** The types whose end shows a cut-off upload, by file-type's extension (HEIC has no such marker). */
const END_CHECKED: Record<string, "jpeg" | "png" | "pdf" | "webp"> = { jpg: "jpeg", png: "png", pdf: "pdf", webp: "webp" };
const tempPath = (what: string) => join(UPLOAD_DIR, `teilhabe-upload-${what}-${randomBytes(12).toString("hex")}`);

/**
 * One image decoded at a time per process: sharp's memory is the one large cost of an upload; two
 * at a time held ~40 MB more at the peak, with 32 photos arriving at once (decision 61).
 */
const IMAGE_SLOTS = 1;
let busy = 0;
const waiting: (() => void)[] = [];
async function withImageSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (busy >= IMAGE_SLOTS) await new Promise<void>((resolve) => waiting.push(resolve));
  busy++;
  try {
    return await fn();
  } finally {
    busy--;
    waiting.shift()?.();
  }
}

/** Markers of an HTML page or script hidden in a file (lower case; the bytes are compared case-folded). */
const MARKUP = ["<html", "<script", "<!doctype", "<svg", "<iframe", "<body", "<?php"].map((m) => Buffer.from(m, "latin1"));
const ZIP_LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const ZIP_END = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const READ_BYTES = 64 * 1024;
const OVERLAP = 16;

/** A–Z to a–z, every other byte as it is: markup is found whatever its case, without making strings of the file. */
function foldInto(target: Buffer, at: number, source: Buffer): void {
  for (let i = 0; i < source.length; i++) {
    const b = source[i];
    target[at + i] = b >= 0x41 && b <= 0x5a ? b | 0x20 : b;
  }
}

/** The first `bytes` bytes of a file (fewer when it is shorter). */
async function headOf(path: string, bytes: number): Promise<Buffer> {
  const file = await open(path, "r");
  try {
    const head = Buffer.alloc(bytes);
    const { bytesRead } = await file.read(head, 0, bytes, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/**
 * Whether the file is also something else a browser or an unpacker would open: markup anywhere in it,
 * or a ZIP archive (a local file header anywhere in an image; in a PDF, whose compressed streams could
 * hold those four bytes by chance, the archive's end record in its last 64 KiB, which is what unpackers look for).
 * Read in 64 KiB pieces into two buffers kept for the whole file (the bytes, and the bytes case-folded):
 * 32 uploads checked at once make no garbage beyond the read buffers (decision 61).
 */
export async function isPolyglot(path: string, kind: "image" | "pdf"): Promise<boolean> {
  const raw = Buffer.allocUnsafe(OVERLAP + READ_BYTES);
  const folded = Buffer.allocUnsafe(OVERLAP + READ_BYTES);
  let carried = 0;
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: READ_BYTES }) as AsyncIterable<Buffer>) {
    size += chunk.length;
    chunk.copy(raw, carried);
    foldInto(folded, carried, chunk);
    const length = carried + chunk.length;
    const text = folded.subarray(0, length);
    if (MARKUP.some((m) => text.includes(m))) return true;
    const bytes = raw.subarray(0, length);
    if (kind === "image" && (bytes.includes(ZIP_LOCAL_HEADER) || bytes.includes(ZIP_END))) return true;
    // the last bytes go to the front: a marker split between two pieces is still found
    carried = Math.min(OVERLAP, length);
    raw.copy(raw, 0, length - carried, length);
    folded.copy(folded, 0, length - carried, length);
  }
  return kind === "pdf" && size > 0 && (await tailOf(path, size, 64 * 1024)).includes(ZIP_END);
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest("hex");
}

async function tailOf(path: string, size: number, bytes = 22 + 0xffff): Promise<Buffer> {
  const file = await open(path, "r");
  try {
    const length = Math.min(size, bytes);
    const tail = Buffer.alloc(length);
    await file.read(tail, 0, length, size - length);
    return tail;
  } finally {
    await file.close();
  }
}

/**
 * Checks a spooled upload and makes the copy to keep. Nothing is stored here; the caller stores the
 * prepared files and then calls cleanup(). `clamd` is the daemon's address, or null (not scanned).
 */
export async function prepareAttachment(file: SpooledFile, clamd: string | null, fallbackName = "anhang"): Promise<Preparation> {
  if (file.size === 0) return { ok: false, problem: "empty" };
  const found = await fileTypeFromFile(file.path).catch(() => undefined);
  const ext = found?.ext;
  const isImage = ext !== undefined && IMAGE_TYPES.has(ext);
  if (!isImage && ext !== "pdf") return { ok: false, problem: "unknown_type" };
  // a polyglot first: an archive appended to a JPEG would otherwise only look cut off
  if (await isPolyglot(file.path, isImage ? "image" : "pdf")) return { ok: false, problem: "polyglot" };
  // the end markers the documents' check knows (a WebP's RIFF length is read from its head)
  const endKind = END_CHECKED[ext];
  if (endKind && !isComplete(endKind, await tailOf(file.path, file.size), { head: await headOf(file.path, 12), size: file.size }))
    return { ok: false, problem: "truncated" };
  if (clamd) {
    const scan = await scanFile(file.path, clamd);
    if (scan.verdict === "infected") return { ok: false, problem: "infected" };
    if (scan.verdict === "unavailable") return { ok: false, problem: "scan_unavailable" };
  }

  if (ext === "pdf") {
    const prepared: PreparedAttachment = {
      kind: "pdf",
      mediaType: "application/pdf",
      name: cleanFileName(file.fileName, "pdf", fallbackName),
      path: file.path,
      byteSize: file.size,
      sha256: await sha256Of(file.path),
      thumbPath: null,
      width: null,
      height: null,
    };
    // the spooled file is the caller's to remove
    return { ok: true, prepared, cleanup: async () => {} };
  }

  const out = tempPath("image");
  const thumb = tempPath("thumb");
  const cleanup = async () => {
    await Promise.all([rm(out, { force: true }), rm(thumb, { force: true })]);
  };
  try {
    const sharp = await loadSharp();
    const result = await withImageSlot(async () => {
      const source = () => sharp(file.path, { limitInputPixels: MAX_INPUT_PIXELS, failOn: "error", sequentialRead: true });
      const meta = await source().metadata();
      if (!meta.width || !meta.height) throw new Error("no size");
      if (meta.width * meta.height > MAX_INPUT_PIXELS) return "too_many_pixels" as const;
      // PNG stays PNG (screenshots, plans with transparency), every other photo becomes a JPEG
      const kind: AttachmentKind = ext === "png" ? "png" : "jpeg";
      // rotate(): the EXIF orientation is applied to the pixels, since the metadata is not kept
      const drawn = source().rotate().resize({ width: MAX_SIDE, height: MAX_SIDE, fit: "inside", withoutEnlargement: true });
      // optimiseCoding off: optimised Huffman tables make libjpeg hold every coefficient of the whole
      // picture (~35 MB for 6 MP) for ~6 % fewer bytes; without it the JPEG is written strip by strip
      const info = kind === "png" ? await drawn.png({ compressionLevel: 6 }).toFile(out) : await drawn.jpeg({ quality: 82, optimiseCoding: false }).toFile(out);
      await sharp(out, { limitInputPixels: MAX_INPUT_PIXELS })
        .resize({ width: THUMB_SIDE, height: THUMB_SIDE, fit: "inside", withoutEnlargement: true })
        .jpeg({ quality: 70, optimiseCoding: false })
        .toFile(thumb);
      return { kind, width: info.width, height: info.height, byteSize: info.size };
    });
    if (result === "too_many_pixels") {
      await cleanup();
      return { ok: false, problem: "too_many_pixels" };
    }
    const prepared: PreparedAttachment = {
      kind: result.kind,
      mediaType: result.kind === "png" ? "image/png" : "image/jpeg",
      name: cleanFileName(file.fileName, result.kind, fallbackName),
      path: out,
      byteSize: result.byteSize,
      sha256: await sha256Of(out),
      thumbPath: thumb,
      width: result.width,
      height: result.height,
    };
    return { ok: true, prepared, cleanup };
  } catch (error) {
    await cleanup();
    // sharp's words for a bomb; anything else it cannot decode (a HEIC without a decoder, broken data) is unreadable
    if (/pixel limit/i.test(String((error as Error)?.message))) return { ok: false, problem: "too_many_pixels" };
    return { ok: false, problem: "unreadable" };
  }
}
