/**
 * What the admin's accessibility pages change, each with its audit entry in the same transaction:
 * the statement saved, a barrier report's contact data opened, answered, closed.
 */
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { withAudit, type AuditActor } from "~/modules/audit/audit.server";
import { answerBarrierReport, closeBarrierReport, getBarrierReport, saveStatement, type ReportDetail } from "./accessibility.server";
import type { Statement } from "./statement";

/** The admin acting: who, in which organisation, from where (for the audit log). */
export type AccessibilityAdmin = AuditActor & { accountId: number };

const onReport = (admin: AccessibilityAdmin, id: number) => ({ ...admin, targetType: "barrier_report", targetId: id });

export async function saveStatementAs(db: Kysely<Database>, admin: AccessibilityAdmin, statement: Statement): Promise<void> {
  await withAudit(
    db,
    (trx) => saveStatement(trx, admin.organisationId, statement, admin.accountId),
    () => ({
      ...admin,
      action: "accessibility_statement_saved",
      targetType: "organisation",
      targetId: admin.organisationId,
      details: { conformance: statement.conformance, reviewed_on: statement.reviewedOn, legal_framework: statement.legalFramework },
    }),
  );
}

/** The report's contact data in clear: shown only once the opening is recorded. */
export async function revealBarrierContact(db: Kysely<Database>, admin: AccessibilityAdmin, id: number): Promise<ReportDetail["contact"]> {
  const report = await withAudit(
    db,
    (trx) => getBarrierReport(trx, admin.organisationId, id, { reveal: true }),
    () => ({ ...onReport(admin, id), action: "barrier_report_contact_opened" }),
  );
  return report.contact;
}

export async function answerBarrierReportAs(db: Kysely<Database>, admin: AccessibilityAdmin, id: number, text: string) {
  return withAudit(
    db,
    (trx) => answerBarrierReport(trx, { organisationId: admin.organisationId, id, text, accountId: admin.accountId }),
    (r) => (r.ok ? { ...onReport(admin, id), action: "barrier_report_answered", details: { by_email: r.mailQueued } } : null),
  );
}

export async function closeBarrierReportAs(db: Kysely<Database>, admin: AccessibilityAdmin, id: number): Promise<void> {
  await withAudit(
    db,
    (trx) => closeBarrierReport(trx, { organisationId: admin.organisationId, id, accountId: admin.accountId }),
    () => ({ ...onReport(admin, id), action: "barrier_report_closed" }),
  );
}
