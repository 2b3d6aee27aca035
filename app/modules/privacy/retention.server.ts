/**
 * The retention job: deletes personal data whose time is up (the date computed when they were
 * stored), erases what residents asked to erase once the law no longer keeps it, and removes
 * expired drafts. Each deletion is recorded in the submission's privacy log.
 */
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { LEGAL_BASES } from "~/modules/privacy-log/legal-basis";
import { deleteContactDetails } from "./contact-data.server";

const RETENTION_LEGAL_BASIS = LEGAL_BASES.storageLimitation;
const BATCH = 200;

export interface RetentionResult {
  deletedByRetention: number;
  deletedOnRequest: number;
  draftsRemoved: number;
}

export async function runRetention(db: Kysely<Database>, now: Date = new Date()): Promise<RetentionResult> {
  const result: RetentionResult = { deletedByRetention: 0, deletedOnRequest: 0, draftsRemoved: 0 };
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

  // requests held "until the procedure is concluded" whose procedure now is
  const released = await db
    .selectFrom("submissions")
    .innerJoin("procedures", "procedures.id", "submissions.procedure_id")
    .innerJoin("contact_details", "contact_details.submission_id", "submissions.id")
    .select(["submissions.id as submissionId", "submissions.organisation_id as organisationId"])
    .where("submissions.erasure_requested_at", "is not", null)
    .where("procedures.status", "in", ["results_published", "archived"])
    .execute();
  for (const target of released) {
    const deleted = await db.transaction().execute((trx) => deleteContactDetails(trx, target, "request", { role: "system" }, LEGAL_BASES.erasure, now));
    if (deleted) result.deletedOnRequest++;
  }

  const drafts = await db.deleteFrom("submission_drafts").where("expires_at", "<", nowIso).executeTakeFirst();
  result.draftsRemoved = Number(drafts.numDeletedRows);
  return result;
}

/** Personal data past their deletion date that are still stored (0 after a run). */
export async function countOverdue(db: Kysely<Database>, now: Date = new Date()): Promise<number> {
  const row = await db
    .selectFrom("contact_details")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("delete_after", "<=", now.toISOString())
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
