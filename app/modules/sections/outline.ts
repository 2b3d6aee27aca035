/**
 * Numbered sections of a procedure's text (issue 17): its Markdown headings, numbered as a contents
 * list numbers them ("3", "3.1", "3.2"). Pure: shared by the resident page, the form, the staff
 * pages and the tests. Which outline counts — live from the text while a draft, fixed when the
 * procedure opens — is sections.server.ts's business.
 *
 * Rules: a heading's depth is one more than the number of open headings above it with fewer `#`
 * (as an outline nests them): "# A", "### B", "## C" are 1, 1.1 and 1.2, and a text whose headings
 * start at `##` is numbered from 1 too, so no number has a 0 in it. Depths 1 to 3 are sections;
 * deeper headings belong to the section above them and get no number. At most MAX_SECTIONS sections.
 */
import { CONTENT_LANGUAGE } from "~/i18n/config";
import { markdownHeadings, type HeadingSection } from "~/modules/procedures/markdown";

export const SECTION_MAX_DEPTH = 3;
export const MAX_SECTIONS = 100;
export const SECTION_TITLE_MAX_LENGTH = 300;
/** The form field (and query parameter) naming the chosen section by its number. */
export const SECTION_FIELD = "abschnitt";
/** The form field's value for "about the draft as a whole". */
export const WHOLE_DRAFT = "";

export interface Section {
  /** the stored row's id; 0 while the outline is live (a draft) */
  id: number;
  position: number;
  /** "3.2" */
  number: string;
  /** 1, 2 or 3 */
  depth: number;
  title: string;
}

export interface OutlineEntry extends Omit<Section, "id"> {
  /** which heading of the text (in markdownHeadings order) it is */
  headingIndex: number;
}

/** The sections of a Markdown text, in document order. */
export function outlineOf(body: string): OutlineEntry[] {
  const counters: number[] = [];
  const out: OutlineEntry[] = [];
  /** the levels of the headings still open above the current one */
  const open: number[] = [];
  markdownHeadings(body).forEach((heading, headingIndex) => {
    while (open.length > 0 && open[open.length - 1] >= heading.level) open.pop();
    open.push(heading.level);
    const depth = open.length;
    if (depth > SECTION_MAX_DEPTH || out.length >= MAX_SECTIONS) return;
    counters.length = depth;
    counters[depth - 1] = (counters[depth - 1] ?? 0) + 1;
    out.push({ headingIndex, position: out.length, number: counters.join("."), depth, title: clip(heading.text) });
  });
  return out;
}

function clip(text: string): string {
  const points = [...text];
  return points.length > SECTION_TITLE_MAX_LENGTH ? `${points.slice(0, SECTION_TITLE_MAX_LENGTH - 1).join("")}…` : text;
}

/** The section's anchor on the procedure page: "abschnitt-3-2". */
export const sectionAnchor = (number: string) => `abschnitt-${number.replace(/\./g, "-")}`;

/** "3.2 Radwege in der Innenstadt" */
export const sectionLabel = (s: Pick<Section, "number" | "title">) => `${s.number} ${s.title}`;

/** The section a form value or query parameter names; undefined for anything else. */
export function sectionByNumber<S extends Pick<Section, "number">>(sections: readonly S[], value: string | null | undefined): S | undefined {
  if (typeof value !== "string" || value.length > 20) return undefined;
  return sections.find((s) => s.number === value);
}

/** Whether a text's outline has the same numbers at the same depths (a translation may word its headings its own way). */
export function sameNumbering(outline: readonly Pick<Section, "number" | "depth">[], sections: readonly Pick<Section, "number" | "depth">[]): boolean {
  return outline.length === sections.length && outline.every((s, i) => s.number === sections[i].number && s.depth === sections[i].depth);
}

/** Whether a text's outline is exactly the fixed one: numbers, depths and titles. */
export function sameOutline(outline: readonly Pick<Section, "number" | "depth" | "title">[], sections: readonly Pick<Section, "number" | "depth" | "title">[]): boolean {
  return sameNumbering(outline, sections) && outline.every((s, i) => s.title === sections[i].title);
}

/**
 * What the renderer writes at each heading of `body`: id and number, and the link to the form with
 * that section chosen. null when the text's headings do not number like `sections` (a translation
 * structured differently): then the text is shown without numbers.
 */
export function headingSections(
  body: string,
  sections: readonly Pick<Section, "number" | "depth">[],
  link?: (number: string) => { href: string; text: string },
): (HeadingSection | null)[] | null {
  const outline = outlineOf(body);
  if (outline.length === 0 || !sameNumbering(outline, sections)) return null;
  const byHeading: (HeadingSection | null)[] = [];
  for (const entry of outline) {
    byHeading[entry.headingIndex] = { id: sectionAnchor(entry.number), number: entry.number, link: link?.(entry.number) };
  }
  return Array.from(byHeading, (s) => s ?? null);
}

/** A section as a reader sees it: in the text's language where the text numbers like the original. */
export interface ShownSection extends Pick<Section, "number" | "depth" | "title"> {
  /** the language of the title */
  lang: string;
}

/**
 * The sections as a reader of `body` (the original or a translation) sees them. `numbered`: the
 * text's headings number like the fixed sections, so they carry the numbers and anchors; otherwise
 * (a translation structured its own way) the text is shown as it is and the sections keep their
 * German titles.
 */
export function sectionsForReader(sections: readonly Section[], body: string, bodyLang: string): { sections: ShownSection[]; numbered: boolean } {
  const outline = outlineOf(body);
  if (sections.length > 0 && sameNumbering(outline, sections)) {
    return { sections: outline.map((s) => ({ number: s.number, depth: s.depth, title: s.title, lang: bodyLang })), numbered: true };
  }
  return { sections: sections.map((s) => ({ number: s.number, depth: s.depth, title: s.title, lang: CONTENT_LANGUAGE })), numbered: false };
}

/** The form's value for a stored section id (a draft shown again). */
export const sectionValue = (sections: readonly Section[], sectionId: number | null | undefined) =>
  sectionId ? sections.find((s) => s.id === sectionId)?.number ?? WHOLE_DRAFT : WHOLE_DRAFT;
