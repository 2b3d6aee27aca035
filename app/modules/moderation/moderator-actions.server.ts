/**
 * What the moderation pages change, each with its audit entry in the change's own transaction:
 * publish or not (one, or several at once — each its own transaction), open a redacted original or
 * contact data, save or publish the results, print result letters. No change without its entry;
 * a step that changed nothing records nothing.
 */
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { withAudit, type AuditActor, type AuditEntry } from "~/modules/audit/audit.server";
import { HttpError } from "~/modules/http/errors";
import { resultLetters } from "~/modules/notifications/letters.server";
import { queueResultNotifications } from "~/modules/notifications/outbox.server";
import { openContactDetails, type ContactDetails } from "~/modules/privacy/contact-data.server";
import { publishResults, saveSummary } from "~/modules/results/publishing.server";
import { doNotPublish, openOriginalText, publishSubmission, submissionForReview, type NotPublishedReason } from "./moderation.server";

/** The moderator acting: who, in which organisation, from where (for the audit log). */
export type Moderator = AuditActor & { accountId: number };

type Details = NonNullable<AuditEntry["details"]>;
const onSubmission = (m: Moderator, id: number, action: AuditEntry["action"], details: Details = {}): AuditEntry => ({ ...m, action, targetType: "submission", targetId: id, details });
const onProcedure = (m: Moderator, id: number, action: AuditEntry["action"], details: Details = {}): AuditEntry => ({ ...m, action, targetType: "procedure", targetId: id, details });

/** Publish one submission (as is or with the moderator's redactions). */
export async function publishSubmissionAs(
  db: Kysely<Database>,
  m: Moderator,
  args: { submissionId: number; redactions: Map<number, string>; confirmedChecked: boolean; bulk?: boolean },
) {
  return withAudit(
    db,
    (trx) => publishSubmission(trx, { organisationId: m.organisationId, submissionId: args.submissionId, moderatorId: m.accountId, redactions: args.redactions, confirmedChecked: args.confirmedChecked }),
    (r) => (r.ok ? onSubmission(m, args.submissionId, r.redacted ? "submission_published_redacted" : "submission_published", args.bulk ? { bulk: true } : {}) : null),
  );
}

export async function doNotPublishAs(db: Kysely<Database>, m: Moderator, args: { submissionId: number; reason: NotPublishedReason; bulk?: boolean }): Promise<void> {
  await withAudit(
    db,
    (trx) => doNotPublish(trx, { organisationId: m.organisationId, submissionId: args.submissionId, moderatorId: m.accountId, reason: args.reason }),
    () => onSubmission(m, args.submissionId, "submission_not_published", args.bulk ? { bulk: true, reason: args.reason } : { reason: args.reason }),
  );
}

/** The most submissions one bulk decision covers (one form post). */
export const BULK_MAX = 100;

/**
 * Several submissions of one procedure at once, each in its own transaction with its own entries.
 * Publishing leaves out what needs its own review (personal data found) and withdrawn submissions: `left`.
 */
export async function bulkModerateAs(
  db: Kysely<Database>,
  m: Moderator,
  args: { procedureId: number; submissionIds: number[]; decision: { publish: true } | { publish: false; reason: NotPublishedReason } },
): Promise<{ done: number[]; left: number[] }> {
  const rows = await db
    .selectFrom("submissions")
    .select(["id", "state"])
    .where("organisation_id", "=", m.organisationId)
    .where("procedure_id", "=", args.procedureId)
    .where("id", "in", args.submissionIds)
    .execute();
  if (rows.length !== new Set(args.submissionIds).size) throw new HttpError(404, "not_found");
  const done: number[] = [];
  const left: number[] = [];
  for (const { id, state } of rows.sort((a, b) => a.id - b.id)) {
    if (state === "withdrawn") {
      left.push(id);
    } else if (args.decision.publish) {
      const result = await publishSubmissionAs(db, m, { submissionId: id, redactions: new Map(), confirmedChecked: false, bulk: true });
      (result.ok ? done : left).push(id);
    } else {
      await doNotPublishAs(db, m, { submissionId: id, reason: args.decision.reason, bulk: true });
      done.push(id);
    }
  }
  return { done, left };
}

/** The redacted answers' originals, recorded in the submitter's privacy log and the audit log. */
export async function openOriginalTextAs(db: Kysely<Database>, m: Moderator, submissionId: number) {
  return withAudit(
    db,
    (trx) => openOriginalText(trx, { organisationId: m.organisationId, submissionId, moderatorId: m.accountId }),
    (originals) => (originals.length ? onSubmission(m, submissionId, "original_text_opened", { answers: originals.length }) : null),
  );
}

/** Contact data in clear to reply, recorded in the submitter's privacy log and the audit log. */
export async function openContactDetailsAs(db: Kysely<Database>, m: Moderator, submissionId: number): Promise<ContactDetails> {
  const review = await submissionForReview(db, m.organisationId, submissionId);
  const opened = await withAudit(
    db,
    (trx) => openContactDetails(trx, { organisationId: m.organisationId, submissionId }, { role: "moderator", accountId: m.accountId }, { purpose: "reply", legalBasis: review.procedure.legalBasis }),
    () => onSubmission(m, submissionId, "contact_data_opened"),
  );
  return opened?.contact ?? {};
}

/** The results summary saved without publishing; an unchanged summary records nothing. */
export async function saveSummaryAs(db: Kysely<Database>, m: Moderator, procedureId: number, summary: string) {
  return withAudit(
    db,
    (trx) => saveSummary(trx, { organisationId: m.organisationId, procedureId, summary }),
    (r) => (r.ok && r.changed ? onProcedure(m, procedureId, "results_summary_saved") : null),
  );
}

/**
 * The results published (or updated), and the e-mails to residents who asked to be told queued
 * (sent by the outbox job), with the entry — one transaction.
 */
export async function publishResultsAs(db: Kysely<Database>, m: Moderator, args: { procedureId: number; summary: string; resultsUrl: string }) {
  return withAudit(
    db,
    async (trx) => {
      const result = await publishResults(trx, { organisationId: m.organisationId, procedureId: args.procedureId, moderatorId: m.accountId, summary: args.summary });
      if (!result.ok) return { ...result, queued: 0 };
      const { queued } = await queueResultNotifications(trx, { organisationId: m.organisationId, procedureId: args.procedureId, resultsUrl: args.resultsUrl });
      return { ...result, queued };
    },
    (r) => (r.ok ? onProcedure(m, args.procedureId, r.firstPublication ? "results_published" : "results_updated", { published: r.published, notifications: r.queued }) : null),
  );
}

/** The letters to residents who asked by post: their addresses opened (privacy logs) and recorded once here. */
export async function resultLettersAs(db: Kysely<Database>, m: Moderator, args: { procedureId: number; resultsUrl: string; now: Date }) {
  return withAudit(
    db,
    (trx) => resultLetters(trx, m.organisationId, args.procedureId, { accountId: m.accountId, resultsUrl: args.resultsUrl, now: args.now }),
    (r) => (r.published ? onProcedure(m, args.procedureId, "contact_data_opened", { purpose: "result_letters", letters: r.letters.length }) : null),
  );
}
