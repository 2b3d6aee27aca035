/**
 * Texts that must agree with the rules they describe: the phone-number errors name exactly what the
 * validator accepts (and their examples pass it), counts take the language's plural forms.
 */
import { describe, expect, it } from "vitest";
import { SUPPORTED_LANGUAGES } from "~/i18n/config";
import { fixedT } from "~/i18n/i18n.server";
import { isPhoneNumber } from "~/modules/submissions/validation";

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
