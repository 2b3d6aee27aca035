/**
 * What a resident can do with their receipt code: look the submission up, see its privacy log and
 * the personal data held (masked), download everything (Art. 15), have the personal data erased
 * (Art. 17) and withdraw the submission while the procedure is open. Every step is recorded in
 * the submission's privacy log in the same transaction.
 */
import type { Kysely, Transaction } from "kysely";
import type { Database } from "#db/schema";
import { HttpError } from "~/modules/http/errors";
import { clientBucket, hitRateLimit } from "~/modules/http/rate-limit.server";
import { DATA_RIGHTS_LEGAL_BASIS, type DataCategory, type PrivacyEvent } from "~/modules/privacy-log/events";
import { appendPrivacyEvent, readPrivacyLog } from "~/modules/privacy-log/privacy-log.server";
import { getSigningKey } from "~/modules/transparency-log/keys.server";
import { transparencyForSubmission, type ExportedTransparency } from "~/modules/transparency-log/proofs.server";
import { LEGAL_BASES } from "~/modules/privacy-log/legal-basis";
import { acceptanceState, isConcluded, personalDataDeletionDate, toProcedure, type AcceptanceState, type ContactFieldKey, type Procedure } from "~/modules/procedures/procedure";
import { parseReceiptCode } from "~/modules/submissions/receipt-code";
import { receiptCodeDigest } from "./server-keys.server";
import { openContactDetails, type ContactDetails } from "./contact-data.server";
import { deletePersonalData } from "./personal-data.server";
import { hasAttachments, listSubmissionAttachments } from "~/modules/attachments/attachments.server";
import { MASKS } from "./masking";
import { sectionById } from "~/modules/sections/sections.server";
import { ownDecisionLabel } from "~/modules/considerations/decisions.server";

export const LOOKUP_LIMIT = { limit: 10, windowMs: 15 * 60 * 1000 };
const ERASURE_LEGAL_BASIS = LEGAL_BASES.erasure;
const WITHDRAWAL_LEGAL_BASIS = LEGAL_BASES.withdrawal;

/**
 * The submission behind a receipt code in this organisation, or null. A malformed code, a wrong
 * code and a code of another organisation all take the same path and give the same answer.
 * Attempts are limited per client address.
 */
export async function lookupByReceiptCode(
  db: Kysely<Database>,
  args: { organisationId: number; code: string; clientKey: string; now?: Date },
): Promise<number | null> {
  const limit = await hitRateLimit(db, `receipt-lookup:${clientBucket(args.clientKey)}`, { ...LOOKUP_LIMIT, now: args.now });
  if (!limit.allowed) throw new HttpError(429, "too_many_attempts");
  const compact = parseReceiptCode(args.code);
  // a typed code that cannot be one is looked up too ("-" is never a code), so both answers cost the same
  const hash = await receiptCodeDigest(db, compact ?? "-");
  const row = await db
    .selectFrom("submissions")
    .select("id")
    .where("receipt_code_hash", "=", hash)
    .where("organisation_id", "=", args.organisationId)
    .executeTakeFirst();
  return row?.id ?? null;
}

async function loadSubmission(db: Kysely<Database> | Transaction<Database>, submissionId: number) {
  const submission = await db.selectFrom("submissions").selectAll().where("id", "=", submissionId).executeTakeFirst();
  if (!submission) throw new HttpError(404, "receipt_session_missing");
  const procedureRow = await db.selectFrom("procedures").selectAll().where("id", "=", submission.procedure_id).executeTakeFirstOrThrow();
  const questions = await db.selectFrom("questions").selectAll().where("procedure_id", "=", procedureRow.id).execute();
  const organisation = await db.selectFrom("organisations").selectAll().where("id", "=", submission.organisation_id).executeTakeFirstOrThrow();
  return { submission, procedure: toProcedure(procedureRow, questions), organisation };
}

