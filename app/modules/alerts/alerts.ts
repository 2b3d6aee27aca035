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

export const SIGNUP_FIELDS = ["email", "topics", "procedure"] as const;
export const TOPICS = ["new_procedures", "results"] as const;
export type Topic = (typeof TOPICS)[number];

export interface SignupInput {
  email: string;
  topics: Topic[];
  /** the procedure whose results are asked for (its slug), or "" */
  procedure: string;
}

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$/;

/**
 * The sign-up form, checked. Fields from no page of ours are `malformed` (400). A person's mistakes
 * are field errors (keys in the "alerts" namespace), in page order.
 */
export function validateSignup(
  fields: Map<string, string[]>,
  extraFields: readonly string[] = [],
): { ok: true; values: SignupInput } | { ok: false; errors: FieldError[]; values: SignupInput } | { malformed: "unknown_field" | "repeated_field" } {
  for (const [name, list] of fields) {
    if (!(SIGNUP_FIELDS as readonly string[]).includes(name) && !extraFields.includes(name)) return { malformed: "unknown_field" };
    if (name !== "topics" && list.length > 1) return { malformed: "repeated_field" };
  }
  const topicsRaw = fields.get("topics") ?? [];
  if (topicsRaw.length > TOPICS.length || topicsRaw.some((t) => !(TOPICS as readonly string[]).includes(t))) return { malformed: "unknown_field" };
  const procedure = normaliseText(fields.get("procedure")?.[0] ?? "");
  if (procedure && !SLUG.test(procedure)) return { malformed: "unknown_field" };
  const values: SignupInput = {
    email: normaliseText(fields.get("email")?.[0] ?? ""),
    topics: TOPICS.filter((t) => topicsRaw.includes(t)),
    procedure,
  };
  if (!procedure) values.topics = values.topics.filter((t) => t !== "results");
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
