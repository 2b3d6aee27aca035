/**
 * Procedure administration: creating and editing procedures and their questions, and the
 * lifecycle (draft → open → closed → … → archived). Every query is scoped by organisation: a
 * procedure of another organisation is "not found". The form is frozen once a procedure has
 * opened — what residents answered never changes; a new draft copy is made instead.
 *
 * Two kinds of failure, as for submissions: a person's mistake comes back as field errors
 * (message keys in the "admin" namespace); a request no form of ours sends (unknown or repeated
 * fields) is an HttpError(400). The caller writes the audit log.
 */
import type { Kysely, Transaction } from "kysely";
import { keepsSections } from "~/modules/sections/sections.server";
import { isUniqueViolation } from "#db/connection.server";
import type { ContactFieldMode, Database, ProcedureRow, ProcedureStatus, ProcedureUpdate, QuestionKind, QuestionRow } from "#db/schema";
import { berlinDay, berlinTimeToIso, parseDay } from "~/i18n/dates";
import { HttpError } from "~/modules/http/errors";
import { codePointLength, normaliseText, type FieldError } from "~/modules/forms/fields";
import { CONTACT_FIELDS, toProcedure, type ContactFieldKey, type Procedure, type Question } from "./procedure";

type Db = Kysely<Database>;
type Trx = Transaction<Database>;
export type FormFields = Map<string, string[]>;
export type AdminFormValues = Record<string, string>;

/** What an admin action comes back with: done, or what the person has to correct (nothing stored). */
export type AdminResult<T extends object = object> =
  | ({ ok: true } & T)
  | { ok: false; status: 400 | 409; errors: FieldError[]; values: AdminFormValues };

// ---------------------------------------------------------------------------------------------
// Rules and limits
// ---------------------------------------------------------------------------------------------

export const PROCEDURE_KINDS = ["consultation", "survey", "idea_collection"] as const;
export const QUESTION_KINDS: readonly QuestionKind[] = ["short_text", "long_text", "single_choice", "multiple_choice", "scale", "yes_no"];
export const CONTACT_MODES: readonly ContactFieldMode[] = ["off", "optional", "required"];

/** Column sizes (PostgreSQL enforces them) and the limits the forms promise. */
export const PROCEDURE_LIMITS = {
  slug: 100,
  title: 300,
  summary: 1000,
  body: 20000,
  legal_basis: 500,
  responsible_office: 300,
  publication_policy: 1000,
  purpose: 500,
} as const;
export const RETENTION_MONTHS = { min: 1, max: 120 } as const;
export const QUESTION_LIMITS = { label: 500, hint: 1000, option: 200, scaleLabel: 100, minOptions: 2, maxOptions: 20, perProcedure: 50 } as const;
export const MAX_LENGTH_LIMIT: Record<"short_text" | "long_text", number> = { short_text: 500, long_text: 10000 };

/** The form's field names, in the order the form shows them. */
export const contactModeField = (key: ContactFieldKey) => `contact_${key}`;
export const contactPurposeField = (key: ContactFieldKey) => `contact_${key}_purpose`;
export const PROCEDURE_FIELDS = [
  "title",
  "slug",
  "summary",
  "body",
  "kind",
  "legal_basis",
  "responsible_office",
  "opens_on",
  "closes_on",
  "retention_months",
  "publication_policy",
  ...CONTACT_FIELDS.flatMap((k) => [contactModeField(k), contactPurposeField(k)]),
] as const;
export type ProcedureField = (typeof PROCEDURE_FIELDS)[number];

/**
 * What may still change in each state. Once open, the form residents fill in (questions, contact
 * block), what the privacy notice promised (legal basis, retention, publication) and the address
 * (slug) stay as they were; texts may be corrected and the closing date moved while open.
 */
export function editableFields(status: ProcedureStatus): readonly ProcedureField[] {
  switch (status) {
    case "draft":
      return PROCEDURE_FIELDS;
    case "open":
      return ["title", "summary", "body", "responsible_office", "closes_on"];
    case "archived":
      return [];
    default:
      return ["title", "summary", "body", "responsible_office"];
  }
}

/** Questions (and the rest of the form) are frozen once a procedure has opened. */
export const questionsFrozen = (status: ProcedureStatus) => status !== "draft";

export const canOpen = (status: ProcedureStatus) => status === "draft";
export const canClose = (status: ProcedureStatus) => status === "open";
export const canArchive = (status: ProcedureStatus) => status === "closed" || status === "in_evaluation" || status === "results_published";

export const QUESTION_FIELDS = ["kind", "label", "hint", "required", "max_length", "options", "scale_min_label", "scale_max_label"] as const;

// ---------------------------------------------------------------------------------------------
// Reading form fields
// ---------------------------------------------------------------------------------------------

