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

export function formatDateTime(iso: string, locale: string): string {
  return formatter(locale, true).format(new Date(iso));
}
