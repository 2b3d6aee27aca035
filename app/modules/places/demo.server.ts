/**
 * The demo's plan (issue 18): a town map of Musterstadt drawn when the demo data are seeded (streets,
 * the river, the market, nothing downloaded), uploaded to the "Radverkehrsplan 2030" as an image
 * document like an admin's file, made its plan with an 8 × 8 grid and a georeference.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { loadSharp } from "~/modules/files/sharp.server";
import { addDocument } from "~/modules/documents/documents.server";
import { savePlan } from "./plans.server";

const W = 1600;
const H = 1200;

function townSvg(): string {
  const street = (d: string, width: number) =>
    `<path d="${d}" fill="none" stroke="#9a9a9a" stroke-width="${width + 6}" stroke-linecap="round"/><path d="${d}" fill="none" stroke="#ffffff" stroke-width="${width}" stroke-linecap="round"/>`;
  const label = (x: number, y: number, text: string, size = 30, rotate = 0) =>
    `<text x="${x}" y="${y}" font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-size="${size}" fill="#222" text-anchor="middle"${rotate ? ` transform="rotate(${rotate} ${x} ${y})"` : ""}>${text}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">
<rect width="${W}" height="${H}" fill="#f3efe4"/>
<path d="M1050 0 L1600 0 L1600 380 C1450 360 1300 300 1180 200 Z" fill="#d8ead0"/>
<rect x="120" y="820" width="330" height="260" rx="20" fill="#d8ead0"/>
<path d="M-20 980 C260 900 420 760 640 720 C860 680 1000 760 1180 700 C1360 640 1470 520 1620 470" fill="none" stroke="#7fb3d5" stroke-width="70"/>
${street("M0 560 L1600 560", 34)}
${street("M780 0 L780 1200", 34)}
${street("M0 240 C400 260 600 200 1000 150 L1600 120", 22)}
${street("M260 0 L340 1200", 20)}
${street("M1280 0 C1250 400 1300 800 1260 1200", 22)}
${street("M780 560 L1180 1000 L1600 1040", 20)}
${street("M0 1120 L1600 1100", 18)}
<path d="M0 400 L1600 380" fill="none" stroke="#555" stroke-width="8" stroke-dasharray="30 14"/>
<rect x="850" y="600" width="230" height="170" fill="#e9d9b5" stroke="#8a6d3b" stroke-width="4"/>
<rect x="690" y="330" width="180" height="70" fill="#cfcfcf" stroke="#555" stroke-width="4"/>
<rect x="460" y="640" width="160" height="110" fill="#e0c9c9" stroke="#7a4a4a" stroke-width="4"/>
${label(965, 700, "Markt", 36)}
${label(780, 375, "Bahnhof", 28)}
${label(540, 705, "Schule", 28)}
${label(285, 960, "Stadtpark", 30)}
${label(1360, 160, "Feldmark", 30)}
${label(560, 545, "Hauptstraße", 28)}
${label(1180, 545, "Hauptstraße", 28)}
${label(815, 980, "Mühlenweg", 28, 90)}
${label(880, 840, "Mühlenbach", 28, -8)}
${label(1200, 1085, "Ringstraße", 26)}
</svg>`;
}

/** The drawn town map as PNG. */
export async function demoPlanPng(): Promise<Buffer> {
  const sharp = await loadSharp();
  return sharp(Buffer.from(townSvg())).png({ compressionLevel: 9, palette: true }).toBuffer();
}

export async function seedDemoPlan(db: Kysely<Database>, now: Date = new Date()): Promise<void> {
  const procedure = await db.selectFrom("procedures").select(["id", "organisation_id"]).where("slug", "=", "radverkehrsplan-2030").executeTakeFirst();
  if (!procedure) return;
  const dir = await mkdtemp(join(tmpdir(), "teilhabe-demo-plan-"));
  try {
    const path = join(dir, "radverkehrsplan-2030-uebersichtsplan.png");
    await writeFile(path, await demoPlanPng());
    const fields = new Map([
      ["title", ["Übersichtsplan Innenstadt"]],
      ["description", ["Der Plan, auf dem Sie den Ort Ihres Beitrags zeigen können, mit einem Raster A bis H und 1 bis 8."]],
      ["summary", [DEMO_PLAN_ALT]],
    ]);
    const file = { field: "file", path, size: 0, fileName: "radverkehrsplan-2030-uebersichtsplan.png", declaredType: "image/png" };
    const organisationId = Number(procedure.organisation_id);
    const added = await addDocument(db, { organisationId, procedureId: Number(procedure.id), accountId: null, fields, file, fileTooLarge: false, now });
    if (!added.ok) throw new Error(`demo plan refused: ${JSON.stringify(added.errors)}`);
    const saved = await savePlan(db, {
      organisationId,
      procedureId: Number(procedure.id),
      settings: { documentId: added.id, alt: DEMO_PLAN_ALT, columns: 8, rows: 8, geo: { corners: { north: 52.385, west: 9.72, south: 52.3725, east: 9.7455 } } },
      now,
    });
    if (!saved.ok) throw new Error(`demo plan refused: ${JSON.stringify(saved.error)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const DEMO_PLAN_ALT =
  "Übersichtsplan der Innenstadt von Musterstadt, Norden oben. Die Hauptstraße führt von Westen nach Osten durch die Mitte, " +
  "der Mühlenweg von Norden nach Süden. Wo sie sich kreuzen, liegt südöstlich der Markt. Nördlich davon verläuft die Bahnlinie mit dem Bahnhof. " +
  "Der Mühlenbach fließt von Südwesten nach Osten; im Südwesten liegt der Stadtpark, westlich des Marktes die Schule, im Nordosten die Feldmark.";
