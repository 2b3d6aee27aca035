/**
 * Reads a multipart/form-data body (a form with a file) with busboy: fields into memory (capped),
 * each file straight into a temporary file on disk (capped while it streams), so an upload is never
 * held in memory and the database sees it only once it is complete (decision 42). Refuses what is
 * not multipart (415), a malformed or cut-off body (400), too many or too large fields (400/413).
 * A file that passes its limit stops the reading at once: the result says which field, the rest of
 * the body is left unread (the server closes the connection after the answer).
 */
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import busboy from "busboy";
import { HttpError } from "./errors";

export interface MultipartLimits {
  maxFileBytes: number;
  maxFiles: number;
  maxFields: number;
  maxFieldBytes: number;
  /** more files than maxFiles: the extra ones are skipped and `tooManyFiles` says so (the form can say it at its field), instead of a 400 */
  skipExtraFiles?: boolean;
}

export interface SpooledFile {
  field: string;
  /** the temporary file; removed by cleanup() */
  path: string;
  size: number;
  /** as the client sent it: to be cleaned before use */
  fileName: string;
  declaredType: string;
}

export interface MultipartBody {
  fields: Map<string, string[]>;
  files: SpooledFile[];
  /** the field whose file passed maxFileBytes (reading stopped there), else null */
  fileTooLarge: string | null;
  /** more files were sent than maxFiles (only with skipExtraFiles; the first maxFiles are kept) */
  tooManyFiles: boolean;
  /** the names (as sent) of the files skipped for that, so the form can say which were not taken; at most SKIPPED_NAMES */
  skippedFileNames: string[];
  /** removes the temporary files; call it in a finally */
  cleanup(): Promise<void>;
}

/** With skipExtraFiles: how many skipped files are still named (their bytes are read and dropped); any beyond end the reading of files. */
export const SKIPPED_NAMES = 10;

export const UPLOAD_DIR = process.env.UPLOAD_TMP_DIR?.trim() || tmpdir();

export function isMultipart(request: Request): boolean {
  return (request.headers.get("content-type") ?? "").toLowerCase().startsWith("multipart/form-data");
}

/**
 * @param beforeFile called when the first byte of a file arrives, with the fields read so far (the
 *   form puts its CSRF token before the file): throw to refuse before anything is written
 */
