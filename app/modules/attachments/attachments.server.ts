/**
 * Attachments (issue 20): residents' photos and PDFs, the desk's scans of letters. Personal data:
 * encrypted at rest (crypto.server.ts), kept in the one file store (decision 42), every step in the
 * submission's privacy log, deleted with the submission's personal data.
 *
 * A resident's file belongs to the form's draft until the form is sent (so it survives the error and
 * check-your-answers pages), then to the submission, in the transaction that creates it. Files of a
 * draft never sent are swept after the draft's lifetime.
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { AttachmentSource, Database } from "#db/schema";
import { runPlain } from "#db/plain-sql.server";
import { claimBlob, deleteBlob, readBlob, storeBlobFromFile } from "~/modules/files/blobs.server";
import { UPLOAD_DIR, type MultipartLimits } from "~/modules/http/multipart.server";
import type { ActorRole, NewPrivacyEvent } from "~/modules/privacy-log/events";
import { appendPrivacyEvent } from "~/modules/privacy-log/privacy-log.server";
import { audit, withAudit, type AuditActor, type AuditEntry } from "~/modules/audit/audit.server";
import type { KeyRing } from "~/modules/privacy/contact-crypto.server";
import { decryptStream, encryptFile, openText, resealed, sealText } from "./crypto.server";
import type { PreparedAttachment } from "./inspect.server";

type Db = Kysely<Database> | Transaction<Database>;

const MB = 1000 * 1000;
/** What an admin may allow at most (the request body cap of the form follows from it). */
export const ATTACHMENT_LIMITS = { maxFiles: 5, maxBytes: 20 * MB, defaultFiles: 3, defaultBytes: 10 * MB } as const;
/** A draft's files live as long as the draft (24 hours): then they are swept. */
export const UNSENT_LIFETIME_MS = 24 * 60 * 60 * 1000;

export interface AttachmentSettings {
  maxFiles: number;
  maxBytes: number;
}

export async function attachmentSettings(db: Db, procedureId: number): Promise<AttachmentSettings | null> {
  // read by every form POST: plain SQL (decision 24)
  const { rows } = await runPlain<{ max_files: number; max_bytes: number }>(db, "select max_files, max_bytes from attachment_settings where procedure_id = ?", [procedureId]);
  const row = rows[0];
  return row && row.max_files > 0 ? { maxFiles: Number(row.max_files), maxBytes: Number(row.max_bytes) } : null;
}

/**
 * null turns attachments off; numbers are clamped to ATTACHMENT_LIMITS. Audited in the same
 * transaction (when `by` names the admin). The form changes: cached pages of the organisation go stale.
 */
export async function saveAttachmentSettings(
  db: Kysely<Database>,
  procedureId: number,
  settings: AttachmentSettings | null,
  now: Date = new Date(),
  by?: AuditActor,
): Promise<void> {
  const values = settings && {
    max_files: Math.max(1, Math.min(ATTACHMENT_LIMITS.maxFiles, Math.floor(settings.maxFiles))),
    max_bytes: Math.max(MB, Math.min(ATTACHMENT_LIMITS.maxBytes, Math.floor(settings.maxBytes))),
    updated_at: now.toISOString(),
  };
  await withAudit(
    db,
    async (trx) => {
      if (!values) await trx.deleteFrom("attachment_settings").where("procedure_id", "=", procedureId).execute();
      else {
        await trx
          .insertInto("attachment_settings")
          .values({ procedure_id: procedureId, ...values })
          .onConflict((oc) => oc.column("procedure_id").doUpdateSet(values))
          .execute();
      }
      await trx
        .updateTable("content_versions")
        .set((eb) => ({ version: eb("version", "+", 1) }))
        .where("organisation_id", "=", (eb) => eb.selectFrom("procedures").select("organisation_id").where("id", "=", procedureId))
        .execute();
    },
    () =>
      by
        ? {
            ...by,
            action: "attachment_settings_changed",
            targetType: "procedure",
            targetId: procedureId,
            details: { allowed: values !== null, max_files: values?.max_files ?? null, max_bytes: values?.max_bytes ?? null },
            at: now,
          }
        : null,
  );
}

