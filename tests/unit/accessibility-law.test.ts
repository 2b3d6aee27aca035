/**
 * The accessibility statement names the law that applies to the municipality: the state's by default
 * (Lower Saxony: NBGG, NBITVO, conciliation at the state commissioner), the federal one only for federal
 * bodies; the harmonised standard EN 301 549 V3.2.1 with what it refers to (WCAG 2.1), and separately
 * what the product is tested against (WCAG 2.2 AA).
 */
import { describe, expect, it } from "vitest";
import { SUPPORTED_LANGUAGES } from "~/i18n/config";
import { fixedT } from "~/i18n/i18n.server";
import { DEFAULT_FEDERAL_BODY, DEFAULT_STATE_BODY, conciliationBody, defaultStatement, validateStatement } from "~/modules/accessibility/statement";

const form = (extra: [string, string][]) =>
  new Map<string, string[]>(
    [["conformance", "partial"], ["method", "self_assessment"], ["prepared_on", "2026-01-10"], ["reviewed_on", "2026-02-01"], ...extra].map(([k, v]) => [k, [v]]),
  );

describe("the legal framework of a municipality", () => {
  it("is Lower Saxony unless chosen otherwise, with the state's conciliation body", () => {
    const s = defaultStatement("2026-01-01T00:00:00Z");
    expect(s.legalFramework).toBe("ni");
    expect(conciliationBody(s)).toBe(DEFAULT_STATE_BODY.ni);
    expect(conciliationBody(s)).toContain("Landesbeauftragten für Menschen mit Behinderungen");
    expect(conciliationBody(s)).not.toContain("§ 16 BGG");
  });

  it("names the federal body (§ 16 BGG) only for federal bodies", () => {
    const s = defaultStatement("2026-01-01T00:00:00Z", "federal");
    expect(conciliationBody(s)).toBe(DEFAULT_FEDERAL_BODY);
    expect(conciliationBody({ legalFramework: "ni", federalBody: DEFAULT_FEDERAL_BODY, stateBody: "" })).toBe(DEFAULT_STATE_BODY.ni);
    expect(conciliationBody({ legalFramework: "ni", federalBody: "", stateBody: "Eigene Stelle" })).toBe("Eigene Stelle");
  });

  it("is a field of the statement editor; empty bodies fall back to the framework's default", () => {
    const ni = validateStatement(form([["legal_framework", "ni"]]), "2026-03-01");
    expect(ni).toMatchObject({ ok: true, statement: { legalFramework: "ni", stateBody: "", federalBody: "" } });
    const federal = validateStatement(form([["legal_framework", "federal"]]), "2026-03-01");
    expect(federal).toMatchObject({ ok: true, statement: { legalFramework: "federal" } });
    expect(validateStatement(form([["legal_framework", "bavaria"]]), "2026-03-01")).toEqual({ malformed: "unknown_field" });
  });
});

describe("the statement's legal claims in every language", () => {
  for (const lng of SUPPORTED_LANGUAGES) {
    it(`cites the law and the standard correctly (${lng})`, () => {
      const t = fixedT(lng, "accessibility");
      for (const c of ["full", "partial", "none"]) {
        // the status sentence makes no claim about a law or a standard: those have sentences of their own
        expect(t(`statement.status.${c}`), `${lng} ${c}`).not.toMatch(/BITV|EN 301 549|WCAG/);
      }
      expect(t("statement.intro")).not.toMatch(/Bund|federal|krajow/i);
      if (lng === "de-x-ls") {
        // Leichte Sprache explains instead of citing abbreviations
        expect(t("statement.law.ni")).toContain("Niedersachsen");
        expect(t("statement.law.standard")).not.toMatch(/EN 301 549|WCAG/);
        return;
      }
      expect(t("statement.law.ni")).toContain("NBGG");
      expect(t("statement.law.ni")).toContain("NBITVO");
      expect(t("statement.law.ni")).not.toContain("BITV 2.0");
      expect(t("statement.law.federal")).toContain("BITV 2.0");
      const standard = t("statement.law.standard");
      expect(standard).toContain("EN 301 549 V3.2.1");
      expect(standard).toContain("WCAG 2.1");
      expect(standard).toContain("WCAG 2.2");
      expect(standard.indexOf("WCAG 2.1")).toBeLessThan(standard.indexOf("WCAG 2.2"));
      expect(t("statement.enforcement.federal")).toContain("16");
    });
  }
});
