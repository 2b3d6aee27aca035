/**
 * E-mail alerts without an account: the rules, without a database. A sign-up stores the address
 * (encrypted) and the topics, and sends only a confirmation mail (double opt-in); unconfirmed
 * sign-ups are erased after UNCONFIRMED_HOURS. A confirmed alert is kept RETENTION_YEARS after its
 * last confirmation; a "still interested?" mail goes out REMINDER_AFTER_DAYS after it.
 */
import { createHash, randomBytes } from "node:crypto";
import { EMAIL, FORBIDDEN_CHARACTERS, codePointLength, normaliseText, type FieldError } from "~/modules/forms/fields";

export const UNCONFIRMED_HOURS = 48;
export const RETENTION_YEARS = 2;
/** the yearly "still interested?" mail */
export const REMINDER_AFTER_DAYS = 365;
export const EMAIL_MAX = 254;
/** Sign-ups per client address and hour (nobody floods strangers' inboxes from one machine). */
export const CLIENT_LIMIT = { limit: 10, windowMs: 60 * 60 * 1000 };
/** Confirmation mails per address and day: beyond that a sign-up gets the same answer and no mail. */
export const ADDRESS_LIMIT = { limit: 3, windowMs: 24 * 60 * 60 * 1000 };

export const SIGNUP_FIELDS = ["email", "topics", "procedure", "subject", "district"] as const;
export const TOPICS = ["new_procedures", "results"] as const;
export type Topic = (typeof TOPICS)[number];

export interface SignupInput {
  email: string;
  topics: Topic[];
  /** the procedure whose results are asked for (its slug), or "" */
  procedure: string;
  /** with new_procedures: only procedures on these topics / in these districts (none: all) */
  subjects?: string[];
  districts?: string[];
}

/** The labels an admin gives a procedure (decision 65): topics and districts. */
export const TAG_KINDS = ["topic", "district"] as const;
export type TagKind = (typeof TAG_KINDS)[number];
export const TAG_LIMITS = { perKind: 10, label: 60 } as const;
/** The labels a sign-up may choose from: those of the municipality's public procedures. */
export type OfferedTags = Record<TagKind, string[]>;

/**
 * An admin's list of labels, one per line or separated by commas: trimmed, without repeats, at most
 * TAG_LIMITS.perKind of TAG_LIMITS.label characters each. Errors are keys in the "admin" namespace.
 */
export function parseTagList(raw: string): { ok: true; labels: string[] } | { ok: false; message: string; params?: Record<string, number> } {
  if (FORBIDDEN_CHARACTERS.test(raw.replace(/[\r\n]/g, ""))) return { ok: false, message: "alertTags.errors.characters" };
  const labels = [...new Set(raw.split(/[,\n]/).map((l) => normaliseText(l)).filter((l) => l !== ""))];
  if (labels.length > TAG_LIMITS.perKind) return { ok: false, message: "alertTags.errors.tooMany", params: { max: TAG_LIMITS.perKind } };
  if (labels.some((l) => codePointLength(l) > TAG_LIMITS.label)) return { ok: false, message: "alertTags.errors.tooLong", params: { max: TAG_LIMITS.label } };
  return { ok: true, labels };
}

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$/;

/**
 * The sign-up form, checked. Fields from no page of ours are `malformed` (400). A person's mistakes
 * are field errors (keys in the "alerts" namespace), in page order.
 */
export function validateSignup(
  fields: Map<string, string[]>,
  extraFields: readonly string[] = [],
  offered: OfferedTags = { topic: [], district: [] },
): { ok: true; values: SignupInput } | { ok: false; errors: FieldError[]; values: SignupInput } | { malformed: "unknown_field" | "repeated_field" } {
  for (const [name, list] of fields) {
    if (!(SIGNUP_FIELDS as readonly string[]).includes(name) && !extraFields.includes(name)) return { malformed: "unknown_field" };
    if (!["topics", "subject", "district"].includes(name) && list.length > 1) return { malformed: "repeated_field" };
  }
  // labels not offered on the page come from no page of ours
  const subjects = fields.get("subject") ?? [];
  const districts = fields.get("district") ?? [];
  if (subjects.some((l) => !offered.topic.includes(l)) || districts.some((l) => !offered.district.includes(l))) return { malformed: "unknown_field" };
  const topicsRaw = fields.get("topics") ?? [];
  if (topicsRaw.length > TOPICS.length || topicsRaw.some((t) => !(TOPICS as readonly string[]).includes(t))) return { malformed: "unknown_field" };
  const procedure = normaliseText(fields.get("procedure")?.[0] ?? "");
  if (procedure && !SLUG.test(procedure)) return { malformed: "unknown_field" };
  const values: SignupInput = {
    email: normaliseText(fields.get("email")?.[0] ?? ""),
    topics: TOPICS.filter((t) => topicsRaw.includes(t)),
    procedure,
    subjects: [...new Set(subjects)],
    districts: [...new Set(districts)],
  };
  if (!procedure) values.topics = values.topics.filter((t) => t !== "results");
  // topics and districts narrow "every new procedure"; without it they mean nothing
  if (!values.topics.includes("new_procedures")) values.subjects = values.districts = [];
  const errors: FieldError[] = [];
  if (values.email === "") errors.push({ field: "email", message: "form.errors.emailRequired" });
  else if (FORBIDDEN_CHARACTERS.test(values.email) || codePointLength(values.email) > EMAIL_MAX || !EMAIL.test(values.email))
    errors.push({ field: "email", message: "form.errors.email" });
  if (values.topics.length === 0) errors.push({ field: "topics", message: "form.errors.topicsRequired" });
  return errors.length ? { ok: false, errors, values } : { ok: true, values };
}

/** The address as compared for limits: trimmed, lower case (the domain is case-insensitive; most mailboxes too). */
export const normaliseAddress = (email: string) => normaliseText(email).toLowerCase();

/** The secret in an alert's links: 256 random bits, URL-safe. */
export const newAlertToken = () => randomBytes(32).toString("base64url");
export const ALERT_TOKEN = /^[A-Za-z0-9_-]{43}$/;
/** What is stored to find an alert by its link. */
export const tokenDigest = (token: string) => createHash("sha256").update(token).digest("hex");

export const deleteAfterFrom = (confirmedAt: Date) => {
  const d = new Date(confirmedAt);
  d.setUTCFullYear(d.getUTCFullYear() + RETENTION_YEARS);
  return d;
};
export const unconfirmedExpiry = (createdAt: Date) => new Date(createdAt.getTime() + UNCONFIRMED_HOURS * 3_600_000);

/** The links every alert mail carries, as absolute URLs. */
export function alertLinks(origin: string, organisationSlug: string, token: string) {
  const base = `${origin.replace(/\/+$/, "")}/${organisationSlug}/benachrichtigung`;
  return { confirm: `${base}/bestaetigen/${token}`, manage: `${base}/verwalten/${token}`, unsubscribe: `${base}/abmelden/${token}` };
}

/** One-click unsubscribe (RFC 8058; RFC 2369 for List-Unsubscribe): the mail client POSTs `List-Unsubscribe=One-Click` to the link. */
export const unsubscribeHeaders = (unsubscribeUrl: string) => ({
  "List-Unsubscribe": `<${unsubscribeUrl}>`,
  "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
});
