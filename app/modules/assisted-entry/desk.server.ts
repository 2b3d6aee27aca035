/**
 * The staff desk: phone, counter, paper and letter submissions entered by staff for residents.
 * They go through the same validation and the same createSubmission as online ones; only the
 * channel, who entered it, and the source (paper reference, date received, notice read aloud) differ.
 */
import type { Kysely, Transaction } from "kysely";
import { inTransaction, isUniqueViolation } from "#db/connection.server";
import type { Channel, Database } from "#db/schema";
import { appendPrivacyEvent, readPrivacyLog } from "~/modules/privacy-log/privacy-log.server";
import { LEGAL_BASES } from "~/modules/privacy-log/legal-basis";
import { openContactDetails } from "~/modules/privacy/contact-data.server";
import { timeOrderedKey } from "~/modules/privacy/random.server";
import { openDraftReceiptCode, sealDraftReceiptCode } from "~/modules/privacy/server-keys.server";
import { acceptanceState, type Procedure, CONTACT_FIELDS, type Question } from "~/modules/procedures/procedure";
import { findProcedureById } from "~/modules/procedures/procedures.server";
import { CONFIRMATION_LIFETIME_MS } from "~/modules/submissions/drafts.server";
import { parseReceiptCode } from "~/modules/submissions/receipt-code";
import { sourceReferenceKey } from "~/modules/submissions/source-reference";
import { createSubmission, findSubmissionByReceiptCode } from "~/modules/submissions/submissions.server";
import type { FieldError, FormFields } from "~/modules/forms/fields";
import { validateSubmission, type SubmissionInput } from "~/modules/submissions/validation";
import { audit, type AuditActor } from "~/modules/audit/audit.server";
import { takeSectionChoice } from "~/modules/sections/choice";
import { SECTION_FIELD } from "~/modules/sections/outline";
import { sectionsOf } from "~/modules/sections/sections.server";
import { HttpError } from "~/modules/http/errors";
import { berlinDay, isIsoDay } from "~/i18n/dates";

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

/**
 * Post comes with the sender's address, and the consent text promises news "by e-mail or post":
 * paper and letter entries always offer an optional postal address in the contact block (for the
 * receipt letter and the answer by post), also where the procedure's online form asks for none.
 * `purpose` is the German text shown with the field (procedure content is German).
 */
