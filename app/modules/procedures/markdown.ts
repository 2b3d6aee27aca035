/**
 * Markdown for procedure bodies and results, rendered to HTML that is safe by construction
 * (decision 0038). markdown-it parses (CommonMark); this module renders its token tree itself and
 * writes only these elements: p, br, h2–h6, ul, ol, li, strong, em, code, a (href and, for
 * http(s), rel), blockquote, hr. Every text run is escaped (& < > " '); a token of any other kind
 * becomes escaped text, so a rule switched on by mistake cannot write markup.
 *
 * Switched off, so their syntax stays literal text: raw HTML, entities (written as they are),
 * images, code blocks (indented and fenced), autolinks, bare-URL links, reference links, tables,
 * strikethrough, setext headings (a `---` line is a rule). Link targets must be http:, https: or
 * mailto:; anything else stays text. Link titles are dropped. Headings are shifted by
 * `headingOffset` (default 1, never below 1, so `#` is an h2 and nothing is ever an h1), clamped to
 * h6; an empty heading is left out. An ordered list must start at 1 ("3. Oktober" at the start of
 * a line is a date, not a list renumbered from 3).
 *
 * Input longer than MARKDOWN_MAX_LENGTH characters is cut at that length; containers nest at most
 * MAX_NESTING deep (markdown-it drops what lies deeper).
 */
import markdownIt, { type MarkdownIt, type StateBlock, type Token } from "markdown-it";

export const MARKDOWN_MAX_LENGTH = 50_000;

/** markdown-it's nesting limit for blocks and inlines (its CommonMark preset uses 20). */
const MAX_NESTING = 20;

export interface MarkdownOptions {
  /**
   * Added to the number of `#` to get the heading level. Default 1 (`#` → h2). Values below 1
   * are treated as 1 so that no h1 is ever produced; levels above 6 become h6.
   */
  headingOffset?: number;
  /**
   * Numbered sections, by heading in document order (the order of markdownHeadings): the heading
   * gets the id and its number in front; with `link`, a paragraph with that link follows it.
   * null (or a missing entry) leaves that heading as it is.
   */
  sections?: readonly (HeadingSection | null)[];
}

export interface HeadingSection {
  /** the heading's id, the section's anchor */
  id: string;
  /** written before the heading's text, e.g. "3.2" */
  number: string;
  /** e.g. "Stellung nehmen zu 3.2" to the form with this section chosen */
  link?: { href: string; text: string };
}

const parser = createParser();

function createParser(): MarkdownIt {
  const md = markdownIt("commonmark", { html: false, linkify: false, typographer: false, maxNesting: MAX_NESTING });
  md.disable(["code", "fence", "html_block", "lheading", "reference"]);
  md.disable(["html_inline", "entity", "image", "autolink"]);
  md.validateLink = (url) => allowedLink(url) !== null;
  // lists only start at 1 (see the file comment); later item numbers are not checked, as in CommonMark
  const rules = (md.block.ruler as unknown as { __rules__: { name: string; fn: BlockRule; alt: string[] }[] }).__rules__;
  const list = rules.find((rule) => rule.name === "list")!;
  const listRule = list.fn;
  // (only where a list would begin: a silent call asks whether the line ends the block before it)
  md.block.ruler.at("list", (state, startLine, endLine, silent) => (!silent && orderedStartOtherThanOne(state, startLine) ? false : listRule(state, startLine, endLine, silent)), {
    alt: list.alt,
  });
  return md;
}

type BlockRule = (state: StateBlock, startLine: number, endLine: number, silent: boolean) => boolean;

/** Whether the line begins with an ordered-list marker ("3." or "3)") whose number is not 1. */
function orderedStartOtherThanOne(state: StateBlock, line: number): boolean {
  const start = state.bMarks[line] + state.tShift[line];
  const max = state.eMarks[line];
  let p = start;
  while (p < max && p - start < 10 && state.src.charCodeAt(p) >= 48 && state.src.charCodeAt(p) <= 57) p++;
  if (p === start || (state.src[p] !== "." && state.src[p] !== ")")) return false;
  return Number(state.src.slice(start, p)) !== 1;
}