export interface HeldData {
  key: ContactFieldKey;
  masked: string;
}

export interface SubmissionOverview {
  receivedAt: string;
  channel: string;
  state: string;
  responseState: string;
  noticeVersion: string;
  withdrawn: boolean;
  procedure: { title: string; slug: string; legalBasis: string; acceptance: AcceptanceState; concluded: boolean; erasureHold: boolean; erasureHoldReason: string };
  organisation: { name: string; controller: string; controllerContact: string; dpo: string; dpoContact: string; supervisoryAuthority: string };
  personalData: HeldData[];
  deleteAfter: string | null;
  erasureRequestedAt: string | null;
  personalDataDeletedAt: string | null;
  canWithdraw: boolean;
  events: PrivacyEvent[];
  chainIntact: boolean;
  /** the council's official answer, once given */
  response: { decision: string; text: string; createdAt: string; ownLabel: string | null } | null;
  /** paper and letters: the day the post was received (the date of receipt); receivedAt is when it was entered */
  receivedOn: string | null;
}

const toHeld = (contact: ContactDetails): HeldData[] =>
  (Object.keys(MASKS) as ContactFieldKey[]).filter((k) => contact[k]).map((key) => ({ key, masked: MASKS[key](contact[key]!) }));

/** Everything the resident's page shows. Opening the (masked) personal data is itself recorded. */
export async function describeSubmission(db: Kysely<Database>, submissionId: number, now: Date = new Date()): Promise<SubmissionOverview> {
  return db.transaction().execute(async (trx) => {
    const { submission, procedure, organisation } = await loadSubmission(trx, submissionId);
    const opened = await openContactDetails(
      trx,
      { organisationId: submission.organisation_id, submissionId },
      { role: "resident" },
      { purpose: "data_rights", legalBasis: DATA_RIGHTS_LEGAL_BASIS },
      now,
    );
    const log = await readPrivacyLog(trx, submissionId);
    const acceptance = acceptanceState(procedure, now);
    return {
      receivedAt: submission.created_at,
      receivedOn: submission.received_on,
      channel: submission.channel,
      state: submission.state,
      responseState: submission.response_state,
      noticeVersion: submission.notice_version,
      withdrawn: submission.withdrawn_at !== null,
      procedure: {
        title: procedure.title,
        slug: procedure.slug,
        legalBasis: procedure.legalBasis,
        acceptance,
        concluded: isConcluded(procedure),
        erasureHold: procedure.erasureHold,
        erasureHoldReason: procedure.erasureHoldReason,
      },
      organisation: {
        name: organisation.name,
        controller: organisation.controller_name,
        controllerContact: organisation.controller_contact,
        dpo: organisation.dpo_name,
        dpoContact: organisation.dpo_contact,
        supervisoryAuthority: organisation.supervisory_authority,
      },
      personalData: opened ? toHeld(opened.contact) : [],
      deleteAfter: opened ? opened.deleteAfter ?? personalDataDeletionDate(procedure) : null,
      erasureRequestedAt: submission.erasure_requested_at,
      personalDataDeletedAt: submission.personal_data_deleted_at,
      canWithdraw: acceptance === "open" && submission.withdrawn_at === null,
      events: log.events,
      chainIntact: log.check.intact,
      response: submission.response_id
        ? await trx
            .selectFrom("responses")
            .select(["decision", "text", "created_at as createdAt"])
            .where("id", "=", submission.response_id)
            .executeTakeFirst()
            .then(async (r) => (r ? { ...r, ownLabel: await ownDecisionLabel(trx, submission.organisation_id, r.decision) } : null))
        : null,
    };
  });
}

