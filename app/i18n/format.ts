/** Dates in the reader's language, always in the municipality's time zone. */
import { TIME_ZONE } from "./dates";

// Intl formatters are expensive to create and safe to share: one per language and style
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${locale}|${withTime}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { dateStyle: "long", timeStyle: withTime ? "short" : undefined, timeZone: TIME_ZONE });
    formatters.set(key, f);
  }
  return f;
}

export function formatDate(iso: string, locale: string): string {
  return formatter(locale, false).format(new Date(iso));
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A stored day ("2026-08-01", e.g. a notice's version) as the reader writes dates; anything else as stored. */
export function readableDay(value: unknown, locale: string): string {
  if (typeof value === "string" && DAY.test(value)) return formatDate(value, locale);
  return value == null ? "" : String(value);
}

export function formatDateTime(iso: string, locale: string): string {
  return formatter(locale, true).format(new Date(iso));
}

const sizeFormatters = new Map<string, Intl.NumberFormat>();
/**
 * A file size in words as GOV.UK shows attachments ("2,4 MB", "530 kB"): decimal units, one
 * decimal for megabytes, in the reader's number format and unit names.
 */
export function formatFileSize(bytes: number, locale: string): string {
  const unit = bytes >= 1_000_000 ? "megabyte" : bytes >= 1_000 ? "kilobyte" : "byte";
  const key = `${locale}|${unit}`;
  let f = sizeFormatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "short", maximumFractionDigits: unit === "megabyte" ? 1 : 0 });
    sizeFormatters.set(key, f);
  }
  return f.format(unit === "megabyte" ? bytes / 1_000_000 : unit === "kilobyte" ? bytes / 1_000 : bytes);
}
