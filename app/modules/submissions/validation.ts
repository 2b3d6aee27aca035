/**
 * Validates a submission against its procedure's questions and contact block. Pure and shared by
 * every channel (online form, staff desk), so a phone submission obeys exactly the online rules.
 *
 * Two kinds of failure:
 *  - a person's mistake (empty required answer, too long, bad e-mail): field errors, shown at each field;
 *  - a request no form of ours can produce (unknown or repeated fields): `MalformedSubmission`,
 *    answered with a 400 page.
 */
import { EMAIL, isPhoneNumber, normaliseText, textProblem, type FieldError, type FormFields } from "~/modules/forms/fields";
import { HttpError } from "~/modules/http/errors";
import {
  CONSENT_FIELD,
  CONTACT_FIELDS,
  contactFieldName,
  offersResultsNotification,
  questionFieldName,
  type ContactFieldKey,
  type Procedure,
  type Question,
} from "~/modules/procedures/procedure";
import { PLACE_VALUE_FIELDS, placeToValues, validatePlace, type PlaceInput, type PlanGrid } from "~/modules/places/place";

export type FormValues = Record<string, string[]>;

export interface AnswerInput {
  questionId: number;
  values: string[];
}

export type ContactInput = Partial<Record<ContactFieldKey, string>>;

export interface SubmissionInput {
  answers: AnswerInput[];
  contact: ContactInput;
  /** consent to be told the result (an optional purpose); undefined when not offered */
  consentResults?: boolean;
  /** the numbered section of the draft it is about (app/modules/sections); null or missing: the draft as a whole */
  sectionId?: number | null;
  /** where the statement is about (issue 18): only when the procedure has a plan */
  place?: PlaceInput;
}

/** A procedure as validation sees it: its questions, contact block and, when it has a plan, the plan's grid. */
export type ValidatedProcedure = Pick<Procedure, "questions" | "contactFields"> & { placeGrid?: PlanGrid | null };

export type ValidationResult =
  | { ok: true; input: SubmissionInput; values: FormValues }
  | { ok: false; errors: FieldError[]; values: FormValues };

export class MalformedSubmission extends HttpError {
  constructor(reason: "unknown_field" | "repeated_field") {
    super(400, reason);
  }
}

export const CONTACT_MAX_LENGTH: Record<ContactFieldKey, number> = { name: 200, address: 500, email: 254, phone: 40 };


function checkText(field: string, value: string, max: number, multiLine: boolean, errors: FieldError[]): boolean {
  const wrong = textProblem(value, { max, multiLine });
  if (wrong) errors.push(wrong.problem === "tooLong" ? { field, message: "errors.tooLong", params: { max, length: wrong.length } } : { field, message: "errors.forbiddenCharacters" });
  return !wrong;
}

function validateQuestion(q: Question, raw: string[], errors: FieldError[]): AnswerInput | null {
  const field = questionFieldName(q);
  const values = q.kind === "multiple_choice" ? raw : raw.map(normaliseText);
  const given = values.filter((v) => v !== "");
  if (given.length === 0) {
    if (q.required) errors.push({ field, message: q.kind === "multiple_choice" ? "errors.chooseAtLeastOne" : q.kind === "short_text" || q.kind === "long_text" ? "errors.required" : "errors.chooseOne" });
    return null;
  }
  switch (q.kind) {
    case "short_text":
    case "long_text":
      if (!checkText(field, given[0], q.maxLength!, q.kind === "long_text", errors)) return null;
      return { questionId: q.id, values: [given[0]] };
    case "single_choice":
      if (!q.options.some((o) => o.value === given[0])) {
        errors.push({ field, message: "errors.invalidOption" });
        return null;
      }
      return { questionId: q.id, values: [given[0]] };
    case "multiple_choice": {
      const unique = [...new Set(given)];
      if (unique.length !== given.length || !unique.every((v) => q.options.some((o) => o.value === v))) {
        errors.push({ field, message: "errors.invalidOption" });
        return null;
      }
      // keep the options' own order, not the browser's
      const ordered = q.options.map((o) => o.value).filter((v) => unique.includes(v));
      return { questionId: q.id, values: ordered };
    }
    case "scale": {
      const n = /^[0-9]$/.test(given[0]) ? Number(given[0]) : NaN;
      if (!q.scale || !(n >= q.scale.min && n <= q.scale.max)) {
        errors.push({ field, message: "errors.invalidOption" });
        return null;
      }
      return { questionId: q.id, values: [String(n)] };
    }
    case "yes_no":
      if (given[0] !== "yes" && given[0] !== "no") {
        errors.push({ field, message: "errors.invalidOption" });
        return null;
      }
      return { questionId: q.id, values: [given[0]] };
  }
}

