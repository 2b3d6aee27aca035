/**
 * A small Markdown subset for procedure bodies, rendered to HTML that is safe by construction.
 *
 * The source is never passed through as HTML: every text run is escaped (& < > " ') and the
 * renderer itself only ever writes these elements: p, br, h2–h6, ul, ol, li, strong, em, code,
 * a (href and, for http(s), rel), blockquote, hr. Link targets must be http:, https: or mailto:;
 * anything else stays literal text.
 *
 * Supported (CommonMark-like, pragmatic):
 * - paragraphs separated by blank lines; a line break inside a paragraph is a space, a line
 *   ending in two spaces or a backslash is a <br>
 * - ATX headings `#`…`######`, shifted by `headingOffset` (default 1, never below 1, so `#` is
 *   an h2 and nothing is ever an h1), clamped to h6; no setext headings (a `---` line is a rule)
 * - lists with `-`, `*`, `+` or `1.`/`1)` and nesting by indentation. An ordered list must start
 *   at 1 (ol cannot carry a start attribute here, so "3. Oktober" stays text instead of being
 *   renumbered); later item numbers are not checked, as in CommonMark
 * - `**strong**`, `*em*`, `_em_` (CommonMark delimiter rules, so snake_case stays text),
 *   `` `code` ``, `[text](url "optional title")` (the title is dropped), `> quote`,
 *   `---`/`***`/`___` rules, backslash escapes of ASCII punctuation
 * - no raw HTML, no entities (written as they are), no images, no code blocks, no autolinks,
 *   no reference links: all of that is literal text
 *
 * Runs in linear time (up to small constants) on any input: no backtracking regular
 * expressions, emphasis matched with the CommonMark delimiter stack and its openers-bottom
 * table, code spans found through an index of backtick runs, nesting of containers capped.
 * Input longer than MARKDOWN_MAX_LENGTH characters is cut at that length.
 */

export const MARKDOWN_MAX_LENGTH = 50_000;

/** Containers (block quotes, list items) nest at most this deep; deeper markers are text. */
const MAX_CONTAINER_DEPTH = 4;
/** Longer link destinations are not links (keeps pathological input cheap). */
const MAX_URL_LENGTH = 4096;
const MAX_TITLE_LENGTH = 1000;
/** Parentheses nesting inside a link destination (CommonMark implementations use 32). */
const MAX_URL_PARENS = 32;

export interface MarkdownOptions {
  /**
   * Added to the number of `#` to get the heading level. Default 1 (`#` → h2). Values below 1
   * are treated as 1 so that no h1 is ever produced; levels above 6 become h6.
   */
  headingOffset?: number;
}

interface Context {
  headingOffset: number;
}

export function renderMarkdown(source: string, opts: MarkdownOptions = {}): string {
  if (typeof source !== "string" || source.length === 0) return "";
  const offset = opts.headingOffset;
  const ctx: Context = {
    headingOffset: typeof offset === "number" && Number.isFinite(offset) ? Math.min(5, Math.max(1, Math.trunc(offset))) : 1,
  };
  return renderBlocks(toLines(source), 0, false, ctx).join("\n");
}

/**
 * The text of the document without any syntax, for summaries, meta descriptions and search.
 * Blocks are separated by a blank line, list items and hard line breaks by a newline. The
 * result is plain text, NOT HTML: escape it (React does) before putting it into markup.
 */