/** One value per field; anything our forms never send is a 400. */
function singleValues(fields: FormFields, allowed: readonly string[]): AdminFormValues {
  const values: AdminFormValues = {};
  for (const [name, list] of fields) {
    if (!allowed.includes(name)) throw new HttpError(400, "unknown_field");
    if (list.length > 1) throw new HttpError(400, "repeated_field");
    values[name] = list[0];
  }
  return values;
}

/** Takes the `intent` field out of a staff form; an intent the page does not offer is a 400. */
export function takeIntent<T extends string>(fields: FormFields, intents: readonly T[]): T {
  const list = fields.get("intent") ?? [];
  fields.delete("intent");
  if (list.length !== 1 || !(intents as readonly string[]).includes(list[0])) throw new HttpError(400, "unknown_field");
  return list[0] as T;
}

/** Takes a numeric id field (e.g. `question_id`) out of a staff form. */
export function takeId(fields: FormFields, name: string): number {
  const list = fields.get(name) ?? [];
  fields.delete(name);
  const id = parseId(list.length === 1 ? list[0] : undefined);
  if (id === null) throw new HttpError(400, "unknown_field");
  return id;
}

/** A route's `:id` parameter, or null when it cannot be an id. */
export function parseId(raw: string | undefined): number | null {
  if (!raw || !/^[1-9][0-9]{0,9}$/.test(raw)) return null;
  const n = Number(raw);
  return n <= 2_147_483_647 ? n : null;
}

// C0 controls except tab and newline, DEL, C1 controls, the replacement character and bidi overrides
export const FORBIDDEN_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFD\u202A-\u202E\u2066-\u2069]/;

/** One text field: normalised, required or not, no forbidden characters, at most `max` code points. */
export function text(
  values: AdminFormValues,
  field: string,
  max: number,
  errors: FieldError[],
  { required = false, multiLine = false, requiredMessage = `errors.required.${field}` } = {},
): string {
  const value = normaliseText(values[field] ?? "");
  values[field] = values[field] ?? "";
  if (value === "") {
    if (required) errors.push({ field, message: requiredMessage });
    return "";
  }
  if (FORBIDDEN_CHARACTERS.test(value) || (!multiLine && /[\n\t]/.test(value))) {
    errors.push({ field, message: "errors.forbiddenCharacters" });
    return "";
  }
  const length = codePointLength(value);
  if (length > max) {
    errors.push({ field, message: "errors.tooLong", params: { max, length } });
    return "";
  }
  return value;
}

function choice<T extends string>(values: AdminFormValues, field: string, allowed: readonly T[], errors: FieldError[], requiredMessage: string): T | null {
  const value = values[field] ?? "";
  if (value === "") {
    errors.push({ field, message: requiredMessage });
    return null;
  }
  if (!(allowed as readonly string[]).includes(value)) {
    errors.push({ field, message: "errors.invalidChoice" });
    return null;
  }
  return value as T;
}

function wholeNumber(raw: string): number | null {
  const s = raw.trim();
  return /^[0-9]{1,6}$/.test(s) ? Number(s) : null;
}

// ---------------------------------------------------------------------------------------------
// Slugs and dates
// ---------------------------------------------------------------------------------------------

export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** "Straßen & Plätze 2030" → "strassen-plaetze-2030". */
export function slugify(s: string, max: number = PROCEDURE_LIMITS.slug): string {
  return s
    .toLowerCase()
    .replace(/ä/g, "ae")
    .replace(/ö/g, "oe")
    .replace(/ü/g, "ue")
    .replace(/ß/g, "ss")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, max)
    .replace(/-+$/, "");
}

export const opensAtFor = (day: string) => berlinTimeToIso(day, [0, 0, 0]);
export const closesAtFor = (day: string) => berlinTimeToIso(day, [23, 59, 59]);


// ---------------------------------------------------------------------------------------------
// The procedure form
// ---------------------------------------------------------------------------------------------

const CONTACT_COLUMNS: Record<ContactFieldKey, { mode: "contact_name" | "contact_address" | "contact_email" | "contact_phone"; purpose: "contact_name_purpose" | "contact_address_purpose" | "contact_email_purpose" | "contact_phone_purpose" }> = {
  name: { mode: "contact_name", purpose: "contact_name_purpose" },
  address: { mode: "contact_address", purpose: "contact_address_purpose" },
  email: { mode: "contact_email", purpose: "contact_email_purpose" },
  phone: { mode: "contact_phone", purpose: "contact_phone_purpose" },
};

