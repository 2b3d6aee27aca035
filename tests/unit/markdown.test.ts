import { describe, expect, it } from "vitest";
import { MARKDOWN_MAX_LENGTH, markdownHeadings, markdownToPlainText, renderMarkdown } from "~/modules/procedures/markdown";

const ALLOWED_TAGS = new Set(["p", "br", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "code", "a", "blockquote", "hr"]);
const VOID_TAGS = new Set(["br", "hr"]);
const ALLOWED_ATTRIBUTES = new Set(["href", "rel"]);
const TAG = /<\/?([a-z0-9]+)([^>]*)>/gi;
const ATTRIBUTE = /\s+([^\s=]+)="([^"]*)"/g;

interface Tag {
  name: string;
  closing: boolean;
  attributes: [string, string][];
}

/** Every tag of the output with its attributes; reports anything a scanner could not read cleanly. */
function scanTags(html: string, problems: string[] = []): Tag[] {
  const tags: Tag[] = [];
  for (const m of html.matchAll(TAG)) {
    const raw = m[0];
    const rest = m[2];
    const attributes = [...rest.matchAll(ATTRIBUTE)].map((a): [string, string] => [a[1], a[2]]);
    // the attributes must be exactly name="value" pairs, nothing left over (no bare names, no quote tricks)
    if (rest.replace(ATTRIBUTE, "") !== "") problems.push(`stray attribute text in ${raw}`);
    tags.push({ name: m[1], closing: raw.startsWith("</"), attributes });
  }
  // no "<" that does not start one of those tags, no ">" outside them
  if (html.split("<").length - 1 !== tags.length) problems.push('stray "<"');
  if (html.split(">").length - 1 !== tags.length) problems.push('stray ">"');
  return tags;
}

function decode(value: string): string {
  return value.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[e] as string);
}

/** Only allowed tags and attributes, properly nested, every href http(s) or mailto. */
function expectSafe(html: string): void {
  const problems: string[] = [];
  const open: string[] = [];
  for (const tag of scanTags(html, problems)) {
    if (!ALLOWED_TAGS.has(tag.name)) problems.push(`tag <${tag.name}>`);
    for (const [name, value] of tag.attributes) {
      if (!ALLOWED_ATTRIBUTES.has(name)) problems.push(`attribute ${name}`);
      if (tag.name !== "a" || tag.closing) problems.push(`attribute on <${tag.closing ? "/" : ""}${tag.name}>`);
      if (name === "href" && !/^(https?:\/\/|mailto:)/i.test(decode(value))) problems.push(`href ${value}`);
      if (name === "rel" && value !== "noopener noreferrer") problems.push(`rel ${value}`);
    }
    if (tag.closing) {
      const innermost = open.pop();
      if (innermost !== tag.name) problems.push(`</${tag.name}> closes <${innermost}>`);
    } else if (!VOID_TAGS.has(tag.name)) {
      open.push(tag.name);
    }
  }
  if (open.length > 0) problems.push(`unclosed ${open.join(", ")}`);
  expect(problems, html.length > 2000 ? `${html.slice(0, 2000)}…` : html).toEqual([]);
}

const hrefs = (html: string) => scanTags(html).flatMap((t) => t.attributes.filter(([n]) => n === "href").map(([, v]) => decode(v)));
const tagNames = (html: string) => scanTags(html).map((t) => (t.closing ? "/" : "") + t.name);

