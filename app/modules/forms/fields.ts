/**
 * What every form shares, on the server and in the page: a field's error, text as we store it,
 * lengths in characters, the characters no text field accepts, and the message shown at a field.
 */

/** A form's fields as read from the body: every value of each name. */
export type FormFields = Map<string, string[]>;
/** A form's values by field name, as the page shows them again. */
export type FormValues = Record<string, string>;

export interface FieldError {
  /** the form field name; the error summary links to the element with this id */
  field: string;
  /** translation key (in the form's namespace, or "namespace:key") */
  message: string;
  params?: Record<string, string | number>;
}

/** Line endings as \n, Unicode NFC, no surrounding white space: how every text field is stored. */
export function normaliseText(raw: string): string {
  return raw.replace(/\r\n?/g, "\n").normalize("NFC").trim();
}

/** Length in characters (code points), as limits are stated to people; not UTF-16 units. */
export function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

// C0 controls except tab and newline, DEL, C1 controls, and the Unicode replacement character
// (what a broken encoding turns into). Bidi overrides are rejected too: they make text lie about itself.
export const FORBIDDEN_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFD\u202A-\u202E\u2066-\u2069]/;
export const EMAIL = /^[^\s@<>()\[\],;:"]+@[^\s@<>()\[\],;:"]+\.[^\s@<>()\[\],;:".]{2,}$/;
export const PHONE = /^\+?[0-9 ()/\-]{5,}$/;
/** Digits, spaces, ( ) / - and one leading +, at least five digits (the error texts say exactly this). */
export const isPhoneNumber = (value: string) => PHONE.test(value) && value.replace(/\D/g, "").length >= 5;

/**
 * What is wrong with a (normalised) text, if anything: a character no text field accepts (in a
 * one-line field also a line break or tab), or more than `max` characters. Each form says it in
 * its own words.
 */
export function textProblem(value: string, { max, multiLine }: { max: number; multiLine: boolean }): { problem: "forbiddenCharacters" } | { problem: "tooLong"; max: number; length: number } | null {
  if (FORBIDDEN_CHARACTERS.test(value) || (!multiLine && /[\n\t]/.test(value))) return { problem: "forbiddenCharacters" };
  const length = codePointLength(value);
  return length > max ? { problem: "tooLong", max, length } : null;
}

type Translate = (key: string, params?: Record<string, string | number>) => string;

/**
 * The message for one field, for the field's own error line (the error summary lists them all):
 * `const errorFor = errorMessageFor(errors, t)`; `keyPrefix` (e.g. "accounts:") goes before each key.
 */
export function errorMessageFor(errors: readonly FieldError[], t: Translate, keyPrefix = ""): (field: string) => string | undefined {
  return (field) => {
    const e = errors.find((x) => x.field === field);
    return e ? t(`${keyPrefix}${e.message}`, e.params) : undefined;
  };
}