/** The procedure as its edit form shows it. */
export function procedureFormValues(row: ProcedureRow): AdminFormValues {
  const values: AdminFormValues = {
    title: row.title,
    slug: row.slug,
    summary: row.summary,
    body: row.body,
    kind: row.kind,
    legal_basis: row.legal_basis,
    responsible_office: row.responsible_office,
    opens_on: berlinDay(row.opens_at),
    closes_on: berlinDay(row.closes_at),
    retention_months: String(row.retention_months),
    publication_policy: row.publication_policy,
  };
  for (const key of CONTACT_FIELDS) {
    values[contactModeField(key)] = row[CONTACT_COLUMNS[key].mode];
    values[contactPurposeField(key)] = row[CONTACT_COLUMNS[key].purpose];
  }
  return values;
}

/**
 * Checks the procedure form. Only `editable` fields may be sent; the others keep their stored
 * value (`current`) and take part in the cross-field checks (closing after opening).
 */
export function validateProcedureForm(
  fields: FormFields,
  editable: readonly ProcedureField[] = PROCEDURE_FIELDS,
  current?: ProcedureRow,
): { ok: true; changes: ProcedureUpdate; values: AdminFormValues } | { ok: false; errors: FieldError[]; values: AdminFormValues } {
  const values = singleValues(fields, editable);
  const errors: FieldError[] = [];
  const changes: ProcedureUpdate = {};
  const has = (f: ProcedureField) => editable.includes(f);

  if (has("title")) changes.title = text(values, "title", PROCEDURE_LIMITS.title, errors, { required: true });
  if (has("slug")) {
    const raw = (values.slug ?? "").trim().toLowerCase();
    // left empty: made from the title
    const slug = raw === "" ? slugify(changes.title ?? "") : raw;
    values.slug = slug;
    if (slug === "") {
      if (!errors.some((e) => e.field === "title")) errors.push({ field: "slug", message: "errors.required.slug" });
    } else if (slug.length > PROCEDURE_LIMITS.slug) errors.push({ field: "slug", message: "errors.tooLong", params: { max: PROCEDURE_LIMITS.slug, length: slug.length } });
    else if (!SLUG.test(slug)) errors.push({ field: "slug", message: "errors.slugFormat" });
    else changes.slug = slug;
  }
  if (has("summary")) changes.summary = text(values, "summary", PROCEDURE_LIMITS.summary, errors, { required: true, multiLine: true });
  if (has("body")) changes.body = text(values, "body", PROCEDURE_LIMITS.body, errors, { required: true, multiLine: true });
  if (has("kind")) {
    const kind = choice(values, "kind", PROCEDURE_KINDS, errors, "errors.required.kind");
    if (kind) changes.kind = kind;
  }
  if (has("legal_basis")) changes.legal_basis = text(values, "legal_basis", PROCEDURE_LIMITS.legal_basis, errors, { required: true });
  if (has("responsible_office")) changes.responsible_office = text(values, "responsible_office", PROCEDURE_LIMITS.responsible_office, errors, { required: true });

  let opensOn: string | null = current ? berlinDay(current.opens_at) : null;
  let closesOn: string | null = current ? berlinDay(current.closes_at) : null;
  for (const field of ["opens_on", "closes_on"] as const) {
    if (!has(field)) continue;
    const raw = values[field] ?? "";
    values[field] = raw;
    const day = raw.trim() === "" ? null : parseDay(raw);
    if (raw.trim() === "") errors.push({ field, message: `errors.required.${field}` });
    else if (!day) errors.push({ field, message: "errors.invalidDate" });
    if (field === "opens_on") opensOn = day;
    else closesOn = day;
    // the same day as stored: the stored time stays (it need not be midnight)
    if (day && !(current && day === berlinDay(field === "opens_on" ? current.opens_at : current.closes_at))) {
      if (field === "opens_on") changes.opens_at = opensAtFor(day);
      else changes.closes_at = closesAtFor(day);
    }
  }
  if ((has("opens_on") || has("closes_on")) && opensOn && closesOn && closesOn < opensOn) {
    errors.push({ field: has("closes_on") ? "closes_on" : "opens_on", message: "errors.closesBeforeOpens" });
  }

  if (has("retention_months")) {
    const raw = values.retention_months ?? "";
    values.retention_months = raw;
    const n = wholeNumber(raw);
    if (raw.trim() === "") errors.push({ field: "retention_months", message: "errors.required.retention_months" });
    else if (n === null || n < RETENTION_MONTHS.min || n > RETENTION_MONTHS.max) {
      errors.push({ field: "retention_months", message: "errors.retentionRange", params: { min: RETENTION_MONTHS.min, max: RETENTION_MONTHS.max } });
    } else changes.retention_months = n;
  }
  if (has("publication_policy")) {
    changes.publication_policy = text(values, "publication_policy", PROCEDURE_LIMITS.publication_policy, errors, { required: true, multiLine: true });
  }

  for (const key of CONTACT_FIELDS) {
    const modeField = contactModeField(key);
    const purposeField = contactPurposeField(key);
    if (!has(modeField as ProcedureField)) continue;
    const mode = choice(values, modeField, CONTACT_MODES, errors, `errors.required.contactMode`);
    const purpose = text(values, purposeField, PROCEDURE_LIMITS.purpose, errors, { required: mode === "optional" || mode === "required", requiredMessage: `errors.purposeRequired.${key}` });
    if (mode) {
      changes[CONTACT_COLUMNS[key].mode] = mode;
      // a purpose for data not asked for is not kept: it would only mislead
      changes[CONTACT_COLUMNS[key].purpose] = mode === "off" ? "" : purpose;
    }
  }

  if (errors.length > 0) return { ok: false, errors, values };
  return { ok: true, changes, values };
}