/** The multipart limits of a resident form that takes files under these settings. */
export function residentUploadLimits(settings: AttachmentSettings, formFieldBytes: number, formFields: number): MultipartLimits {
  return { maxFileBytes: settings.maxBytes, maxFiles: settings.maxFiles, maxFields: formFields, maxFieldBytes: formFieldBytes };
}

export interface AttachmentOwner {
  organisationId: number;
  procedureId: number;
  source: AttachmentSource;
  /** a resident's form draft (until it is sent) */
  draftId?: string | null;
  /** a submission (a desk scan): the privacy log records the file at once */
  submissionId?: number | null;
  actor?: { role: ActorRole; accountId?: number | null };
  legalBasis?: string;
  /** with submissionId: when it goes with the submission's other personal data */
  deleteAfter?: string | null;
  /** the audit entry of a staff member's upload, written in the same transaction */
  audit?: AuditEntry;
}

export interface AttachmentSummary {
  token: string;
  name: string;
  kind: "jpeg" | "png" | "pdf";
  mediaType: string;
  byteSize: number;
  sha256: string;
  source: AttachmentSource;
  hasThumbnail: boolean;
  published: boolean;
  /** the moderator's description of a published photo */
  altText: string | null;
  createdAt: string;
}

const newToken = () => randomBytes(16).toString("base64url");
const spoolPath = (what: string) => join(UPLOAD_DIR, `teilhabe-upload-${what}-${randomBytes(12).toString("hex")}`);

const storedEvent = (owner: AttachmentOwner, count: number, at: Date): NewPrivacyEvent => ({
  type: "attachment_stored",
  actorRole: owner.actor?.role ?? "resident",
  actorAccountId: owner.actor?.accountId ?? null,
  categories: ["attachment"],
  purpose: "participation",
  legalBasis: owner.legalBasis ?? "",
  details: { count, source: owner.source },
  occurredAt: at,
});

/**
 * Encrypts and stores a checked file (and its thumbnail); the row and the claim of its blobs commit
 * together, so a failure half-way leaves only unclaimed blobs the files job sweeps.
 */
export async function storeAttachment(db: Kysely<Database>, prepared: PreparedAttachment, owner: AttachmentOwner, now: Date = new Date()): Promise<string> {
  const token = newToken();
  const encrypted = spoolPath("sealed");
  const encryptedThumb = prepared.thumbPath ? spoolPath("sealed-thumb") : null;
  const blobs: number[] = [];
  try {
    const keySealed = await encryptFile(prepared.path, encrypted, token, "file");
    const thumbKeySealed = prepared.thumbPath && encryptedThumb ? await encryptFile(prepared.thumbPath, encryptedThumb, token, "thumb") : null;
    const blob = await storeBlobFromFile(db, encrypted, now);
    blobs.push(blob.id);
    const thumb = encryptedThumb ? await storeBlobFromFile(db, encryptedThumb, now) : null;
    if (thumb) blobs.push(thumb.id);
    await db.transaction().execute(async (trx) => {
      await claimBlob(trx, blob.id);
      if (thumb) await claimBlob(trx, thumb.id);
      await trx
        .insertInto("attachments")
        .values({
          token,
          organisation_id: owner.organisationId,
          procedure_id: owner.procedureId,
          draft_id: owner.draftId ?? null,
          submission_id: owner.submissionId ?? null,
          source: owner.source,
          kind: prepared.kind,
          media_type: prepared.mediaType,
          name_sealed: sealText(token, "name", prepared.name),
          key_sealed: keySealed,
          byte_size: prepared.byteSize,
          sha256: prepared.sha256,
          blob_id: blob.id,
          thumb_blob_id: thumb?.id ?? null,
          thumb_key_sealed: thumbKeySealed,
          width: prepared.width,
          height: prepared.height,
          created_by: owner.actor?.accountId ?? null,
          created_at: now.toISOString(),
          delete_after: owner.submissionId ? owner.deleteAfter ?? null : null,
        })
        .execute();
      if (owner.submissionId) {
        await appendPrivacyEvent(trx, { organisationId: owner.organisationId, submissionId: owner.submissionId }, storedEvent(owner, 1, now));
      }
      if (owner.audit) await audit(trx, { ...owner.audit, details: { ...owner.audit.details, sha256: prepared.sha256, bytes: prepared.byteSize }, at: now });
    });
    return token;
  } catch (error) {
    for (const id of blobs) await db.transaction().execute((trx) => deleteBlob(trx, id)).catch(() => {});
    throw error;
  } finally {
    await Promise.all([rm(encrypted, { force: true }), encryptedThumb ? rm(encryptedThumb, { force: true }) : null]);
  }
}

