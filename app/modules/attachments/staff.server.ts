/**
 * Attachments for staff (issue 20): moderators open a submission's files (each opening in its privacy
 * log as "viewed by staff" and in the audit log, in one transaction) and choose, image by image, to
 * publish a photo with the results (default: not published; decision 55). A published photo is served
 * under a random public name of its own, never the staff token, and only while its submission is published.
 */
import { randomBytes } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "#db/schema";
import { withAudit, type AuditActor } from "~/modules/audit/audit.server";
import { appendPrivacyEvent } from "~/modules/privacy-log/privacy-log.server";
import { canonicalJson } from "~/modules/privacy-log/chain";
import type { FieldError } from "~/modules/forms/fields";
import { HttpError } from "~/modules/http/errors";
import { findAttachment, type AttachmentDownload } from "./attachments.server";
import { decryptStream } from "./crypto.server";
import { readBlob } from "~/modules/files/blobs.server";
import type { Account } from "~/modules/accounts/accounts.server";
import { privateFileResponse } from "./response.server";

/** A thumbnail opened again by the same person within this time is recorded once, not on every page view. */
const THUMBNAIL_VIEW_WINDOW_MS = 30 * 60 * 1000;
/** The description a published photo needs (its alternative text). */
export const ALT_TEXT_MAX = 300;

/**
 * A staff member's request for one file (always a download) or its thumbnail (shown inline on the
 * review page): the viewing recorded, then the response.
 */
export async function staffAttachmentResponse(
  db: Kysely<Database>,
  request: Request,
  args: { user: Pick<Account, "id" | "organisationId" | "roles">; token: string; thumbnail: boolean; clientAddress?: string },
): Promise<Response> {
  const file = await openAttachmentForStaff(db, {
    actor: { organisationId: args.user.organisationId, accountId: args.user.id, clientAddress: args.clientAddress },
    role: args.user.roles.includes("moderator") ? "moderator" : "admin",
    token: args.token,
    thumbnail: args.thumbnail,
  });
  return privateFileResponse(request, file, args.thumbnail ? "inline" : "attachment");
}

/**
 * One file of a submission of this organisation, for a moderator: its bytes (or its thumbnail) and
 * the record of the viewing, written before a byte is sent.
 */
export async function openAttachmentForStaff(
  db: Kysely<Database>,
  args: { actor: AuditActor & { accountId: number }; role: "moderator" | "admin"; token: string; thumbnail: boolean; now?: Date },
): Promise<AttachmentDownload> {
  const now = args.now ?? new Date();
  const file = await findAttachment(db, args.actor.organisationId, args.token, args.thumbnail);
  if (!file) throw new HttpError(404, "not_found");
  const submission = await db
    .selectFrom("submissions")
    .innerJoin("procedures", "procedures.id", "submissions.procedure_id")
    .select(["procedures.legal_basis"])
    .where("submissions.id", "=", file.submissionId)
    .executeTakeFirstOrThrow();
  // "file 2 of the submission" in the log: its place in the order the files were sent
  const position = await db
    .selectFrom("attachments")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("submission_id", "=", file.submissionId)
    .where("id", "<=", (eb) => eb.selectFrom("attachments as a").select("a.id").where("a.token", "=", args.token))
    .executeTakeFirstOrThrow();
  const details = { part: args.thumbnail ? "thumbnail" : "file", file: Number(position.n) };
  await withAudit(
    db,
    async (trx) => {
      if (args.thumbnail) {
        const recent = await trx
          .selectFrom("privacy_events")
          .select("seq")
          .where("submission_id", "=", file.submissionId)
          .where("type", "=", "attachment_viewed")
          .where("actor_account_id", "=", args.actor.accountId)
          .where("details_json", "=", canonicalJson(details))
          .where("occurred_at", ">", new Date(now.getTime() - THUMBNAIL_VIEW_WINDOW_MS).toISOString())
          .executeTakeFirst();
        if (recent) return false;
      }
      await appendPrivacyEvent(trx, { organisationId: args.actor.organisationId, submissionId: file.submissionId }, {
        type: "attachment_viewed",
        actorRole: args.role,
        actorAccountId: args.actor.accountId,
        categories: ["attachment"],
        purpose: "moderation",
        legalBasis: submission.legal_basis,
        details,
        occurredAt: now,
      });
      return true;
    },
    (recorded) => (recorded ? { ...args.actor, action: "attachment_viewed", targetType: "submission", targetId: file.submissionId, details, at: now } : null),
  );
  return file;
}

export type PublishOutcome = { ok: true } | { ok: false; errors: FieldError[] };

/**
 * Publish one photo of a submission with the results, or take it back. Only images; publishing needs
 * the moderator's description of the photo (its alternative text). Logged in the submission's privacy
 * log and audited, in one transaction.
 */
