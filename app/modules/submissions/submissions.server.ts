/**
 * The one submission pipeline. Every channel (online now; phone, paper, counter and letter through
 * the staff desk) ends in createSubmission: same validation, same tables, same receipt codes.
 */
import type { Kysely, Transaction } from "kysely";
import type { Channel, Database } from "#db/schema";
import { personalDataDeletionDate, type Procedure } from "~/modules/procedures/procedure";
import { categoriesOf, storeContactDetails } from "~/modules/privacy/contact-data.server";
import { CONSENT_LEGAL_BASIS, type NewPrivacyEvent } from "~/modules/privacy-log/events";
import { LEGAL_BASES } from "~/modules/privacy-log/legal-basis";
import { appendPrivacyEvents } from "~/modules/privacy-log/privacy-log.server";
import { countSubmission } from "~/modules/http/metrics.server";
import { runPlain, valueRows } from "#db/plain-sql.server";
import { generateReceiptCode } from "./receipt-code";
import { receiptCodeDigest, receiptCodeDigestWith, receiptCodeKey } from "~/modules/privacy/server-keys.server";
import { sourceReferenceKey } from "./source-reference";
import { storePlace } from "~/modules/places/places.server";
import type { SubmissionInput } from "./validation";

type Db = Kysely<Database> | Transaction<Database>;

/** Channels where staff enter what a resident tells them, and read the privacy notice aloud. */
export const SPOKEN_CHANNELS: readonly Channel[] = ["phone", "counter"];

export interface NewSubmissionInput {
  procedure: Pick<Procedure, "id" | "organisationId" | "noticeVersion" | "legalBasis" | "closesAt" | "retentionMonths">;
  input: SubmissionInput;
  channel: Channel;
  language: string;
  /** the same key twice yields the first submission, never a second one */
  idempotencyKey: string;
  enteredByAccountId?: number | null;
  sourceReference?: string | null;
  receivedOn?: string | null;
  now?: Date;
}

export type CreatedSubmission =
  | { created: true; submissionId: number; receiptCode: string }
  | { created: false; submissionId: number };

// state "received" and response "pending"; the columns not named (withdrawal, erasure, moderation) start empty
const INSERT_SUBMISSION =
  "insert into submissions (organisation_id, procedure_id, receipt_code_hash, channel, entered_by_account_id, source_reference, source_reference_key, received_on, " +
  `notice_version, language, idempotency_key, created_at, consent_results_notification, section_id, state, response_state) values (${"?, ".repeat(14)}'received', 'pending')`;
const INSERT_SUBMISSION_UNLESS_TAKEN = `${INSERT_SUBMISSION} on conflict do nothing returning id`;
const INSERT_SUBMISSION_OR_FAIL = `${INSERT_SUBMISSION} returning id`;

/**
 * Must run inside a transaction: the submission, its answers, its contact data (encrypted, in their
 * own table) and the first events of its privacy log commit together.
 */