type Row = {
  token: string;
  name_sealed: string;
  kind: "jpeg" | "png" | "pdf";
  media_type: string;
  byte_size: number;
  sha256: string;
  source: AttachmentSource;
  thumb_blob_id: number | null;
  published: number;
  alt_text: string | null;
  created_at: string;
};
const SUMMARY_COLUMNS = ["token", "name_sealed", "kind", "media_type", "byte_size", "sha256", "source", "thumb_blob_id", "published", "alt_text", "created_at"] as const;
const toSummary = (r: Row): AttachmentSummary => ({
  token: r.token,
  name: openText(r.token, "name", r.name_sealed),
  kind: r.kind,
  mediaType: r.media_type,
  byteSize: Number(r.byte_size),
  sha256: r.sha256,
  source: r.source,
  hasThumbnail: r.thumb_blob_id !== null,
  published: Number(r.published) === 1,
  altText: r.alt_text,
  createdAt: r.created_at,
});

/** The files chosen in a form draft not yet sent. */
export async function listDraftAttachments(db: Db, procedureId: number, draftId: string | null): Promise<AttachmentSummary[]> {
  if (!draftId) return [];
  const rows = await db
    .selectFrom("attachments")
    .select(SUMMARY_COLUMNS)
    .where("procedure_id", "=", procedureId)
    .where("draft_id", "=", draftId)
    .where("submission_id", "is", null)
    .orderBy("id")
    .execute();
  return rows.map(toSummary);
}

export async function countDraftAttachments(db: Db, procedureId: number, draftId: string | null): Promise<number> {
  if (!draftId) return 0;
  const row = await db
    .selectFrom("attachments")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("procedure_id", "=", procedureId)
    .where("draft_id", "=", draftId)
    .where("submission_id", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Removes one file from a draft (the "remove" button); false when it is not this draft's. */
export async function removeDraftAttachment(db: Kysely<Database>, procedureId: number, draftId: string | null, token: string): Promise<boolean> {
  if (!draftId) return false;
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("attachments")
      .select(["id", "blob_id", "thumb_blob_id"])
      .where("procedure_id", "=", procedureId)
      .where("draft_id", "=", draftId)
      .where("submission_id", "is", null)
      .where("token", "=", token)
      .executeTakeFirst();
    if (!row) return false;
    await deleteRows(trx, [row]);
    return true;
  });
}

/** A draft saved under a new id (the first valid save) takes the files chosen before with it. */
export async function moveDraftAttachments(db: Db, procedureId: number, fromDraftId: string | null, toDraftId: string): Promise<void> {
  if (!fromDraftId || fromDraftId === toDraftId) return;
  await db
    .updateTable("attachments")
    .set({ draft_id: toDraftId })
    .where("procedure_id", "=", procedureId)
    .where("draft_id", "=", fromDraftId)
    .where("submission_id", "is", null)
    .execute();
}

/**
 * In the transaction that creates the submission: the draft's files become the submission's, and its
 * privacy log says how many were stored.
 */
export async function attachDraftFiles(
  trx: Transaction<Database>,
  args: { draftId: string; procedureId: number; organisationId: number; submissionId: number; legalBasis: string; deleteAfter: string; now: Date },
): Promise<number> {
  // runs for every online submission (files or not): plain SQL (decision 24)
  const result = await runPlain(trx, "update attachments set submission_id = ?, draft_id = null, delete_after = ? where procedure_id = ? and draft_id = ? and submission_id is null", [
    args.submissionId,
    args.deleteAfter,
    args.procedureId,
    args.draftId,
  ]);
  const count = Number(result.numAffectedRows);
  if (count > 0) {
    await appendPrivacyEvent(
      trx,
      { organisationId: args.organisationId, submissionId: args.submissionId },
      storedEvent({ organisationId: args.organisationId, procedureId: args.procedureId, source: "resident", legalBasis: args.legalBasis }, count, args.now),
    );
  }
  return count;
}

