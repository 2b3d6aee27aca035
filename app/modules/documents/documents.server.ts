/**
 * The documents of a procedure's draft (issue 17): PDF, ODT, DOCX, PNG, JPEG or WebP, each with a title,
 * a short description and a required plain-text summary (the accessible alternative BITV expects),
 * in an order the admin chooses; and videos (MP4, WebM) with their WebVTT captions, which are
 * required (decision 49). Bytes are checked (type by magic numbers, complete, within the
 * limit) before anything is stored; the file goes into the database's file store (decision 42) and
 * becomes visible only with the document row, in one transaction.
 */
import type { Kysely } from "kysely";
import type { Database, DocumentKind, DocumentRow } from "#db/schema";
import { audit, type AuditActor, type AuditEntry } from "~/modules/audit/audit.server";
import { blobInfoOf, claimBlob, deleteBlob, readBlob, storeBlobFromFile, type BlobInfo } from "~/modules/files/blobs.server";
import { CAPTIONS_MAX_BYTES, checkCaptions } from "~/modules/files/captions.server";
import { cleanFileName, detectFile, isVideoKind, VIDEO_KINDS, type FileKind } from "~/modules/files/detect.server";
import { diskCopies } from "~/modules/files/disk-copies.server";
import type { MultipartLimits, SpooledFile } from "~/modules/http/multipart.server";
import { FORBIDDEN_CHARACTERS, type FieldError } from "~/modules/forms/fields";
import { fileResponse } from "~/modules/http/file-response.server";

const MB = 1000 * 1000;
/** DOCUMENT_MAX_BYTES (50 MB); at most 1 GB: sizes are 32-bit columns */
export const DOCUMENT_MAX_BYTES = Math.min(1000 * MB, Math.max(1, Number(process.env.DOCUMENT_MAX_BYTES) || 50 * MB));
export const DOCUMENT_KINDS: readonly DocumentKind[] = ["pdf", "odt", "docx", "png", "jpeg", "webp"];
export const DOCUMENT_LIMITS = { title: 200, description: 500, summary: 20_000, perProcedure: 30 } as const;

/** What the upload forms may bring: one file (a video: two, the video and its captions), a handful of short fields. */
export const DOCUMENT_UPLOAD_LIMITS: MultipartLimits = {
  maxFileBytes: DOCUMENT_MAX_BYTES,
  maxFiles: 2,
  maxFields: 12,
  maxFieldBytes: DOCUMENT_LIMITS.summary * 4,
};
/** The admin page that takes uploads, and the most its request body may be (file + fields + multipart framing). */
export const DOCUMENT_UPLOAD_PATH = /^\/[a-z0-9-]+\/verwaltung\/verfahren\/[0-9]+\/dokumente$/;
export const DOCUMENT_UPLOAD_MAX_BODY = DOCUMENT_MAX_BYTES + CAPTIONS_MAX_BYTES + DOCUMENT_UPLOAD_LIMITS.maxFields * DOCUMENT_UPLOAD_LIMITS.maxFieldBytes + 64 * 1024;

export interface ProcedureDocument {
  id: number;
  title: string;
  description: string;
  summary: string;
  kind: DocumentKind;
  fileName: string;
  byteSize: number;
  updatedAt: string;
  /** a video's caption file (WebVTT): its size; null for other kinds */
  captionsByteSize: number | null;
}

type Db = Kysely<Database>;

const toDocument = (
  r: Pick<DocumentRow, "id" | "title" | "description" | "summary" | "kind" | "file_name" | "byte_size" | "updated_at"> & { captions_byte_size: number | null },
): ProcedureDocument => ({
  id: Number(r.id),
  title: r.title,
  description: r.description,
  summary: r.summary,
  kind: r.kind,
  fileName: r.file_name,
  byteSize: Number(r.byte_size),
  updatedAt: r.updated_at,
  captionsByteSize: r.captions_byte_size === null ? null : Number(r.captions_byte_size),
});

