/**
 * The staff desk: phone, counter, paper and letter submissions entered by staff for residents.
 * They go through the same validation and the same createSubmission as online ones; only the
 * channel, who entered it, and the source (paper reference, date received, notice read aloud) differ.
 */
import type { Kysely } from "kysely";
import { isUniqueViolation } from "#db/connection.server";
import type { Channel, Database } from "#db/schema";
import { appendPrivacyEvent, readPrivacyLog } from "~/modules/privacy-log/privacy-log.server";
import { LEGAL_BASES } from "~/modules/privacy-log/legal-basis";
import { timeOrderedKey } from "~/modules/privacy/random.server";
import { acceptanceState, type Procedure } from "~/modules/procedures/procedure";
import { findProcedureById } from "~/modules/procedures/procedures.server";
import { CONFIRMATION_LIFETIME_MS } from "~/modules/submissions/drafts.server";
import { parseReceiptCode } from "~/modules/submissions/receipt-code";
import { createSubmission, findSubmissionByReceiptCode } from "~/modules/submissions/submissions.server";
import type { FieldError } from "~/modules/forms/fields";
import type { FormFields, SubmissionInput } from "~/modules/submissions/validation";

export const ASSISTED_CHANNELS = ["phone", "counter", "paper", "letter"] as const;
export type AssistedChannel = (typeof ASSISTED_CHANNELS)[number];
export const SPOKEN: readonly AssistedChannel[] = ["phone", "counter"];
export const WRITTEN: readonly AssistedChannel[] = ["paper", "letter"];
export const isAssistedChannel = (c: string): c is AssistedChannel => (ASSISTED_CHANNELS as readonly string[]).includes(c);

/** The fields the desk form adds to the procedure's own. */
export const DESK_FIELDS = ["entry_key", "notice_read", "source_reference", "received_on"] as const;
export const REFERENCE_MAX = 60;

/** The desk form's idempotency key: time-ordered like draft ids (same unique index). */
export const newEntryKey = () => timeOrderedKey();

export interface DeskMeta {
  entryKey: string;
  noticeRead: boolean;
  sourceReference: string | null;
  receivedOn: string | null;
}

const day = (iso: string) => iso.slice(0, 10);

/** Can this procedure take a submission on this channel now (and, for post, received that day)? */
export function deskAcceptance(
  procedure: Pick<Procedure, "status" | "opensAt" | "closesAt">,
  channel: AssistedChannel,
  receivedOn: string | null,
  now: Date = new Date(),
): "ok" | "closed" | "not_yet_open" | "received_after_closing" | "received_before_opening" | "received_in_future" {
  const state = acceptanceState(procedure, now);
  if (SPOKEN.includes(channel) || receivedOn === null) return state === "open" ? "ok" : state;
  // post that arrived in time still counts after the closing date, until evaluation is over
  if (procedure.status === "draft") return "not_yet_open";
  if (procedure.status === "results_published" || procedure.status === "archived") return "closed";
  if (receivedOn > day(now.toISOString())) return "received_in_future";
  if (receivedOn < day(procedure.opensAt)) return "received_before_opening";
  if (receivedOn > day(procedure.closesAt)) return "received_after_closing";
  return "ok";
}

