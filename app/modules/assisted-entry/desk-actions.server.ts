/**
 * What staff at the desk open, each recorded in the submission's privacy log (by the functions in
 * desk.server.ts) and in the audit log, in one transaction: a submission looked up by its receipt
 * code, a desk entry viewed, the address opened for a receipt letter.
 */
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { withAudit, type AuditActor } from "~/modules/audit/audit.server";
import { lookUpForCaller, openEntryForStaff, openReceiptLetterAddress } from "./desk.server";

/** The staff member at the desk. */
export type DeskStaff = AuditActor & { accountId: number };

/** The submission behind a caller's receipt code (null: no such code here), "submission_looked_up". */
export async function lookUpForCallerAs(db: Kysely<Database>, staff: DeskStaff, code: string) {
  return withAudit(
    db,
    (trx) => lookUpForCaller(trx, { organisationId: staff.organisationId, code, accountId: staff.accountId }),
    (id) => (id === null ? null : { ...staff, action: "submission_looked_up", targetType: "submission", targetId: id }),
  );
}

/** A desk entry opened by its number, "submission_viewed"; undefined when there is none. */
export async function openEntryForStaffAs(db: Kysely<Database>, staff: DeskStaff, submissionId: number) {
  return withAudit(
    db,
    (trx) => openEntryForStaff(trx, { organisationId: staff.organisationId, submissionId, accountId: staff.accountId }),
    (entry) => (entry ? { ...staff, action: "submission_viewed", targetType: "submission", targetId: entry.id } : null),
  );
}

/** The postal address for a receipt letter, "contact_data_opened"; undefined when there is none. */
export async function openReceiptLetterAddressAs(db: Kysely<Database>, staff: DeskStaff, submissionId: number, now: Date) {
  return withAudit(
    db,
    (trx) => openReceiptLetterAddress(trx, { organisationId: staff.organisationId, submissionId, accountId: staff.accountId, now }),
    (letter) => (letter ? { ...staff, action: "contact_data_opened", targetType: "submission", targetId: submissionId, details: { purpose: "receipt_letter" } } : null),
  );
}