export async function setAttachmentPublished(
  db: Kysely<Database>,
  args: { actor: AuditActor & { accountId: number }; role: "moderator" | "admin"; submissionId: number; token: string; publish: boolean; altText: string; now?: Date },
): Promise<PublishOutcome> {
  const now = args.now ?? new Date();
  const row = await db
    .selectFrom("attachments")
    .innerJoin("procedures", "procedures.id", "attachments.procedure_id")
    .select(["attachments.id", "attachments.kind", "attachments.published", "procedures.legal_basis"])
    .where("attachments.organisation_id", "=", args.actor.organisationId)
    .where("attachments.submission_id", "=", args.submissionId)
    .where("attachments.token", "=", args.token)
    .executeTakeFirst();
  if (!row || row.kind === "pdf") throw new HttpError(404, "not_found");
  const altText = args.altText.replace(/\s+/g, " ").trim();
  const field = `alt_${args.token}`;
  if (args.publish && altText === "") return { ok: false, errors: [{ field, message: "attachments-staff:publish.errors.altMissing" }] };
  if (altText.length > ALT_TEXT_MAX) return { ok: false, errors: [{ field, message: "attachments-staff:publish.errors.altTooLong", params: { max: ALT_TEXT_MAX } }] };
  if (/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(altText)) return { ok: false, errors: [{ field, message: "attachments-staff:publish.errors.altCharacters" }] };
  if ((Number(row.published) === 1) === args.publish) return { ok: true };
  await withAudit(
    db,
    async (trx) => {
      await trx
        .updateTable("attachments")
        .set(
          args.publish
            ? { published: 1, public_token: randomBytes(16).toString("base64url"), alt_text: altText, published_at: now.toISOString(), published_by: args.actor.accountId }
            : { published: 0, public_token: null, alt_text: null, published_at: null, published_by: null },
        )
        .where("id", "=", row.id)
        .execute();
      await appendPrivacyEvent(trx, { organisationId: args.actor.organisationId, submissionId: args.submissionId }, {
        type: "attachment_published",
        actorRole: args.role,
        actorAccountId: args.actor.accountId,
        categories: ["attachment"],
        purpose: "publication",
        legalBasis: row.legal_basis,
        details: { published: args.publish },
        occurredAt: now,
      });
    },
    () => ({ ...args.actor, action: args.publish ? "attachment_published" : "attachment_unpublished", targetType: "submission", targetId: args.submissionId, at: now }),
  );
  return { ok: true };
}

export interface PublishedImage {
  submissionId: number;
  path: string;
  altText: string;
  width: number | null;
  height: number | null;
}

/** The public path of published photos: outside every organisation's pages, no cookies read or set. */
export const PUBLIC_IMAGE_PREFIX = "/bilder/";

/** The photos published with these submissions (the results page), in the order they were sent. */
export async function publishedImages(db: Kysely<Database> | Transaction<Database>, submissionIds: readonly number[]): Promise<PublishedImage[]> {
  if (submissionIds.length === 0) return [];
  const rows = await db
    .selectFrom("attachments")
    .select(["submission_id", "public_token", "alt_text", "width", "height"])
    .where("submission_id", "in", [...submissionIds])
    .where("published", "=", 1)
    .where("public_token", "is not", null)
    .orderBy("id")
    .execute();
  return rows.map((r) => ({ submissionId: Number(r.submission_id), path: `${PUBLIC_IMAGE_PREFIX}${r.public_token}`, altText: r.alt_text ?? "", width: r.width, height: r.height }));
}

/**
 * A published photo by its public name: only while it is published, its submission is published and
 * its procedure's results are out. Nothing is logged (it is public), nothing personal is returned.
 */
export async function findPublishedImage(db: Kysely<Database>, publicToken: string): Promise<{ mediaType: string; byteSize: number; sha256: string; read(): ReadableStream<Uint8Array> } | undefined> {
  if (!/^[A-Za-z0-9_-]{22}$/.test(publicToken)) return undefined;
  const row = await db
    .selectFrom("attachments")
    .innerJoin("submissions", "submissions.id", "attachments.submission_id")
    .innerJoin("procedures", "procedures.id", "attachments.procedure_id")
    .innerJoin("file_blobs", "file_blobs.id", "attachments.blob_id")
    .select(["attachments.token", "attachments.media_type", "attachments.key_sealed", "attachments.sha256", "file_blobs.id as blobId", "file_blobs.byte_size", "file_blobs.chunk_bytes"])
    .where("attachments.public_token", "=", publicToken)
    .where("attachments.published", "=", 1)
    .where("submissions.state", "in", ["published", "published_redacted"])
    .where("procedures.status", "in", ["results_published", "archived"])
    .executeTakeFirst();
  if (!row) return undefined;
  const info = { id: Number(row.blobId), byteSize: Number(row.byte_size), chunkBytes: Number(row.chunk_bytes) };
  return {
    mediaType: row.media_type,
    // the encrypted size equals the plain size (AES-GCM is a stream cipher; the tag is kept apart)
    byteSize: info.byteSize,
    sha256: row.sha256,
    read: () => decryptStream(readBlob(db, info), row.token, "file", row.key_sealed),
  };
}
