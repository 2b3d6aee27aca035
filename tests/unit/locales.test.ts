import { describe, it, expect } from "vitest";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { SUPPORTED_LANGUAGES } from "~/i18n/config";
import { longSentences } from "../support/leichte-sprache";

const LOCALES_DIR = join(process.cwd(), "locales");
const SOURCE = "de";
const LOCALES = SUPPORTED_LANGUAGES;

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;
const ARABIC_LETTER = /[\u0600-\u06FF]/;

/** Values that may legitimately be the same as the German text. */
const SAME_AS_GERMAN_ALLOWED: Record<string, ReadonlySet<string>> = {
  en: new Set(["Teilhabe", "Name", "Code", "System", "Moderation", "IBAN", "PDF"]),
  ar: new Set(["Teilhabe", "PDF"]),
  tr: new Set(["Teilhabe", "Telefon", "PDF"]),
  uk: new Set(["Teilhabe", "PDF"]),
  ru: new Set(["Teilhabe", "PDF"]),
  pl: new Set(["Teilhabe", "PDF"]),
  // Leichte Sprache rewrites German; only these short values were easy already and stay as they are
  "de-x-ls": new Set([
    "Teilhabe", "PDF", "Fehler", "Weiter", "Ja", "Nein", "Name", "Nummer", "Telefon", "Brief", "Antwort", "Ergebnisse",
    "Ändern", "Jetzt löschen", "Ihre Rechte", "Ihre Antworten", "Sie selbst", "am Telefon", "auf Papier",
    "Ohne Internet", "E-Mail-Adresse", "Offene Daten", "Wie geht es weiter?", "Das hat nicht geklappt",
    "Wer ist verantwortlich?", "Wer bekommt Ihre Daten?", "Ihre persönlichen Daten", "Persönliche Daten löschen",
    "Persönliche Daten gespeichert", "Persönliche Daten gelöscht", "Ihre Antworten sind nicht mehr da",
    "Bitte wählen Sie eine Antwort aus.", "weniger als {{limit}}", "Seite {{page}} von {{pages}}",
    "Ihre Dateien", "Dateien", "Keine Dateien", "Entfernen", "Dateien gespeichert", "Dateien gelöscht",
  ]),
};
/** Values that need not contain an Arabic letter. */
const NON_ARABIC_ALLOWED: ReadonlySet<string> = new Set(["Teilhabe", "PDF"]);
/** Languages written in Cyrillic script, and the values there that need not contain a Cyrillic letter. */
const CYRILLIC_LOCALES: ReadonlySet<string> = new Set(["uk", "ru"]);
const CYRILLIC_LETTER = /[\u0400-\u04FF]/;
const NON_CYRILLIC_ALLOWED: ReadonlySet<string> = new Set(["Teilhabe", "PDF"]);

/** A value made only of placeholders, whitespace and punctuation needs no translation. */
function isPlaceholderOnly(value: string): boolean {
  return /^[\s\p{P}]*$/u.test(value.replace(/\{\{[^}]*\}\}/g, ""));
}

type Flat = Map<string, string>;

function flatten(value: unknown, prefix: string, out: Flat, problems: string[]): Flat {
  if (typeof value === "string") {
    out.set(prefix, value);
  } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out, problems);
  } else {
    problems.push(`${prefix}: expected a string or object, got ${JSON.stringify(value)}`);
  }
  return out;
}

function baseKey(key: string): string {
  return key.replace(PLURAL_SUFFIX, "");
}

function placeholders(value: string): Set<string> {
  return new Set([...value.matchAll(/\{\{\s*([^}]+?)\s*\}\}/g)].map((m) => m[1]));
}

function sorted(set: Iterable<string>): string[] {
  return [...set].sort();
}

function load(locale: string, file: string): { flat: Flat; problems: string[] } {
  const path = join(LOCALES_DIR, locale, file);
  if (!existsSync(path)) throw new Error(`${locale}/${file} does not exist`);
  const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
  const problems: string[] = [];
  const flat = flatten(parsed, "", new Map(), problems);
  return { flat, problems };
}

/** Per base key: the plural categories present (empty set for non-plural keys) and all values. */
function byBaseKey(flat: Flat): Map<string, { categories: Set<string>; values: [string, string][] }> {
  const result = new Map<string, { categories: Set<string>; values: [string, string][] }>();
  for (const [key, value] of flat) {
    const base = baseKey(key);
    const entry = result.get(base) ?? { categories: new Set<string>(), values: [] };
    const m = PLURAL_SUFFIX.exec(key);
    if (m) entry.categories.add(m[1]);
    entry.values.push([key, value]);
    result.set(base, entry);
  }
  return result;
}

const namespaces = readdirSync(join(LOCALES_DIR, SOURCE))
  .filter((f) => f.endsWith(".json"))
  .sort();

/**
 * Staff and admin pages ship in German and English only (residents' pages in every language):
 * these namespaces are checked for de and en, and must not exist half-translated elsewhere.
 */
const STAFF_NAMESPACES = new Set(["staff.json", "admin.json", "accounts.json", "desk.json", "moderation.json", "barriers.json", "attachments-staff.json", "plan.json"]);
const STAFF_LOCALES = new Set(["de", "en"]);