export function withPostalAddress(procedure: Procedure, channel: AssistedChannel, purpose: string): Procedure {
  if (!WRITTEN.includes(channel) || procedure.contactFields.some((c) => c.key === "address")) return procedure;
  const contactFields = [...procedure.contactFields, { key: "address" as const, mode: "optional" as const, purpose }].sort(
    (a, b) => CONTACT_FIELDS.indexOf(a.key) - CONTACT_FIELDS.indexOf(b.key),
  );
  return { ...procedure, contactFields };
}

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
  if (receivedOn > berlinDay(now.toISOString())) return "received_in_future";
  if (receivedOn < berlinDay(procedure.opensAt)) return "received_before_opening";
  if (receivedOn > berlinDay(procedure.closesAt)) return "received_after_closing";
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
    if (!isIsoDay(r)) {
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

/** The submission already entered with this form number or letter reference, compared as sourceReferenceKey does. */
const findByReference = (db: Kysely<Database>, procedureId: number, reference: string) =>
  db
    .selectFrom("submissions")
    .select("id")
    .where("procedure_id", "=", procedureId)
    .where("source_reference_key", "=", sourceReferenceKey(reference))
    .executeTakeFirst();

/**
 * Store a desk submission exactly once. The entry key (a hidden field, new for every empty form)
 * makes a double click find the first one; the same paper reference twice in one procedure is
 * refused with the existing submission's id.
 */
export async function saveDeskSubmission(
  db: Kysely<Database>,
  args: {
    procedure: Procedure;
    channel: AssistedChannel;
    input: SubmissionInput;
    meta: DeskMeta;
    accountId: number;
    language: string;
    now?: Date;
    /** runs in the submission's transaction when it was created (the audit entry) */
    record?: (trx: Transaction<Database>, submissionId: number) => Promise<void>;
  },
): Promise<DeskSaveResult> {
  const now = args.now ?? new Date();
  const key = receiptKey(args.meta.entryKey);
  const again = await db.selectFrom("submission_drafts").select("submission_id").where("id", "=", key).executeTakeFirst();
  if (again?.submission_id) return { saved: true, key };
  if (args.meta.sourceReference) {
    const existing = await findByReference(db, args.procedure.id, args.meta.sourceReference);
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
      // the code, sealed, kept two hours for the result page and the printed slip
      await trx
        .insertInto("submission_drafts")
        .values({
          id: key,
          procedure_id: args.procedure.id,
          payload_json: null,
          language: args.language,
          submission_id: result.submissionId,
          receipt_code: sealDraftReceiptCode(key, result.receiptCode),
          created_at: now.toISOString(),
          updated_at: now.toISOString(),
          expires_at: new Date(now.getTime() + CONFIRMATION_LIFETIME_MS).toISOString(),
        })
        .execute();
      await args.record?.(trx, result.submissionId);
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    if (args.meta.sourceReference) {
      const existing = await findByReference(db, args.procedure.id, args.meta.sourceReference);
      if (existing) return { saved: false, duplicateOf: existing.id };
    }
  }
  return { saved: true, key };
}

export type DeskEntryResult =
  | { ok: true; entryKey: string }
  | { ok: false; status: 400 | 409; errors: FieldError[]; values: Record<string, string[]>; duplicateOf: number | null };

/**
 * The desk's form, from fields to a stored submission: its own fields (entry key, notice read,
 * reference, day of receipt), the section chosen and the procedure's answers are checked together, so that one page
 * shows every mistake; the day of receipt must lie in the participation period (a procedure not
 * open today is a 403). The submission and its audit entry "submission_entered" are written in one
 * transaction; sending the same form again stores nothing twice.
 */
export async function enterDeskSubmission(
  db: Kysely<Database>,
  args: { procedure: Procedure; channel: AssistedChannel; fields: FormFields; staff: AuditActor & { accountId: number }; language: string },
): Promise<DeskEntryResult> {
  const { procedure, channel, staff } = args;
  const desk = readDeskMeta(args.fields, channel);
  const section = takeSectionChoice(args.fields, await sectionsOf(db, procedure));
  const checked = validateSubmission(procedure, args.fields);
  const errors: FieldError[] = [...desk.errors.filter((e) => e.field !== "entry_key"), ...(section.ok ? [] : [section.error]), ...(checked.ok ? [] : checked.errors)];
  const values = { ...checked.values, ...desk.values, [SECTION_FIELD]: [section.value] };
  if (desk.meta) {
    const acceptance = deskAcceptance(procedure, channel, desk.meta.receivedOn);
    if (acceptance === "received_after_closing" || acceptance === "received_before_opening" || acceptance === "received_in_future") {
      errors.push({ field: "received_on", message: `desk:errors.${acceptance}` });
    } else if (acceptance !== "ok") {
      throw new HttpError(403, acceptance === "not_yet_open" ? "procedure_not_yet_open" : "procedure_closed");
    }
  } else if (desk.errors.some((e) => e.field === "entry_key")) {
    errors.push({ field: "entry_key", message: "desk:errors.reload" });
  }
  if (errors.length > 0 || !checked.ok || !section.ok || !desk.meta) return { ok: false, status: 400, errors, values, duplicateOf: null };
  const meta = desk.meta;
  const result = await saveDeskSubmission(db, {
    procedure,
    channel,
    input: { ...checked.input, sectionId: section.section?.id ?? null },
    meta,
    accountId: staff.accountId,
    language: args.language,
    record: (trx) =>
      audit(trx, { ...staff, action: "submission_entered", targetType: "submission", targetId: meta.entryKey, details: { channel, procedure: procedure.id } }),
  });
  if (!result.saved) {
    return { ok: false, status: 409, errors: [{ field: "source_reference", message: "desk:errors.duplicateReference" }], values, duplicateOf: result.duplicateOf };
  }
  return { ok: true, entryKey: meta.entryKey };
}

export interface DeskReceipt {
  receiptCode: string;
  submissionId: number;
  channel: string;
  sourceReference: string | null;
  receivedOn: string | null;
  createdAt: string;
  procedure: { id: number; title: string; slug: string; closesAt: string };
  /** a postal address is held (read from which column is filled, nothing decrypted): a receipt letter can be made */
  hasPostalAddress: boolean;
  /** the letterhead of a receipt letter */
  sender: { organisation: string; office: string; address: string };
}

/** The result of a save, for the result page and the slip; only within the staff member's organisation. */
export async function readDeskReceipt(db: Kysely<Database>, organisationId: number, entryKey: string): Promise<DeskReceipt | undefined> {
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(entryKey)) return undefined;
  const row = await db
    .selectFrom("submission_drafts")
    .innerJoin("submissions", "submissions.id", "submission_drafts.submission_id")
    .innerJoin("procedures", "procedures.id", "submissions.procedure_id")
    .innerJoin("organisations", "organisations.id", "submissions.organisation_id")
    .leftJoin("contact_details", "contact_details.submission_id", "submissions.id")
    .select([
      "submission_drafts.receipt_code",
      "contact_details.postal_address",
      "organisations.name as organisationName",
      "organisations.postal_address as organisationAddress",
      "procedures.responsible_office",
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
  const receiptCode = openDraftReceiptCode(receiptKey(entryKey), row?.receipt_code ?? null);
  if (!row || !receiptCode) return undefined;
  return {
    receiptCode,
    submissionId: row.submissionId,
    channel: row.channel,
    sourceReference: row.source_reference,
    receivedOn: row.received_on,
    createdAt: row.created_at,
    procedure: { id: row.procedureId, title: row.title, slug: row.slug, closesAt: row.closes_at },
    hasPostalAddress: !!row.postal_address,
    sender: { organisation: row.organisationName, office: row.responsible_office, address: row.organisationAddress },
  };
}

/** A submission of the organisation with the legal basis its procedure states (for privacy-log events), or undefined. */
function submissionWithLegalBasis(db: Kysely<Database> | Transaction<Database>, args: { organisationId: number; submissionId: number }) {
  return db
    .selectFrom("submissions")
    .innerJoin("procedures", "procedures.id", "submissions.procedure_id")
    .select(["submissions.id", "procedures.legal_basis"])
    .where("submissions.id", "=", args.submissionId)
    .where("submissions.organisation_id", "=", args.organisationId)
    .executeTakeFirst();
}

/**
 * The name and postal address for the receipt letter of a desk entry (window envelope): opening
 * them is a deliberate step (a POST), recorded in the submission's privacy log with the staff
 * member's account, for replying to the sender. Undefined when there is no address to open.
 */
export async function openReceiptLetterAddress(db: Kysely<Database>, args: { organisationId: number; submissionId: number; accountId: number; now?: Date }) {
  return inTransaction(db, async (trx) => {
    const target = await submissionWithLegalBasis(trx, args);

    if (!target) return undefined;
    const opened = await openContactDetails(
      trx,
      { organisationId: args.organisationId, submissionId: target.id },
      { role: "staff", accountId: args.accountId },
      { purpose: "reply", legalBasis: target.legal_basis },
      args.now,
    );
    if (!opened?.contact.address) return undefined;
    return { name: opened.contact.name ?? null, lines: addressLines(opened.contact.name ?? null, opened.contact.address) };
  });
}

/**
 * The recipient block's lines (DIN 5008: at most six, name first): the address as written, one
 * line per line, "Hauptstr. 1, 31134 Musterstadt" on one line split before the postcode; the
 * name only when the address does not already begin with it.
 */
export function addressLines(name: string | null, address: string): string[] {
  const lines = address
    .replace(/\r\n?/g, "\n")
    .split(/\n|,\s*(?=\d{5}\b)/)
    .map((l) => l.trim())
    .filter(Boolean);
  const same = (a: string, b: string) => a.replace(/\s+/g, " ").toLowerCase() === b.replace(/\s+/g, " ").toLowerCase();
  return name && !(lines[0] && same(lines[0], name)) ? [name.trim(), ...lines] : lines;
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
  await inTransaction(db, (trx) =>
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
      "submissions.procedure_id",
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

/** One answer as the resident gave it: the question and the chosen options' labels or the text typed. */
export interface StaffAnswer {
  questionId: number;
  label: string;
  kind: Question["kind"];
  /** option labels for choices, "yes"/"no" for yes/no (translated when shown), the text or number otherwise */
  values: string[];
}

/** The answers of a submission in the order of the procedure's questions; never the contact data. */
export async function answersForStaff(db: Kysely<Database>, organisationId: number, submissionId: number): Promise<StaffAnswer[]> {
  const submission = await db
    .selectFrom("submissions")
    .select(["procedure_id"])
    .where("id", "=", submissionId)
    .where("organisation_id", "=", organisationId)
    .executeTakeFirst();
  if (!submission) return [];
  const procedure = await findProcedureById(db, organisationId, submission.procedure_id);
  if (!procedure) return [];
  const rows = await db.selectFrom("answers").select(["question_id", "value"]).where("submission_id", "=", submissionId).orderBy("id").execute();
  return procedure.questions.map((q) => {
    const given = rows.filter((r) => r.question_id === q.id).map((r) => r.value);
    const values = q.kind === "single_choice" || q.kind === "multiple_choice" ? given.map((v) => q.options.find((o) => o.value === v)?.label ?? v) : given;
    return { questionId: q.id, label: q.label, kind: q.kind, values };
  });
}

/**
 * A member of staff opens one desk entry (its answers, status and privacy log): written into the
 * submission's privacy log before anything is shown, so the log on the page already has it.
 * Returns undefined for a submission outside the organisation (nothing is written then).
 */
export async function openEntryForStaff(db: Kysely<Database>, args: { organisationId: number; submissionId: number; accountId: number; now?: Date }) {
  const target = await submissionWithLegalBasis(db, args);
  if (!target) return undefined;
  await inTransaction(db, (trx) =>
    appendPrivacyEvent(trx, { organisationId: args.organisationId, submissionId: target.id }, {
      type: "entry_viewed",
      actorRole: "staff",
      actorAccountId: args.accountId,
      categories: ["content"],
      purpose: "participation",
      legalBasis: target.legal_basis,
      occurredAt: args.now,
    }),
  );
  const described = await describeForStaff(db, args.organisationId, target.id);
  if (!described) return undefined;
  return { ...described, answers: await answersForStaff(db, args.organisationId, target.id) };
}
