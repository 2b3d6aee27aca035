/**
 * The demo's draft: a multi-page PDF of the "Radverkehrsplan 2030" made with pdf-lib when the demo
 * data are seeded (nothing downloaded), uploaded to the procedure like an admin's file, with its
 * plain-text summary. Headings are numbered as the plan's sections.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Kysely } from "kysely";
import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from "pdf-lib";
import type { Database } from "#db/schema";
import { addDocument } from "./documents.server";

export const CYCLING_PLAN_SECTIONS: { heading: string; paragraphs: string[] }[] = [
  {
    heading: "1 Anlass und Ziel des Plans",
    paragraphs: [
      "Der Radverkehrsplan 2030 schreibt den Radverkehrsplan 2015 fort. Er legt fest, welche Radwege die Stadt Musterstadt bis 2030 baut, verbreitert oder sicherer macht, und in welcher Reihenfolge.",
      "Ziel ist, den Anteil der Wege mit dem Fahrrad von heute 14 auf 22 Prozent zu erhöhen. Dazu sollen alle Ortsteile über durchgehende, sichere und gut beleuchtete Verbindungen mit der Innenstadt, den Schulen und dem Bahnhof verbunden sein.",
    ],
  },
  {
    heading: "2 Bestandsaufnahme",
    paragraphs: [
      "Das Radverkehrsnetz umfasst heute 86 Kilometer, davon 31 Kilometer getrennte Radwege, 38 Kilometer Radfahrstreifen oder Schutzstreifen und 17 Kilometer Wege in Tempo-30-Zonen. An 23 Stellen endet ein Radweg ohne Anschluss.",
      "In den Jahren 2021 bis 2025 gab es 412 Unfälle mit Beteiligung von Radfahrenden, 61 davon mit schweren Verletzungen. Mehr als die Hälfte geschah an Kreuzungen und Einmündungen, vor allem beim Abbiegen von Kraftfahrzeugen.",
      "Die Befragung im Frühjahr 2025 (1 204 Antworten) nannte als größte Probleme: zu schmale Radwege (58 Prozent), unsichere Kreuzungen (54 Prozent), fehlende Abstellanlagen am Bahnhof (41 Prozent) und schlechte Beleuchtung (29 Prozent).",
    ],
  },
  {
    heading: "3 Leitlinien",
    paragraphs: ["Die Maßnahmen folgen vier Leitlinien, die der Rat im März 2026 beschlossen hat."],
  },
  {
    heading: "3.1 Sicherheit zuerst",
    paragraphs: [
      "Kreuzungen mit vielen Unfällen werden zuerst umgebaut. Wo es die Breite erlaubt, werden Radwege baulich von der Fahrbahn getrennt. Ampeln erhalten eigene Signale für den Radverkehr und kürzere Wartezeiten.",
    ],
  },
  {
    heading: "3.2 Radwege in der Innenstadt",
    paragraphs: [
      "In der Innenstadt sollen Radwege mindestens 2,30 Meter breit sein, in beide Richtungen 3,00 Meter. Die Bahnhofstraße erhält zwischen Markt und Bahnhof beidseitig geschützte Radfahrstreifen; dafür entfallen 46 Parkplätze am Straßenrand.",
      "Die Fußgängerzone bleibt für den Radverkehr in Schrittgeschwindigkeit von 19 bis 10 Uhr geöffnet. Eine durchgehende Route parallel zur Fußgängerzone über die Kirchstraße wird als Fahrradstraße ausgewiesen.",
    ],
  },
  {
    heading: "3.3 Verbindungen in die Ortsteile",
    paragraphs: [
      "Sechs Hauptrouten verbinden die Ortsteile mit der Innenstadt. Lücken auf diesen Routen werden bis 2028 geschlossen. Außerorts entstehen straßenbegleitende Radwege nach Nordheim und Waldau.",
    ],
  },
  {
    heading: "4 Maßnahmen und Zeitplan",
    paragraphs: [
      "Die Maßnahmen sind in drei Stufen eingeteilt: Stufe 1 (2027–2028) umfasst die zwölf Kreuzungen mit den meisten Unfällen und die Bahnhofstraße. Stufe 2 (2028–2029) schließt die Lücken der Hauptrouten. Stufe 3 (2029–2030) umfasst die Verbindungen nach Nordheim und Waldau.",
      "Am Bahnhof entsteht ein Fahrradparkhaus mit 600 Plätzen, davon 60 für Lastenräder. An allen Schulen werden überdachte Abstellanlagen gebaut.",
    ],
  },
  {
    heading: "5 Kosten und Finanzierung",
    paragraphs: [
      "Die Kosten werden auf 18,4 Millionen Euro geschätzt. Die Stadt rechnet mit Fördermitteln von Land und Bund in Höhe von etwa 60 Prozent. Der Eigenanteil von rund 7,4 Millionen Euro verteilt sich auf die Haushaltsjahre 2027 bis 2030.",
    ],
  },
  {
    heading: "6 Beteiligung und weiteres Verfahren",
    paragraphs: [
      "Zu diesem Entwurf können alle Einwohnerinnen und Einwohner Stellung nehmen: online, per Telefon, am Bürgerbüro oder auf Papier. Jede Stellungnahme wird geprüft und beantwortet. Danach überarbeitet die Verwaltung den Entwurf und legt ihn dem Rat zum Beschluss vor.",
    ],
  },
];

export const CYCLING_PLAN_SUMMARY =
  "Der Radverkehrsplan 2030 legt fest, welche Radwege Musterstadt bis 2030 baut, verbreitert oder sicherer macht. Ziel: 22 statt 14 Prozent der Wege mit dem Fahrrad.\n\n" +
  "Zuerst werden die zwölf Kreuzungen mit den meisten Unfällen umgebaut und die Bahnhofstraße bekommt geschützte Radfahrstreifen (dafür fallen 46 Parkplätze weg). Danach werden die Lücken auf sechs Hauptrouten in die Ortsteile geschlossen und Radwege nach Nordheim und Waldau gebaut.\n\n" +
  "Am Bahnhof entsteht ein Fahrradparkhaus mit 600 Plätzen. Die Kosten liegen bei etwa 18,4 Millionen Euro, rund 60 Prozent sollen Fördermittel decken.";

/** Lines of at most `width` points. */
function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    const next = line ? `${line} ${word}` : word;
    if (font.widthOfTextAtSize(next, size) > width && line) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