describe("renderMarkdown: blocks", () => {
  it("renders paragraphs separated by blank lines, joining the lines of a paragraph with spaces", () => {
    expect(renderMarkdown("Erste Zeile\nzweite Zeile\n\n\nNeuer Absatz")).toBe("<p>Erste Zeile zweite Zeile</p>\n<p>Neuer Absatz</p>");
  });

  it("turns a line ending in two spaces or a backslash into a line break", () => {
    expect(renderMarkdown("Rathaus  \nMarktplatz 1\\\n12345 Musterstadt")).toBe("<p>Rathaus<br>Marktplatz 1<br>12345 Musterstadt</p>");
    // one trailing space is just a space; trailing spaces at the end of a paragraph are dropped
    expect(renderMarkdown("a \nb  ")).toBe("<p>a b</p>");
  });

  it("handles \\r\\n and lone \\r line endings", () => {
    expect(renderMarkdown("# Titel\r\n\r\nEins\r\nzwei\rdrei")).toBe("<h2>Titel</h2>\n<p>Eins zwei drei</p>");
  });

  it("maps # … ### to h2 … h4 by default and drops closing hashes", () => {
    expect(renderMarkdown("# Eins\n## Zwei ##\n### Drei")).toBe("<h2>Eins</h2>\n<h3>Zwei</h3>\n<h4>Drei</h4>");
  });

  it("shifts heading levels by headingOffset, clamps to h6 and never emits an h1", () => {
    expect(renderMarkdown("# A", { headingOffset: 2 })).toBe("<h3>A</h3>");
    expect(renderMarkdown("### A", { headingOffset: 3 })).toBe("<h6>A</h6>");
    expect(renderMarkdown("###### A", { headingOffset: 4 })).toBe("<h6>A</h6>");
    for (const headingOffset of [0, -3, Number.NaN, 0.5]) {
      expect(renderMarkdown("# A\n## B", { headingOffset })).toBe("<h2>A</h2>\n<h3>B</h3>");
    }
  });

  it("needs a space after the hashes, so hashtags stay text", () => {
    expect(renderMarkdown("#Beteiligung")).toBe("<p>#Beteiligung</p>");
  });

  it("renders unordered lists with -, * and +", () => {
    for (const marker of ["-", "*", "+"]) {
      expect(renderMarkdown(`${marker} Eins\n${marker} Zwei`)).toBe("<ul>\n<li>Eins</li>\n<li>Zwei</li>\n</ul>");
    }
  });

  it("renders ordered lists", () => {
    expect(renderMarkdown("1. Antrag stellen\n2. Bescheid abwarten")).toBe("<ol>\n<li>Antrag stellen</li>\n<li>Bescheid abwarten</li>\n</ol>");
    expect(renderMarkdown("1) a\n1) b")).toBe("<ol>\n<li>a</li>\n<li>b</li>\n</ol>");
  });

  it("does not turn a line like '3. Oktober' into a list that would be renumbered from 1", () => {
    expect(renderMarkdown("3. Oktober: Tag der Deutschen Einheit")).toBe("<p>3. Oktober: Tag der Deutschen Einheit</p>");
    expect(renderMarkdown("Am\n3. Oktober")).toBe("<p>Am 3. Oktober</p>");
  });

  it("nests a list one level by indentation", () => {
    expect(renderMarkdown("- Obst\n  - Äpfel\n  - Birnen\n- Gemüse")).toBe(
      "<ul>\n<li>Obst\n<ul>\n<li>Äpfel</li>\n<li>Birnen</li>\n</ul></li>\n<li>Gemüse</li>\n</ul>",
    );
    // CommonMark: a nested line is indented to the item's content ("1. " → three spaces)
    expect(tagNames(renderMarkdown("1. a\n   - b\n2. c"))).toEqual(["ol", "li", "ul", "li", "/li", "/ul", "/li", "li", "/li", "/ol"]);
  });

  it("wraps items of a list with blank lines between them in paragraphs", () => {
    expect(renderMarkdown("- a\n\n- b")).toBe("<ul>\n<li><p>a</p></li>\n<li><p>b</p></li>\n</ul>");
  });

  it("ends a list at a blank line followed by a paragraph", () => {
    expect(renderMarkdown("- a\n- b\n\nText")).toBe("<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<p>Text</p>");
  });

  it("renders block quotes", () => {
    expect(renderMarkdown("> Zitat")).toBe("<blockquote><p>Zitat</p></blockquote>");
    expect(renderMarkdown("> Zeile eins\n> Zeile zwei\n\nDanach")).toBe("<blockquote><p>Zeile eins Zeile zwei</p></blockquote>\n<p>Danach</p>");
  });

  it("renders a line of --- (or *** / ___) as a rule", () => {
    expect(renderMarkdown("Oben\n\n---\n\nUnten")).toBe("<p>Oben</p>\n<hr>\n<p>Unten</p>");
    expect(renderMarkdown("***")).toBe("<hr>");
    expect(renderMarkdown("_ _ _")).toBe("<hr>");
  });

  it("renders an empty or blank document as an empty string", () => {
    expect(renderMarkdown("")).toBe("");
    expect(renderMarkdown(" \n\t\n")).toBe("");
  });

  it("truncates input longer than 50 000 characters", () => {
    expect(MARKDOWN_MAX_LENGTH).toBe(50_000);
    const html = renderMarkdown("a".repeat(60_000) + "ENDE");
    expect(html).toBe(`<p>${"a".repeat(50_000)}</p>`);
  });
});

