/**
 * The retention job: deletes personal data whose time is up (the date computed when they were
 * stored), the attachments likewise (issue 20), erases what residents asked to erase once the law no
 * longer keeps it, and removes expired drafts. Each deletion is recorded in the submission's privacy log.
 */
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { LEGAL_BASES } from "~/modules/privacy-log/legal-basis";
import { dateAttachments, proceduresWithUndatedAttachments, submissionsWithAttachmentsDue } from "~/modules/attachments/attachments.server";
import { personalDataDeletionDate } from "~/modules/procedures/procedure";
import { deleteContactDetails } from "./contact-data.server";
import { deleteAttachmentsOf, deletePersonalData } from "./personal-data.server";

const RETENTION_LEGAL_BASIS = LEGAL_BASES.storageLimitation;
const BATCH = 200;

export interface RetentionResult {
  deletedByRetention: number;
  deletedOnRequest: number;
  /** submissions whose files went by retention */
  attachmentsByRetention: number;
  draftsRemoved: number;
}

export async function runRetention(db: Kysely<Database>, now: Date = new Date()): Promise<RetentionResult> {
  const result: RetentionResult = { deletedByRetention: 0, deletedOnRequest: 0, attachmentsByRetention: 0, draftsRemoved: 0 };
  const nowIso = now.toISOString();

  for (;;) {
    const due = await db
      .selectFrom("contact_details")
      .innerJoin("submissions", "submissions.id", "contact_details.submission_id")
      .select(["contact_details.submission_id as submissionId", "submissions.organisation_id as organisationId"])
      .where("contact_details.delete_after", "<=", nowIso)
      .limit(BATCH)
      .execute();
    if (due.length === 0) break;
    for (const target of due) {
      const deleted = await db.transaction().execute((trx) => deleteContactDetails(trx, target, "retention", { role: "system" }, RETENTION_LEGAL_BASIS, now));
      if (deleted) result.deletedByRetention++;
    }
  }

  // files sent before they carried a date get their procedure's (the date their contact data got)
  for (const procedureId of await proceduresWithUndatedAttachments(db)) {
    const row = await db.selectFrom("procedures").select(["closes_at", "retention_months"]).where("id", "=", procedureId).executeTakeFirstOrThrow();
    await dateAttachments(db, procedureId, personalDataDeletionDate({ closesAt: row.closes_at, retentionMonths: Number(row.retention_months) }));
  }
  for (;;) {
    const due = await submissionsWithAttachmentsDue(db, now, BATCH);
    if (due.length === 0) break;
    for (const target of due) {
      const deleted = await db.transaction().execute((trx) => deleteAttachmentsOf(trx, target, "retention", { role: "system" }, RETENTION_LEGAL_BASIS, now));
      if (deleted > 0) result.attachmentsByRetention++;
    }
  }

  // requests held "until the procedure is concluded" whose procedure now is: contact data and files
  const released = await db
    .selectFrom("submissions")
    .innerJoin("procedures", "procedures.id", "submissions.procedure_id")
    .select(["submissions.id as submissionId", "submissions.organisation_id as organisationId"])
    .where("submissions.erasure_requested_at", "is not", null)
    .where("procedures.status", "in", ["results_published", "archived"])
    .where((eb) =>
      eb.or([
        eb.exists(eb.selectFrom("contact_details").select("submission_id").whereRef("contact_details.submission_id", "=", "submissions.id")),
        eb.exists(eb.selectFrom("attachments").select("id").whereRef("attachments.submission_id", "=", "submissions.id")),
      ]),
    )
    .execute();
  for (const target of released) {
    const deleted = await db.transaction().execute((trx) => deletePersonalData(trx, target, "request", { role: "system" }, LEGAL_BASES.erasure, now));
    if (deleted) result.deletedOnRequest++;
  }

  const drafts = await db.deleteFrom("submission_drafts").where("expires_at", "<", nowIso).executeTakeFirst();
  result.draftsRemoved = Number(drafts.numDeletedRows);
  return result;
}

/** Personal data (contact records and attachments) past their deletion date that are still stored (0 after a run). */
export async function countOverdue(db: Kysely<Database>, now: Date = new Date()): Promise<number> {
  const nowIso = now.toISOString();
  const contact = await db.selectFrom("contact_details").select((eb) => eb.fn.countAll().as("n")).where("delete_after", "<=", nowIso).executeTakeFirstOrThrow();
  const files = await db
    .selectFrom("attachments")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("submission_id", "is not", null)
    .where("delete_after", "<=", nowIso)
    .executeTakeFirstOrThrow();
  return Number(contact.n) + Number(files.n);
}