/** A submission's files (names opened for staff and for the resident's own export). */
export async function listSubmissionAttachments(db: Db, submissionId: number): Promise<AttachmentSummary[]> {
  const rows = await db.selectFrom("attachments").select(SUMMARY_COLUMNS).where("submission_id", "=", submissionId).orderBy("id").execute();
  return rows.map(toSummary);
}

export interface AttachmentDownload {
  fileName: string;
  mediaType: string;
  byteSize: number;
  sha256: string;
  submissionId: number;
  /** the plain bytes, decrypted as they are read */
  read(): ReadableStream<Uint8Array>;
}

/**
 * One attachment of a submission of this organisation, for a download; the thumbnail when `thumbnail`.
 * Logs nothing: the caller records the view (recordAttachmentViewed) in the same request.
 */
export async function findAttachment(db: Kysely<Database>, organisationId: number, token: string, thumbnail = false): Promise<AttachmentDownload | undefined> {
  const row = await db
    .selectFrom("attachments")
    .select(["token", "name_sealed", "media_type", "byte_size", "sha256", "submission_id", "blob_id", "key_sealed", "thumb_blob_id", "thumb_key_sealed"])
    .where("organisation_id", "=", organisationId)
    .where("token", "=", token)
    .where("submission_id", "is not", null)
    .executeTakeFirst();
  if (!row || row.submission_id === null) return undefined;
  const blobId = thumbnail ? row.thumb_blob_id : row.blob_id;
  const keySealed = thumbnail ? row.thumb_key_sealed : row.key_sealed;
  if (blobId === null || keySealed === null) return undefined;
  const blob = await db.selectFrom("file_blobs").select(["id", "byte_size", "chunk_bytes", "sha256"]).where("id", "=", blobId).executeTakeFirst();
  if (!blob) return undefined;
  const info = { id: Number(blob.id), byteSize: Number(blob.byte_size), chunkBytes: Number(blob.chunk_bytes) };
  const name = openText(row.token, "name", row.name_sealed);
  return {
    fileName: thumbnail ? name.replace(/\.[a-z]+$/, "-vorschau.jpg") : name,
    mediaType: thumbnail ? "image/jpeg" : row.media_type,
    byteSize: info.byteSize,
    sha256: thumbnail ? blob.sha256 : row.sha256,
    submissionId: Number(row.submission_id),
    read: () => decryptStream(readBlob(db, info), row.token, thumbnail ? "thumb" : "file", keySealed),
  };
}

/** One of the person's own files (not a desk scan), for their download with the receipt code. */
export async function findOwnAttachment(db: Kysely<Database>, submissionId: number, token: string): Promise<AttachmentDownload | undefined> {
  const row = await db.selectFrom("attachments").select(["organisation_id", "source"]).where("submission_id", "=", submissionId).where("token", "=", token).executeTakeFirst();
  if (!row || row.source !== "resident") return undefined;
  return findAttachment(db, Number(row.organisation_id), token);
}

/** "Viewed by staff" in the submission's privacy log. */
export async function recordAttachmentViewed(
  db: Kysely<Database>,
  target: { organisationId: number; submissionId: number },
  actor: { role: ActorRole; accountId: number | null },
  legalBasis: string,
  now: Date = new Date(),
): Promise<void> {
  await db.transaction().execute((trx) =>
    appendPrivacyEvent(trx, target, {
      type: "attachment_viewed",
      actorRole: actor.role,
      actorAccountId: actor.accountId,
      categories: ["attachment"],
      purpose: "moderation",
      legalBasis,
      occurredAt: now,
    }),
  );
}

async function deleteRows(trx: Transaction<Database>, rows: { id: number; blob_id: number; thumb_blob_id: number | null }[]): Promise<void> {
  for (const row of rows) {
    await trx.deleteFrom("attachments").where("id", "=", row.id).execute();
    await deleteBlob(trx, row.blob_id);
    if (row.thumb_blob_id !== null) await deleteBlob(trx, row.thumb_blob_id);
  }
}

/**
 * Deletes every file of a submission and records it (erasure, withdrawal, retention): called in the
 * transaction that deletes its other personal data. Returns how many were deleted.
 */
