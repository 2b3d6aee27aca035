/**
 * The municipality's explanation in German Sign Language for its home page (BITV 2.0 § 4; decision
 * 49): at most one video per organisation, MP4 or WebM, with a WebVTT caption file, both checked by
 * their bytes like a procedure's video. Saving replaces the previous one; saving and removing are
 * audited in the change's transaction.
 */
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { audit, type AuditActor } from "~/modules/audit/audit.server";
import { blobInfoOf, claimBlob, deleteBlob, readBlob, storeBlobFromFile, type BlobInfo, type StoredBlob } from "~/modules/files/blobs.server";
import { diskCopies } from "~/modules/files/disk-copies.server";
import type { SpooledFile } from "~/modules/http/multipart.server";
import type { FieldError } from "~/modules/forms/fields";
import { HttpError } from "~/modules/http/errors";
import { captionsFileName, checkVideoWithCaptions, publishedFileResponse } from "./documents.server";

type Db = Kysely<Database>;

/** The admin page that takes the upload (its request body may be as large as a document's). */
export const SIGN_LANGUAGE_UPLOAD_PATH = /^\/[a-z0-9-]+\/verwaltung\/gebaerdensprache$/;

export interface SignLanguageVideo {
  kind: "mp4" | "webm";
  fileName: string;
  byteSize: number;
  captionsByteSize: number;
  updatedAt: string;
}

export async function findSignLanguageVideo(db: Db, organisationId: number): Promise<SignLanguageVideo | undefined> {
  const row = await db
    .selectFrom("sign_language_videos")
    .innerJoin("file_blobs as captions", "captions.id", "sign_language_videos.captions_blob_id")
    .select(["sign_language_videos.kind", "sign_language_videos.file_name", "sign_language_videos.byte_size", "sign_language_videos.updated_at", "captions.byte_size as captions_byte_size"])
    .where("sign_language_videos.organisation_id", "=", organisationId)
    .executeTakeFirst();
  if (!row) return undefined;
  return { kind: row.kind, fileName: row.file_name, byteSize: Number(row.byte_size), captionsByteSize: Number(row.captions_byte_size), updatedAt: row.updated_at };
}

/** The video ("video") or its captions ("captions") with what a download needs, or undefined. */
export async function findSignLanguageFile(db: Db, organisationId: number, part: "video" | "captions"): Promise<{ fileName: string; mediaType: string; blob: BlobInfo } | undefined> {
  const row = await db
    .selectFrom("sign_language_videos")
    .innerJoin("file_blobs", "file_blobs.id", part === "video" ? "sign_language_videos.blob_id" : "sign_language_videos.captions_blob_id")
    .select(["sign_language_videos.file_name", "sign_language_videos.media_type", "file_blobs.id", "file_blobs.byte_size", "file_blobs.chunk_bytes", "file_blobs.sha256"])
    .where("sign_language_videos.organisation_id", "=", organisationId)
    .executeTakeFirst();
  if (!row) return undefined;
  return part === "video"
    ? { fileName: row.file_name, mediaType: row.media_type, blob: blobInfoOf(row) }
    : { fileName: captionsFileName(row.file_name), mediaType: "text/vtt; charset=utf-8", blob: blobInfoOf(row) };
}

/**
 * The download of the video or of its captions: byte ranges, ETag, nosniff, the type found from its
 * bytes; the video from this machine's copy on disk after the first download (decision 46). 404 when
 * the municipality has none.
 */
export async function signLanguageDownload(
  request: Request,
  db: Db,
  organisationId: number,
  part: "video" | "captions",
  readSync?: Parameters<typeof readBlob>[4],
): Promise<Response> {
  const file = await findSignLanguageFile(db, organisationId, part);
  if (!file) throw new HttpError(404, "not_found");
  return publishedFileResponse(request, db, file, { diskCopy: part === "video", readSync });
}

export interface SignLanguageUpload {
  organisationId: number;
  accountId: number | null;
  file: SpooledFile | undefined;
  captions: SpooledFile | undefined;
  /** the field whose file passed the size limit ("file" or "captions"), else null */
  tooLarge: string | null;
  actor?: AuditActor;
  now?: Date;
}

/** Saves the video and its captions in place of the previous ones; nothing is stored unless both pass. */
export async function saveSignLanguageVideo(db: Db, input: SignLanguageUpload): Promise<{ ok: true; sha256: string } | { ok: false; status: number; errors: FieldError[] }> {
  const checked = await checkVideoWithCaptions(input.file, input.captions, input.tooLarge);
  if (!checked.ok || !input.file || !input.captions) return { ok: false, status: input.tooLarge ? 413 : 400, errors: checked.ok ? [] : checked.errors };
  const blob = await storeBlobFromFile(db, input.file.path);
  let captions: StoredBlob | undefined;
  let replaced: string | undefined;
  try {
    captions = await storeBlobFromFile(db, input.captions.path);
    const captionsBlob = captions;
    await db.transaction().execute(async (trx) => {
      await claimBlob(trx, blob.id);
      await claimBlob(trx, captionsBlob.id);
      const current = await trx.selectFrom("sign_language_videos").select(["blob_id", "captions_blob_id", "sha256"]).where("organisation_id", "=", input.organisationId).executeTakeFirst();
      const values = {
        blob_id: blob.id,
        captions_blob_id: captionsBlob.id,
        kind: checked.kind as "mp4" | "webm",
        media_type: checked.mediaType,
        file_name: checked.fileName,
        byte_size: blob.byteSize,
        sha256: blob.sha256,
        created_by: input.accountId,
        updated_at: (input.now ?? new Date()).toISOString(),
      };
      if (current) {
        await trx.updateTable("sign_language_videos").set(values).where("organisation_id", "=", input.organisationId).execute();
        await deleteBlob(trx, current.blob_id);
        await deleteBlob(trx, current.captions_blob_id);
        replaced = current.sha256;
      } else {
        await trx.insertInto("sign_language_videos").values({ organisation_id: input.organisationId, ...values }).execute();
      }
      if (input.actor) {
        await audit(trx, {
          ...input.actor,
          action: "sign_language_video_saved",
          targetType: "organisation",
          targetId: input.organisationId,
          details: { file_name: checked.fileName, bytes: blob.byteSize, sha256: blob.sha256, captions_bytes: captionsBlob.byteSize, captions_sha256: captionsBlob.sha256, replaced: current ? current.sha256 : null },
        });
      }
    });
  } catch (error) {
    await deleteBlob(db, blob.id).catch(() => {});
    if (captions) await deleteBlob(db, captions.id).catch(() => {});
    throw error;
  }
  if (replaced && replaced !== blob.sha256) diskCopies().forget(replaced);
  return { ok: true, sha256: blob.sha256 };
}

/** Removes the video and its captions from the home page; false when there was none. */
export async function removeSignLanguageVideo(db: Db, organisationId: number, actor?: AuditActor): Promise<boolean> {
  const removed = await db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom("sign_language_videos").select(["blob_id", "captions_blob_id", "sha256", "file_name"]).where("organisation_id", "=", organisationId).executeTakeFirst();
    if (!current) return undefined;
    await trx.deleteFrom("sign_language_videos").where("organisation_id", "=", organisationId).execute();
    await deleteBlob(trx, current.blob_id);
    await deleteBlob(trx, current.captions_blob_id);
    if (actor) await audit(trx, { ...actor, action: "sign_language_video_removed", targetType: "organisation", targetId: organisationId, details: { file_name: current.file_name, sha256: current.sha256 } });
    return current.sha256;
  });
  if (removed) diskCopies().forget(removed);
  return removed !== undefined;
}