function validateContact(key: ContactFieldKey, value: string, errors: FieldError[]): boolean {
  const field = contactFieldName(key);
  if (!checkText(field, value, CONTACT_MAX_LENGTH[key], key === "address", errors)) return false;
  if (key === "email" && !EMAIL.test(value)) {
    errors.push({ field, message: "errors.invalidEmail" });
    return false;
  }
  if (key === "phone" && !isPhoneNumber(value)) {
    errors.push({ field, message: "errors.invalidPhone" });
    return false;
  }
  return true;
}

/** The field names a procedure's form may send, and whether each may repeat. */
export function allowedFields(procedure: ValidatedProcedure): Map<string, boolean> {
  const allowed = new Map<string, boolean>();
  if (procedure.placeGrid) for (const name of PLACE_VALUE_FIELDS) allowed.set(name, false);
  for (const q of procedure.questions) allowed.set(questionFieldName(q), q.kind === "multiple_choice");
  for (const c of procedure.contactFields) allowed.set(contactFieldName(c.key), false);
  if (offersResultsNotification(procedure)) allowed.set(CONSENT_FIELD, false);
  return allowed;
}

/**
 * Check the submitted fields. Throws MalformedSubmission for requests our forms never send;
 * returns field errors for anything a person can correct.
 */
export function validateSubmission(
  procedure: ValidatedProcedure,
  fields: FormFields,
  extraAllowed: readonly string[] = [],
): ValidationResult {
  const allowed = allowedFields(procedure);
  const values: FormValues = {};
  for (const [name, list] of fields) {
    if (extraAllowed.includes(name)) continue;
    const repeatable = allowed.get(name);
    if (repeatable === undefined) throw new MalformedSubmission("unknown_field");
    if (!repeatable && list.length > 1) throw new MalformedSubmission("repeated_field");
    values[name] = list;
  }

  const errors: FieldError[] = [];
  const answers: AnswerInput[] = [];
  for (const q of procedure.questions) {
    const answer = validateQuestion(q, values[questionFieldName(q)] ?? [], errors);
    if (answer) answers.push(answer);
  }

  let place: PlaceInput | undefined;
  if (procedure.placeGrid) {
    const checked = validatePlace(procedure.placeGrid, values);
    errors.push(...checked.errors);
    place = checked.place;
  }

  const contact: ContactInput = {};
  for (const c of procedure.contactFields) {
    const value = normaliseText(values[contactFieldName(c.key)]?.[0] ?? "");
    if (value === "") {
      if (c.mode === "required") errors.push({ field: contactFieldName(c.key), message: `errors.contactRequired.${c.key}` });
      continue;
    }
    if (validateContact(c.key, value, errors)) contact[c.key] = value;
  }

  let consentResults: boolean | undefined;
  if (offersResultsNotification(procedure)) {
    const raw = values[CONSENT_FIELD]?.[0];
    if (raw !== undefined && raw !== "yes") {
      errors.push({ field: CONSENT_FIELD, message: "errors.invalidOption" });
    } else {
      consentResults = raw === "yes";
      // the result can only be sent to an address we were given
      if (consentResults && !contact.email && !contact.address && !errors.some((e) => e.field.startsWith("contact_"))) {
        errors.push({ field: CONSENT_FIELD, message: "errors.consentNeedsAddress" });
      }
    }
  }

  if (errors.length > 0) return { ok: false, errors, values };
  return { ok: true, input: place ? { answers, contact, consentResults, place } : { answers, contact, consentResults }, values };
}

/** The form values that show a stored input again (for "change your answer"). */
export function inputToValues(procedure: Pick<Procedure, "questions">, input: SubmissionInput): FormValues {
  const values: FormValues = {};
  for (const a of input.answers) {
    const q = procedure.questions.find((x) => x.id === a.questionId);
    if (q) values[questionFieldName(q)] = a.values;
  }
  for (const key of CONTACT_FIELDS) {
    const v = input.contact[key];
    if (v) values[contactFieldName(key)] = [v];
  }
  if (input.consentResults) values[CONSENT_FIELD] = ["yes"];
  Object.assign(values, placeToValues(input.place));
  return values;
}