describe("locale files", () => {
  it("has German namespace files to compare against", () => {
    expect(namespaces.length).toBeGreaterThan(0);
  });

  for (const locale of LOCALES) {
    describe(locale, () => {
      const requiredCategories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories as string[];

      for (const ns of namespaces.filter((n) => !STAFF_NAMESPACES.has(n) || STAFF_LOCALES.has(locale))) {
        describe(ns, () => {
          const german = load(SOURCE, ns).flat;
          const germanByBase = byBaseKey(german);

          it("exists and parses into nested string values", () => {
            const { problems } = load(locale, ns);
            expect(problems, `non-string values in ${locale}/${ns}`).toEqual([]);
          });

          it("has exactly the German keys", () => {
            const actual = new Set(byBaseKey(load(locale, ns).flat).keys());
            const expected = new Set(germanByBase.keys());
            const missing = sorted([...expected].filter((k) => !actual.has(k)));
            const extra = sorted([...actual].filter((k) => !expected.has(k)));
            expect({ missing, extra }, `key mismatch in ${locale}/${ns}`).toEqual({ missing: [], extra: [] });
          });

          it("uses the same {{placeholders}} as German", () => {
            const mismatches: string[] = [];
            for (const [key, value] of load(locale, ns).flat) {
              const source = germanByBase.get(baseKey(key));
              if (!source) continue; // reported by the key test
              const expected = new Set<string>();
              for (const [, v] of source.values) for (const p of placeholders(v)) expected.add(p);
              const got = sorted(placeholders(value));
              if (got.join(",") !== sorted(expected).join(",")) {
                mismatches.push(`${key}: expected {${sorted(expected).join(", ")}}, got {${got.join(", ")}}`);
              }
            }
            expect(mismatches, `placeholder mismatch in ${locale}/${ns}`).toEqual([]);
          });

          it(`has every plural category of ${locale} (${requiredCategories.join(", ")})`, () => {
            const problems: string[] = [];
            const actual = byBaseKey(load(locale, ns).flat);
            for (const [base, source] of germanByBase) {
              if (source.categories.size === 0) continue;
              const entry = actual.get(base);
              if (!entry) continue; // reported by the key test
              const missing = requiredCategories.filter((c) => !entry.categories.has(c));
              if (missing.length) problems.push(`${base}: missing ${missing.map((c) => `_${c}`).join(", ")}`);
              if (entry.values.some(([k]) => !PLURAL_SUFFIX.test(k))) {
                problems.push(`${base}: plural key also has an unsuffixed form`);
              }
            }
            for (const [base, entry] of actual) {
              const source = germanByBase.get(base);
              if (source && source.categories.size === 0 && entry.categories.size > 0) {
                problems.push(`${base}: has plural forms but German does not`);
              }
            }
            expect(problems, `plural problems in ${locale}/${ns}`).toEqual([]);
          });

          it("has no empty values", () => {
            const empty = [...load(locale, ns).flat].filter(([, v]) => v.trim() === "").map(([k]) => k);
            expect(empty, `empty values in ${locale}/${ns}`).toEqual([]);
          });

          if (locale !== SOURCE) {
            it("is actually translated (no value identical to German)", () => {
              const allowed = SAME_AS_GERMAN_ALLOWED[locale] ?? new Set<string>();
              const untranslated: string[] = [];
              for (const [key, value] of load(locale, ns).flat) {
                if (allowed.has(value) || isPlaceholderOnly(value)) continue;
                const source = germanByBase.get(baseKey(key));
                if (source?.values.some(([, v]) => v === value)) untranslated.push(`${key}: ${JSON.stringify(value)}`);
              }
              expect(untranslated, `values identical to German in ${locale}/${ns}`).toEqual([]);
            });
          }

          if (locale === "de-x-ls") {
            it("keeps every sentence short (Leichte Sprache: one statement per sentence)", () => {
              const long: string[] = [];
              for (const [key, value] of load(locale, ns).flat) {
                for (const sentence of longSentences(value)) long.push(`${key}: ${sentence}`);
              }
              expect(long, `sentences too long in ${locale}/${ns}`).toEqual([]);
            });
          }

          if (locale === "ar") {
            it("contains Arabic script in every value", () => {
              const latinOnly: string[] = [];
              for (const [key, value] of load(locale, ns).flat) {
                if (NON_ARABIC_ALLOWED.has(value) || isPlaceholderOnly(value)) continue;
                if (!ARABIC_LETTER.test(value)) latinOnly.push(`${key}: ${JSON.stringify(value)}`);
              }
              expect(latinOnly, `values without Arabic letters in ${locale}/${ns}`).toEqual([]);
            });
          }

          if (CYRILLIC_LOCALES.has(locale)) {
            it("contains Cyrillic script in every value", () => {
              const latinOnly: string[] = [];
              for (const [key, value] of load(locale, ns).flat) {
                if (NON_CYRILLIC_ALLOWED.has(value) || isPlaceholderOnly(value)) continue;
                if (!CYRILLIC_LETTER.test(value)) latinOnly.push(`${key}: ${JSON.stringify(value)}`);
              }
              expect(latinOnly, `values without Cyrillic letters in ${locale}/${ns}`).toEqual([]);
            });
          }
        });
      }
    });
  }
});