type Refusal = Extract<AdminResult, { ok: false }>;

const slugTaken = (values: AdminFormValues): Refusal => ({
  ok: false,
  status: 400,
  errors: [{ field: "slug", message: "errors.slugTaken" }],
  values,
});

async function slugInUse(db: Db | Trx, organisationId: number, slug: string, exceptId?: number): Promise<boolean> {
  let q = db.selectFrom("procedures").select("id").where("organisation_id", "=", organisationId).where("slug", "=", slug);
  if (exceptId !== undefined) q = q.where("id", "!=", exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

/** The notice version of a new draft: the day it was made. */
const noticeVersionFor = (now: Date) => now.toISOString().slice(0, 10);

/** A new draft procedure from the create form. */
export async function createProcedure(
  db: Db,
  organisationId: number,
  fields: FormFields,
  now: Date = new Date(),
): Promise<AdminResult<{ id: number; slug: string }>> {
  const checked = validateProcedureForm(fields);
  if (!checked.ok) return { ok: false, status: 400, errors: checked.errors, values: checked.values };
  const c = checked.changes;
  if (await slugInUse(db, organisationId, c.slug!)) return slugTaken(checked.values);
  try {
    const { id } = await db
      .insertInto("procedures")
      .values({
        organisation_id: organisationId,
        slug: c.slug!,
        title: c.title!,
        summary: c.summary!,
        body: c.body!,
        kind: c.kind!,
        legal_basis: c.legal_basis!,
        responsible_office: c.responsible_office!,
        opens_at: c.opens_at!,
        closes_at: c.closes_at!,
        status: "draft",
        retention_months: c.retention_months!,
        publication_policy: c.publication_policy!,
        notice_version: noticeVersionFor(now),
        contact_name: c.contact_name!,
        contact_name_purpose: c.contact_name_purpose!,
        contact_address: c.contact_address!,
        contact_address_purpose: c.contact_address_purpose!,
        contact_email: c.contact_email!,
        contact_email_purpose: c.contact_email_purpose!,
        contact_phone: c.contact_phone!,
        contact_phone_purpose: c.contact_phone_purpose!,
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
        derived_from_id: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { ok: true, id, slug: c.slug! };
  } catch (error) {
    // two admins choosing the same address at the same moment
    if (isUniqueViolation(error)) return slugTaken(checked.values);
    throw error;
  }
}

async function findRow(db: Db | Trx, organisationId: number, id: number): Promise<ProcedureRow> {
  const row = await db.selectFrom("procedures").selectAll().where("organisation_id", "=", organisationId).where("id", "=", id).executeTakeFirst();
  if (!row) throw new HttpError(404, "procedure_not_found");
  return row;
}

/**
 * Saves the edit form. Which fields may be sent depends on the procedure's state (editableFields);
 * `changed` names the fields whose stored value changed, for the audit log.
 */
export async function updateProcedure(
  db: Db,
  organisationId: number,
  id: number,
  fields: FormFields,
  now: Date = new Date(),
): Promise<AdminResult<{ changed: string[] }>> {
  const row = await findRow(db, organisationId, id);
  const editable = editableFields(row.status);
  if (editable.length === 0) {
    return { ok: false, status: 409, errors: [{ field: "details", message: "errors.notEditable" }], values: procedureFormValues(row) };
  }
  const checked = validateProcedureForm(fields, editable, row);
  if (!checked.ok) return { ok: false, status: 400, errors: checked.errors, values: checked.values };
  const changes = checked.changes;
  const changed = (Object.keys(changes) as (keyof ProcedureUpdate)[]).filter((k) => changes[k] !== row[k as keyof ProcedureRow]);
  if (changed.length === 0) return { ok: true, changed: [] };
  // an opened procedure's sections are fixed (decision 48): its text may change between the headings only
  if (changes.body !== undefined && changes.body !== row.body && !(await keepsSections(db, { id: row.id, status: row.status, body: row.body }, changes.body))) {
    return { ok: false, status: 400, errors: [{ field: "body", message: "errors.sectionsFixed" }], values: checked.values };
  }
  if (changes.slug && changes.slug !== row.slug && (await slugInUse(db, organisationId, changes.slug, id))) return slugTaken(checked.values);
  try {
    const result = await db
      .updateTable("procedures")
      .set({ ...Object.fromEntries(changed.map((k) => [k, changes[k]])), updated_at: now.toISOString() })
      .where("organisation_id", "=", organisationId)
      .where("id", "=", id)
      // the state the fields were chosen for: an edit racing with "open" changes nothing
      .where("status", "=", row.status)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) {
      return { ok: false, status: 409, errors: [{ field: "details", message: "errors.changedMeanwhile" }], values: checked.values };
    }
  } catch (error) {
    if (isUniqueViolation(error)) return slugTaken(checked.values);
    throw error;
  }
  return { ok: true, changed };
}

export interface AdminProcedure extends Procedure {
  derivedFromId: number | null;
  /** the end it was planned to have, when it was closed early */
  plannedClosesAt: string | null;
  /** the stored row's form values, every contact field included (also those switched off) */
  formValues: AdminFormValues;
  submissionCount: number;
  createdAt: string;
  updatedAt: string;
}

/** A procedure of this organisation with its questions, whatever its state; undefined for any other. */
export async function getProcedureForAdmin(db: Db, organisationId: number, id: number): Promise<AdminProcedure | undefined> {
  const row = await db.selectFrom("procedures").selectAll().where("organisation_id", "=", organisationId).where("id", "=", id).executeTakeFirst();
  if (!row) return undefined;
  const questions = await db.selectFrom("questions").selectAll().where("procedure_id", "=", row.id).orderBy("position").orderBy("id").execute();
  const { n } = await db
    .selectFrom("submissions")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("procedure_id", "=", row.id)
    .where("organisation_id", "=", organisationId)
    .executeTakeFirstOrThrow();
  return {
    ...toProcedure(row, questions),
    derivedFromId: row.derived_from_id,
    plannedClosesAt: row.planned_closes_at,
    formValues: procedureFormValues(row),
    submissionCount: Number(n),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

// ---------------------------------------------------------------------------------------------
// Questions
// ---------------------------------------------------------------------------------------------

/** A question as its edit form shows it. */
export function questionFormValues(q: Question): AdminFormValues {
  return {
    kind: q.kind,
    label: q.label,
    hint: q.hint,
    required: q.required ? "yes" : "",
    max_length: q.kind === "short_text" || q.kind === "long_text" ? String(q.maxLength ?? "") : "",
    options: q.options.map((o) => o.label).join("\n"),
    scale_min_label: q.scale?.minLabel ?? "",
    scale_max_label: q.scale?.maxLabel ?? "",
  };
}

interface QuestionChanges {
  kind: QuestionKind;
  label: string;
  hint: string;
  required: number;
  max_length: number | null;
  options_json: string;
}

/** Option values made from their labels: "Zu Fuß" → "zu-fuss"; the same value twice gets -2, -3. */
export function optionValues(labels: string[]): string[] {
  const used = new Set<string>();
  return labels.map((label) => {
    const base = slugify(label, 40) || "option";
    let value = base;
    for (let n = 2; used.has(value); n++) value = `${base}-${n}`;
    used.add(value);
    return value;
  });
}

/** Checks the question form. Fields of other kinds (the form shows them all) are ignored. */
export function validateQuestionForm(
  fields: FormFields,
): { ok: true; question: QuestionChanges; values: AdminFormValues } | { ok: false; errors: FieldError[]; values: AdminFormValues } {
  const values = singleValues(fields, QUESTION_FIELDS);
  const errors: FieldError[] = [];
  const kind = choice(values, "kind", QUESTION_KINDS, errors, "errors.required.questionKind");
  const label = text(values, "label", QUESTION_LIMITS.label, errors, { required: true });
  const hint = text(values, "hint", QUESTION_LIMITS.hint, errors);
  const requiredRaw = values.required ?? "";
  if (requiredRaw !== "" && requiredRaw !== "yes") errors.push({ field: "required", message: "errors.invalidChoice" });
  let maxLength: number | null = null;
  let options = "[]";

  if (kind === "short_text" || kind === "long_text") {
    const raw = values.max_length ?? "";
    if (raw.trim() !== "") {
      const n = wholeNumber(raw);
      const max = MAX_LENGTH_LIMIT[kind];
      if (n === null || n < 1 || n > max) errors.push({ field: "max_length", message: "errors.maxLengthRange", params: { max } });
      else maxLength = n;
    }
  }
  if (kind === "single_choice" || kind === "multiple_choice") {
    const raw = normaliseText(values.options ?? "");
    const labels = raw
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "");
    if (FORBIDDEN_CHARACTERS.test(raw) || /\t/.test(raw)) errors.push({ field: "options", message: "errors.forbiddenCharacters" });
    else if (labels.length < QUESTION_LIMITS.minOptions || labels.length > QUESTION_LIMITS.maxOptions) {
      errors.push({ field: "options", message: "errors.optionsCount", params: { min: QUESTION_LIMITS.minOptions, max: QUESTION_LIMITS.maxOptions, given: labels.length } });
    } else if (labels.some((l) => codePointLength(l) > QUESTION_LIMITS.option)) {
      errors.push({ field: "options", message: "errors.optionTooLong", params: { max: QUESTION_LIMITS.option } });
    } else if (new Set(labels.map((l) => l.toLowerCase())).size !== labels.length) {
      errors.push({ field: "options", message: "errors.optionsDuplicate" });
    } else {
      const vals = optionValues(labels);
      options = JSON.stringify(labels.map((l, i) => ({ value: vals[i], label: l })));
    }
  }
  if (kind === "scale") {
    const minLabel = text(values, "scale_min_label", QUESTION_LIMITS.scaleLabel, errors, { required: true });
    const maxLabel = text(values, "scale_max_label", QUESTION_LIMITS.scaleLabel, errors, { required: true });
    options = JSON.stringify({ minLabel, maxLabel });
  }
  if (errors.length > 0 || !kind) return { ok: false, errors, values };
  return { ok: true, values, question: { kind, label, hint, required: requiredRaw === "yes" ? 1 : 0, max_length: maxLength, options_json: options } };
}

const frozen = (values: AdminFormValues = {}): { ok: false; status: 409; errors: FieldError[]; values: AdminFormValues } => ({
  ok: false,
  status: 409,
  errors: [{ field: "questions", message: "errors.questionsFrozen" }],
  values,
});

/**
 * Inside a transaction: makes sure the procedure is this organisation's and still a draft, and
 * holds its row until the end (a conditional update locks it on PostgreSQL; SQLite transactions
 * take the write lock at once), so that opening cannot slip in between check and change.
 */
async function lockDraft(trx: Trx, organisationId: number, procedureId: number): Promise<boolean> {
  const result = await trx
    .updateTable("procedures")
    .set({ status: "draft" }) // writes nothing new, but holds the row
    .where("organisation_id", "=", organisationId)
    .where("id", "=", procedureId)
    .where("status", "=", "draft")
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 1) return true;
  await findRow(trx, organisationId, procedureId); // 404 when it is not this organisation's
  return false;
}

async function touch(trx: Trx, procedureId: number, now: Date) {
  await trx.updateTable("procedures").set({ updated_at: now.toISOString() }).where("id", "=", procedureId).execute();
}

async function questionsOf(trx: Trx, procedureId: number): Promise<QuestionRow[]> {
  return trx.selectFrom("questions").selectAll().where("procedure_id", "=", procedureId).orderBy("position").orderBy("id").execute();
}

function requireQuestion(questions: QuestionRow[], questionId: number): QuestionRow {
  const q = questions.find((x) => x.id === questionId);
  if (!q) throw new HttpError(404, "not_found");
  return q;
}

export async function addQuestion(
  db: Db,
  organisationId: number,
  procedureId: number,
  fields: FormFields,
  now: Date = new Date(),
): Promise<AdminResult<{ id: number }>> {
  const checked = validateQuestionForm(fields);
  const row = await findRow(db, organisationId, procedureId);
  if (questionsFrozen(row.status)) return frozen(checked.values);
  if (!checked.ok) return { ok: false, status: 400, errors: checked.errors, values: checked.values };
  return db.transaction().execute(async (trx): Promise<AdminResult<{ id: number }>> => {
    if (!(await lockDraft(trx, organisationId, procedureId))) return frozen(checked.values);
    const existing = await questionsOf(trx, procedureId);
    if (existing.length >= QUESTION_LIMITS.perProcedure) {
      return { ok: false, status: 400, errors: [{ field: "kind", message: "errors.tooManyQuestions", params: { max: QUESTION_LIMITS.perProcedure } }], values: checked.values };
    }
    const position = existing.reduce((m, q) => Math.max(m, q.position), 0) + 1;
    const { id } = await trx
      .insertInto("questions")
      .values({ ...checked.question, procedure_id: procedureId, position })
      .returning("id")
      .executeTakeFirstOrThrow();
    await touch(trx, procedureId, now);
    return { ok: true, id };
  });
}

export async function updateQuestion(
  db: Db,
  organisationId: number,
  procedureId: number,
  questionId: number,
  fields: FormFields,
  now: Date = new Date(),
): Promise<AdminResult<{ changed: string[] }>> {
  const checked = validateQuestionForm(fields);
  const row = await findRow(db, organisationId, procedureId);
  if (questionsFrozen(row.status)) return frozen(checked.values);
  return db.transaction().execute(async (trx): Promise<AdminResult<{ changed: string[] }>> => {
    if (!(await lockDraft(trx, organisationId, procedureId))) return frozen(checked.values);
    const current = requireQuestion(await questionsOf(trx, procedureId), questionId);
    if (!checked.ok) return { ok: false, status: 400, errors: checked.errors, values: checked.values };
    const q = checked.question;
    const changed = (Object.keys(q) as (keyof QuestionChanges)[]).filter((k) => q[k] !== current[k]);
    if (changed.length > 0) {
      await trx.updateTable("questions").set(q).where("id", "=", questionId).where("procedure_id", "=", procedureId).execute();
      await touch(trx, procedureId, now);
    }
    return { ok: true, changed };
  });
}

/** Swaps a question with its neighbour; at either end nothing moves. Positions are 1…n afterwards. */
export async function moveQuestion(
  db: Db,
  organisationId: number,
  procedureId: number,
  questionId: number,
  direction: "up" | "down",
  now: Date = new Date(),
): Promise<AdminResult<{ moved: boolean; position: number }>> {
  return db.transaction().execute(async (trx): Promise<AdminResult<{ moved: boolean; position: number }>> => {
    if (!(await lockDraft(trx, organisationId, procedureId))) return frozen();
    const questions = await questionsOf(trx, procedureId);
    const q = requireQuestion(questions, questionId);
    const from = questions.indexOf(q);
    const to = direction === "up" ? from - 1 : from + 1;
    const order = [...questions];
    const moved = to >= 0 && to < order.length;
    if (moved) [order[from], order[to]] = [order[to], order[from]];
    await renumber(trx, order);
    if (moved) await touch(trx, procedureId, now);
    return { ok: true, moved, position: order.indexOf(q) + 1 };
  });
}

async function renumber(trx: Trx, order: QuestionRow[]) {
  for (const [i, q] of order.entries()) {
    if (q.position !== i + 1) await trx.updateTable("questions").set({ position: i + 1 }).where("id", "=", q.id).execute();
  }
}

export async function removeQuestion(
  db: Db,
  organisationId: number,
  procedureId: number,
  questionId: number,
  now: Date = new Date(),
): Promise<AdminResult<{ label: string }>> {
  return db.transaction().execute(async (trx): Promise<AdminResult<{ label: string }>> => {
    if (!(await lockDraft(trx, organisationId, procedureId))) return frozen();
    const questions = await questionsOf(trx, procedureId);
    const q = requireQuestion(questions, questionId);
    await touch(trx, procedureId, now);
    await trx.deleteFrom("questions").where("id", "=", questionId).where("procedure_id", "=", procedureId).execute();
    await renumber(trx, questions.filter((x) => x.id !== questionId));
    return { ok: true, label: q.label };
  });
}

// ---------------------------------------------------------------------------------------------
// Lifecycle
// ---------------------------------------------------------------------------------------------

type Transition = AdminResult<{ from: ProcedureStatus; to: ProcedureStatus }>;

const lifecycleError = (message: string, status: 400 | 409 = 409, params?: Record<string, string | number>): Transition => ({
  ok: false,
  status,
  errors: [{ field: "lifecycle", message, params }],
  values: {},
});

/**
 * Draft → open: only with at least one question and dates that make sense (closing after opening,
 * and not already over). An opening day in the future makes it "coming soon" until then.
 */
export async function openProcedure(db: Db, organisationId: number, id: number, now: Date = new Date()): Promise<Transition> {
  return db.transaction().execute(async (trx): Promise<Transition> => {
    if (!(await lockDraft(trx, organisationId, id))) return lifecycleError("errors.wrongStatus");
    const row = await findRow(trx, organisationId, id);
    const questions = await questionsOf(trx, id);
    if (questions.length === 0) return lifecycleError("errors.noQuestions", 400);
    if (!(row.opens_at < row.closes_at)) return lifecycleError("errors.closesBeforeOpens", 400);
    if (row.closes_at <= now.toISOString()) return lifecycleError("errors.closesInPast", 400);
    // every rule the edit form checks still holds (a row made some other way could differ)
    const check = validateProcedureForm(new Map(Object.entries(procedureFormValues(row)).map(([k, v]) => [k, [v]])));
    if (!check.ok) return lifecycleError("errors.incomplete", 400);
    await trx.updateTable("procedures").set({ status: "open", updated_at: now.toISOString() }).where("id", "=", id).execute();
    return { ok: true, from: "draft", to: "open" };
  });
}

async function transition(
  db: Db,
  organisationId: number,
  id: number,
  allowed: (s: ProcedureStatus) => boolean,
  to: ProcedureStatus,
  now: Date,
  extra: ProcedureUpdate = {},
): Promise<Transition> {
  const row = await findRow(db, organisationId, id);
  if (!allowed(row.status)) return lifecycleError("errors.wrongStatus");
  const result = await db
    .updateTable("procedures")
    .set({ ...extra, status: to, updated_at: now.toISOString() })
    .where("organisation_id", "=", organisationId)
    .where("id", "=", id)
    .where("status", "=", row.status) // nobody changed it in between
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return lifecycleError("errors.wrongStatus");
  return { ok: true, from: row.status, to };
}

/**
 * Open → closed. Closed early, the closing date becomes today, so every page says when it ended,
 * and the planned end is kept (reopening offers it again). Closing early must be confirmed: without
 * `confirmedEarly` nothing changes and the answer names the planned end, for the question.
 */
export async function closeProcedure(
  db: Db,
  organisationId: number,
  id: number,
  now: Date = new Date(),
  { confirmedEarly = true }: { confirmedEarly?: boolean } = {},
): Promise<Transition | { ok: false; confirm: { plannedEnd: string } }> {
  const row = await findRow(db, organisationId, id);
  const early = row.closes_at > now.toISOString();
  if (early && canClose(row.status) && !confirmedEarly) return { ok: false, confirm: { plannedEnd: row.closes_at } };
  return transition(db, organisationId, id, canClose, "closed", now, early ? { closes_at: now.toISOString(), planned_closes_at: row.closes_at } : {});
}

/** Closed or in evaluation, results not yet published: it may take submissions again. */
export const canReopen = (status: ProcedureStatus) => status === "closed" || status === "in_evaluation";

/**
 * Closed (or in evaluation) → open again, until the results are published: with a new closing day
 * (Berlin calendar day, from the form — the planned end is offered there), which must lie in the
 * future.
 */
export async function reopenProcedure(db: Db, organisationId: number, id: number, closesOn: string, now: Date = new Date()): Promise<Transition> {
  const day = parseDay(closesOn);
  if (!day) return lifecycleError("errors.reopenDate", 400);
  const closesAt = closesAtFor(day);
  if (closesAt <= now.toISOString()) return lifecycleError("errors.reopenInPast", 400);
  return transition(db, organisationId, id, canReopen, "open", now, { closes_at: closesAt, planned_closes_at: null });
}

/** The day a reopened procedure is offered to end on: its planned end if that is still ahead. */
export function reopenDayFor(p: { closesAt: string; plannedClosesAt: string | null }, now: Date = new Date()): string {
  return p.plannedClosesAt && p.plannedClosesAt > now.toISOString() ? berlinDay(p.plannedClosesAt) : "";
}

/** Closed, in evaluation or results published → archived. */
export async function archiveProcedure(db: Db, organisationId: number, id: number, now: Date = new Date()): Promise<Transition> {
  return transition(db, organisationId, id, canArchive, "archived", now);
}

/** "radverkehr" → "radverkehr-2", or the next free number. */
async function freeSlugFor(db: Db | Trx, organisationId: number, slug: string, isCopy: boolean): Promise<string> {
  // a copy of a copy counts on from the original's address ("radweg-2" → "radweg-3")
  const base = (isCopy ? slug.replace(/-\d+$/, "") : slug).slice(0, PROCEDURE_LIMITS.slug - 6).replace(/-+$/, "") || "verfahren";
  const rows = await db
    .selectFrom("procedures")
    .select("slug")
    .where("organisation_id", "=", organisationId)
    .where("slug", "like", `${base}-%`)
    .execute();
  const used = new Set(rows.map((r) => r.slug));
  let n = 2;
  while (used.has(`${base}-${n}`)) n++;
  return `${base}-${n}`;
}

/**
 * A new draft with the same details and questions (derived_from_id set, a new address). The
 * original, its questions and every answer given to them stay exactly as they were.
 */
export async function copyAsDraft(
  db: Db,
  organisationId: number,
  id: number,
  now: Date = new Date(),
): Promise<{ ok: true; id: number; slug: string; from: number }> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction().execute(async (trx) => {
        const { id: _id, ...row } = await findRow(trx, organisationId, id);
        const questions = await questionsOf(trx, id);
        const slug = await freeSlugFor(trx, organisationId, row.slug, row.derived_from_id !== null);
        const { id: copyId } = await trx
          .insertInto("procedures")
          .values({
            ...row,
            slug,
            status: "draft",
            notice_version: noticeVersionFor(now),
            derived_from_id: id,
            planned_closes_at: null,
            created_at: now.toISOString(),
            updated_at: now.toISOString(),
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        if (questions.length > 0) {
          await trx
            .insertInto("questions")
            .values(
              questions.map((q, i) => ({
                procedure_id: copyId,
                position: i + 1,
                kind: q.kind,
                label: q.label,
                hint: q.hint,
                required: q.required,
                max_length: q.max_length,
                options_json: q.options_json,
              })),
            )
            .execute();
        }
        return { ok: true as const, id: copyId, slug, from: id };
      });
    } catch (error) {
      // another copy took the same address at the same moment: count on
      if (isUniqueViolation(error) && attempt < 3) continue;
      throw error;
    }
  }
}