export async function cyclingPlanPdf(now: Date = new Date()): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle("Radverkehrsplan 2030 – Entwurf");
  pdf.setAuthor("Stadt Musterstadt, Fachbereich Stadtplanung");
  pdf.setLanguage("de-DE");
  pdf.setCreationDate(now);
  pdf.setModificationDate(now);
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const [width, height, margin] = [595.28, 841.89, 64];
  const pages: PDFPage[] = [];
  let page = pdf.addPage([width, height]);
  pages.push(page);
  let y = height - margin;
  const line = (text: string, font: PDFFont, size: number, gap: number) => {
    if (y - size < margin + 24) {
      page = pdf.addPage([width, height]);
      pages.push(page);
      y = height - margin;
    }
    page.drawText(text, { x: margin, y: y - size, size, font, color: rgb(0.04, 0.05, 0.05) });
    y -= size + gap;
  };
  line("Stadt Musterstadt", regular, 11, 6);
  line("Radverkehrsplan 2030", bold, 26, 8);
  line("Entwurf zur Stellungnahme", regular, 16, 28);
  // each section twice as long as the summary text, so the plan runs over several pages
  for (const section of CYCLING_PLAN_SECTIONS) {
    y -= 10;
    line(section.heading, bold, section.heading.includes(".") ? 13 : 16, 8);
    for (const paragraph of [...section.paragraphs, ...section.paragraphs.map((p) => `Erläuterung: ${p}`)]) {
      for (const l of wrap(paragraph, regular, 11, width - 2 * margin)) line(l, regular, 11, 4);
      y -= 8;
    }
  }
  pages.forEach((p, i) => p.drawText(`Seite ${i + 1} von ${pages.length}`, { x: margin, y: margin - 20, size: 9, font: regular }));
  return pdf.save();
}

/** The cycling plan's PDF as its first document (only when the demo data were just seeded). */
export async function seedDemoDocuments(db: Kysely<Database>, now: Date = new Date()): Promise<void> {
  const procedure = await db.selectFrom("procedures").select(["id", "organisation_id"]).where("slug", "=", "radverkehrsplan-2030").executeTakeFirst();
  if (!procedure) return;
  const dir = await mkdtemp(join(tmpdir(), "teilhabe-demo-"));
  try {
    const path = join(dir, "radverkehrsplan-2030-entwurf.pdf");
    await writeFile(path, await cyclingPlanPdf(now));
    const fields = new Map([
      ["title", ["Radverkehrsplan 2030 – Entwurf"]],
      ["description", ["Der vollständige Entwurf mit Bestandsaufnahme, Leitlinien, Maßnahmen, Zeitplan und Kosten."]],
      ["summary", [CYCLING_PLAN_SUMMARY]],
    ]);
    const file = { field: "file", path, size: 0, fileName: "radverkehrsplan-2030-entwurf.pdf", declaredType: "application/pdf" };
    const result = await addDocument(db, { organisationId: Number(procedure.organisation_id), procedureId: Number(procedure.id), accountId: null, fields, file, fileTooLarge: false, now });
    if (!result.ok) throw new Error(`demo document refused: ${JSON.stringify(result.errors)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
