/**
 * Procedures as the rest of the app sees them: parsed questions, the contact block and the rules
 * about when submissions are accepted. Pure (no database), shared by loaders, forms and tests.
 */
import type { ContactFieldMode, ProcedureRow, QuestionKind, QuestionRow } from "#db/schema";
import { addCalendarMonths } from "~/modules/calendar/months";

export interface ChoiceOption {
  value: string;
  label: string;
}

export interface Question {
  id: number;
  position: number;
  kind: QuestionKind;
  label: string;
  hint: string;
  required: boolean;
  maxLength: number | null;
  options: ChoiceOption[];
  scale: { min: number; max: number; minLabel: string; maxLabel: string } | null;
}

export const CONTACT_FIELDS = ["name", "address", "email", "phone"] as const;
export type ContactFieldKey = (typeof CONTACT_FIELDS)[number];

export interface ContactField {
  key: ContactFieldKey;
  mode: Exclude<ContactFieldMode, "off">;
  purpose: string;
}

export interface Procedure {
  id: number;
  organisationId: number;
  slug: string;
  title: string;
  summary: string;
  body: string;
  kind: string;
  legalBasis: string;
  responsibleOffice: string;
  opensAt: string;
  closesAt: string;
  status: ProcedureRow["status"];
  retentionMonths: number;
  publicationPolicy: string;
  noticeVersion: string;
  /** the law keeps personal data until the procedure is concluded (e.g. formal planning procedures) */
  erasureHold: boolean;
  erasureHoldReason: string;
  /** only the contact fields that are switched on, in display order */
  contactFields: ContactField[];
  questions: Question[];
}

export type AcceptanceState = "open" | "not_yet_open" | "closed";

/** Limits every text gets even when the question sets none. */
export const DEFAULT_MAX_LENGTH: Record<"short_text" | "long_text", number> = { short_text: 200, long_text: 5000 };
export const SCALE_MIN = 1;
export const SCALE_MAX = 5;

export function toQuestion(row: QuestionRow): Question {
  let options: ChoiceOption[] = [];
  let scale: Question["scale"] = null;
  const parsed = row.options_json ? JSON.parse(row.options_json) : [];
  if (row.kind === "single_choice" || row.kind === "multiple_choice") options = parsed as ChoiceOption[];
  if (row.kind === "scale") {
    const labels = (Array.isArray(parsed) ? {} : parsed) as { minLabel?: string; maxLabel?: string };
    scale = { min: SCALE_MIN, max: SCALE_MAX, minLabel: labels.minLabel ?? "", maxLabel: labels.maxLabel ?? "" };
  }
  const maxLength =
    row.kind === "short_text" || row.kind === "long_text" ? row.max_length ?? DEFAULT_MAX_LENGTH[row.kind] : null;
  return {
    id: row.id,
    position: row.position,
    kind: row.kind,
    label: row.label,
    hint: row.hint,
    required: row.required === 1,
    maxLength,
    options,
    scale,
  };
}

export function toProcedure(row: ProcedureRow, questionRows: QuestionRow[]): Procedure {
  const contactFields: ContactField[] = [];
  const modes: Record<ContactFieldKey, [ContactFieldMode, string]> = {
    name: [row.contact_name, row.contact_name_purpose],
    address: [row.contact_address, row.contact_address_purpose],
    email: [row.contact_email, row.contact_email_purpose],
    phone: [row.contact_phone, row.contact_phone_purpose],
  };
  for (const key of CONTACT_FIELDS) {
    const [mode, purpose] = modes[key];
    if (mode !== "off") contactFields.push({ key, mode, purpose });
  }
  return {
    id: row.id,
    organisationId: row.organisation_id,
    slug: row.slug,
    title: row.title,
    summary: row.summary,
    body: row.body,
    kind: row.kind,
    legalBasis: row.legal_basis,
    responsibleOffice: row.responsible_office,
    opensAt: row.opens_at,
    closesAt: row.closes_at,
    status: row.status,
    retentionMonths: row.retention_months,
    publicationPolicy: row.publication_policy,
    noticeVersion: row.notice_version,
    erasureHold: row.erasure_hold === 1,
    erasureHoldReason: row.erasure_hold_reason,
    contactFields,
    questions: [...questionRows].sort((a, b) => a.position - b.position).map(toQuestion),
  };
}

/** Whether a procedure takes submissions right now. */
export function acceptanceState(
  procedure: Pick<Procedure, "status" | "opensAt" | "closesAt">,
  now: Date = new Date(),
): AcceptanceState {
  const t = now.toISOString();
  if (procedure.status === "draft" || t < procedure.opensAt) return "not_yet_open";
  if (procedure.status !== "open" || t >= procedure.closesAt) return "closed";
  return "open";
}

/**
 * The day personal contact data are deleted: the closing date plus the retention period in
 * calendar months of the municipality's time zone (31 January + 3 months = 30 April).
 */
export function personalDataDeletionDate(procedure: Pick<Procedure, "closesAt" | "retentionMonths">): string {
  // asked for every submission with contact data; the time-zone arithmetic (Intl) cost more than the rest of its events
  const key = `${procedure.closesAt}|${procedure.retentionMonths}`;
  let date = deletionDates.get(key);
  if (date === undefined) {
    date = addCalendarMonths(new Date(procedure.closesAt), procedure.retentionMonths, "Europe/Berlin").toISOString();
    if (deletionDates.size >= 1000) deletionDates.clear();
    deletionDates.set(key, date);
  }
  return date;
}
const deletionDates = new Map<string, string>();

/** Form field names, one place: `q12` for question 12, `contact_email` for the e-mail address. */
export const questionFieldName = (q: Pick<Question, "id">) => `q${q.id}`;
export const contactFieldName = (key: ContactFieldKey) => `contact_${key}`;

/** Concluded: results are out, personal data kept "until the procedure is concluded" may go. */
export const isConcluded = (p: Pick<Procedure, "status">) => p.status === "results_published" || p.status === "archived";

/** Whether residents may choose to be told the result (needs an e-mail or postal address field). */
export const offersResultsNotification = (p: Pick<Procedure, "contactFields">) =>
  p.contactFields.some((c) => c.key === "email" || c.key === "address");

export const CONSENT_FIELD = "consent_results";