/** http(s) with something after the scheme, or mailto: with an address; external says whether rel is added. */
function allowedLink(url: string): { external: boolean } | null {
  if (/^https?:\/\/./i.test(url)) return { external: true };
  if (/^mailto:./i.test(url)) return { external: false };
  return null;
}

function prepare(source: string): string {
  let s = source.length > MARKDOWN_MAX_LENGTH ? source.slice(0, MARKDOWN_MAX_LENGTH) : source;
  // do not leave half a surrogate pair at the cut
  if (s.length === MARKDOWN_MAX_LENGTH && isHighSurrogate(s.charCodeAt(s.length - 1))) s = s.slice(0, -1);
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  return s;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function headingOffsetOf(opts: MarkdownOptions): number {
  const offset = opts.headingOffset;
  return typeof offset === "number" && Number.isFinite(offset) ? Math.min(5, Math.max(1, Math.trunc(offset))) : 1;
}

export function renderMarkdown(source: string, opts: MarkdownOptions = {}): string {
  if (typeof source !== "string" || source.length === 0) return "";
  const tokens = parser.parse(prepare(source), {});
  return new BlockRenderer(tokens, headingOffsetOf(opts), opts.sections ?? []).blocks(0, tokens.length).join("\n");
}

export interface MarkdownHeading {
  /** the level it is rendered at (2–6, after headingOffset) */
  level: number;
  /** its text without syntax (plain text, not HTML) */
  text: string;
}

/** The headings renderMarkdown writes, in document order: the outline for numbered sections and tables of contents. */
export function markdownHeadings(source: string, opts: MarkdownOptions = {}): MarkdownHeading[] {
  if (typeof source !== "string" || source.length === 0) return [];
  const tokens = parser.parse(prepare(source), {});
  const headings: MarkdownHeading[] = [];
  tokens.forEach((token, k) => {
    if (token.type !== "heading_open") return;
    const text = headingText(tokens[k + 1]?.children ?? []);
    if (text !== "") headings.push({ level: Math.min(6, Number(token.tag.slice(1)) + headingOffsetOf(opts)), text });
  });
  return headings;
}

/** A heading's text without syntax; a heading whose text is empty is left out (by the outline and the renderer alike). */
function headingText(children: Token[]): string {
  return children
    .map((t) => (t.type === "softbreak" || t.type === "hardbreak" ? " " : t.type === "text" || t.type === "code_inline" ? t.content : ""))
    .join("")
    .trim();
}

/**
 * The text of the document without any syntax, for summaries, meta descriptions and search.
 * Blocks are separated by a blank line, list items and hard line breaks by a newline. The
 * result is plain text, NOT HTML: escape it (React does) before putting it into markup.
 */
export function markdownToPlainText(source: string): string {
  const html = renderMarkdown(source);
  if (html === "") return "";
  // The HTML comes from BlockRenderer only: tags are ours, text and attribute values are escaped,
  // so there is no ">" inside a tag and no "<" outside one, and raw newlines only join blocks.
  const out: string[] = [];
  let line = "";
  /** what separates the next non-empty line from the last one: 1 newline, 2 a blank line */
  let gap = 0;
  const endLine = (next: 1 | 2) => {
    const done = line.trim();
    line = "";
    if (done === "") {
      gap = Math.max(gap, next);
      return;
    }
    if (out.length > 0) out.push(gap >= 2 ? "\n\n" : "\n");
    out.push(done.replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => ENTITY_TEXT[entity]));
    gap = next;
  };
  let lists = 0;
  for (const [, tag, textRun] of html.matchAll(/<([^>]*)>|([^<]+)/g)) {
    if (textRun !== undefined) line += textRun.replace(/\n/g, "");
    else if (tag === "ul" || tag === "ol") {
      lists++;
      endLine(1);
    } else if (tag === "/ul" || tag === "/ol") endLine(--lists === 0 ? 2 : 1);
    else if (tag === "br" || tag === "/li") endLine(1);
    else if (tag === "hr" || tag === "/p" || tag === "/blockquote" || /^\/h[2-6]$/.test(tag)) endLine(2);
  }
  endLine(1);
  return out.join("");
}

