/**
 * What a file is, from its bytes: the type from its magic numbers (file-type, which also looks into
 * ZIP containers to tell DOCX and ODT apart), then whether it is complete — file-type reads only
 * the start, and a cut-off upload starts like a good file. The end checks are ours: each format
 * has a fixed marker at its end (PDF %%EOF, PNG's IEND chunk, JPEG's EOI, ZIP's end of central directory)
 * or, for WebP, its length at the start (the RIFF header says how long the file is); videos have no
 * end marker, so their container's own sizes must add up to the file's (MP4: the top-level boxes;
 * WebM: the EBML header and the Segment).
 */
import { open, type FileHandle } from "node:fs/promises";
import { fileTypeFromFile } from "file-type";

export type FileKind = "pdf" | "odt" | "docx" | "png" | "jpeg" | "webp" | "mp4" | "webm";
export const VIDEO_KINDS = ["mp4", "webm"] as const satisfies readonly FileKind[];
export type VideoKind = (typeof VIDEO_KINDS)[number];
export const isVideoKind = (kind: FileKind): kind is VideoKind => (VIDEO_KINDS as readonly FileKind[]).includes(kind);

export const MEDIA_TYPES: Record<FileKind, string> = {
  pdf: "application/pdf",
  odt: "application/vnd.oasis.opendocument.text",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  png: "image/png",
  jpeg: "image/jpeg",
  webp: "image/webp",
  mp4: "video/mp4",
  webm: "video/webm",
};

export const EXTENSIONS: Record<FileKind, string> = { pdf: "pdf", odt: "odt", docx: "docx", png: "png", jpeg: "jpg", webp: "webp", mp4: "mp4", webm: "webm" };

export type Detection = { ok: true; kind: FileKind; mediaType: string } | { ok: false; problem: "empty" | "unknown_type" | "truncated" };

const KIND_BY_EXTENSION: Record<string, FileKind> = { pdf: "pdf", odt: "odt", docx: "docx", png: "png", jpg: "jpeg", webp: "webp", mp4: "mp4", webm: "webm" };

/** The ZIP end-of-central-directory record sits in the last 22 bytes plus at most a 64 KiB comment. */
const TAIL_BYTES = 22 + 0xffff;

export async function detectFile(path: string): Promise<Detection> {
  const file = await open(path, "r");
  try {
    const { size } = await file.stat();
    if (size === 0) return { ok: false, problem: "empty" };
    const found = await fileTypeFromFile(path);
    const kind = found ? KIND_BY_EXTENSION[found.ext] : undefined;
    if (!kind) return { ok: false, problem: "unknown_type" };
    if (isVideoKind(kind)) {
      const whole = kind === "mp4" ? await mp4BoxesFill(file, size) : await webmSegmentFills(file, size);
      return whole ? { ok: true, kind, mediaType: MEDIA_TYPES[kind] } : { ok: false, problem: "truncated" };
    }
    const length = Math.min(size, TAIL_BYTES);
    const tail = Buffer.alloc(length);
    await file.read(tail, 0, length, size - length);
    const head = Buffer.alloc(Math.min(size, 12));
    await file.read(head, 0, head.length, 0);
    if (!isComplete(kind, tail, { head, size })) return { ok: false, problem: "truncated" };
    return { ok: true, kind, mediaType: MEDIA_TYPES[kind] };
  } finally {
    await file.close();
  }
}

const PNG_IEND = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

/**
 * MP4 (ISO BMFF): the top-level boxes, each starting with its size (32 bits, or 64 after a size of
 * 1; 0 = to the end of the file), end exactly at the file's end, and one of them is the `moov`
 * (without it nothing can play). A cut-off upload ends inside its last box.
 */
async function mp4BoxesFill(file: FileHandle, size: number): Promise<boolean> {
  const header = Buffer.alloc(16);
  let position = 0;
  let movie = false;
  for (let boxes = 0; position < size && boxes < 10_000; boxes++) {
    const { bytesRead } = await file.read(header, 0, 16, position);
    if (bytesRead < 8) return false;
    let boxSize = header.readUInt32BE(0);
    if (header.toString("latin1", 4, 8) === "moov") movie = true;
    if (boxSize === 1) {
      if (bytesRead < 16) return false;
      boxSize = Number(header.readBigUInt64BE(8));
      if (boxSize < 16) return false;
    } else if (boxSize === 0) {
      boxSize = size - position;
    } else if (boxSize < 8) return false;
    position += boxSize;
  }
  return position === size && movie;
}