export async function listDocuments(db: Db, procedureId: number): Promise<ProcedureDocument[]> {
  const rows = await db
    .selectFrom("documents")
    .leftJoin("file_blobs as captions", "captions.id", "documents.captions_blob_id")
    .select(["documents.id", "documents.title", "documents.description", "documents.summary", "documents.kind", "documents.file_name", "documents.byte_size", "documents.updated_at", "captions.byte_size as captions_byte_size"])
    .where("documents.procedure_id", "=", procedureId)
    .orderBy("documents.position")
    .orderBy("documents.id")
    .execute();
  return rows.map(toDocument);
}

export interface DocumentDownload {
  fileName: string;
  mediaType: string;
  kind: DocumentKind;
  blob: BlobInfo;
}

/** A document of this procedure with what its download needs, or undefined. */
export async function findDocumentForDownload(db: Db, procedureId: number, documentId: number): Promise<DocumentDownload | undefined> {
  const row = await db
    .selectFrom("documents")
    .innerJoin("file_blobs", "file_blobs.id", "documents.blob_id")
    .select(["documents.file_name", "documents.media_type", "documents.kind", "file_blobs.id", "file_blobs.byte_size", "file_blobs.chunk_bytes", "file_blobs.sha256"])
    .where("documents.procedure_id", "=", procedureId)
    .where("documents.id", "=", documentId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    fileName: row.file_name,
    mediaType: row.media_type,
    kind: row.kind,
    blob: blobInfoOf(row),
  };
}

/** A video document's caption file, or undefined (no such document, or not a video). */
export async function findCaptionsForDownload(db: Db, procedureId: number, documentId: number): Promise<{ fileName: string; blob: BlobInfo } | undefined> {
  const row = await db
    .selectFrom("documents")
    .innerJoin("file_blobs", "file_blobs.id", "documents.captions_blob_id")
    .select(["documents.file_name", "file_blobs.id", "file_blobs.byte_size", "file_blobs.chunk_bytes", "file_blobs.sha256"])
    .where("documents.procedure_id", "=", procedureId)
    .where("documents.id", "=", documentId)
    .executeTakeFirst();
  if (!row) return undefined;
  return { fileName: captionsFileName(row.file_name), blob: blobInfoOf(row) };
}

/** "erklaerung.mp4" → "erklaerung.vtt" */
export const captionsFileName = (videoFileName: string) => videoFileName.replace(/\.[a-z0-9]+$/i, "") + ".vtt";

/**
 * A document's bytes start..end (inclusive): from this machine's copy on disk when there is one,
 * else from the database; a whole download copies the file to disk meanwhile for the next reader
 * (documents are public; decision 46). A range never starts that copy: it reads only its own
 * chunks (issue 17). `readSync`: SQLite's synchronous reader, see readBlob.
 */
function readDocumentBytes(
  db: Kysely<Database>,
  blob: BlobInfo,
  start: number,
  end: number,
  readSync?: Parameters<typeof readBlob>[4],
): ReadableStream<Uint8Array> {
  const copies = diskCopies();
  const copy = copies.read(blob.sha256, blob.byteSize, start, end);
  if (copy) return copy;
  if (start === 0 && end === blob.byteSize - 1) copies.fill(blob.sha256, blob.byteSize, () => readBlob(db, blob, 0, blob.byteSize - 1, readSync));
  return readBlob(db, blob, start, end, readSync);
}

/**
 * A published file (a document, a video, their captions) as a download: byte ranges, a strong ETag,
 * nosniff, never shown as a page; five minutes in caches (a withdrawn or replaced file is gone from
 * them soon, the ETag makes a re-check cheap). Large files are read through this machine's copy on
 * disk (`diskCopy`, decision 46), small ones (captions) straight from the database.
 */
