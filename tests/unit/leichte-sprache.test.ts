/**
 * The Leichte Sprache page and the de-x-ls locale files follow the mechanical parts of the rules:
 * short sentences, no abbreviations, the organisation's contact data and the real button labels
 * filled in. (tests/unit/locales.test.ts checks the keys and sentence length of the locale files.)
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { guideTexts, siteGuide } from "~/modules/leichte-sprache/site-guide";
import { MAX_WORDS_PER_SENTENCE, longSentences, wordCount } from "../support/leichte-sprache";

const organisation = {
  slug: "musterstadt",
  name: "Stadt Musterstadt",
  postal_address: "Rathausplatz 1\n31134 Musterstadt",
  controller_name: "Stadt Musterstadt, Bürgermeisterin",
  controller_contact: "beteiligung@musterstadt.example, 05121 301-0",
  dpo_name: "Datenschutzbeauftragte der Stadt",
  dpo_contact: "datenschutz@musterstadt.example",
  accessibility_contact: "barrierefreiheit@musterstadt.example",
};
const labels = { open: "Jetzt mit·machen", continue: "Weiter: Antworten ansehen", send: "Abschicken", lookupSubmit: "Meinung ansehen" };

/** Abbreviations Leichte Sprache avoids (and the German source uses). */
const ABBREVIATIONS = /\b(z\. ?B\.|bzw\.|usw\.|ggf\.|ca\.|Art\.|Nr\.|d\. ?h\.|u\. ?a\.|DSGVO|Strg)/;

const LOCALES = join(process.cwd(), "locales", "de-x-ls");
function localeValues(): [string, string][] {
  const out: [string, string][] = [];
  const walk = (v: unknown, key: string) => {
    if (typeof v === "string") out.push([key, v]);
    else if (v && typeof v === "object") for (const [k, w] of Object.entries(v)) walk(w, key ? `${key}.${k}` : k);
  };
  for (const f of readdirSync(LOCALES).filter((f) => f.endsWith(".json"))) walk(JSON.parse(readFileSync(join(LOCALES, f), "utf8")), f);
  return out;
}

describe("the sentence and abbreviation guards", () => {
  it("counts words and finds long sentences", () => {
    expect(wordCount("Die Telefon·nummer ist 115.")).toBe(4);
    expect(wordCount("Seite {{page}} von {{pages}} – weiter")).toBe(5);
    const long = "Wir " + "sehr ".repeat(MAX_WORDS_PER_SENTENCE) + "gern.";
    expect(longSentences(`Kurz. ${long} Auch kurz.`)).toHaveLength(1);
    expect(longSentences("Kurz. Auch kurz? Ja!")).toEqual([]);
    // the German source has abbreviations the guard must find
    expect(ABBREVIATIONS.test("Auskunft (Art. 15 DSGVO)")).toBe(true);
    expect(ABBREVIATIONS.test("Drucken (Strg+P)")).toBe(true);
    expect(ABBREVIATIONS.test("Daten·schutz·grund·verordnung, Artikel 15")).toBe(false);
  });
});

describe("the Leichte Sprache page", () => {
  const guide = siteGuide({ organisation, labels });

  it(`has no sentence longer than ${MAX_WORDS_PER_SENTENCE} words`, () => {
    expect(guideTexts(guide).flatMap((t) => longSentences(t))).toEqual([]);
  });

  it("uses no abbreviations", () => {
    expect(guideTexts(guide).filter((t) => ABBREVIATIONS.test(t))).toEqual([]);
  });

  it("explains what a resident needs to know, with headings", () => {
    const headings = guide.sections.map((s) => s.heading);
    for (const topic of [/Beteiligung/, /mit/i, /Telefon/, /Papier/, /Bürger·büro/, /Code/, /Daten/, /Hilfe/]) {
      expect(headings.some((h) => topic.test(h)), `a heading about ${topic}`).toBe(true);
    }
  });

  it("names the organisation, its address and contacts, and the real button labels", () => {
    const all = JSON.stringify(guide);
    for (const text of ["Stadt Musterstadt", "Rathausplatz 1", "31134 Musterstadt", "datenschutz@musterstadt.example", "barrierefreiheit@musterstadt.example", "beteiligung@musterstadt.example"]) {
      expect(all).toContain(text);
    }
    for (const label of Object.values(labels)) expect(all).toContain(`„${label}“`);
    // a multi-line address stays line by line
    expect(guide.sections.flatMap((s) => s.blocks)).toContainEqual({ kind: "contact", lines: ["Rathausplatz 1", "31134 Musterstadt"] });
  });

  it("leaves out the accessibility contact when the organisation has none", () => {
    const without = siteGuide({ organisation: { ...organisation, accessibility_contact: " " }, labels });
    expect(JSON.stringify(without)).not.toMatch(/nicht lesen/);
  });

  it("links to the procedures and the receipt-code look-up of this organisation", () => {
    const links = guide.sections.flatMap((s) => s.blocks).filter((b) => b.kind === "link");
    expect(links.map((l) => (l.kind === "link" ? l.href : ""))).toEqual(["/musterstadt", "/musterstadt/beitrag"]);
  });
});

describe("the de-x-ls locale files", () => {
  it("use no abbreviations", () => {
    expect(localeValues().filter(([, v]) => ABBREVIATIONS.test(v)).map(([k, v]) => `${k}: ${v}`)).toEqual([]);
  });
});