describe("renderMarkdown: inlines", () => {
  it("renders **strong**, *em* and _em_", () => {
    expect(renderMarkdown("**wichtig**, *betont* und _auch betont_")).toBe(
      "<p><strong>wichtig</strong>, <em>betont</em> und <em>auch betont</em></p>",
    );
  });

  it("nests emphasis", () => {
    expect(renderMarkdown("**fett *und kursiv***")).toBe("<p><strong>fett <em>und kursiv</em></strong></p>");
    expect(renderMarkdown("***beides***")).toBe("<p><em><strong>beides</strong></em></p>");
  });

  it("leaves unmatched or intraword underscores and stars alone", () => {
    expect(renderMarkdown("datei_name_final.pdf")).toBe("<p>datei_name_final.pdf</p>");
    expect(renderMarkdown("2 * 3 = 6 und *offen")).toBe("<p>2 * 3 = 6 und *offen</p>");
  });

  it("renders inline code without interpreting its content", () => {
    expect(renderMarkdown("Feld `name_*x*` ausfüllen")).toBe("<p>Feld <code>name_*x*</code> ausfüllen</p>");
    expect(renderMarkdown("`` a ` b ``")).toBe("<p><code>a ` b</code></p>");
    expect(renderMarkdown("ein `offener Backtick")).toBe("<p>ein `offener Backtick</p>");
  });

  it("supports backslash escapes", () => {
    expect(renderMarkdown("\\*kein Stern\\* \\[keine Klammer]")).toBe("<p>*kein Stern* [keine Klammer]</p>");
  });

  it("renders http and https links with rel and mailto links without", () => {
    expect(renderMarkdown("[Stadt](https://www.example.de/rathaus)")).toBe(
      '<p><a href="https://www.example.de/rathaus" rel="noopener noreferrer">Stadt</a></p>',
    );
    expect(renderMarkdown("[Stadt](HTTP://example.de)")).toBe('<p><a href="HTTP://example.de" rel="noopener noreferrer">Stadt</a></p>');
    expect(renderMarkdown("[Schreiben Sie uns](mailto:buergerbuero@example.de)")).toBe(
      '<p><a href="mailto:buergerbuero@example.de">Schreiben Sie uns</a></p>',
    );
  });

  it("allows spaces around the URL, parentheses in it and a title (which is dropped)", () => {
    expect(hrefs(renderMarkdown("[x]( https://de.example.org/wiki/Foo_(Bar) )"))).toEqual(["https://de.example.org/wiki/Foo_(Bar)"]);
    expect(renderMarkdown('[x](https://a.example "Titel")')).toBe('<p><a href="https://a.example" rel="noopener noreferrer">x</a></p>');
  });

  it("renders emphasis and code inside link text", () => {
    expect(renderMarkdown("[**Antrag** `PDF`](https://a.example/a.pdf)")).toBe(
      '<p><a href="https://a.example/a.pdf" rel="noopener noreferrer"><strong>Antrag</strong> <code>PDF</code></a></p>',
    );
  });

  it("does not nest links and shows the URL when the link text is empty", () => {
    expect(tagNames(renderMarkdown("[a [b](https://b.example) c](https://c.example)"))).toEqual(["p", "a", "/a", "/p"]);
    expect(renderMarkdown("[](https://a.example)")).toBe('<p><a href="https://a.example" rel="noopener noreferrer">https://a.example</a></p>');
  });

  it("leaves bare URLs, autolinks and reference links as text", () => {
    expect(renderMarkdown("Siehe https://example.de")).toBe("<p>Siehe https://example.de</p>");
    expect(renderMarkdown("<https://example.de>")).toBe("<p>&lt;https://example.de&gt;</p>");
    expect(renderMarkdown("[x][ref]")).toBe("<p>[x][ref]</p>");
  });

  it("leaves relative and other links as text", () => {
    for (const url of ["/formulare/1", "ftp://a.example", "tel:+4930123", "https:", "//a.example"]) {
      expect(renderMarkdown(`[x](${url})`)).toBe(`<p>[x](${url})</p>`);
    }
  });
});