export function markdownToPlainText(source: string): string {
  const html = renderMarkdown(source);
  if (html === "") return "";
  // The HTML comes from renderBlocks only: tags are ours, text and attribute values are escaped,
  // so there is no ">" inside a tag and no "<" outside one, and raw newlines only join blocks.
  const out: string[] = [];
  let line = "";
  /** what separates the next non-empty line from the last one: 1 newline, 2 a blank line */
  let gap = 0;
  const endLine = (next: 1 | 2) => {
    const done = trimSpaces(line);
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
// Escaping

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const ENTITY_TEXT: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

// ---------------------------------------------------------------------------------------------
// Lines

function toLines(source: string): string[] {
  let s = source.length > MARKDOWN_MAX_LENGTH ? source.slice(0, MARKDOWN_MAX_LENGTH) : source;
  // do not leave half a surrogate pair at the cut
  if (s.length === MARKDOWN_MAX_LENGTH && isHighSurrogate(s.charCodeAt(s.length - 1))) s = s.slice(0, -1);
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  return s
    .replace(/\u0000/g, "\uFFFD")
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map(expandLeadingTabs);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Tabs in the indentation become spaces (tab stops of 4) so that indentation is a count. */
function expandLeadingTabs(line: string): string {
  if (line.indexOf("\t") < 0) return line;
  let out = "";
  let col = 0;
  let k = 0;
  for (; k < line.length && (line[k] === " " || line[k] === "\t"); k++) {
    const width = line[k] === "\t" ? 4 - (col % 4) : 1;
    out += " ".repeat(width);
    col += width;
  }
  return out + line.slice(k);
}

function isSpaceOrTab(ch: string | undefined): boolean {
  return ch === " " || ch === "\t";
}

function isBlank(line: string): boolean {
  for (let k = 0; k < line.length; k++) if (!isSpaceOrTab(line[k])) return false;
  return true;
}

function indentWidth(line: string): number {
  let k = 0;
  while (k < line.length && line[k] === " ") k++;
  return k;
}

function trimSpaces(text: string): string {
  let a = 0;
  let b = text.length;
  while (a < b && isSpaceOrTab(text[a])) a++;
  while (b > a && isSpaceOrTab(text[b - 1])) b--;
  return text.slice(a, b);
}

function trimEndSpaces(text: string): string {
  let b = text.length;
  while (b > 0 && isSpaceOrTab(text[b - 1])) b--;
  return text.slice(0, b);
}

// ---------------------------------------------------------------------------------------------
// Block recognisers (each looks at one line, at most three spaces of indentation)

/** `---`, `***`, `___` (three or more, spaces allowed between). */
function isRule(line: string): boolean {
  const p = indentWidth(line);
  if (p > 3) return false;
  const marker = line[p];
  if (marker !== "-" && marker !== "*" && marker !== "_") return false;
  let count = 0;
  for (let k = p; k < line.length; k++) {
    const ch = line[k];
    if (ch === marker) count++;
    else if (!isSpaceOrTab(ch)) return false;
  }
  return count >= 3;
}

function matchHeading(line: string): { level: number; text: string } | null {
  const p = indentWidth(line);
  if (p > 3) return null;
  let h = p;
  while (h < line.length && line[h] === "#") h++;
  const level = h - p;
  if (level < 1 || level > 6) return null;
  if (h < line.length && !isSpaceOrTab(line[h])) return null;
  let text = trimSpaces(line.slice(h));
  // optional closing sequence: "## Title ##"
  let e = text.length;
  while (e > 0 && text[e - 1] === "#") e--;
  if (e === 0) text = "";
  else if (e < text.length && isSpaceOrTab(text[e - 1])) text = trimEndSpaces(text.slice(0, e));
  return { level, text };
}

function quoteContent(line: string): string | null {
  let p = 0;
  while (p < 3 && line[p] === " ") p++;
  if (line[p] !== ">") return null;
  p++;
  if (isSpaceOrTab(line[p])) p++;
  return line.slice(p);
}

interface ItemStart {
  ordered: boolean;
  /** the number of an ordered item */
  start: number;
  indent: number;
  /** the column where the item's content begins; continuation lines are indented to it */
  contentCol: number;
  content: string;
  empty: boolean;
}

function matchListItem(line: string): ItemStart | null {
  const p = indentWidth(line);
  if (p > 3) return null;
  const marker = line[p];
  let ordered = false;
  let start = 1;
  let q: number;
  if (marker === "-" || marker === "*" || marker === "+") {
    q = p + 1;
  } else {
    let d = p;
    while (d < line.length && d - p < 9 && line[d] >= "0" && line[d] <= "9") d++;
    if (d === p || (line[d] !== "." && line[d] !== ")")) return null;
    ordered = true;
    start = Number(line.slice(p, d));
    q = d + 1;
  }
  if (q < line.length && !isSpaceOrTab(line[q])) return null;
  let r = q;
  while (r < line.length && isSpaceOrTab(line[r])) r++;
  const content = line.slice(r);
  const empty = content.length === 0;
  const contentCol = empty || r - q > 4 ? q + 1 : r;
  return { ordered, start, indent: p, contentCol, content, empty };
}

/** An item that may begin a list: ordered lists must start at 1 (see the file comment). */
function startsList(item: ItemStart | null): item is ItemStart {
  return item !== null && (!item.ordered || item.start === 1);
}

/** Whether the line ends a paragraph that it would otherwise continue. */
function interruptsParagraph(line: string, containers: boolean): boolean {
  if (isRule(line) || matchHeading(line)) return true;
  if (!containers) return false;
  if (quoteContent(line) !== null) return true;
  const item = matchListItem(line);
  return startsList(item) && !item.empty;
}

function startsParagraphText(line: string): boolean {
  return !isBlank(line) && !isRule(line) && matchHeading(line) === null;
}

// ---------------------------------------------------------------------------------------------
// Blocks

function renderBlocks(lines: string[], depth: number, tight: boolean, ctx: Context): string[] {
  const out: string[] = [];
  const containers = depth < MAX_CONTAINER_DEPTH;
  const n = lines.length;
  let i = 0;
  while (i < n) {
    const line = lines[i];
    if (isBlank(line)) {
      i++;
      continue;
    }
    if (isRule(line)) {
      out.push("<hr>");
      i++;
      continue;
    }
    const heading = matchHeading(line);
    if (heading) {
      if (heading.text !== "") {
        const level = Math.min(6, heading.level + ctx.headingOffset);
        out.push(`<h${level}>${renderInline(heading.text)}</h${level}>`);
      }
      i++;
      continue;
    }
    if (containers) {
      const quoted = quoteContent(line);
      if (quoted !== null) {
        const inner = [quoted];
        i++;
        while (i < n) {
          const next = quoteContent(lines[i]);
          if (next !== null) inner.push(next);
          else if (startsParagraphText(inner[inner.length - 1]) && !isBlank(lines[i]) && !interruptsParagraph(lines[i], true))
            inner.push(lines[i]); // lazy continuation of a quoted paragraph
          else break;
          i++;
        }
        out.push(`<blockquote>${renderBlocks(inner, depth + 1, false, ctx).join("\n")}</blockquote>`);
        continue;
      }
      const item = matchListItem(line);
      if (startsList(item)) {
        const list = parseList(lines, i, item);
        const tag = list.ordered ? "ol" : "ul";
        const items = list.items.map((itemLines) => `<li>${renderBlocks(itemLines, depth + 1, !list.loose, ctx).join("\n")}</li>`);
        out.push(`<${tag}>\n${items.join("\n")}\n</${tag}>`);
        i = list.end;
        continue;
      }
    }
    const paragraph = [line.slice(indentWidth(line))];
    i++;
    while (i < n && !isBlank(lines[i]) && !interruptsParagraph(lines[i], containers)) {
      paragraph.push(lines[i].slice(indentWidth(lines[i])));
      i++;
    }
    const html = renderInline(trimEndSpaces(paragraph.join("\n")));
    out.push(tight ? html : `<p>${html}</p>`);
  }
  return out;
}

interface ParsedList {
  ordered: boolean;
  /** the lines of each item, with the marker and the item's indentation removed */
  items: string[][];
  loose: boolean;
  /** the index of the first line after the list */
  end: number;
}

function parseList(lines: string[], start: number, first: ItemStart): ParsedList {
  const n = lines.length;
  const ordered = first.ordered;
  let current = [first.content];
  const items = [current];
  let contentCol = first.contentCol;
  // Lines indented this far belong to the item. Two spaces are enough even after "10." so that
  // the usual "1. a / two spaces - b" nests as it looks.
  let threshold = Math.min(first.contentCol, first.indent + 2);
  let loose = false;
  let previousIsText = !first.empty;
  let i = start + 1;
  while (i < n) {
    const line = lines[i];
    if (isBlank(line)) {
      let j = i + 1;
      while (j < n && isBlank(lines[j])) j++;
      if (j >= n) break;
      const next = lines[j];
      const indent = indentWidth(next);
      if (indent >= threshold) {
        for (let k = i; k < j; k++) current.push("");
      } else {
        const item = matchListItem(next);
        if (!item || item.ordered !== ordered || isRule(next)) break;
      }
      loose = true;
      previousIsText = false;
      i = j;
      continue;
    }
    const indent = indentWidth(line);
    if (indent >= threshold) {
      current.push(line.slice(Math.min(indent, contentCol)));
      previousIsText = true;
      i++;
      continue;
    }
    if (isRule(line)) break;
    const item = matchListItem(line);
    if (item && item.ordered === ordered) {
      current = [item.content];
      items.push(current);
      contentCol = item.contentCol;
      threshold = Math.min(item.contentCol, item.indent + 2);
      previousIsText = !item.empty;
      i++;
      continue;
    }
    if (previousIsText && !interruptsParagraph(line, true)) {
      current.push(line.slice(indent)); // lazy continuation
      i++;
      continue;
    }
    break;
  }
  return { ordered, items, loose, end: i };
}

// ---------------------------------------------------------------------------------------------
// Inlines

type Token =
  | { kind: "text"; text: string }
  | { kind: "html"; html: string }
  | { kind: "delim"; ch: string; count: number; opens: string[]; closes: string[] }
  | { kind: "bracket"; href: string | null; external: boolean };

type DelimToken = Extract<Token, { kind: "delim" }>;
type BracketToken = Extract<Token, { kind: "bracket" }>;

interface Delimiter {
  token: DelimToken;
  ch: string;
  /** delimiters of the run still unmatched */
  count: number;
  /** the length of the run as written (for the rule of three) */
  length: number;
  canOpen: boolean;
  canClose: boolean;
  prev: Delimiter | null;
  next: Delimiter | null;
}

interface BracketOpener {
  token: number;
  /** the delimiter stack top when the bracket was seen: emphasis inside the link stays inside */
  bottom: Delimiter | null;
}

const BACKSLASH = 92;
const BACKTICK = 96;
const STAR = 42;
const UNDERSCORE = 95;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const NEWLINE = 10;

function isSpecial(code: number): boolean {
  return (
    code === BACKSLASH ||
    code === BACKTICK ||
    code === STAR ||
    code === UNDERSCORE ||
    code === OPEN_BRACKET ||
    code === CLOSE_BRACKET ||
    code === NEWLINE
  );
}

function isAsciiPunctuation(ch: string | undefined): boolean {
  if (ch === undefined || ch.length !== 1) return false;
  const c = ch.charCodeAt(0);
  return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
}

const WHITESPACE = /^\s$/u;
const PUNCTUATION = /^[\p{P}\p{S}]$/u;

function charBefore(s: string, i: number): string {
  if (i <= 0) return "";
  const low = s.charCodeAt(i - 1);
  if (low >= 0xdc00 && low <= 0xdfff && i >= 2 && isHighSurrogate(s.charCodeAt(i - 2))) return s.slice(i - 2, i);
  return s[i - 1];
}

function charAfter(s: string, i: number): string {
  if (i >= s.length) return "";
  return String.fromCodePoint(s.codePointAt(i) as number);
}

/** CommonMark's left- and right-flanking rules for the delimiter run s[start, end). */
function flanking(s: string, start: number, end: number, underscore: boolean): { canOpen: boolean; canClose: boolean } {
  const before = charBefore(s, start);
  const after = charAfter(s, end);
  const beforeSpace = before === "" || WHITESPACE.test(before);
  const afterSpace = after === "" || WHITESPACE.test(after);
  const beforePunct = !beforeSpace && PUNCTUATION.test(before);
  const afterPunct = !afterSpace && PUNCTUATION.test(after);
  const left = !afterSpace && (!afterPunct || beforeSpace || beforePunct);
  const right = !beforeSpace && (!beforePunct || afterSpace || afterPunct);
  if (!underscore) return { canOpen: left, canClose: right };
  return { canOpen: left && (!right || beforePunct), canClose: right && (!left || afterPunct) };
}

/** Start positions of maximal backtick runs, by run length. */
function backtickRuns(s: string): Map<number, number[]> {
  const runs = new Map<number, number[]>();
  let p = s.indexOf("`");
  while (p >= 0 && p < s.length) {
    let q = p;
    while (q < s.length && s.charCodeAt(q) === BACKTICK) q++;
    const list = runs.get(q - p);
    if (list) list.push(p);
    else runs.set(q - p, [p]);
    p = s.indexOf("`", q);
  }
  return runs;
}

function firstAtOrAfter(sorted: number[] | undefined, from: number): number {
  if (!sorted) return -1;
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < from) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length ? sorted[lo] : -1;
}

function safeHref(url: string): { href: string; external: boolean } | null {
  const head = url.slice(0, 8).toLowerCase();
  if ((head.startsWith("https://") && url.length > 8) || (head.startsWith("http://") && url.length > 7)) {
    return { href: url, external: true };
  }
  if (head.startsWith("mailto:") && url.length > 7) return { href: url, external: false };
  return null;
}

function skipLinkSpace(s: string, j: number): number {
  while (isSpaceOrTab(s[j])) j++;
  if (s[j] === "\n") j++;
  while (isSpaceOrTab(s[j])) j++;
  return j;
}

/**
 * `(destination "title")` starting at s[p]. The destination has no spaces and balanced
 * parentheses; backslash escapes are resolved. Every scan stops at the first space or
 * unbalanced ")", so the scans of all links in a text nest and stay linear overall.
 */
function parseLinkTail(s: string, p: number): { url: string; end: number } | null {
  if (s.charCodeAt(p) !== 40) return null;
  let j = skipLinkSpace(s, p + 1);
  const start = j;
  let url = "";
  let depth = 0;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c <= 32 || c === 127) break;
    if (c === BACKSLASH && isAsciiPunctuation(s[j + 1])) {
      url += s[j + 1];
      j += 2;
    } else {
      if (c === 40) {
        if (++depth > MAX_URL_PARENS) return null;
      } else if (c === 41) {
        if (depth === 0) break;
        depth--;
      }
      url += s[j];
      j++;
    }
    if (j - start > MAX_URL_LENGTH) return null;
  }
  if (depth !== 0) return null;
  const afterUrl = j;
  j = skipLinkSpace(s, j);
  const quote = s[j];
  if (j > afterUrl && (quote === '"' || quote === "'")) {
    const titleStart = j;
    j++;
    while (j < s.length && s[j] !== quote) {
      j += s[j] === "\\" ? 2 : 1;
      if (j - titleStart > MAX_TITLE_LENGTH) return null;
    }
    if (j >= s.length) return null;
    j = skipLinkSpace(s, j + 1);
  }
  if (s.charCodeAt(j) !== 41) return null;
  return { url, end: j + 1 };
}

