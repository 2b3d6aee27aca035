/**
 * Results, the pure parts: the suppression rule, CSV quoting (RFC 4180, and no formulas for
 * spreadsheets), excerpts, the page parameter, the summary's rules, DCAT metadata, and the chart
 * with its table (the same numbers in both, small groups as "fewer than 5" in both).
 */
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { I18nextProvider } from "react-i18next";
import { describe, expect, it } from "vitest";
import { i18nextServer } from "~/i18n/i18n.server";
import { CSV_BOM, csvField, csvRow } from "~/modules/results/csv";
import { LICENSE_URI, SUMMARY_MAX, excerpt, parsePage, suppress } from "~/modules/results/rules";
import { MIN_GROUP_SIZE } from "~/modules/results/disclosure";
import { dcatMetadata } from "~/modules/results/dcat";
import { exportLabels } from "~/modules/results/open-data.server";
import { validateSummary } from "~/modules/results/publishing.server";
import { BarChart } from "~/modules/results/ui/BarChart";

/** A strict RFC 4180 reader, independent of the writer: fields, quotes, CRLF records. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        if (text[i] !== "," && text[i] !== "\r" && i < text.length) throw new Error(`text after a closing quote at ${i}`);
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"') {
      if (field !== "") throw new Error(`a quote inside an unquoted field at ${i}`);
      quoted = true;
      i++;
    } else if (c === ",") {
      row.push(field);
      field = "";
      i++;
    } else if (c === "\r") {
      if (text[i + 1] !== "\n") throw new Error(`CR without LF at ${i}`);
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i += 2;
    } else if (c === "\n") {
      throw new Error(`a bare LF outside quotes at ${i}`);
    } else {
      field += c;
      i++;
    }
  }
  if (quoted) throw new Error("unterminated quoted field");
  if (field !== "" || row.length > 0) throw new Error("the last record has no CRLF");
  return rows;
}

describe("suppression of small groups", () => {
  it("hides every count below 5, zero included, and shows 5 and more", () => {
    expect(MIN_GROUP_SIZE).toBe(5);
    for (const n of [0, 1, 2, 3, 4]) expect(suppress(n), String(n)).toBeNull();
    for (const n of [5, 6, 49, 1_000_000]) expect(suppress(n)).toBe(n);
  });
});

describe("CSV", () => {
  it("leaves plain fields alone and quotes commas, quotes and line breaks (quotes doubled)", () => {
    expect(csvField("Mehr Bänke")).toBe("Mehr Bänke");
    expect(csvField(17)).toBe("17");
    expect(csvField(null)).toBe("");
    expect(csvField("")).toBe("");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('Sie sagte "nein"')).toBe('"Sie sagte ""nein"""');
    expect(csvField("Zeile 1\nZeile 2")).toBe('"Zeile 1\nZeile 2"');
    expect(csvField("Zeile 1\r\nZeile 2")).toBe('"Zeile 1\r\nZeile 2"');
    expect(csvField('"')).toBe('""""');
  });

  it("defuses text a spreadsheet would run as a formula", () => {
    expect(csvField("=HYPERLINK(\"http://x\")")).toBe("\"'=HYPERLINK(\"\"http://x\"\")\"");
    expect(csvField("+49 stimmt")).toBe("'+49 stimmt");
    expect(csvField("- mehr Bänke")).toBe("'- mehr Bänke");
    expect(csvField("@alle")).toBe("'@alle");
    expect(csvField("\tTab")).toBe("'\tTab");
    // numbers are numbers, not text
    expect(csvField(-3)).toBe("-3");
  });

  it("writes records with CRLF that a strict RFC 4180 reader reads back unchanged", () => {
    const records = [
      ["Nummer", "Frage, mit Komma", 'Mit "Anführung"'],
      ["1", "Zeile eins\nZeile zwei", ""],
      ["2", "ä ö ü ß € – „“ 漢字 مرحبا", '","'],
    ];
    const text = records.map(csvRow).join("");
    expect(text.endsWith("\r\n")).toBe(true);
    expect(parseCsv(text)).toEqual(records);
    expect(CSV_BOM).toBe("\uFEFF");
  });

  it("names the columns and values in German, whatever the reader's language", () => {
    const labels = exportLabels();
    expect(labels.columns).toEqual({ number: "Nummer", received: "Eingangsdatum", channel: "Eingangsweg", decision: "Entscheidung", response: "Antwort der Verwaltung", section: "Abschnitt", sectionTitle: "Titel des Abschnitts" });
    expect(labels.channels.phone).toBe("Telefon");
    expect(labels.decisions.partly_accepted).toBe("Teilweise berücksichtigt");
    expect([labels.yes, labels.no]).toEqual(["Ja", "Nein"]);
  });
});

describe("excerpts, page numbers, the summary", () => {
  it("cuts long text at a word, with an ellipsis, and leaves short text as it is", () => {
    expect(excerpt("kurz", 10)).toEqual({ text: "kurz", cut: false });
    const long = "Wort ".repeat(200).trim();
    const e = excerpt(long, 50);
    expect(e.cut).toBe(true);
    expect([...e.text].length).toBeLessThanOrEqual(50);
    expect(e.text).toMatch(/Wort…$/);
    // astral characters count as one and are never split
    expect(excerpt("😀".repeat(30), 10).text).toBe(`${"😀".repeat(9)}…`);
  });

  it("reads ?seite= strictly", () => {
    expect(parsePage(null)).toBe(1);
    expect(parsePage("")).toBe(1);
    expect(parsePage("1")).toBe(1);
    expect(parsePage("12")).toBe(12);
    for (const bad of ["0", "-1", "01", "1e3", "abc", "2.5", " 2", "9999999", "１"]) expect(parsePage(bad), bad).toBeNull();
  });

  it("checks the summary: required to publish, at most 20 000 characters, no control characters", () => {
    expect(validateSummary("  ", { required: false })).toEqual({ ok: true, summary: "" });
    expect(validateSummary("", { required: true })).toMatchObject({ ok: false, errors: [{ field: "summary", message: "moderation:results.errors.summaryRequired" }] });
    expect(validateSummary("# Titel\r\n\r\nText", { required: true })).toEqual({ ok: true, summary: "# Titel\n\nText" });
    expect(validateSummary("ä".repeat(SUMMARY_MAX), { required: true }).ok).toBe(true);
    expect(validateSummary("ä".repeat(SUMMARY_MAX + 1), { required: true })).toMatchObject({
      ok: false,
      errors: [{ message: "moderation:results.errors.summaryTooLong", params: { max: SUMMARY_MAX, length: SUMMARY_MAX + 1 } }],
    });
    expect(validateSummary("a\u0000b", { required: true })).toMatchObject({ ok: false, errors: [{ message: "moderation:results.errors.forbiddenCharacters" }] });
    expect(validateSummary("a\u202Eb", { required: true }).ok).toBe(false);
  });
});

describe("DCAT-AP.de metadata", () => {
  it("describes a dcat:Dataset with publisher, dates, licence and two distributions with absolute URLs", () => {
    const m = dcatMetadata({
      origin: "https://beteiligung.example",
      basePath: "/musterstadt/verfahren/radweg",
      organisationPath: "/musterstadt",
      organisation: "Stadt Musterstadt",
      contact: { email: "opendata@musterstadt.example", phone: "05121 301-0", url: "" },
      contributorId: "stadtMusterstadt",
      title: "Radweg",
      procedureSummary: "Worum es ging.",
      resultsSummary: "# Ergebnis\n\n**Viele** Stimmen.",
      opensAt: "2026-01-01T00:00:00.000Z",
      closesAt: "2026-02-01T00:00:00.000Z",
      issued: "2026-03-01T10:00:00.000Z",
      modified: "2026-03-02T10:00:00.000Z",
    });
    expect(m["@type"]).toBe("dcat:Dataset");
    expect(m["dct:publisher"]).toEqual({ "@type": "foaf:Organization", "foaf:name": "Stadt Musterstadt" });
    expect(m["dct:license"]).toEqual({ "@id": LICENSE_URI });
    // DCAT-AP.de: a contact point with e-mail, phone and web page as IRIs; the GovData contributor
    expect(m["dcat:contactPoint"]).toEqual({
      "@type": "vcard:Organization",
      "vcard:fn": "Stadt Musterstadt",
      "vcard:hasEmail": { "@id": "mailto:opendata@musterstadt.example" },
      "vcard:hasTelephone": { "@id": "tel:+4951213010" },
      "vcard:hasURL": { "@id": "https://beteiligung.example/musterstadt" },
    });
    expect(m["dcatde:contributorID"]).toEqual({ "@id": "http://dcat-ap.de/def/contributors/stadtMusterstadt" });
    expect(LICENSE_URI).toBe("http://dcat-ap.de/def/licenses/dl-zero-de/2.0");
    expect(m["dct:issued"]["@value"]).toBe("2026-03-01T10:00:00.000Z");
    expect(m["dct:modified"]["@value"]).toBe("2026-03-02T10:00:00.000Z");
    expect(m["dct:description"]["@value"]).toBe("Worum es ging.\n\nErgebnis\n\nViele Stimmen.");
    const d = m["dcat:distribution"];
    expect(d.map((x) => x["dcat:downloadURL"]["@id"])).toEqual([
      "https://beteiligung.example/musterstadt/verfahren/radweg/daten.csv",
      "https://beteiligung.example/musterstadt/verfahren/radweg/daten.json",
    ]);
    expect(d.map((x) => x["dcat:mediaType"]["@id"])).toEqual(["https://www.iana.org/assignments/media-types/text/csv", "https://www.iana.org/assignments/media-types/application/json"]);
    expect(d.map((x) => x["dct:format"]["@id"])).toEqual([
      "http://publications.europa.eu/resource/authority/file-type/CSV",
      "http://publications.europa.eu/resource/authority/file-type/JSON",
    ]);
    expect(d.every((x) => x["dct:license"]["@id"] === LICENSE_URI && x["dcat:accessURL"]["@id"] === x["dcat:downloadURL"]["@id"])).toBe(true);
  });
});

describe("bar chart with its table", () => {
  async function render(lng: "de" | "ar") {
    const i18n = i18nextServer.cloneInstance({ lng, initImmediate: false });
    await i18n.changeLanguage(lng);
    const chart = createElement(BarChart, {
      id: "c1",
      question: "Wie sind Sie unterwegs?",
      questionLang: "de",
      minGroupSize: 5,
      headerLabel: "Antwort",
      rows: [
        { key: "bike", label: "Mit dem Fahrrad", lang: "de", count: 40 },
        { key: "foot", label: "Zu Fuß", lang: "de", count: 12 },
        { key: "car", label: "Mit dem Auto und einem sehr langen Namen, der gekürzt wird", lang: "de", count: null },
      ],
    });
    // the files are .ts (no JSX): the provider is created by hand
    return renderToString(createElement(I18nextProvider, { i18n }, chart));
  }

  it("is an image named by its title and described by the table, with the same numbers in both", async () => {
    const html = await render("de");
    const svg = html.match(/<svg[\s\S]*<\/svg>/)![0];
    expect(svg).toMatch(/role="img"/);
    expect(svg).toMatch(/aria-labelledby="c1-title"/);
    expect(svg).toMatch(/aria-describedby="c1-table"/);
    expect(svg).toMatch(/<title id="c1-title">Balkendiagramm: Wie sind Sie unterwegs\?<\/title>/);
    expect(svg).toMatch(/width="100%"/);
    expect(svg).not.toMatch(/<script/);
    expect(html).toMatch(/<table class="table" id="c1-table"><caption id="c1-caption">/);
    expect(html).toMatch(/<th scope="col">Antwort<\/th>/);
    expect(html).toMatch(/<th scope="row" lang="de">Mit dem Fahrrad<\/th>/);
    const values = [...svg.matchAll(/font-weight="700"[^>]*>([^<]*)</g)].map((m) => m[1]);
    const cells = [...html.matchAll(/<td class="num">([^<]*)<\/td>/g)].map((m) => m[1]);
    expect(values).toEqual(["40", "12", "weniger als 5"]);
    expect(cells).toEqual(values);
    // the largest group fills the width; a suppressed one has no bar
    expect(svg).toMatch(/<rect x="0" y="25" width="100%"/);
    expect(svg.match(/<rect /g)).toHaveLength(2);
    // long labels are cut in the drawing only; the table has them whole
    expect(svg).toContain("…");
    expect(html).toContain("Mit dem Auto und einem sehr langen Namen, der gekürzt wird</th>");
  });

  it("draws from the right and says 'fewer than 5' in Arabic on right-to-left pages", async () => {
    const html = await render("ar");
    expect(html).toMatch(/direction="rtl"/);
    expect(html).toMatch(/<rect x="0%" y="25" width="100%"/);
    expect(html).toMatch(/<rect x="70%" y="77" width="30%"/);
    expect(html.match(/أقل من 5/g)).toHaveLength(2);
  });
});
