/**
 * The legal bases a privacy log cites are read in the resident's language (issue 3): the German
 * citation stays what the hash chain stored, the page shows the official name of the GDPR in each
 * language; a procedure's own free-text legal basis stays as typed, marked as German.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SUPPORTED_LANGUAGES } from "~/i18n/config";
import { fixedT } from "~/i18n/i18n.server";
import { CONSENT_LEGAL_BASIS, DATA_RIGHTS_LEGAL_BASIS } from "~/modules/privacy-log/events";
import { LEGAL_BASES, LEGAL_BASIS_CODES, RETIRED_LEGAL_BASES, legalBasisCode, localiseLegalBasis } from "~/modules/privacy-log/legal-basis";

/** The name of the GDPR a reader of each language recognises (de-x-ls writes it out in easy words). */
const GDPR_NAME: Record<(typeof SUPPORTED_LANGUAGES)[number], string> = {
  de: "DSGVO",
  "de-x-ls": "Daten·schutz·grund·verordnung",
  en: "GDPR",
  tr: "Genel Veri Koruma Tüzüğü (GDPR)",
  ar: "اللائحة العامة لحماية البيانات",
  uk: "Загальний регламент захисту даних (GDPR)",
  ru: "Общий регламент по защите данных (GDPR)",
  pl: "RODO",
};

describe("legal bases in the privacy log", () => {
  it("keeps the German citations stored in existing events readable", () => {
    // these exact strings are in hash-chained events already written; a corrected one keeps its old text as retired
    expect(RETIRED_LEGAL_BASES).toEqual({
      "Art. 6 Abs. 1 lit. c DSGVO i. V. m. Art. 12–17 DSGVO": "dataRights",
      "Art. 7 Abs. 3 und Art. 17 DSGVO": "withdrawal",
    });
    for (const [old, code] of Object.entries(RETIRED_LEGAL_BASES)) {
      expect(legalBasisCode(old)).toBe(code);
      expect(localiseLegalBasis(old, fixedT("de", "privacy"), "de").text).toBe(LEGAL_BASES[code]);
    }
    expect(LEGAL_BASES).toEqual({
      information: "Art. 13 DSGVO",
      consent: "Art. 6 Abs. 1 lit. a DSGVO",
      publicTask: "Art. 6 Abs. 1 lit. e DSGVO",
      dataRights: "Art. 6 Abs. 1 lit. c DSGVO i. V. m. Art. 12–22 DSGVO", // the rights granted reach to Art. 22
      access: "Art. 15 DSGVO",
      erasure: "Art. 17 DSGVO",
      withdrawal: "Art. 17 Abs. 1 lit. a DSGVO", // withdrawing a submission is no withdrawal of consent (Art. 7 Abs. 3)
      storageLimitation: "Art. 5 Abs. 1 lit. e DSGVO (Speicherbegrenzung)",
    });
    expect(CONSENT_LEGAL_BASIS).toBe(LEGAL_BASES.consent);
    expect(DATA_RIGHTS_LEGAL_BASIS).toBe(LEGAL_BASES.dataRights);
  });

  for (const lng of SUPPORTED_LANGUAGES) {
    it(`names every legal basis the product cites in ${lng}, with the GDPR's name in ${lng}`, () => {
      const t = fixedT(lng, "privacy");
      for (const code of LEGAL_BASIS_CODES) {
        const { text, lang } = localiseLegalBasis(LEGAL_BASES[code], t, lng);
        expect(text, `${lng} ${code}`).not.toBe(`legalBases.${code}`);
        expect(text, `${lng} ${code}`).toContain(GDPR_NAME[lng]);
        expect(lang, `${lng} ${code} is in the page's language`).toBeUndefined();
        if (lng !== "de") expect(text, `${lng} ${code}`).not.toMatch(/DSGVO|Abs\.|i\. V\. m\./);
      }
    });
  }

  it("reads the citations as a resident would", () => {
    expect(localiseLegalBasis("Art. 13 DSGVO", fixedT("en", "privacy"), "en").text).toBe("Art. 13 GDPR");
    expect(localiseLegalBasis("Art. 6 Abs. 1 lit. e DSGVO", fixedT("en", "privacy"), "en").text).toBe("Art. 6(1)(e) GDPR");
    expect(localiseLegalBasis("Art. 15 DSGVO", fixedT("pl", "privacy"), "pl").text).toBe("art. 15 RODO");
    expect(localiseLegalBasis("Art. 13 DSGVO", fixedT("de", "privacy"), "de").text).toBe("Art. 13 DSGVO");
    for (const lng of SUPPORTED_LANGUAGES) {
      const t = fixedT(lng, "privacy");
      expect(t("legalBases.dataRights"), lng).toMatch(/12\s*(–|bis)\s*22/);
      expect(t("legalBases.withdrawal"), lng).not.toMatch(/\b7\b/);
    }
  });

  it("shows a procedure's own legal basis as typed, marked German (left-to-right inside Arabic)", () => {
    const typed = "Art. 6 Abs. 1 lit. e DSGVO in Verbindung mit § 3 Niedersächsisches Datenschutzgesetz";
    expect(legalBasisCode(typed)).toBeNull();
    expect(localiseLegalBasis(typed, fixedT("en", "privacy"), "en")).toEqual({ text: typed, lang: "de" });
    expect(localiseLegalBasis(typed, fixedT("ar", "privacy"), "ar")).toEqual({ text: typed, lang: "de", dir: "ltr" });
    expect(localiseLegalBasis(typed, fixedT("de", "privacy"), "de")).toEqual({ text: typed, lang: "de" });
  });

  it("has no German GDPR citation written outside the mapping in the application code", () => {
    // a new hard-coded "Art. … DSGVO" would reach residents untranslated: add it to LEGAL_BASES instead
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.tsx?$/.test(name) && !path.endsWith(join("privacy-log", "legal-basis.ts"))) {
          const code = readFileSync(path, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
          for (const m of code.matchAll(/["'`][^"'`\n]*DSGVO[^"'`\n]*["'`]/g)) offenders.push(`${path}: ${m[0]}`);
        }
      }
    };
    walk(join(process.cwd(), "app"));
    expect(offenders).toEqual([]);
  });
});