export interface SubmissionExport {
  format: "teilhabe-submission-export/1";
  exportedAt: string;
  controller: { name: string; contact: string; dataProtectionOfficer: string; dataProtectionOfficerContact: string };
  procedure: { title: string; legalBasis: string; privacyNoticeVersion: string };
  /** receivedAt: the date of receipt (paper and letters: the day the post arrived, YYYY-MM-DD); enteredAt: when it was stored */
  submission: {
    receivedAt: string;
    enteredAt: string;
    channel: string;
    language: string;
    state: string;
    responseState: string;
    withdrawnAt: string | null;
    /** the numbered section of the draft it is about; null: the draft as a whole */
    section: { number: string; title: string } | null;
  };
  answers: { question: string; answer: string[] }[];
  personalData: ContactDetails | null;
  personalDataDeleteAfter: string | null;
  /**
   * the files kept with it (issue 20): name, type, size and SHA-256 of the stored bytes; `token` names
   * the person's own files for their download with the receipt code (a desk scan is listed, never offered)
   */
  attachments: { name: string; mediaType: string; byteSize: number; sha256: string; source: "resident" | "desk"; storedAt: string; token: string | null }[];
  consentToResultsNotification: boolean | null;
  privacyLog: (PrivacyEvent & { explanation?: string })[];
  privacyLogIntact: boolean;
  /** the checkpoint, leaf indexes, salts and inclusion proofs to verify the log offline (decision 56) */
  transparencyLog: ExportedTransparency;
}

/** Who is responsible, as every Art. 15 download names it (a submission's and an alert's). */
export const controllerForExport = (o: { controller_name: string; controller_contact: string; dpo_name: string; dpo_contact: string }) => ({
  name: o.controller_name,
  contact: o.controller_contact,
  dataProtectionOfficer: o.dpo_name,
  dataProtectionOfficerContact: o.dpo_contact,
});

/** Everything held about the submission, unmasked (it is the person's own data). Recorded as an export. */
export async function exportSubmission(db: Kysely<Database>, submissionId: number, now: Date = new Date()): Promise<SubmissionExport> {
  return db.transaction().execute(async (trx) => {
    const { submission, procedure, organisation } = await loadSubmission(trx, submissionId);
    const target = { organisationId: submission.organisation_id, submissionId };
    const opened = await openContactDetails(trx, target, { role: "resident" }, { purpose: "data_rights", legalBasis: DATA_RIGHTS_LEGAL_BASIS }, now);
    const answers = await trx.selectFrom("answers").select(["question_id", "value"]).where("submission_id", "=", submissionId).orderBy("id").execute();
    const files = await listSubmissionAttachments(trx, submissionId);
    const categories: DataCategory[] = ["content", ...((opened ? Object.keys(opened.contact) : []) as DataCategory[]), ...(files.length > 0 ? (["attachment"] as const) : [])];
    await appendPrivacyEvent(trx, target, {
      type: "data_exported",
      actorRole: "resident",
      categories,
      purpose: "data_rights",
      legalBasis: LEGAL_BASES.access,
      occurredAt: now,
    });
    const log = await readPrivacyLog(trx, submissionId);
    return {
      format: "teilhabe-submission-export/1",
      exportedAt: now.toISOString(),
      controller: controllerForExport(organisation),
      procedure: { title: procedure.title, legalBasis: procedure.legalBasis, privacyNoticeVersion: submission.notice_version },
      submission: {
        receivedAt: submission.received_on ?? submission.created_at,
        enteredAt: submission.created_at,
        channel: submission.channel,
        language: submission.language,
        state: submission.state,
        responseState: submission.response_state,
        withdrawnAt: submission.withdrawn_at,
        section: await sectionById(trx, procedure.id, submission.section_id).then((s) => (s ? { number: s.number, title: s.title } : null)),
      },
      answers: procedure.questions
        .map((q) => ({
          question: q.label,
          answer: answers
            .filter((a) => a.question_id === q.id)
            .map((a) => (q.kind === "single_choice" || q.kind === "multiple_choice" ? q.options.find((o) => o.value === a.value)?.label ?? a.value : a.value)),
        }))
        .filter((a) => a.answer.length > 0),
      personalData: opened?.contact ?? null,
      personalDataDeleteAfter: opened?.deleteAfter ?? null,
      attachments: files.map((f) => ({ name: f.name, mediaType: f.mediaType, byteSize: f.byteSize, sha256: f.sha256, source: f.source, storedAt: f.createdAt, token: f.source === "resident" ? f.token : null })),
      consentToResultsNotification: submission.consent_results_notification === null ? null : submission.consent_results_notification === 1,
      privacyLog: log.events,
      privacyLogIntact: log.check.intact,
      transparencyLog: await transparencyForSubmission(trx, submissionId, getSigningKey()),
    };
  });
}