describe("renderMarkdown: escaping", () => {
  it("escapes HTML in text", () => {
    expect(renderMarkdown(`a & b < c > d "e" 'f'`)).toBe("<p>a &amp; b &lt; c &gt; d &quot;e&quot; &#39;f&#39;</p>");
    expect(renderMarkdown("&lt; &amp;")).toBe("<p>&amp;lt; &amp;amp;</p>");
  });

  it("escapes HTML in headings, list items, quotes and code", () => {
    expect(renderMarkdown("# <i>x</i>")).toBe("<h2>&lt;i&gt;x&lt;/i&gt;</h2>");
    expect(renderMarkdown("- <i>x</i>")).toBe("<ul>\n<li>&lt;i&gt;x&lt;/i&gt;</li>\n</ul>");
    expect(renderMarkdown("> <i>x</i>")).toBe("<blockquote><p>&lt;i&gt;x&lt;/i&gt;</p></blockquote>");
    expect(renderMarkdown("`<script>`")).toBe("<p><code>&lt;script&gt;</code></p>");
  });

  it("escapes HTML in link text", () => {
    expect(renderMarkdown(`[<img src=x onerror="alert(1)">](https://a.example)`)).toBe(
      '<p><a href="https://a.example" rel="noopener noreferrer">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</a></p>',
    );
  });

  it("percent-encodes and escapes the URL in the href attribute", () => {
    // as CommonMark's reference renderers do: < > " and spaces percent-encoded, & and ' escaped
    const html = renderMarkdown(`[x](https://a.example/?q=<b>&r='1'&s="2")`);
    expect(html).toBe('<p><a href="https://a.example/?q=%3Cb%3E&amp;r=&#39;1&#39;&amp;s=%222%22" rel="noopener noreferrer">x</a></p>');
    expect(hrefs(html)).toEqual([`https://a.example/?q=%3Cb%3E&r='1'&s=%222%22`]);
  });

  it("replaces NUL characters", () => {
    expect(renderMarkdown("a\u0000b")).toBe("<p>a\uFFFDb</p>");
  });
});

