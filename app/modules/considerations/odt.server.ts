/**
 * The weighing table as an editable text document for the council's paper: OpenDocument Text
 * (ODT, ISO/IEC 26300; the German administration's standard format), A4 landscape, one table whose
 * header row repeats on every page, grouped by section where statements have one (decision 53).
 *
 * No kept npm library writes ODT, and those that write DOCX build the whole document in memory;
 * a weighing table is one table, so its XML is written here, streamed row by row into content.xml,
 * and the package is zipped by yazl (the `mimetype` entry first and stored, as ODF requires).
 */
import { PassThrough, Readable } from "node:stream";
import yazl from "yazl";
import { WHOLE_DRAFT, type WeighingColumn, type WeighingRow } from "./weighing-table.server";
import escapeHtml from "escape-html";

export const ODT_TYPE = "application/vnd.oasis.opendocument.text";

const NS =
  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" ' +
  'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" ' +
  'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" ' +
  'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"';

const MANIFEST = `<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest ${NS} manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="${ODT_TYPE}"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
`;

// A4 landscape with 1.5 cm margins: 26.7 cm of table width
const STYLES = `<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles ${NS} office:version="1.3">
 <office:styles>
  <style:default-style style:family="paragraph"><style:text-properties fo:font-size="10pt" fo:language="de" fo:country="DE"/></style:default-style>
  <style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph"><style:text-properties fo:font-size="16pt" fo:font-weight="bold"/></style:style>
  <style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph"><style:paragraph-properties fo:margin-top="0.4cm"/><style:text-properties fo:font-size="13pt" fo:font-weight="bold"/></style:style>
 </office:styles>
 <office:automatic-styles>
  <style:page-layout style:name="Landscape"><style:page-layout-properties fo:page-width="29.7cm" fo:page-height="21cm" style:print-orientation="landscape" fo:margin-top="1.5cm" fo:margin-bottom="1.5cm" fo:margin-left="1.5cm" fo:margin-right="1.5cm"/></style:page-layout>
 </office:automatic-styles>
 <office:master-styles><style:master-page style:name="Standard" style:page-layout-name="Landscape"/></office:master-styles>
</office:document-styles>
`;

const meta = (title: string, now: Date) => `<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta ${NS} office:version="1.3"><office:meta><dc:title>${escapeHtml(title)}</dc:title><meta:generator>Teilhabe</meta:generator><dc:date>${now.toISOString().slice(0, 19)}</dc:date></office:meta></office:document-meta>
`;

/** A cell's text as paragraphs: one per line, blank lines kept as empty paragraphs. */
const paragraphs = (value: string | number, style = "") => {
  const attr = style ? ` text:style-name="${style}"` : "";
  return String(value)
    .split("\n")
    .map((line) => `<text:p${attr}>${escapeHtml(line)}</text:p>`)
    .join("");
};
const cell = (content: string) => `<table:table-cell table:style-name="Cell" office:value-type="string">${content}</table:table-cell>`;

export interface OdtHeading {
  title: string;
  /** lines under the title: procedure, office, variant, date */
  lines: string[];
}

async function* contentXml(heading: OdtHeading, columns: WeighingColumn[], batches: AsyncIterable<WeighingRow[]>, groupBy: string | null): AsyncGenerator<string> {
  const totalWidth = columns.reduce((n, c) => n + c.width, 0);
  const colStyles = columns
    .map((c, i) => `<style:style style:name="Col${i}" style:family="table-column"><style:table-column-properties style:column-width="${((26.7 * c.width) / totalWidth).toFixed(2)}cm"/></style:style>`)
    .join("");
  yield `<?xml version="1.0" encoding="UTF-8"?>
<office:document-content ${NS} office:version="1.3"><office:automatic-styles>
<style:style style:name="Table" style:family="table"><style:table-properties style:width="26.7cm" table:align="margins"/></style:style>${colStyles}
<style:style style:name="Cell" style:family="table-cell"><style:table-cell-properties fo:padding="0.08cm" fo:border="0.5pt solid #000000" style:vertical-align="top"/></style:style>
<style:style style:name="Head" style:family="paragraph"><style:text-properties fo:font-weight="bold"/></style:style>
<style:style style:name="Decision" style:family="paragraph"><style:text-properties fo:font-weight="bold"/></style:style>
</office:automatic-styles><office:body><office:text>
<text:h text:style-name="Heading_20_1" text:outline-level="1">${escapeHtml(heading.title)}</text:h>${heading.lines.map((l) => `<text:p>${escapeHtml(l)}</text:p>`).join("")}`;
  const shown = columns.filter((c) => c.key !== groupBy);
  const header = `<table:table-header-rows><table:table-row>${shown.map((c) => cell(paragraphs(c.header, "Head"))).join("")}</table:table-row></table:table-header-rows>`;
  let tables = 0;
  let group: string | null = null;
  let open = false;
  const openTable = () => {
    tables += 1;
    open = true;
    return `<table:table table:name="Abwaegung${tables}" table:style-name="Table">${shown.map((_, i) => `<table:table-column table:style-name="Col${columns.indexOf(shown[i])}"/>`).join("")}${header}`;
  };
  for await (const batch of batches) {
    let chunk = "";
    for (const row of batch) {
      const g = groupBy ? row.extra[groupBy] || WHOLE_DRAFT : null;
      if (groupBy && g !== group) {
        if (open) chunk += "</table:table>";
        open = false;
        group = g;
        chunk += `<text:h text:style-name="Heading_20_2" text:outline-level="2">${escapeHtml(g!)}</text:h>`;
      }
      if (!open) chunk += openTable();
      chunk += `<table:table-row>${shown
        .map((c) => (c.key === "decision" ? cell(paragraphs(c.value(row), "Decision")) : cell(paragraphs(c.value(row)))))
        .join("")}</table:table-row>`;
    }
    yield chunk;
  }
  if (!open) yield openTable();
  yield "</table:table></office:text></office:body></office:document-content>\n";
}

export function weighingOdt(heading: OdtHeading, columns: WeighingColumn[], batches: AsyncIterable<WeighingRow[]>, groupBy: string | null = null, now = new Date()): Readable {
  const zip = new yazl.ZipFile();
  const out = new PassThrough();
  zip.outputStream.on("error", (e: Error) => out.destroy(e));
  zip.outputStream.pipe(out);
  zip.addBuffer(Buffer.from(ODT_TYPE), "mimetype", { compress: false, mtime: now });
  zip.addBuffer(Buffer.from(MANIFEST), "META-INF/manifest.xml", { mtime: now });
  zip.addBuffer(Buffer.from(STYLES), "styles.xml", { mtime: now });
  zip.addBuffer(Buffer.from(meta(heading.title, now)), "meta.xml", { mtime: now });
  const content = Readable.from(contentXml(heading, columns, batches, groupBy));
  content.on("error", (e: Error) => out.destroy(e));
  zip.addReadStream(content, "content.xml", { mtime: now });
  zip.end();
  return out;
}