export function publishedFileResponse(
  request: Request,
  db: Kysely<Database>,
  file: { blob: BlobInfo; mediaType: string; fileName: string },
  { diskCopy, readSync }: { diskCopy: boolean; readSync?: Parameters<typeof readBlob>[4] },
): Response {
  return fileResponse(request, {
    byteSize: file.blob.byteSize,
    hash: file.blob.sha256,
    mediaType: file.mediaType,
    fileName: file.fileName,
    cacheControl: "public, max-age=300",
    read: (start, end) => (diskCopy ? readDocumentBytes(db, file.blob, start, end, readSync) : readBlob(db, file.blob, start, end)),
  });
}

export type DocumentValues = Record<"title" | "description" | "summary", string>;

type Outcome<T> = ({ ok: true } & T) | { ok: false; status: number; errors: FieldError[]; values: DocumentValues };

/** The texts of the upload form, checked; unknown fields are a 400 (the page sends none). */
function readTexts(fields: Map<string, string[]>): { values: DocumentValues; errors: FieldError[] } {
  const one = (name: keyof DocumentValues) => {
    const list = fields.get(name) ?? [];
    return (list[0] ?? "").replace(/\r\n/g, "\n").trim();
  };
  const values: DocumentValues = { title: one("title"), description: one("description"), summary: one("summary") };
  const errors: FieldError[] = [];
  for (const name of ["title", "description", "summary"] as const) {
    const value = values[name];
    if (value === "" && name !== "description") errors.push({ field: name, message: `documents.errors.${name}Missing` });
    else if (value.length > DOCUMENT_LIMITS[name]) errors.push({ field: name, message: "documents.errors.tooLong", params: { max: DOCUMENT_LIMITS[name] } });
    else if (FORBIDDEN_CHARACTERS.test(value) || (name === "title" && /\n/.test(value))) errors.push({ field: name, message: "documents.errors.characters" });
  }
  return { values, errors };
}

/** The uploaded file checked by its bytes: the kind and the clean display name, or the reason it is refused. */
export async function checkFile(
  file: SpooledFile | undefined,
  tooLarge: boolean,
  kinds: readonly FileKind[] = DOCUMENT_KINDS,
): Promise<{ kind: DocumentKind; mediaType: string; fileName: string } | FieldError> {
  const wrongType = kinds === DOCUMENT_KINDS ? "documents.errors.unknown_type" : "documents.errors.notVideo";
  if (tooLarge) return { field: "file", message: "documents.errors.tooLarge", params: { max: DOCUMENT_MAX_BYTES / MB } };
  if (!file) return { field: "file", message: "documents.errors.fileMissing" };
  const detected = await detectFile(file.path);
  if (!detected.ok) return { field: "file", message: detected.problem === "unknown_type" ? wrongType : `documents.errors.${detected.problem}` };
  if (!kinds.includes(detected.kind)) return { field: "file", message: wrongType };
  return { kind: detected.kind, mediaType: detected.mediaType, fileName: cleanFileName(file.fileName, detected.kind) };
}

/** A video and its caption file, both checked by their bytes; every reason either is refused. */
export async function checkVideoWithCaptions(
  video: SpooledFile | undefined,
  captions: SpooledFile | undefined,
  tooLarge: string | null,
): Promise<{ ok: true; kind: DocumentKind; mediaType: string; fileName: string } | { ok: false; errors: FieldError[] }> {
  const errors: FieldError[] = [];
  const checked = await checkFile(video, tooLarge === "file", VIDEO_KINDS);
  if ("field" in checked) errors.push(checked);
  // the captions come after the video in the form: when the video was too large they were never read
  if (tooLarge === "captions") errors.push({ field: "captions", message: "documents.errors.captionsTooLarge", params: { max: CAPTIONS_MAX_BYTES / 1024 } });
  else if (tooLarge !== "file") {
    const captionCheck = await checkCaptions(captions?.path);
    if (!captionCheck.ok) errors.push({ field: "captions", message: `documents.errors.${captionCheck.problem}`, params: { max: CAPTIONS_MAX_BYTES / 1024 } });
  }
  if (errors.length > 0 || "field" in checked) return { ok: false, errors };
  return { ok: true, ...checked };
}