function renderInline(s: string): string {
  return new InlineParser(s).render();
}

class InlineParser {
  private readonly tokens: Token[] = [];
  private top: Delimiter | null = null;
  private brackets: BracketOpener[] = [];
  private ticks: Map<number, number[]> | null = null;

  constructor(private readonly s: string) {}

  render(): string {
    this.parse();
    let html = "";
    for (const t of this.tokens) {
      switch (t.kind) {
        case "text":
          html += escapeHtml(t.text);
          break;
        case "html":
          html += t.html;
          break;
        case "delim":
          // matches as a closer used the left end of the run, as an opener the right end;
          // later matches are the outer ones
          html += t.closes.join("") + t.ch.repeat(t.count) + t.opens.slice().reverse().join("");
          break;
        case "bracket":
          html +=
            t.href === null ? "[" : `<a href="${escapeHtml(t.href)}"${t.external ? ' rel="noopener noreferrer"' : ""}>`;
          break;
      }
    }
    return html;
  }

  private text(text: string): void {
    this.tokens.push({ kind: "text", text });
  }

  /** Removes trailing spaces of the text so far and reports how many there were. */
  private trimTrailingSpaces(): number {
    let removed = 0;
    for (;;) {
      const last = this.tokens[this.tokens.length - 1];
      if (!last || last.kind !== "text") return removed;
      const trimmed = trimEndSpaces(last.text);
      removed += last.text.length - trimmed.length;
      if (trimmed !== "") {
        last.text = trimmed;
        return removed;
      }
      this.tokens.pop();
    }
  }

