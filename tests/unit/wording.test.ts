/**
 * Texts that must agree with the rules they describe: the phone-number errors name exactly what the
 * validator accepts (and their examples pass it), counts take the language's plural forms.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SUPPORTED_LANGUAGES } from "~/i18n/config";
import { fixedT } from "~/i18n/i18n.server";
import { isPhoneNumber } from "~/modules/forms/fields";

describe("the phone-number error", () => {
  it("is what the validator does", () => {
    expect(isPhoneNumber("05121 301-0")).toBe(true);
    expect(isPhoneNumber("+49 (5121) 301/0")).toBe(true);
    expect(isPhoneNumber("05121 +301")).toBe(false); // + only at the start
    expect(isPhoneNumber("0511 CALL")).toBe(false);
  });

  for (const lng of SUPPORTED_LANGUAGES) {
    it(`names every allowed character and gives examples that pass (${lng})`, () => {
      const texts = [fixedT(lng, "submissions")("errors.invalidPhone"), fixedT(lng, "accessibility")("form.errors.phone")];
      for (const text of texts) {
        for (const character of ["(", ")", "/", "-", "+"]) expect(text, `${lng}: ${text}`).toContain(character);
        const examples = text.match(/\+?\d[\d ()/-]*\d/g) ?? [];
        for (const example of examples) expect(isPhoneNumber(example), `${lng} example ${example}`).toBe(true);
      }
      expect(texts[0].match(/\+?\d[\d ()/-]*\d/g)?.length ?? 0, `${lng}: an example`).toBeGreaterThan(0);
    });
  }
});

describe("counts", () => {
  it("say month and months in the staff languages", () => {
    expect(fixedT("de", "admin")("form.retentionValue", { count: 1 })).toBe("1 Monat nach dem Ende");
    expect(fixedT("de", "admin")("form.retentionValue", { count: 6 })).toBe("6 Monate nach dem Ende");
    expect(fixedT("en", "admin")("form.retentionValue", { count: 1 })).toBe("1 month after the end");
    expect(fixedT("en", "admin")("form.retentionValue", { count: 12 })).toBe("12 months after the end");
  });
});

describe("words that were mistranslated", () => {
  const cases: [lng: (typeof SUPPORTED_LANGUAGES)[number], ns: "procedures" | "accessibility" | "submissions" | "privacy", key: string, wrong: string, right: string][] = [
    ["tr", "procedures", "paper.linkLarge", "büyük harflerle", "büyük puntoyla"], // large print, not capital letters
    ["uk", "accessibility", "form.errors.forbiddenCharacters", "керівні", "керувальні символи"], // control characters
    ["uk", "submissions", "errors.forbiddenCharacters", "керівні", "керувальні"],
    ["ru", "privacy", "log.chainIntact", "Журнал полон", "Журнал полный"], // complete, not "full"
    ["ar", "privacy", "lookup.codeHint", "13 رمزًا", "13 خانة"], // 13 characters of the code, not 13 codes
    ["ar", "privacy", "lookup.notFound", "13 رمزًا", "13 خانة"],
  ];
  for (const [lng, ns, key, wrong, right] of cases) {
    it(`${lng} ${ns}:${key} says "${right}"`, () => {
      const text = fixedT(lng, ns)(key);
      expect(text).not.toContain(wrong);
      expect(text).toContain(right);
    });
  }

  it("names the open-data licence by its official German name in every language", () => {
    for (const lng of SUPPORTED_LANGUAGES) expect(fixedT(lng, "results")("openData.intro"), lng).toContain("Datenlizenz Deutschland – Zero – Version 2.0");
  });
});

describe("legal citations staff are shown", () => {
  it("name § 3 NDSG in the example of a procedure's legal basis", () => {
    for (const lng of ["de", "en"] as const) expect(fixedT(lng, "admin")("form.legalBasisHint"), lng).toContain("§ 3 NDSG");
  });
});

describe("register", () => {
  /** Every resident value of a language, as "namespace:key" → text. */
  const valuesOf = (lng: string): [string, string][] => {
    const dir = join(process.cwd(), "locales", lng);
    const out: [string, string][] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
      const walk = (v: unknown, key: string) => {
        if (typeof v === "string") out.push([`${file.replace(".json", "")}:${key}`, v]);
        else if (v && typeof v === "object") for (const [k, w] of Object.entries(v)) walk(w, key ? `${key}.${k}` : k);
      };
      walk(JSON.parse(readFileSync(join(dir, file), "utf8")), "");
    }
    return out;
  };

  it("is formal in Polish: Państwo or impersonal, never ty (button labels keep the usual short imperative)", () => {
    const informal = /(?<!\p{L})(Ty|Ci|Cię|Ciebie|Tobą|Tobie|Twoj\p{L}*|Twój|Twoi\p{L}*|\p{L}+(esz|isz|ysz|asz))(?!\p{L})/u;
    // an imperative of the second person that starts a sentence in running text ("Wpisz kod.")
    const imperativeSentence = /(^|[.!?:] )(Wpisz|Zadzwoń|Podaj|Wybierz|Sprawdź|Zapisz|Opisz|Napisz|Wydrukuj|Zaznacz|Skorzystaj|Zapytaj|Spróbuj|Otwórz|Wczytaj|Skróć|Odczekaj|Użyj|Wprowadź|Zwróć)(?!\p{L})[^.!?]*[.!?]/u;
    const offenders = valuesOf("pl").filter(([, v]) => informal.test(v) || imperativeSentence.test(v)).map(([k, v]) => `${k}: ${v}`);
    expect(offenders).toEqual([]);
  });

  it("is polite in Turkish: buttons and links in the -in/-ın form", () => {
    // the familiar imperative (stem only) at the end of a short label: "Verileri indir", "Katkıyı geri çek"
    const familiar = /(?<!\p{L})(gönder|dön|geç|git|göster|indir|sil|çek|unut|et|değiştir)$/u;
    const offenders = valuesOf("tr").filter(([, v]) => v.length < 60 && familiar.test(v)).map(([k, v]) => `${k}: ${v}`);
    expect(offenders).toEqual([]);
    expect(fixedT("tr", "privacy")("withdraw.button")).toBe("Katkıyı geri çekin");
    expect(fixedT("tr", "privacy")("log.download.button")).toBe("Verileri indirin");
  });
});
