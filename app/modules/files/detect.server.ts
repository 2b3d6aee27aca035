/**
 * What a file is, from its bytes: the type from its magic numbers (file-type, which also looks into
 * ZIP containers to tell DOCX and ODT apart), then whether it is complete — file-type reads only
 * the start, and a cut-off upload starts like a good file. The end checks are ours: each format
 * has a fixed marker at its end (PDF %%EOF, PNG's IEND chunk, JPEG's EOI, ZIP's end of central directory)
 * or, for WebP, its length at the start (the RIFF header says how long the file is).
 */
import { open } from "node:fs/promises";
import { fileTypeFromFile } from "file-type";

export type FileKind = "pdf" | "odt" | "docx" | "png" | "jpeg" | "webp";

export const MEDIA_TYPES: Record<FileKind, string> = {
  pdf: "application/pdf",
  odt: "application/vnd.oasis.opendocument.text",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  png: "image/png",
  jpeg: "image/jpeg",
  webp: "image/webp",
};

export const EXTENSIONS: Record<FileKind, string> = { pdf: "pdf", odt: "odt", docx: "docx", png: "png", jpeg: "jpg", webp: "webp" };

export type Detection = { ok: true; kind: FileKind; mediaType: string } | { ok: false; problem: "empty" | "unknown_type" | "truncated" };

const KIND_BY_EXTENSION: Record<string, FileKind> = { pdf: "pdf", odt: "odt", docx: "docx", png: "png", jpg: "jpeg", webp: "webp" };

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

/** Whether the file's last bytes hold its format's end marker (WebP: whether its RIFF header's length is the file's). */
export function isComplete(kind: FileKind, tail: Buffer, whole?: { head: Buffer; size: number }): boolean {
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