export async function readMultipart(request: Request, limits: MultipartLimits, beforeFile?: (fields: Map<string, string[]>) => void): Promise<MultipartBody> {
  if (!isMultipart(request)) throw new HttpError(415, "unsupported_media_type");
  const fields = new Map<string, string[]>();
  const files: SpooledFile[] = [];
  const paths: string[] = [];
  const cleanup = async () => {
    await Promise.all(paths.map((p) => rm(p, { force: true })));
  };
  let parser: busboy.Busboy;
  // skipped files still pass busboy (to learn their names), up to SKIPPED_NAMES of them
  const filesSeen = limits.skipExtraFiles ? limits.maxFiles + SKIPPED_NAMES : limits.maxFiles;
  try {
    parser = busboy({
      headers: { "content-type": request.headers.get("content-type") ?? "" },
      defParamCharset: "utf8",
      limits: { fileSize: limits.maxFileBytes, files: filesSeen, fields: limits.maxFields, fieldSize: limits.maxFieldBytes, fieldNameSize: 100, parts: limits.maxFields + filesSeen },
    });
  } catch {
    // no boundary, or not multipart at all
    throw new HttpError(400, "invalid_encoding");
  }
  if (!request.body) throw new HttpError(400, "invalid_encoding");
  const source = Readable.fromWeb(request.body as unknown as NodeWebStream<Uint8Array>);

  let fileTooLarge: string | null = null;
  let tooManyFiles = false;
  const skippedFileNames: string[] = [];
  const writes: Promise<Error | null>[] = [];
  // temporary files still being written; on any refusal they are closed and their errors ignored
  const open = new Set<import("node:fs").WriteStream>();
  const discardAll = () => {
    for (const out of open) out.destroy();
    open.clear();
  };
  try {
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        discardAll();
        source.unpipe(parser);
        source.destroy();
        reject(error);
      };
      const stopEarly = () => {
        if (settled) return;
        settled = true;
        source.unpipe(parser);
        source.destroy();
        resolve();
      };
      parser.on("field", (name, value, info) => {
        if (info.nameTruncated) return fail(new HttpError(400, "unknown_field"));
        if (info.valueTruncated) return fail(new HttpError(413, "too_large"));
        const list = fields.get(name);
        if (list) list.push(value);
        else fields.set(name, [value]);
      });
      parser.on("file", (name, stream, info) => {
        // an empty file input still sends a part, with no name and no bytes
        if (info.filename === undefined || info.filename === "") {
          stream.resume();
          return;
        }
        if (files.length >= limits.maxFiles) {
          // only with skipExtraFiles (else busboy's filesLimit refused the body already)
          tooManyFiles = true;
          skippedFileNames.push(info.filename);
          stream.resume();
          return;
        }
        try {
          beforeFile?.(fields);
        } catch (error) {
          stream.resume();
          return fail(error);
        }
        const path = join(UPLOAD_DIR, `teilhabe-upload-${randomBytes(12).toString("hex")}`);
        paths.push(path);
        const out = createWriteStream(path, { flags: "wx", mode: 0o600 });
        // a cut-off body errors the file stream too; the parser's own 'error' answers it (400)
        stream.on("error", () => {});
        const file: SpooledFile = { field: name, path, size: 0, fileName: info.filename, declaredType: info.mimeType };
        stream.on("data", (chunk: Buffer) => {
          file.size += chunk.byteLength;
        });
        stream.once("limit", () => {
          fileTooLarge = name;
          stream.unpipe(out);
          stream.resume();
          discardAll();
          stopEarly();
        });
        open.add(out);
        // never rejects (a rejection nobody awaits yet would end the process): resolves with the write error, if any
        writes.push(
          new Promise<Error | null>((done) => {
            let writeError: Error | null = null;
            out.on("error", (error) => (writeError ??= error));
            out.once("close", () => {
              open.delete(out);
              done(writeError);
            });
          }),
        );
        stream.pipe(out);
        files.push(file);
      });
      parser.on("filesLimit", () => (limits.skipExtraFiles ? (tooManyFiles = true) : fail(new HttpError(400, "too_many_fields"))));
      parser.on("fieldsLimit", () => fail(new HttpError(400, "too_many_fields")));
      parser.on("partsLimit", () => fail(new HttpError(400, "too_many_fields")));
      // a cut-off or malformed body ("Unexpected end of form", a bad boundary or header)
      parser.on("error", () => fail(new HttpError(400, "invalid_encoding")));
      source.on("error", () => fail(new HttpError(400, "invalid_encoding")));
      parser.on("close", () => {
        if (settled) return;
        settled = true;
        resolve();
      });
      source.pipe(parser);
    });
    const writeErrors = await Promise.all(writes);
    // a file cut off at its limit was destroyed on purpose; any other write error is ours (disk full)
    const writeError = fileTooLarge ? null : writeErrors.find((e) => e !== null);
    if (writeError) throw writeError;
  } catch (error) {
    discardAll();
    await Promise.all(writes);
    await cleanup();
    throw error;
  }
  if (fileTooLarge) {
    await cleanup();
    return { fields, files: [], fileTooLarge, tooManyFiles, skippedFileNames, cleanup: async () => {} };
  }
  return { fields, files, fileTooLarge: null, tooManyFiles, skippedFileNames, cleanup };
}

/** Temporary upload files older than an hour: left by a process that ended during an upload. */
export async function sweepSpoolFiles(now: Date = new Date()): Promise<number> {
  let removed = 0;
  for (const name of await readdir(UPLOAD_DIR).catch(() => [] as string[])) {
    if (!name.startsWith("teilhabe-upload-")) continue;
    const path = join(UPLOAD_DIR, name);
    const info = await stat(path).catch(() => null);
    if (info && now.getTime() - info.mtimeMs > 60 * 60 * 1000) {
      await rm(path, { force: true });
      removed++;
    }
  }
  return removed;
}