/** Whether the procedure already holds as many documents as it may. */
async function procedureIsFull(db: Db, procedureId: number): Promise<boolean> {
  const count = await db.selectFrom("documents").select((eb) => eb.fn.countAll().as("n")).where("procedure_id", "=", procedureId).executeTakeFirstOrThrow();
  return Number(count.n) >= DOCUMENT_LIMITS.perProcedure;
}

/** A document's row at the end of its procedure's list, with its audit entry, in the caller's transaction. */
async function insertDocumentRow(
  trx: Db,
  input: Pick<UploadInput, "organisationId" | "procedureId" | "accountId" | "actor" | "now">,
  file: { values: DocumentValues; kind: DocumentKind; mediaType: string; fileName: string; blob: { id: number; byteSize: number; sha256: string }; captionsBlobId?: number },
  entry: (id: number) => { action: "document_added" | "video_added"; targetId: number; details: AuditEntry["details"] },
): Promise<number> {
  const now = (input.now ?? new Date()).toISOString();
  const last = await trx.selectFrom("documents").select((eb) => eb.fn.max("position").as("p")).where("procedure_id", "=", input.procedureId).executeTakeFirst();
  const row = await trx
    .insertInto("documents")
    .values({
      organisation_id: input.organisationId,
      procedure_id: input.procedureId,
      blob_id: file.blob.id,
      ...(file.captionsBlobId !== undefined ? { captions_blob_id: file.captionsBlobId } : {}),
      position: Number(last?.p ?? 0) + 1,
      title: file.values.title,
      description: file.values.description,
      summary: file.values.summary,
      kind: file.kind,
      media_type: file.mediaType,
      file_name: file.fileName,
      byte_size: file.blob.byteSize,
      sha256: file.blob.sha256,
      created_by: input.accountId,
      created_at: now,
      updated_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const id = Number(row.id);
  if (input.actor) await audit(trx, { ...input.actor, targetType: "document", ...entry(id) });
  return id;
}

export interface VideoUploadInput extends Omit<UploadInput, "fileTooLarge"> {
  captions: SpooledFile | undefined;
  /** the field whose file passed the size limit ("file" or "captions"), else null */
  tooLarge: string | null;
}

/**
 * A new video at the end of the list, with its captions (required: decision 49). Nothing is stored
 * unless every check passes; the video, its captions and the audit entry in one transaction.
 */
export async function addVideo(db: Db, input: VideoUploadInput): Promise<Outcome<{ id: number; title: string; fileName: string; byteSize: number; sha256: string }>> {
  const { values, errors } = readTexts(input.fields);
  const checked = await checkVideoWithCaptions(input.file, input.captions, input.tooLarge);
  if (!checked.ok) errors.push(...checked.errors);
  if (await procedureIsFull(db, input.procedureId)) errors.push({ field: "file", message: "documents.errors.tooMany", params: { max: DOCUMENT_LIMITS.perProcedure } });
  if (errors.length > 0 || !checked.ok || !input.file || !input.captions) return { ok: false, status: input.tooLarge ? 413 : 400, errors, values };
  const blob = await storeBlobFromFile(db, input.file.path);
  let captions: Awaited<ReturnType<typeof storeBlobFromFile>> | undefined;
  try {
    captions = await storeBlobFromFile(db, input.captions.path);
    const captionsBlob = captions;
    const id = await db.transaction().execute(async (trx) => {
      await claimBlob(trx, blob.id);
      await claimBlob(trx, captionsBlob.id);
      return insertDocumentRow(trx, input, { values, kind: checked.kind, mediaType: checked.mediaType, fileName: checked.fileName, blob, captionsBlobId: captionsBlob.id }, (id) => ({
        action: "video_added",
        targetId: id,
        details: { procedure_id: input.procedureId, title: values.title, file_name: checked.fileName, bytes: blob.byteSize, sha256: blob.sha256, captions_bytes: captionsBlob.byteSize, captions_sha256: captionsBlob.sha256 },
      }));
    });
    return { ok: true, id, title: values.title, fileName: checked.fileName, byteSize: blob.byteSize, sha256: blob.sha256 };
  } catch (error) {
    await deleteBlob(db, blob.id).catch(() => {});
    if (captions) await deleteBlob(db, captions.id).catch(() => {});
    throw error;
  }
}

export interface UploadInput {
  organisationId: number;
  procedureId: number;
  accountId: number | null;
  fields: Map<string, string[]>;
  file: SpooledFile | undefined;
  fileTooLarge: boolean;
  /** the admin acting: the change's audit entry is written in its transaction (none for demo data) */
  actor?: AuditActor;
  now?: Date;
}

/** A new document at the end of the list. Nothing is stored unless every check passes. */
export async function addDocument(db: Db, input: UploadInput): Promise<Outcome<{ id: number; title: string; fileName: string; byteSize: number; sha256: string }>> {
  const { values, errors } = readTexts(input.fields);
  const checked = await checkFile(input.file, input.fileTooLarge);
  if ("field" in checked) errors.push(checked);
  if (await procedureIsFull(db, input.procedureId)) errors.push({ field: "file", message: "documents.errors.tooMany", params: { max: DOCUMENT_LIMITS.perProcedure } });
  if (errors.length > 0 || "field" in checked || !input.file) return { ok: false, status: input.fileTooLarge ? 413 : 400, errors, values };
  const blob = await storeBlobFromFile(db, input.file.path);
  try {
    const id = await db.transaction().execute(async (trx) => {
      await claimBlob(trx, blob.id);
      return insertDocumentRow(trx, input, { values, kind: checked.kind, mediaType: checked.mediaType, fileName: checked.fileName, blob }, (id) => ({
        action: "document_added",
        targetId: id,
        details: { procedure_id: input.procedureId, title: values.title, file_name: checked.fileName, bytes: blob.byteSize, sha256: blob.sha256 },
      }));
    });
    return { ok: true, id, title: values.title, fileName: checked.fileName, byteSize: blob.byteSize, sha256: blob.sha256 };
  } catch (error) {
    await deleteBlob(db, blob.id).catch(() => {});
    throw error;
  }
}

/** A new file for a document (same title, summary and place); the old bytes are removed with the switch. */
export async function replaceDocumentFile(
  db: Db,
  input: Omit<UploadInput, "fields"> & { documentId: number },
): Promise<Outcome<{ title: string; fileName: string; byteSize: number; sha256: string; changed: boolean }>> {
  const current = await db.selectFrom("documents").select(["blob_id", "title", "description", "summary", "sha256", "kind"]).where("id", "=", input.documentId).where("procedure_id", "=", input.procedureId).executeTakeFirst();
  const values = { title: current?.title ?? "", description: current?.description ?? "", summary: current?.summary ?? "" };
  if (!current) return { ok: false, status: 404, errors: [{ field: "file", message: "documents.errors.gone" }], values };
  // a video's captions belong to that recording: a new video is withdrawn and added again, with its captions
  if (isVideoKind(current.kind)) return { ok: false, status: 400, errors: [{ field: "file", message: "documents.errors.videoReplace" }], values };
  const checked = await checkFile(input.file, input.fileTooLarge);
  if ("field" in checked || !input.file) return { ok: false, status: input.fileTooLarge ? 413 : 400, errors: "field" in checked ? [checked] : [], values };
  const blob = await storeBlobFromFile(db, input.file.path);
  try {
    await db.transaction().execute(async (trx) => {
      await claimBlob(trx, blob.id);
      const updated = await trx
        .updateTable("documents")
        .set({ blob_id: blob.id, kind: checked.kind, media_type: checked.mediaType, file_name: checked.fileName, byte_size: blob.byteSize, sha256: blob.sha256, updated_at: (input.now ?? new Date()).toISOString() })
        .where("id", "=", input.documentId)
        .where("blob_id", "=", current.blob_id)
        .executeTakeFirst();
      // replaced or withdrawn meanwhile by someone else: keep theirs
      if (Number(updated.numUpdatedRows) !== 1) throw new ConcurrentChange();
      await deleteBlob(trx, current.blob_id);
      if (input.actor && blob.sha256 !== current.sha256) {
        await audit(trx, { ...input.actor, action: "document_replaced", targetType: "document", targetId: input.documentId, details: { procedure_id: input.procedureId, title: current.title, file_name: checked.fileName, bytes: blob.byteSize, sha256: blob.sha256 } });
      }
    });
  } catch (error) {
    await deleteBlob(db, blob.id).catch(() => {});
    if (error instanceof ConcurrentChange) return { ok: false, status: 409, errors: [{ field: "file", message: "documents.errors.gone" }], values };
    throw error;
  }
  if (blob.sha256 !== current.sha256) diskCopies().forget(current.sha256);
  return { ok: true, title: current.title, fileName: checked.fileName, byteSize: blob.byteSize, sha256: blob.sha256, changed: blob.sha256 !== current.sha256 };
}

class ConcurrentChange extends Error {}

/** One place up or down; false when it is already first or last (or gone). */
export async function moveDocument(db: Db, procedureId: number, documentId: number, direction: "up" | "down", actor?: AuditActor): Promise<{ moved: boolean; position: number }> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx.selectFrom("documents").select(["id", "position"]).where("procedure_id", "=", procedureId).orderBy("position").orderBy("id").execute();
    const index = rows.findIndex((r) => Number(r.id) === documentId);
    const other = direction === "up" ? index - 1 : index + 1;
    if (index < 0 || other < 0 || other >= rows.length) return { moved: false, position: index + 1 };
    // positions renumbered 1..n with the two swapped: no ties even if older rows had some
    const order = rows.map((r) => Number(r.id));
    [order[index], order[other]] = [order[other], order[index]];
    for (const [i, id] of order.entries()) {
      if (Number(rows.find((r) => Number(r.id) === id)!.position) !== i + 1) await trx.updateTable("documents").set({ position: i + 1 }).where("id", "=", id).execute();
    }
    if (actor) await audit(trx, { ...actor, action: "document_moved", targetType: "document", targetId: documentId, details: { procedure_id: procedureId, direction, position: other + 1 } });
    return { moved: true, position: other + 1 };
  });
}

/** Removes the document and its bytes; residents no longer see it. The audit entry keeps title and hash. */
export async function withdrawDocument(db: Db, procedureId: number, documentId: number, actor?: AuditActor): Promise<{ title: string; fileName: string; sha256: string } | undefined> {
  const withdrawn = await db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("documents").select(["blob_id", "captions_blob_id", "title", "file_name", "sha256"]).where("id", "=", documentId).where("procedure_id", "=", procedureId).executeTakeFirst();
    if (!row) return undefined;
    await trx.deleteFrom("documents").where("id", "=", documentId).execute();
    await deleteBlob(trx, row.blob_id);
    if (row.captions_blob_id !== null) await deleteBlob(trx, row.captions_blob_id);
    if (actor) await audit(trx, { ...actor, action: "document_withdrawn", targetType: "document", targetId: documentId, details: { procedure_id: procedureId, title: row.title, file_name: row.file_name, sha256: row.sha256 } });
    return { title: row.title, fileName: row.file_name, sha256: row.sha256 };
  });
  if (withdrawn) diskCopies().forget(withdrawn.sha256);
  return withdrawn;
}