// ---------------------------------------------------------------------------------------------
// Rendering

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const ENTITY_TEXT: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** The index of the token that closes the one opened at `open` (markdown-it's nesting is balanced). */
function closingIndex(tokens: Token[], open: number): number {
  let depth = 0;
  for (let k = open; k < tokens.length; k++) {
    depth += tokens[k].nesting;
    if (depth === 0) return k;
  }
  return tokens.length - 1;
}

class BlockRenderer {
  /** headings rendered so far: the index into `sections` */
  private headingCount = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly headingOffset: number,
    private readonly sections: readonly (HeadingSection | null)[],
  ) {}

  /** The blocks among tokens[from, to), one string each. */
  blocks(from: number, to: number): string[] {
    const out: string[] = [];
    let i = from;
    while (i < to) {
      const token = this.tokens[i];
      const end = token.nesting === 1 ? closingIndex(this.tokens, i) : i;
      const html = this.block(token, i, end);
      if (html !== "") out.push(html);
      i = end + 1;
    }
    return out;
  }

  private block(token: Token, start: number, end: number): string {
    const inner = () => this.blocks(start + 1, end).join("\n");
    switch (token.type) {
      case "paragraph_open": {
        const text = renderInline(this.tokens[start + 1]?.children ?? []);
        // markdown-it hides the paragraphs of tight list items
        return token.hidden ? text : `<p>${text}</p>`;
      }
      case "heading_open": {
        const children = this.tokens[start + 1]?.children ?? [];
        if (headingText(children) === "") return "";
        const text = renderInline(children);
        const level = Math.min(6, Number(token.tag.slice(1)) + this.headingOffset);
        const section = this.sections[this.headingCount++];
        if (!section) return `<h${level}>${text}</h${level}>`;
        const heading = `<h${level} id="${escapeHtml(section.id)}"><span class="section-number">${escapeHtml(section.number)}</span> ${text}</h${level}>`;
        return section.link ? `${heading}\n<p class="section-link"><a href="${escapeHtml(section.link.href)}">${escapeHtml(section.link.text)}</a></p>` : heading;
      }
      case "bullet_list_open":
      case "ordered_list_open": {
        const tag = token.type === "bullet_list_open" ? "ul" : "ol";
        return `<${tag}>\n${inner()}\n</${tag}>`;
      }
      case "list_item_open":
        return `<li>${inner()}</li>`;
      case "blockquote_open":
        return `<blockquote>${inner()}</blockquote>`;
      case "hr":
        return "<hr>";
      default:
        // nothing else is switched on; should a rule ever be, its text shows as text
        return token.content.trim() === "" ? "" : `<p>${escapeHtml(token.content)}</p>`;
    }
  }
}

function renderInline(tokens: Token[]): string {
  let html = "";
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    switch (t.type) {
      case "text":
        html += escapeHtml(t.content);
        break;
      case "softbreak":
        html += " ";
        break;
      case "hardbreak":
        html += "<br>";
        break;
      case "code_inline":
        html += `<code>${escapeHtml(t.content)}</code>`;
        break;
      case "strong_open":
      case "em_open":
        html += `<${t.tag}>`;
        break;
      case "strong_close":
      case "em_close":
        html += `</${t.tag}>`;
        break;
      case "link_open": {
        const href = String(t.attrGet("href") ?? "");
        const link = allowedLink(href);
        const close = closingIndex(tokens, k);
        const text = renderInline(tokens.slice(k + 1, close));
        if (!link) {
          html += text; // validateLink already refuses these; kept as a second lock
        } else {
          const visible = text.replace(/<br>/g, "").replace(/<[^>]*>/g, "").trim() !== "";
          html += `<a href="${escapeHtml(href)}"${link.external ? ' rel="noopener noreferrer"' : ""}>${visible ? text : escapeHtml(href)}</a>`;
        }
        k = close;
        break;
      }
      default:
        html += escapeHtml(t.content);
    }
  }
  return html;
}