/** Check the desk's own fields; they are removed from `fields` so the procedure's validation sees only its own. */
export function readDeskMeta(fields: FormFields, channel: AssistedChannel): { meta: DeskMeta | null; errors: FieldError[]; values: Record<string, string[]> } {
  const take = (name: string) => {
    const v = fields.get(name);
    fields.delete(name);
    return v;
  };
  const values: Record<string, string[]> = {};
  const errors: FieldError[] = [];
  const entryKey = take("entry_key");
  const noticeRead = take("notice_read");
  const reference = take("source_reference");
  const received = take("received_on");
  for (const [name, v] of [["entry_key", entryKey], ["notice_read", noticeRead], ["source_reference", reference], ["received_on", received]] as const) {
    if (v && v.length > 1) errors.push({ field: name, message: "desk:errors.repeated" });
    if (v) values[name] = v;
  }
  const key = entryKey?.[0] ?? "";
  const keyOk = /^[A-Za-z0-9_-]{16,64}$/.test(key);
  if (SPOKEN.includes(channel)) {
    if (reference || received) errors.push({ field: "source_reference", message: "desk:errors.notForChannel" });
    if (noticeRead?.[0] !== "yes") errors.push({ field: "notice_read", message: "desk:errors.noticeNotRead" });
  } else {
    if (noticeRead) errors.push({ field: "notice_read", message: "desk:errors.notForChannel" });
    const ref = (reference?.[0] ?? "").trim();
    if (ref === "") errors.push({ field: "source_reference", message: "desk:errors.referenceMissing" });
    else if (ref.length > REFERENCE_MAX || !/^[\p{L}\p{N} ./_-]+$/u.test(ref)) errors.push({ field: "source_reference", message: "desk:errors.referenceInvalid" });
    const r = (received?.[0] ?? "").trim();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(r) || Number.isNaN(Date.parse(`${r}T00:00:00Z`)) || new Date(`${r}T00:00:00Z`).toISOString().slice(0, 10) !== r) {
      errors.push({ field: "received_on", message: "desk:errors.receivedInvalid" });
    }
  }
  if (!keyOk) return { meta: null, errors: [...errors, { field: "entry_key", message: "desk:errors.reload" }], values };
  if (errors.length) return { meta: null, errors, values };
  return {
    meta: {
      entryKey: key,
      noticeRead: noticeRead?.[0] === "yes",
      sourceReference: WRITTEN.includes(channel) ? (reference?.[0] ?? "").trim() : null,
      receivedOn: WRITTEN.includes(channel) ? (received?.[0] ?? "").trim() : null,
    },
    errors: [],
    values,
  };
}

export type DeskSaveResult = { saved: true; key: string } | { saved: false; duplicateOf: number };

const receiptKey = (entryKey: string) => `desk-${entryKey}`;

/**
 * Store a desk submission exactly once. The entry key (a hidden field, new for every empty form)
 * makes a double click find the first one; the same paper reference twice in one procedure is
 * refused with the existing submission's id.
 */
