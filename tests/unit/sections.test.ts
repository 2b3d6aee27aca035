import { describe, expect, it } from "vitest";
import { renderMarkdown } from "~/modules/procedures/markdown";
import { takeSectionChoice } from "~/modules/sections/choice";
import { MAX_SECTIONS, headingSections, outlineOf, sameOutline, sectionAnchor, sectionByNumber, sectionsForReader, type Section } from "~/modules/sections/outline";

const DRAFT = [
  "Einleitung ohne Überschrift.",
  "# Ausgangslage",
  "Text.",
  "# Ziele",
  "## Sicher",
  "## Schnell",
  "# Maßnahmen",
  "## Radwege am Ring",
  "## Radwege in der Innenstadt",
  "### Fahrradstraßen",
  "#### Eine Unterüberschrift ohne Nummer",
].join("\n\n");

const stored = (body: string): Section[] => outlineOf(body).map(({ headingIndex: _h, ...s }, i) => ({ id: i + 10, ...s }));

describe("numbered sections", () => {
  it("numbers the headings like a contents list, depth by depth", () => {
    expect(outlineOf(DRAFT).map((s) => `${s.number} ${s.title}`)).toEqual([
      "1 Ausgangslage",
      "2 Ziele",
      "2.1 Sicher",
      "2.2 Schnell",
      "3 Maßnahmen",
      "3.1 Radwege am Ring",
      "3.2 Radwege in der Innenstadt",
      "3.2.1 Fahrradstraßen",
    ]);
    expect(outlineOf(DRAFT).map((s) => s.depth)).toEqual([1, 1, 2, 2, 1, 2, 2, 3]);
  });

  it("counts a skipped level as the next one, so no number has a 0", () => {
    expect(outlineOf("# A\n\n### B\n\n## C").map((s) => s.number)).toEqual(["1", "1.1", "1.2"]);
    expect(outlineOf("## A\n\n## B\n\n### C").map((s) => s.number)).toEqual(["1", "2", "2.1"]);
  });

  it("has none without headings and at most MAX_SECTIONS", () => {
    expect(outlineOf("Nur Text.")).toEqual([]);
    expect(outlineOf(Array.from({ length: MAX_SECTIONS + 20 }, (_, i) => `# T${i}`).join("\n\n"))).toHaveLength(MAX_SECTIONS);
  });

  it("gives each section an anchor made of its number", () => {
    expect(sectionAnchor("3.2")).toBe("abschnitt-3-2");
  });

  it("renders the number and the anchor into the heading and the link after it, all escaped", () => {
    const text = "# Ziele\n\n## <Sicher>\n\n### Drei\n\n#### ohne";
    const sections = headingSections(text, outlineOf(text), (n) => ({
      href: `/musterstadt/verfahren/rad?abschnitt=${n}#abschnitt`,
      text: `Stellung nehmen zu ${n}`,
    }));
    const html = renderMarkdown(text, { headingOffset: 2, sections: sections! });
    expect(html).toBe(
      [
        '<h3 id="abschnitt-1"><span class="section-number">1</span> Ziele</h3>',
        '<p class="section-link"><a href="/musterstadt/verfahren/rad?abschnitt=1#abschnitt">Stellung nehmen zu 1</a></p>',
        '<h4 id="abschnitt-1-1"><span class="section-number">1.1</span> &lt;Sicher&gt;</h4>',
        '<p class="section-link"><a href="/musterstadt/verfahren/rad?abschnitt=1.1#abschnitt">Stellung nehmen zu 1.1</a></p>',
        '<h5 id="abschnitt-1-1-1"><span class="section-number">1.1.1</span> Drei</h5>',
        '<p class="section-link"><a href="/musterstadt/verfahren/rad?abschnitt=1.1.1#abschnitt">Stellung nehmen zu 1.1.1</a></p>',
        "<h6>ohne</h6>",
      ].join("\n"),
    );
  });

  it("numbers a translation only where its headings number like the original", () => {
    const fixed = stored(DRAFT);
    const translated = DRAFT.replace("Ausgangslage", "Starting point");
    const english = sectionsForReader(fixed, translated, "en");
    expect(english.numbered).toBe(true);
    expect(english.sections[0]).toEqual({ number: "1", depth: 1, title: "Starting point", lang: "en" });
    const other = sectionsForReader(fixed, "# Alles in einem", "de-x-ls");
    expect(other.numbered).toBe(false);
    expect(other.sections[0]).toEqual({ number: "1", depth: 1, title: "Ausgangslage", lang: "de" });
    expect(headingSections("# Alles in einem", fixed)).toBeNull();
  });

  it("tells a changed heading from a changed text between the headings", () => {
    const fixed = stored(DRAFT);
    expect(sameOutline(outlineOf(DRAFT.replace("Text.", "Korrigierter Text.")), fixed)).toBe(true);
    expect(sameOutline(outlineOf(DRAFT.replace("# Ziele", "# Unsere Ziele")), fixed)).toBe(false);
    expect(sameOutline(outlineOf(`${DRAFT}\n\n# Neu`), fixed)).toBe(false);
  });
});

describe("the form's section choice", () => {
  const sections = stored(DRAFT);
  const fields = (...pairs: [string, string][]) => {
    const map = new Map<string, string[]>();
    for (const [k, v] of pairs) map.set(k, [...(map.get(k) ?? []), v]);
    return map;
  };

  it("reads a section by its number and takes the field out of the form", () => {
    const f = fields(["abschnitt", "3.2"], ["q1", "Text"]);
    expect(takeSectionChoice(f, sections)).toMatchObject({ ok: true, section: { number: "3.2", title: "Radwege in der Innenstadt" } });
    expect([...f.keys()]).toEqual(["q1"]);
  });

  it("reads no choice and the empty choice as the draft as a whole", () => {
    expect(takeSectionChoice(fields(), sections)).toEqual({ ok: true, section: null, value: "" });
    expect(takeSectionChoice(fields(["abschnitt", ""]), sections)).toEqual({ ok: true, section: null, value: "" });
  });

  it("answers an unknown section with a field error and a repeated field with a 400", () => {
    expect(takeSectionChoice(fields(["abschnitt", "9.9"]), sections)).toMatchObject({ ok: false, error: { field: "abschnitt" } });
    expect(takeSectionChoice(fields(["abschnitt", "x".repeat(5000)]), sections)).toMatchObject({ ok: false, value: "x".repeat(20) });
    expect(() => takeSectionChoice(fields(["abschnitt", "1"], ["abschnitt", "2"]), sections)).toThrow(expect.objectContaining({ status: 400 }));
    expect(sectionByNumber(sections, undefined)).toBeUndefined();
  });
});
