/**
 * The rules of procedure administration: kinds, limits, the form's fields, what may change in
 * each state of the lifecycle (draft → open → closed → … → archived). The form is frozen once a
 * procedure has opened — what residents answered never changes; a new draft copy is made instead.
 */
import type { ContactFieldMode, ProcedureStatus, QuestionKind } from "#db/schema";
import type { FieldError, FormValues } from "~/modules/forms/fields";
import { CONTACT_FIELDS, type ContactFieldKey } from "./procedure";

/** What an admin action comes back with: done, or what the person has to correct (nothing stored). */
export type AdminResult<T extends object = object> =
  | ({ ok: true } & T)
  | { ok: false; status: 400 | 409; errors: FieldError[]; values: FormValues };

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

/** Closed or in evaluation, results not yet published: it may take submissions again. */
export const canReopen = (status: ProcedureStatus) => status === "closed" || status === "in_evaluation";