export async function deleteSubmissionAttachments(
  trx: Transaction<Database>,
  target: { organisationId: number; submissionId: number },
  reason: "request" | "retention" | "withdrawal",
  actor: { role: ActorRole; accountId?: number | null },
  legalBasis: string,
  now: Date = new Date(),
): Promise<number> {
  const rows = await trx.selectFrom("attachments").select(["id", "blob_id", "thumb_blob_id"]).where("submission_id", "=", target.submissionId).execute();
  if (rows.length === 0) return 0;
  await deleteRows(trx, rows);
  await appendPrivacyEvent(trx, target, {
    type: "attachment_deleted",
    actorRole: actor.role,
    actorAccountId: actor.accountId ?? null,
    categories: ["attachment"],
    purpose: reason === "retention" ? "retention" : "data_rights",
    legalBasis,
    details: { count: rows.length, reason },
    occurredAt: now,
  });
  return rows.length;
}

/** Submissions with files whose deletion date has passed (the retention job deletes them). */
export async function submissionsWithAttachmentsDue(db: Db, now: Date, limit: number): Promise<{ submissionId: number; organisationId: number }[]> {
  const rows = await db
    .selectFrom("attachments")
    .select(["submission_id", "organisation_id"])
    .distinct()
    .where("submission_id", "is not", null)
    .where("delete_after", "<=", now.toISOString())
    .limit(limit)
    .execute();
  return rows.map((r) => ({ submissionId: Number(r.submission_id), organisationId: Number(r.organisation_id) }));
}

/** Procedures with sent files that carry no deletion date yet (sent before migration 0037). */
export async function proceduresWithUndatedAttachments(db: Db): Promise<number[]> {
  const rows = await db.selectFrom("attachments").select("procedure_id").distinct().where("submission_id", "is not", null).where("delete_after", "is", null).execute();
  return rows.map((r) => Number(r.procedure_id));
}

export async function dateAttachments(db: Db, procedureId: number, deleteAfter: string): Promise<void> {
  await db.updateTable("attachments").set({ delete_after: deleteAfter }).where("procedure_id", "=", procedureId).where("submission_id", "is not", null).where("delete_after", "is", null).execute();
}

export async function hasAttachments(db: Db, submissionId: number): Promise<boolean> {
  return !!(await db.selectFrom("attachments").select("id").where("submission_id", "=", submissionId).limit(1).executeTakeFirst());
}

/** Files of drafts never sent, older than a draft lives: removed by the files job. */
export async function sweepUnsentAttachments(db: Kysely<Database>, now: Date = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - UNSENT_LIFETIME_MS).toISOString();
  const rows = await db.selectFrom("attachments").select(["id", "blob_id", "thumb_blob_id"]).where("submission_id", "is", null).where("created_at", "<", cutoff).execute();
  for (const row of rows) await db.transaction().execute((trx) => deleteRows(trx, [row]));
  return rows.length;
}

/**
 * Key rotation (`npm run keys:rotate`): every file's name and its own keys (file, thumbnail) sealed
 * with an older key of the ring are sealed again with the current one, in pages of rows, each row in
 * one update. Returns how many files were re-sealed.
 */
export async function resealAttachmentKeys(db: Kysely<Database>, ring: KeyRing): Promise<number> {
  let resealedFiles = 0;
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom("attachments")
      .select(["id", "token", "name_sealed", "key_sealed", "thumb_key_sealed"])
      .where("id", ">", after)
      .orderBy("id")
      .limit(500)
      .execute();
    if (rows.length === 0) return resealedFiles;
    for (const row of rows) {
      after = Number(row.id);
      const name = resealed(ring, row.token, "name", row.name_sealed);
      const key = resealed(ring, row.token, "file", row.key_sealed);
      const thumb = row.thumb_key_sealed === null ? null : resealed(ring, row.token, "thumb", row.thumb_key_sealed);
      if (name === null && key === null && thumb === null) continue;
      await db
        .updateTable("attachments")
        .set({ name_sealed: name ?? row.name_sealed, key_sealed: key ?? row.key_sealed, thumb_key_sealed: thumb ?? row.thumb_key_sealed })
        .where("id", "=", row.id)
        .execute();
      resealedFiles++;
    }
  }
}