describe("renderMarkdown: XSS vectors", () => {
  const vectors: [string, string][] = [
    ["<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"],
    ["<img src=x onerror=alert(1)>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>"],
    ["[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>"],
    ["[x](JAVASCRIPT:alert(1))", "<p>[x](JAVASCRIPT:alert(1))</p>"],
    ["[x]( javascript:alert(1))", "<p>[x]( javascript:alert(1))</p>"],
    ["[x](java&#115;cript:alert(1))", "<p>[x](java&amp;#115;cript:alert(1))</p>"],
    ["[x](data:text/html;base64,PHNjcmlwdD4=)", "<p>[x](data:text/html;base64,PHNjcmlwdD4=)</p>"],
    ["[x](vbscript:msgbox(1))", "<p>[x](vbscript:msgbox(1))</p>"],
    ["[x](  JaVaScRiPt:alert(1)  )", "<p>[x](  JaVaScRiPt:alert(1)  )</p>"],
    ["[x](\\javascript:alert(1))", "<p>[x](\\javascript:alert(1))</p>"],
    [
      '[x](https://a.example/"onmouseover="alert(1))',
      '<p><a href="https://a.example/%22onmouseover=%22alert(1)" rel="noopener noreferrer">x</a></p>',
    ],
    ['<a href="javascript:alert(1)">x</a>', "<p>&lt;a href=&quot;javascript:alert(1)&quot;&gt;x&lt;/a&gt;</p>"],
    ["**<b>**", "<p><strong>&lt;b&gt;</strong></p>"],
    ["`<script>`", "<p><code>&lt;script&gt;</code></p>"],
    ["``<script>alert(1)</script>``", "<p><code>&lt;script&gt;alert(1)&lt;/script&gt;</code></p>"],
    ['![x](https://a.example/x.png" onerror="alert(1))', "<p>![x](https://a.example/x.png&quot; onerror=&quot;alert(1))</p>"],
    ["<!-- x --><style>*{}</style>", "<p>&lt;!-- x --&gt;&lt;style&gt;*{}&lt;/style&gt;</p>"],
  ];

  it.each(vectors)("%s", (source, expected) => {
    const html = renderMarkdown(source);
    expectSafe(html);
    expect(html).toBe(expected);
  });

  it("never produces a javascript:, data: or vbscript: href, wherever the vector sits", () => {
    for (const [source] of vectors) {
      for (const wrapped of [`# ${source}`, `- ${source}`, `> ${source}`, `**${source}**`, `[${source}](https://a.example)`, `a\n${source}\nb`]) {
        const html = renderMarkdown(wrapped);
        expectSafe(html);
        for (const href of hrefs(html)) expect(href).toMatch(/^(https?:\/\/|mailto:)/i);
      }
    }
  });

  it("produces only allowed, well-nested markup for random markdown-heavy input", () => {
    // deterministic pseudo-random input built from syntax characters and vectors
    let seed = 0x2f6b3a1d;
    const random = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x1_0000_0000;
    };
    const pieces = [
      "*", "**", "_", "__", "`", "``", "[", "]", "(", ")", "](", "<", ">", "&", '"', "'", "\\", " ", "  ", "\n", "\n\n",
      "# ", "- ", "1. ", "> ", "---", "  - ", "https://a.example", "javascript:alert(1)", "mailto:a@b.example", "x", "ä", "ب",
      "<script>", "onerror=", "\t",
    ];
    for (let round = 0; round < 3000; round++) {
      let source = "";
      const length = 1 + Math.floor(random() * 40);
      for (let k = 0; k < length; k++) source += pieces[Math.floor(random() * pieces.length)];
      const html = renderMarkdown(source);
      try {
        expectSafe(html);
      } catch (error) {
        throw new Error(`unsafe output for ${JSON.stringify(source)}: ${html}\n${String(error)}`);
      }
    }
  });
});

describe("renderMarkdown: linear time on adversarial input", () => {
  const time = (source: string) => {
    const start = performance.now();
    const html = renderMarkdown(source);
    const elapsed = performance.now() - start;
    expectSafe(html);
    return elapsed;
  };

  // A guard against catastrophic backtracking, compared with itself rather than with a clock (a
  // fixed number of milliseconds fails on a busy machine): eight times the input may take about eight
  // times as long, never sixty-four (quadratic) or worse. Medians of five runs smooth the scheduler.
  const medianMs = (source: string) => [0, 1, 2, 3, 4].map(() => time(source)).sort((a, b) => a - b)[2];
  const expectLinear = (source: string) => {
    time(source); // warm-up
    const once = Math.max(2, medianMs(source));
    expect(medianMs(source.repeat(8)) / once).toBeLessThan(24);
  };
  it.each([
    ["20 000 *", "*".repeat(20_000)], // a thematic break
    ["20 000 * inside text", `a${"*".repeat(20_000)}a`],
    ["20 000 [", "[".repeat(20_000)],
    ["20 000 ( after a link text", `[a](${"(".repeat(20_000)}`],
    ["20 000 _a", "_a".repeat(20_000)],
  ])("renders %s in linear time", (_, source) => expectLinear(source));

  it.each([
    ["*a **a", "*a **a ".repeat(5_000)],
    ["a* *a", "a* *a ".repeat(8_000)],
    ["[a](", "[a](".repeat(10_000)],
    ["[](( ", "[]((".repeat(10_000)],
    ["backtick runs of growing length", Array.from({ length: 300 }, (_, k) => "`".repeat(k + 1) + "x").join(" ")],
    ["`a", "`a".repeat(20_000)],
    ['[x](y "', '[x](y "'.repeat(6_000)],
    ["nested quotes", ">".repeat(40_000) + " x"],
    ["list markers", "- ".repeat(20_000) + "x"],
    ["deep indentation", Array.from({ length: 2_000 }, (_, k) => " ".repeat(k % 40) + "- x").join("\n")],
    ["many empty lines", "\n".repeat(49_000) + "x"],
    ["many short paragraphs", "a\n\n".repeat(16_000)],
    ["one paragraph of many lines", "a \n".repeat(16_000)],
    ["hard breaks", "a  \n".repeat(12_000)],
    ["spaces then a letter", "a" + " ".repeat(40_000) + "b\n" + "#".repeat(6) + " ".repeat(5_000) + "x #"],
  ])("renders %s in linear time", (_, source) => expectLinear(source));
});