export type ErasureOutcome =
  | { outcome: "deleted" }
  | { outcome: "held"; reason: string }
  | { outcome: "nothing_to_delete" };

async function heldCategories(trx: Transaction<Database>, submissionId: number): Promise<DataCategory[]> {
  const row = await trx.selectFrom("contact_details").select(["name", "postal_address", "email", "phone"]).where("submission_id", "=", submissionId).executeTakeFirst();
  const categories: DataCategory[] = [];
  if (row?.name) categories.push("name");
  if (row?.postal_address) categories.push("address");
  if (row?.email) categories.push("email");
  if (row?.phone) categories.push("phone");
  if (await hasAttachments(trx, submissionId)) categories.push("attachment");
  return categories;
}

/**
 * Art. 17: erase the personal data now, or, where the law keeps them until the procedure is
 * concluded, record the request; the retention job erases them when it concludes. The content stays.
 */
export async function requestErasure(db: Kysely<Database>, submissionId: number, now: Date = new Date()): Promise<ErasureOutcome> {
  return db.transaction().execute(async (trx) => {
    const { submission, procedure } = await loadSubmission(trx, submissionId);
    const target = { organisationId: submission.organisation_id, submissionId };
    const categories = await heldCategories(trx, submissionId);
    if (categories.length === 0) return { outcome: "nothing_to_delete" };
    const held = procedure.erasureHold && !isConcluded(procedure);
    if (submission.erasure_requested_at === null) {
      await appendPrivacyEvent(trx, target, {
        type: "erasure_requested",
        actorRole: "resident",
        categories,
        purpose: "data_rights",
        legalBasis: ERASURE_LEGAL_BASIS,
        details: { held },
        occurredAt: now,
      });
      await trx.updateTable("submissions").set({ erasure_requested_at: now.toISOString() }).where("id", "=", submissionId).execute();
    }
    if (held) return { outcome: "held", reason: procedure.erasureHoldReason };
    await deletePersonalData(trx, target, "request", { role: "resident" }, ERASURE_LEGAL_BASIS, now);
    return { outcome: "deleted" };
  });
}

/** Withdraw the whole submission while the procedure is open: answers, personal data and files go; the log stays. */
export async function withdrawSubmission(db: Kysely<Database>, submissionId: number, now: Date = new Date()): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const { submission, procedure } = await loadSubmission(trx, submissionId);
    if (submission.withdrawn_at !== null || acceptanceState(procedure, now) !== "open") throw new HttpError(409, "withdraw_not_possible");
    const target = { organisationId: submission.organisation_id, submissionId };
    await trx.deleteFrom("answers").where("submission_id", "=", submissionId).execute();
    await trx
      .updateTable("submissions")
      .set({ state: "withdrawn", withdrawn_at: now.toISOString() })
      .where("id", "=", submissionId)
      .execute();
    await appendPrivacyEvent(trx, target, {
      type: "submission_withdrawn",
      actorRole: "resident",
      categories: ["content"],
      purpose: "data_rights",
      legalBasis: WITHDRAWAL_LEGAL_BASIS,
      occurredAt: now,
    });
    await deletePersonalData(trx, target, "withdrawal", { role: "resident" }, WITHDRAWAL_LEGAL_BASIS, now);
  });
}

export type { Procedure };
