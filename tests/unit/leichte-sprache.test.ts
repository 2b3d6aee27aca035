/**
 * The Leichte Sprache page and the de-x-ls locale files follow the mechanical parts of the rules:
 * short sentences, no abbreviations, the organisation's contact data and the real button labels
 * filled in. (tests/unit/locales.test.ts checks the keys and sentence length of the locale files.)
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { guideTexts, siteGuide } from "~/modules/leichte-sprache/site-guide";
import { MAX_WORDS_PER_SENTENCE, longSentences, ruleBreaches, wordCount, type LeichteSpracheRule } from "../support/leichte-sprache";

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
const labels = { open: "Jetzt mit·machen", continue: "Weiter: Antworten ansehen", send: "Abschicken", lookupSubmit: "Meinung ansehen", required: "(Das müssen Sie ausfüllen.)" };

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
    for (const label of [labels.open, labels.continue, labels.send, labels.lookupSubmit]) expect(all).toContain(`„${label}“`);
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

/**
 * The few texts allowed to break a rule, each with the reason. Anything else that breaks one fails.
 * Key: "<namespace>:<key>" of a de-x-ls value.
 */
const JUSTIFIED_EXCEPTIONS: Record<string, { rules: LeichteSpracheRule[]; why: string }> = {
  "results:openData.csv": { rules: ["abbreviation"], why: "names the file format of a download; people who use the file look for exactly this word" },
  "results:openData.json": { rules: ["abbreviation"], why: "names the file format of a download" },
  "procedures:documents.kinds.pdf": { rules: ["abbreviation"], why: "names the file format of a document to download, like the other kinds (PNG, DOCX) beside it" },
  "results:openData.dcat": { rules: ["abbreviation"], why: "names the metadata standard of the open data for machines" },
  "privacy:legalBases.information": { rules: ["lawName"], why: "a legal citation names the law; the same text says what the law is and what it allows" },
  "privacy:legalBases.consent": { rules: ["lawName"], why: "legal citation, explained in the same text" },
  "privacy:legalBases.publicTask": { rules: ["lawName"], why: "legal citation, explained in the same text" },
  "privacy:legalBases.dataRights": { rules: ["lawName"], why: "legal citation, explained in the same text" },
  "privacy:legalBases.access": { rules: ["lawName"], why: "legal citation, explained in the same text" },
  "privacy:legalBases.erasure": { rules: ["lawName"], why: "legal citation, explained in the same text" },
  "privacy:legalBases.withdrawal": { rules: ["lawName"], why: "legal citation, explained in the same text" },
  "privacy:legalBases.storageLimitation": { rules: ["lawName"], why: "legal citation, explained in the same text" },
  "attachments:form.legend": { rules: ["abbreviation"], why: "names the file format the file chooser offers and the file shows (issue 20)" },
  "attachments:form.intro": { rules: ["abbreviation"], why: "names the file format the file chooser offers and the file shows (issue 20)" },
  "attachments:form.limits": { rules: ["abbreviation"], why: "names the file format the file chooser offers and the file shows (issue 20)" },
  "attachments:errors.unknown_type": { rules: ["abbreviation"], why: "names the file format the file chooser offers and the file shows (issue 20)" },
  "attachments:errors.polyglot": { rules: ["abbreviation"], why: "names the file format the file chooser offers and the file shows (issue 20)" },
  "privacy:categories.attachment": { rules: ["abbreviation"], why: "names the file format the file chooser offers and the file shows (issue 20)" },
};

describe("the rules of Leichte Sprache", () => {
  it("are checked by machine", () => {
    const rules = (text: string) => ruleBreaches(text).map((b) => b.rule);
    expect(rules("Diese Website erfüllt die BITV 2.0.")).toEqual(["abbreviation"]);
    expect(rules("Ihr Browser muss Cookies erlauben.")).toEqual(["foreignWord"]);
    expect(rules("Die Datenschutzgrundverordnung gilt.")).toEqual(["lawName"]);
    expect(rules("Der Text des Verfahrens.")).toEqual(["genitive"]);
    expect(rules("Das ist wichtig, wenn Sie eine Antwort möchten.")).toEqual(["subordinateClause"]);
    expect(rules("Wir wissen, dass Sie fragen.")).toEqual(["subordinateClause"]);
    expect(rules("Sie möchten eine Antwort? Dann schreiben Sie uns.")).toEqual([]);
  });

  it("hold for every de-x-ls string, except the justified exceptions", () => {
    const breaches: string[] = [];
    for (const [file, value] of localeValues()) {
      const key = file.replace(/^(\w+)\.json\./, "$1:");
      const allowed = JUSTIFIED_EXCEPTIONS[key]?.rules ?? [];
      for (const b of ruleBreaches(value)) if (!allowed.includes(b.rule)) breaches.push(`${key} (${b.rule}: ${b.found}): ${value}`);
    }
    expect(breaches).toEqual([]);
  });

  it("lists only exceptions that are still needed", () => {
    const values = new Map(localeValues().map(([file, value]) => [file.replace(/^(\w+)\.json\./, "$1:"), value]));
    for (const [key, { rules }] of Object.entries(JUSTIFIED_EXCEPTIONS)) {
      const value = values.get(key);
      expect(value, key).toBeDefined();
      const broken = ruleBreaches(value!).map((b) => b.rule);
      for (const rule of rules) expect(broken, `${key} no longer breaks ${rule}: remove the exception`).toContain(rule);
    }
  });

  it("hold for the site guide", () => {
    const guide = siteGuide({ organisation, labels });
    expect(guideTexts(guide).flatMap((t) => ruleBreaches(t).map((b) => `${b.rule} (${b.found}): ${t}`))).toEqual([]);
  });

  it("keep the site guide consistent with the form and with the code", () => {
    const texts = guideTexts(siteGuide({ organisation, labels }));
    // some questions are required: the guide does not say otherwise, and quotes the marker residents see
    expect(texts.join(" ")).not.toMatch(/nicht jede Frage/);
    expect(texts.join(" ")).toContain("„Das müssen Sie ausfüllen.“");
    // the code is told on the phone to the service number: the guide does not forbid telling it to anyone
    expect(texts.join(" ")).not.toMatch(/keinem anderen Menschen/);
    expect(texts.some((t) => /Telefon/.test(t) && /Code/.test(t))).toBe(true);
  });
});