export async function createSubmission(trx: Transaction<Database>, s: NewSubmissionInput): Promise<CreatedSubmission> {
  const now = (s.now ?? new Date()).toISOString();
  const contact = s.input.contact;
  const categories = categoriesOf(contact);
  // consent to the results e-mail is only asked together with contact data
  const consent = categories.length > 0 && s.input.consentResults !== undefined ? (s.input.consentResults ? 1 : 0) : null;
  // stored keyed, never as the code or its plain hash (server-keys.server.ts)
  const codeKey = await receiptCodeKey(trx);
  const values = (receiptCode: string) => [
    s.procedure.organisationId,
    s.procedure.id,
    receiptCodeDigestWith(codeKey, receiptCode),
    s.channel,
    s.enteredByAccountId ?? null,
    s.sourceReference ?? null,
    s.sourceReference ? sourceReferenceKey(s.sourceReference) : null,
    s.receivedOn ?? null,
    s.procedure.noticeVersion,
    s.language,
    s.idempotencyKey,
    now,
    consent,
    s.input.sectionId ?? null,
  ];

  // The unique indexes decide, no look-ups first: an idempotency key already used (a retry, a double
  // click) or a receipt code already given (60 random bits: vanishingly rare) make the insert do nothing.
  let receiptCode = generateReceiptCode();
  let { rows } = await runPlain<{ id: number }>(trx, INSERT_SUBMISSION_UNLESS_TAKEN, values(receiptCode));
  if (rows.length === 0) {
    const existing = await trx.selectFrom("submissions").select("id").where("idempotency_key", "=", s.idempotencyKey).executeTakeFirst();
    if (existing) return { created: false, submissionId: existing.id };
    // a receipt code given before: another one. (A paper reference entered before fails here with
    // the unique violation the desk reports.)
    receiptCode = generateReceiptCode();
    ({ rows } = await runPlain<{ id: number }>(trx, INSERT_SUBMISSION_OR_FAIL, values(receiptCode)));
  }
  const submissionId = Number(rows[0].id);

  const answers = s.input.answers.flatMap((a) => a.values.map((value) => [submissionId, a.questionId, value]));
  if (answers.length > 0) await runPlain(trx, `insert into answers (submission_id, question_id, value) values ${valueRows(3, answers.length)}`, answers.flat());
  if (s.input.place) await storePlace(trx, submissionId, s.procedure.id, s.input.place);

  const at = new Date(now);
  const assisted = s.channel !== "online";
  const actorAccountId = s.enteredByAccountId ?? null;
  const events: NewPrivacyEvent[] = [
    {
      type: "received",
      actorRole: assisted ? "staff" : "resident",
      actorAccountId,
      categories: ["content"],
      purpose: "participation",
      legalBasis: s.procedure.legalBasis,
      // post: the day it was received (the entry's own time is the event's); one date of receipt everywhere
      details: s.receivedOn ? { channel: s.channel, received_on: s.receivedOn } : { channel: s.channel },
      occurredAt: at,
    },
    {
      type: SPOKEN_CHANNELS.includes(s.channel) ? "notice_read_aloud" : "notice_shown",
      actorRole: assisted ? "staff" : "system",
      actorAccountId,
      categories: [],
      purpose: "transparency",
      legalBasis: LEGAL_BASES.information,
      details: { version: s.procedure.noticeVersion },
      occurredAt: at,
    },
  ];
  if (categories.length > 0) {
    const deleteAfter = personalDataDeletionDate(s.procedure);
    await storeContactDetails(trx, submissionId, contact, deleteAfter, at);
    events.push({
      type: "personal_data_stored",
      actorRole: assisted ? "staff" : "resident",
      actorAccountId,
      categories,
      purpose: "reply",
      legalBasis: s.procedure.legalBasis,
      details: { until: deleteAfter },
      occurredAt: at,
    });
    if (consent !== null) {
      events.push({
        type: consent ? "consent_given" : "consent_refused",
        actorRole: assisted ? "staff" : "resident",
        actorAccountId,
        categories: ["consent"],
        purpose: "results_notification",
        legalBasis: CONSENT_LEGAL_BASIS,
        occurredAt: at,
      });
    }
  }
  // the submission was inserted just now, in this transaction: its chain starts here
  await appendPrivacyEvents(trx, { organisationId: s.procedure.organisationId, submissionId }, events, { newChain: true });
  countSubmission(s.channel);
  return { created: true, submissionId, receiptCode };
}

export async function findSubmissionByReceiptCode(db: Db, compactCode: string) {
  return db.selectFrom("submissions").selectAll().where("receipt_code_hash", "=", await receiptCodeDigest(db, compactCode)).executeTakeFirst();
}

export async function countSubmissions(db: Db, procedureId: number): Promise<number> {
  const row = await db
    .selectFrom("submissions")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("procedure_id", "=", procedureId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
