/**
 * A submission's personal data are its contact data and its attachments (issue 20): erasure and
 * withdrawal delete both, in the caller's transaction, each deletion in the privacy log.
 */
import type { Transaction } from "kysely";
import type { Database } from "#db/schema";
import { deleteSubmissionAttachments } from "~/modules/attachments/attachments.server";
import { deleteContactDetails, type Actor, type DeletionReason, type Target } from "./contact-data.server";

export async function deletePersonalData(trx: Transaction<Database>, target: Target, reason: DeletionReason, actor: Actor, legalBasis: string, now: Date = new Date()): Promise<boolean> {
  const contact = await deleteContactDetails(trx, target, reason, actor, legalBasis, now);
  const files = await deleteAttachmentsOf(trx, target, reason, actor, legalBasis, now);
  return contact || files > 0;
}

/** The files alone (their deletion date passed): the submission then counts as erased like after its contact data. */
export async function deleteAttachmentsOf(trx: Transaction<Database>, target: Target, reason: DeletionReason, actor: Actor, legalBasis: string, now: Date = new Date()): Promise<number> {
  const files = await deleteSubmissionAttachments(trx, target, reason, actor, legalBasis, now);
  if (files > 0) await trx.updateTable("submissions").set({ personal_data_deleted_at: now.toISOString() }).where("id", "=", target.submissionId).execute();
  return files;
}
