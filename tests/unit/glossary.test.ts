/**
 * One term per language (docs/glossary/<lng>.json): for Verfahren, Beitrag, the 115 service number,
 * "closed" and "results published" each language uses one word. The check: the listed keys use the
 * term, no resident text uses a variant the glossary rules out, and a text about results being
 * published never uses the word for "closed".
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SUPPORTED_LANGUAGES } from "~/i18n/config";

interface Term {
  source: string;
  use: string;
  match: string;
  keys: string[];
  avoid: string[];
  /** a term also checked in the staff namespaces (de, en) */
  everyNamespace?: boolean;
  /** the keys of this term must not use that other term */
  notMatching?: string;
}
interface Glossary {
  language: string;
  allow: string[];
  terms: Record<string, Term>;
}

const LOCALES = join(process.cwd(), "locales");
const STAFF_NAMESPACES = new Set(["staff", "admin", "accounts", "desk", "moderation", "barriers"]);
const REQUIRED_TERMS = ["procedure", "submission", "serviceNumber", "closed", "resultsPublished"];

function values(lng: string): Map<string, { value: string; staff: boolean }> {
  const out = new Map<string, { value: string; staff: boolean }>();
  for (const file of readdirSync(join(LOCALES, lng)).filter((f) => f.endsWith(".json"))) {
    const ns = file.replace(/\.json$/, "");
    const walk = (v: unknown, key: string) => {
      if (typeof v === "string") out.set(`${ns}:${key}`, { value: v, staff: STAFF_NAMESPACES.has(ns) });
      else if (v && typeof v === "object") for (const [k, w] of Object.entries(v)) walk(w, key ? `${key}.${k}` : k);
    };
    walk(JSON.parse(readFileSync(join(LOCALES, lng, file), "utf8")), "");
  }
  return out;
}

describe("the glossary", () => {
  it("has a file for every language, outside the i18next namespaces", () => {
    expect(readdirSync(join(process.cwd(), "docs", "glossary")).sort()).toEqual(SUPPORTED_LANGUAGES.map((l) => `${l}.json`).sort());
  });

  for (const lng of SUPPORTED_LANGUAGES) {
    describe(lng, () => {
      const glossary = JSON.parse(readFileSync(join(process.cwd(), "docs", "glossary", `${lng}.json`), "utf8")) as Glossary;
      const texts = values(lng);

      it("names one term each for Verfahren, Beitrag, the 115 number, closed and results published", () => {
        expect(glossary.language).toBe(lng);
        for (const name of REQUIRED_TERMS) expect(glossary.terms[name]?.use, name).toBeTruthy();
      });

      for (const [name, term] of Object.entries(glossary.terms)) {
        it(`uses "${term.use}" for ${term.source}`, () => {
          const problems: string[] = [];
          const match = new RegExp(term.match, "u");
          for (const key of term.keys) {
            const text = texts.get(key)?.value;
            if (text === undefined) problems.push(`${key}: no such key`);
            else if (!match.test(text)) problems.push(`${key} does not say "${term.use}": ${text}`);
            else if (term.notMatching && new RegExp(glossary.terms[term.notMatching].match, "u").test(text)) {
              problems.push(`${key} says "${glossary.terms[term.notMatching].use}" where it means "${term.use}": ${text}`);
            }
          }
          for (const [key, { value, staff }] of texts) {
            if (staff && !term.everyNamespace) continue;
            const stripped = glossary.allow.reduce((t, phrase) => t.replace(new RegExp(phrase, "giu"), ""), value);
            for (const avoid of term.avoid) {
              if (new RegExp(avoid, "iu").test(stripped)) problems.push(`${key} uses /${avoid}/ instead of "${term.use}": ${value}`);
            }
          }
          expect(problems, problems.join("\n")).toEqual([]);
        });
      }
    });
  }
});