  private parse(): void {
    const s = this.s;
    const n = s.length;
    let i = 0;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === BACKSLASH) {
        const next = s[i + 1];
        if (next === "\n") {
          this.trimTrailingSpaces();
          this.tokens.push({ kind: "html", html: "<br>" });
          i = skipSpaces(s, i + 2);
        } else if (isAsciiPunctuation(next)) {
          this.text(next);
          i += 2;
        } else {
          this.text("\\");
          i++;
        }
      } else if (c === BACKTICK) {
        let j = i;
        while (j < n && s.charCodeAt(j) === BACKTICK) j++;
        const length = j - i;
        this.ticks ??= backtickRuns(s);
        const close = firstAtOrAfter(this.ticks.get(length), j);
        if (close >= 0) {
          let code = s.slice(j, close).replace(/\n/g, " ");
          if (code.length > 2 && code[0] === " " && code[code.length - 1] === " " && trimSpaces(code) !== "") code = code.slice(1, -1);
          this.tokens.push({ kind: "html", html: `<code>${escapeHtml(code)}</code>` });
          i = close + length;
        } else {
          this.text(s.slice(i, j));
          i = j;
        }
      } else if (c === STAR || c === UNDERSCORE) {
        let j = i;
        while (j < n && s.charCodeAt(j) === c) j++;
        const { canOpen, canClose } = flanking(s, i, j, c === UNDERSCORE);
        if (canOpen || canClose) {
          const token: DelimToken = { kind: "delim", ch: s[i], count: j - i, opens: [], closes: [] };
          this.tokens.push(token);
          const d: Delimiter = { token, ch: s[i], count: j - i, length: j - i, canOpen, canClose, prev: this.top, next: null };
          if (this.top) this.top.next = d;
          this.top = d;
        } else {
          this.text(s.slice(i, j));
        }
        i = j;
      } else if (c === OPEN_BRACKET) {
        this.tokens.push({ kind: "bracket", href: null, external: false });
        this.brackets.push({ token: this.tokens.length - 1, bottom: this.top });
        i++;
      } else if (c === CLOSE_BRACKET) {
        i = this.closeBracket(i);
      } else if (c === NEWLINE) {
        if (this.trimTrailingSpaces() >= 2) this.tokens.push({ kind: "html", html: "<br>" });
        else this.text(" ");
        i = skipSpaces(s, i + 1);
      } else {
        let j = i + 1;
        while (j < n && !isSpecial(s.charCodeAt(j))) j++;
        this.text(s.slice(i, j));
        i = j;
      }
    }
    this.processEmphasis(null);
  }

  /** At a "]": a link if there is an opener and a valid, allowed destination; else text. */
  private closeBracket(i: number): number {
    const opener = this.brackets.pop();
    const tail = opener ? parseLinkTail(this.s, i + 1) : null;
    const target = tail ? safeHref(tail.url) : null;
    if (!opener || !tail || !target) {
      this.text("]");
      return i + 1;
    }
    this.processEmphasis(opener.bottom);
    const token = this.tokens[opener.token] as BracketToken;
    token.href = target.href;
    token.external = target.external;
    if (!this.hasVisibleContentAfter(opener.token)) this.text(target.href);
    this.tokens.push({ kind: "html", html: "</a>" });
    // links do not contain links: every earlier "[" is now plain text
    this.brackets = [];
    return tail.end;
  }

  private hasVisibleContentAfter(index: number): boolean {
    for (let k = index + 1; k < this.tokens.length; k++) {
      const t = this.tokens[k];
      if (t.kind === "text" ? trimSpaces(t.text) !== "" : t.kind === "html" ? t.html !== "<br>" : t.kind === "delim" ? t.count > 0 : true)
        return true;
    }
    return false;
  }

  private remove(d: Delimiter): void {
    if (d.prev) d.prev.next = d.next;
    if (d.next) d.next.prev = d.prev;
    if (this.top === d) this.top = d.prev;
    d.prev = d.next = null;
  }

  /** CommonMark's "process emphasis" for the delimiters above `bottom`. */
  private processEmphasis(bottom: Delimiter | null): void {
    if (this.top === bottom) return;
    let closer: Delimiter | null = this.top;
    while (closer && closer.prev !== bottom) closer = closer.prev;
    const openersBottom = new Map<string, Delimiter | null>();
    while (closer) {
      if (!closer.canClose) {
        closer = closer.next;
        continue;
      }
      const key = `${closer.ch}${closer.canOpen ? 1 : 0}${closer.length % 3}`;
      const limit = openersBottom.has(key) ? openersBottom.get(key) : bottom;
      let opener = closer.prev;
      let found = false;
      while (opener && opener !== bottom && opener !== limit) {
        const oddMatch =
          (closer.canOpen || opener.canClose) && closer.length % 3 !== 0 && (opener.length + closer.length) % 3 === 0;
        if (opener.ch === closer.ch && opener.canOpen && !oddMatch) {
          found = true;
          break;
        }
        opener = opener.prev;
      }
      const current: Delimiter = closer;
      if (found && opener) {
        const use = closer.count >= 2 && opener.count >= 2 ? 2 : 1;
        const tag = use === 2 ? "strong" : "em";
        opener.count -= use;
        closer.count -= use;
        opener.token.count = opener.count;
        closer.token.count = closer.count;
        opener.token.opens.push(`<${tag}>`);
        closer.token.closes.push(`</${tag}>`);
        // delimiters between the two can no longer match anything (they stay text)
        opener.next = closer;
        closer.prev = opener;
        if (opener.count === 0) this.remove(opener);
        if (closer.count === 0) {
          const next: Delimiter | null = closer.next;
          this.remove(closer);
          closer = next;
        }
      } else {
        openersBottom.set(key, current.prev);
        closer = current.next;
        if (!current.canOpen) this.remove(current);
      }
    }
    while (this.top !== bottom && this.top !== null) this.remove(this.top);
  }
}

function skipSpaces(s: string, i: number): number {
  while (isSpaceOrTab(s[i])) i++;
  return i;
}