/** An EBML variable-length integer at `offset`: its value (null for "unknown size") and its length, or undefined if malformed. */
function readVint(bytes: Buffer, offset: number, keepMarker = false): { value: number | null; length: number } | undefined {
  const first = bytes[offset];
  if (first === undefined || first === 0) return undefined;
  const length = Math.clz32(first) - 23;
  if (offset + length > bytes.length) return undefined;
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    value = value * 256 + bytes[offset + i];
    if (bytes[offset + i] !== 0xff) allOnes = false;
  }
  return { value: allOnes && !keepMarker ? null : value, length };
}

const EBML_ID = 0x1a45dfa3;
const SEGMENT_ID = 0x18538067;

/**
 * WebM (EBML): the header element, then the Segment, whose declared size must reach exactly to the
 * file's end. A Segment of "unknown size" (written live) is accepted: it has no size to check.
 */
async function webmSegmentFills(file: FileHandle, size: number): Promise<boolean> {
  const head = Buffer.alloc(Math.min(size, 4096));
  await file.read(head, 0, head.length, 0);
  const headerId = readVint(head, 0, true);
  if (!headerId || headerId.value !== EBML_ID) return false;
  const headerSize = readVint(head, headerId.length);
  if (!headerSize || headerSize.value === null) return false;
  const segmentAt = headerId.length + headerSize.length + headerSize.value;
  const segmentId = readVint(head, segmentAt, true);
  if (!segmentId || segmentId.value !== SEGMENT_ID) return false;
  const segmentSize = readVint(head, segmentAt + segmentId.length);
  if (!segmentSize) return false;
  if (segmentSize.value === null) return size > segmentAt + segmentId.length + segmentSize.length;
  return segmentAt + segmentId.length + segmentSize.length + segmentSize.value === size;
}

/** Whether the file's last bytes hold its format's end marker (WebP: whether its RIFF header's length is the file's). */
export function isComplete(kind: Exclude<FileKind, VideoKind>, tail: Buffer, whole?: { head: Buffer; size: number }): boolean {
  switch (kind) {
    case "pdf":
      // after %%EOF only line ends and padding are allowed; writers differ, so look at the last KiB
      return tail.subarray(-1024).includes("%%EOF");
    case "png":
      return tail.subarray(-PNG_IEND.length).equals(PNG_IEND);
    case "jpeg": {
      // EOI (FF D9), perhaps followed by a few bytes of padding some cameras add
      const end = tail.subarray(-32);
      return end.lastIndexOf(Buffer.from([0xff, 0xd9])) >= 0;
    }
    case "webp": {
      // "RIFF", the length of what follows (little-endian), "WEBP"; a writer may pad to an even length
      if (!whole || whole.head.length < 12) return false;
      const length = whole.head.readUInt32LE(4) + 8;
      return whole.head.subarray(8, 12).toString("latin1") === "WEBP" && (whole.size === length || whole.size === length + (length % 2));
    }
    case "odt":
    case "docx":
      return tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06])) >= 0;
  }
}

/** Characters that must not reach a stored file name: controls, and those that change the reading direction. */
const UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

/**
 * The name to show and offer on download: the uploaded name without any path, control, format or
 * direction characters (an RLO can make "rechnung‮fdp.exe" read as "rechnungexe.pdf"), at most
 * 120 characters, ending in the extension of the kind the bytes showed.
 */
export function cleanFileName(uploaded: string, kind: FileKind, fallback = "dokument"): string {
  const base = uploaded.split(/[\\/]/).pop() ?? "";
  let name = base.normalize("NFC").replace(UNSAFE, "").replace(/\s+/g, " ").trim();
  // no extension of its own, no leading dots (hidden files), no reserved characters of common systems
  name = name.replace(/\.[A-Za-z0-9]{1,5}$/, "").replace(/^[.\s]+/, "").replace(/[<>:"|?*]/g, "_").trim();
  if (name === "") name = fallback;
  name = Array.from(name).slice(0, 120).join("").trim();
  return `${name}.${EXTENSIONS[kind]}`;
}

/**
 * A name as the person chose it, to tell them which file was meant (never stored): without any path,
 * control, format or direction characters, at most 80 characters.
 */
export function shownFileName(uploaded: string): string {
  const name = (uploaded.split(/[\\/]/).pop() ?? "").normalize("NFC").replace(UNSAFE, "").replace(/\s+/g, " ").trim();
  const chars = Array.from(name);
  return chars.length > 80 ? `${chars.slice(0, 79).join("")}…` : name;
}