describe("renderMarkdown: languages", () => {
  it("passes German text through intact", () => {
    const text = "Bürgerbeteiligung für die Straßenführung: Äußerungen bis zum 31.12. möglich – „Ihre Meinung zählt“.";
    expect(renderMarkdown(text)).toBe(`<p>${text}</p>`);
    expect(renderMarkdown(`## Öffentliche Auslegung\n\n- **Größe:** 3 ha\n- _Maßnahme_`)).toBe(
      "<h3>Öffentliche Auslegung</h3>\n<ul>\n<li><strong>Größe:</strong> 3 ha</li>\n<li><em>Maßnahme</em></li>\n</ul>",
    );
  });

  it("passes Arabic text through intact", () => {
    const text = "المشاركة المدنية في البلدية: يمكنكم إرسال ملاحظاتكم حتى نهاية الشهر.";
    expect(renderMarkdown(text)).toBe(`<p>${text}</p>`);
    expect(renderMarkdown(`# عنوان\n\n**مهم** و*مائل* [الموقع](https://example.de)`)).toBe(
      '<h2>عنوان</h2>\n<p><strong>مهم</strong> و<em>مائل</em> <a href="https://example.de" rel="noopener noreferrer">الموقع</a></p>',
    );
  });

  it("keeps characters outside the Basic Multilingual Plane", () => {
    expect(renderMarkdown("*🙂* 𝔘")).toBe("<p><em>🙂</em> 𝔘</p>");
  });
});

describe("markdownToPlainText", () => {
  it("strips the syntax and keeps the text", () => {
    const source = [
      "# Neue Radwege",
      "",
      "Die Stadt plant **neue** Radwege. Details [auf der Website](https://example.de/radwege) & im `Amtsblatt`.",
      "",
      "- Hauptstraße",
      "  - Abschnitt Nord",
      "- Bahnhofstraße",
      "",
      "> Ihre Meinung zählt",
      "",
      "---",
      "",
      "Ende  ",
      "Zeile",
    ].join("\n");
    expect(markdownToPlainText(source)).toBe(
      [
        "Neue Radwege",
        "",
        "Die Stadt plant neue Radwege. Details auf der Website & im Amtsblatt.",
        "",
        "Hauptstraße",
        "Abschnitt Nord",
        "Bahnhofstraße",
        "",
        "Ihre Meinung zählt",
        "",
        "Ende",
        "Zeile",
      ].join("\n"),
    );
  });

  it("returns the characters as written, not as HTML", () => {
    expect(markdownToPlainText(`<script>alert("x")</script> &amp; 'q'`)).toBe(`<script>alert("x")</script> &amp; 'q'`);
    expect(markdownToPlainText("[x](javascript:alert(1))")).toBe("[x](javascript:alert(1))");
  });

  it("returns an empty string for an empty document", () => {
    expect(markdownToPlainText("")).toBe("");
    expect(markdownToPlainText("---\n\n#")).toBe("");
  });
});

describe("markdownHeadings", () => {
  it("lists the headings as rendered, in order, with their levels and plain text", () => {
    const source = "# Anlass\n\nText\n\n## Ziele *der* `Stadt`\n\n> ### Zitat\n\n#\n\n- ## Im Punkt";
    expect(markdownHeadings(source)).toEqual([
      { level: 2, text: "Anlass" },
      { level: 3, text: "Ziele der Stadt" },
      { level: 4, text: "Zitat" },
      { level: 3, text: "Im Punkt" },
    ]);
    expect(markdownHeadings("# A\n## <b>", { headingOffset: 2 })).toEqual([{ level: 3, text: "A" }, { level: 4, text: "<b>" }]);
    expect(renderMarkdown("# A\n## <b>", { headingOffset: 2 })).toBe("<h3>A</h3>\n<h4>&lt;b&gt;</h4>");
  });
});