export async function saveDeskSubmission(
  db: Kysely<Database>,
  args: { procedure: Procedure; channel: AssistedChannel; input: SubmissionInput; meta: DeskMeta; accountId: number; language: string; now?: Date },
): Promise<DeskSaveResult> {
  const now = args.now ?? new Date();
  const key = receiptKey(args.meta.entryKey);
  const again = await db.selectFrom("submission_drafts").select("submission_id").where("id", "=", key).executeTakeFirst();
  if (again?.submission_id) return { saved: true, key };
  if (args.meta.sourceReference) {
    const existing = await db
      .selectFrom("submissions")
      .select("id")
      .where("procedure_id", "=", args.procedure.id)
      .where("source_reference", "=", args.meta.sourceReference)
      .executeTakeFirst();
    if (existing) return { saved: false, duplicateOf: existing.id };
  }
  try {
    await db.transaction().execute(async (trx) => {
      const result = await createSubmission(trx, {
        procedure: args.procedure,
        input: args.input,
        channel: args.channel as Channel,
        language: args.language,
        idempotencyKey: key,
        enteredByAccountId: args.accountId,
        sourceReference: args.meta.sourceReference,
        receivedOn: args.meta.receivedOn,
        now,
      });
      if (!result.created) return;
      // the plain code, kept two hours for the result page and the printed slip
      await trx
        .insertInto("submission_drafts")
        .values({
          id: key,
          procedure_id: args.procedure.id,
          payload_json: null,
          language: args.language,
          submission_id: result.submissionId,
          receipt_code: result.receiptCode,
          created_at: now.toISOString(),
          updated_at: now.toISOString(),
          expires_at: new Date(now.getTime() + CONFIRMATION_LIFETIME_MS).toISOString(),
        })
        .execute();
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    if (args.meta.sourceReference) {
      const existing = await db.selectFrom("submissions").select("id").where("procedure_id", "=", args.procedure.id).where("source_reference", "=", args.meta.sourceReference).executeTakeFirst();
      if (existing) return { saved: false, duplicateOf: existing.id };
    }
  }
  return { saved: true, key };
}

export interface DeskReceipt {
  receiptCode: string;
  submissionId: number;
  channel: string;
  sourceReference: string | null;
  receivedOn: string | null;
  createdAt: string;
  procedure: { id: number; title: string; slug: string; closesAt: string };
}

/** The result of a save, for the result page and the slip; only within the staff member's organisation. */
export async function readDeskReceipt(db: Kysely<Database>, organisationId: number, entryKey: string): Promise<DeskReceipt | undefined> {
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(entryKey)) return undefined;
  const row = await db
    .selectFrom("submission_drafts")
    .innerJoin("submissions", "submissions.id", "submission_drafts.submission_id")
    .innerJoin("procedures", "procedures.id", "submissions.procedure_id")
    .select([
      "submission_drafts.receipt_code",
      "submissions.id as submissionId",
      "submissions.channel",
      "submissions.source_reference",
      "submissions.received_on",
      "submissions.created_at",
      "procedures.id as procedureId",
      "procedures.title",
      "procedures.slug",
      "procedures.closes_at",
    ])
    .where("submission_drafts.id", "=", receiptKey(entryKey))
    .where("submissions.organisation_id", "=", organisationId)
    .where("submission_drafts.expires_at", ">", new Date().toISOString())
    .executeTakeFirst();
  if (!row?.receipt_code) return undefined;
  return {
    receiptCode: row.receipt_code,
    submissionId: row.submissionId,
    channel: row.channel,
    sourceReference: row.source_reference,
    receivedOn: row.received_on,
    createdAt: row.created_at,
    procedure: { id: row.procedureId, title: row.title, slug: row.slug, closesAt: row.closes_at },
  };
}

/** Procedures the desk can enter for: open ones, and closed ones still taking post received in time. */
export async function listDeskProcedures(db: Kysely<Database>, organisationId: number) {
  return db
    .selectFrom("procedures")
    .select(["id", "slug", "title", "status", "opens_at", "closes_at"])
    .where("organisation_id", "=", organisationId)
    .where("status", "in", ["open", "closed", "in_evaluation"])
    .orderBy("closes_at", "desc")
    .execute();
}

export async function findDeskProcedure(db: Kysely<Database>, organisationId: number, id: number) {
  return findProcedureById(db, organisationId, id);
}

/**
 * A caller asks how their submission is doing: found by receipt code within the organisation.
 * The look-up is written into the submission's privacy log.
 */
export async function lookUpForCaller(db: Kysely<Database>, args: { organisationId: number; code: string; accountId: number; now?: Date }) {
  const compact = parseReceiptCode(args.code);
  if (!compact) return null;
  const submission = await findSubmissionByReceiptCode(db, compact);
  if (!submission || submission.organisation_id !== args.organisationId) return null;
  await db.transaction().execute((trx) =>
    appendPrivacyEvent(trx, { organisationId: submission.organisation_id, submissionId: submission.id }, {
      type: "status_looked_up",
      actorRole: "staff",
      actorAccountId: args.accountId,
      categories: [],
      purpose: "data_rights",
      legalBasis: LEGAL_BASES.access,
      occurredAt: args.now,
    }),
  );
  return submission.id;
}

/** What staff may tell a caller: status and the privacy log — never the personal data. */
export async function describeForStaff(db: Kysely<Database>, organisationId: number, submissionId: number) {
  const s = await db
    .selectFrom("submissions")
    .innerJoin("procedures", "procedures.id", "submissions.procedure_id")
    .select([
      "submissions.id",
      "submissions.channel",
      "submissions.state",
      "submissions.response_state",
      "submissions.created_at",
      "submissions.source_reference",
      "submissions.received_on",
      "submissions.withdrawn_at",
      "procedures.title",
    ])
    .where("submissions.id", "=", submissionId)
    .where("submissions.organisation_id", "=", organisationId)
    .executeTakeFirst();
  if (!s) return undefined;
  const log = await readPrivacyLog(db, submissionId);
  return { ...s, events: log.events, chainIntact: log.check.intact };
}
