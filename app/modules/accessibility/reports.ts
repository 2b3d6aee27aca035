/**
 * Barrier reports: the rules, without a database. A report must be answered within one month of
 * its receipt (§ 12b Abs. 2 Nr. 2 BGG and the states' equivalents); the contact data left for the
 * answer are erased CONTACT_RETENTION_DAYS after the report is closed.
 */
import type { BarrierReportStatus } from "#db/schema";
import { addCalendarMonths } from "~/modules/calendar/months";
import { EMAIL, codePointLength, isPhoneNumber, normaliseText, textProblem, type FieldError } from "~/modules/forms/fields";

export const REPORT_LIMITS = { page: 300, description: 3000, email: 254, phone: 40, answer: 5000 } as const;
/** Fields of the resident's form, in page order (the error summary follows it). */
export const REPORT_FIELDS = ["page", "description", "email", "phone"] as const;
export type ReportField = (typeof REPORT_FIELDS)[number];
/** The hidden field that makes a resent form find its first report. */
export const FORM_TOKEN_FIELD = "token";
/** Kept after closing so that a follow-up question can still be answered; then erased. */
export const CONTACT_RETENTION_DAYS = 30;
/** Reports stored per client address and hour. */
export const REPORT_RATE_LIMIT = { limit: 5, windowMs: 60 * 60 * 1000 };

/** message: a key in the "accessibility" namespace */
export type ReportError = FieldError;

export interface ReportInput {
  page: string;
  description: string;
  email: string;
  phone: string;
}

const TOKEN = /^[A-Za-z0-9_-]{16,64}$/;


/** Check one text; returns the error key or null. */
export function checkText(value: string, { max, required, multiline }: { max: number; required: boolean; multiline: boolean }): ReportError["message"] | null {
  if (value === "") return required ? "form.errors.required" : null;
  const wrong = textProblem(value, { max, multiLine: multiline });
  return wrong ? `form.errors.${wrong.problem}` : null;
}

/**
 * The resident's form, checked. Unknown or repeated fields come from no page of ours: `malformed`
 * (the route answers 400). A person's mistakes are field errors, in page order.
 */
export function validateReport(
  fields: Map<string, string[]>,
): { ok: true; values: ReportInput; token: string | null } | { ok: false; errors: ReportError[]; values: ReportInput; token: string | null } | { malformed: "unknown_field" | "repeated_field" } {
  for (const [name, list] of fields) {
    if (!(REPORT_FIELDS as readonly string[]).includes(name) && name !== FORM_TOKEN_FIELD) return { malformed: "unknown_field" };
    if (list.length > 1) return { malformed: "repeated_field" };
  }
  const raw = fields.get(FORM_TOKEN_FIELD)?.[0] ?? "";
  const token = TOKEN.test(raw) ? raw : null;
  const values: ReportInput = {
    page: normaliseText(fields.get("page")?.[0] ?? ""),
    description: normaliseText(fields.get("description")?.[0] ?? ""),
    email: normaliseText(fields.get("email")?.[0] ?? ""),
    phone: normaliseText(fields.get("phone")?.[0] ?? ""),
  };
  const errors: ReportError[] = [];
  const add = (field: ReportField, message: string | null, max: number) => {
    if (message) errors.push({ field, message, params: message === "form.errors.tooLong" ? { max, length: codePointLength(values[field]) } : undefined });
  };
  const required = (field: ReportField, message: string | null) => (message === "form.errors.required" ? `form.errors.${field}Required` : message);
  add("page", required("page", checkText(values.page, { max: REPORT_LIMITS.page, required: true, multiline: false })), REPORT_LIMITS.page);
  add("description", required("description", checkText(values.description, { max: REPORT_LIMITS.description, required: true, multiline: true })), REPORT_LIMITS.description);
  const email = checkText(values.email, { max: REPORT_LIMITS.email, required: false, multiline: false });
  add("email", email ?? (values.email && !EMAIL.test(values.email) ? "form.errors.email" : null), REPORT_LIMITS.email);
  const phone = checkText(values.phone, { max: REPORT_LIMITS.phone, required: false, multiline: false });
  add("phone", phone ?? (values.phone && !isPhoneNumber(values.phone) ? "form.errors.phone" : null), REPORT_LIMITS.phone);
  return errors.length ? { ok: false, errors, values, token } : { ok: true, values, token };
}

/**
 * The day the answer is due: one calendar month after receipt (§ 188 Abs. 2 and 3 BGB), at the
 * same time of day (UTC).
 */
export function dueDate(receivedAt: Date): Date {
  return addCalendarMonths(receivedAt, 1);
}

/** Overdue: still waiting for an answer after its due date. Answered or closed reports never are. */
export function isOverdue(report: { status: BarrierReportStatus; due_at: string }, now: Date): boolean {
  return report.status === "open" && new Date(report.due_at).getTime() < now.getTime();
}

/** Whole days since receipt. */
export function ageInDays(receivedAt: string, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - new Date(receivedAt).getTime()) / 86_400_000));
}

/** When the contact data of a report closed at `closedAt` are erased. */
export function contactDeleteAfter(closedAt: Date): Date {
  return new Date(closedAt.getTime() + CONTACT_RETENTION_DAYS * 86_400_000);
}

const REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** A reference such as BF-K7M4-2QXP: easy to read out on the phone, not a count of reports. */
export function newReference(random: (max: number) => number): string {
  let s = "";
  for (let i = 0; i < 8; i++) s += REFERENCE_ALPHABET[random(REFERENCE_ALPHABET.length)];
  return `BF-${s.slice(0, 4)}-${s.slice(4)}`;
}
export const REFERENCE_PATTERN = /^BF-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;
