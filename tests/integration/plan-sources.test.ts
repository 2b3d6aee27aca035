/**
 * Issue 18, where a plan comes from: a WebP document becomes the plan like a PNG or JPEG (re-encoded
 * by sharp, served as WebP in width variants within the budget), and every change is audited with it.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { seedDemoIfEmpty } from "#db/seed";
import { cyclingPlanPdf } from "~/modules/documents/demo.server";
import { addDocument } from "~/modules/documents/documents.server";
import { loadSharp } from "~/modules/files/sharp.server";
import { demoPlanPng } from "~/modules/places/demo.server";
import { toLonLat } from "~/modules/places/place";
import { georeferenceOf, getPlan, renderPlanPicture, savePlan } from "~/modules/places/plans.server";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";

describe.each(engines)("plan sources on %s", (engine) => {
  let database: TestDatabase;
  let h: DatabaseHandle;
  let dir: string;
  let organisationId: number;
  let procedureId: number;
  let actor: { organisationId: number; accountId: number | null; clientAddress?: string };

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    h = openDatabase(database.url);
    await migrateToLatest(h.db);
    await seedDemoIfEmpty(h.db);
    dir = await mkdtemp(join(tmpdir(), "teilhabe-plan-sources-"));
    const procedure = await h.db.selectFrom("procedures").select(["id", "organisation_id"]).where("slug", "=", "radverkehrsplan-2030").executeTakeFirstOrThrow();
    organisationId = Number(procedure.organisation_id);
    procedureId = Number(procedure.id);
    actor = { organisationId, accountId: null, clientAddress: "192.0.2.1" };
  });
  afterAll(async () => {
    await h?.close();
    await database?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** A file uploaded as a document of the procedure, as the documents page does. */
  async function upload(name: string, bytes: Buffer) {
    const path = join(dir, name);
    await writeFile(path, bytes);
    const fields = new Map([
      ["title", [name]],
      ["description", [""]],
      ["summary", ["Der Plan der Innenstadt."]],
    ]);
    const added = await addDocument(h.db, { organisationId, procedureId, accountId: actor.accountId, fields, file: { field: "file", path, size: bytes.length, fileName: name, declaredType: "" }, fileTooLarge: false });
    if (!added.ok) throw new Error(JSON.stringify(added.errors));
    return added.id;
  }

  const settings = (documentId: number) => ({ documentId, alt: "Der Plan der Innenstadt.", columns: 8, rows: 8, geo: null });

  it("a WebP document becomes the plan: re-encoded, served as WebP at 576/1000/1600 px, the 1000 px one within 120 KB", async () => {
    const sharp = await loadSharp();
    const webp = await sharp(await demoPlanPng()).webp({ quality: 95 }).toBuffer();
    const documentId = await upload("plan.webp", webp);
    expect(await h.db.selectFrom("documents").select("kind").where("id", "=", documentId).executeTakeFirstOrThrow()).toEqual({ kind: "webp" });
    expect(await savePlan(h.db, { organisationId, procedureId, settings: settings(documentId), actor })).toEqual({ ok: true, changedImage: true });
    const plan = (await getPlan(h.db, procedureId))!;
    expect(plan.documentId).toBe(documentId);
    expect(plan.grid).toMatchObject({ width: 1600, height: 1200 });
    const sizes: number[] = [];
    for (const width of [576, 1000, 1600] as const) {
      const bytes = await renderPlanPicture(h.db, plan, { kind: "whole", width });
      expect(bytes.subarray(8, 12).toString("latin1")).toBe("WEBP");
      expect((await sharp(bytes).metadata()).width).toBe(width);
      sizes.push(bytes.length);
    }
    expect(sizes[1]).toBeLessThanOrEqual(120 * 1024);
    expect(sizes[0]).toBeLessThan(sizes[1]);
    const entries = await h.db.selectFrom("audit_log").select(["action", "details_json"]).where("action", "=", "plan_saved").execute();
    expect(entries).toHaveLength(1);
  });

  it("a WebP whose bytes are broken is refused as a document; nothing becomes the plan", async () => {
    const sharp = await loadSharp();
    const webp = await sharp(await demoPlanPng()).webp().toBuffer();
    const path = join(dir, "cut.webp");
    await writeFile(path, webp.subarray(0, webp.length - 100));
    const added = await addDocument(h.db, { organisationId, procedureId, accountId: actor.accountId, fields: new Map([["title", ["x"]], ["summary", ["x"]]]), file: { field: "file", path, size: 0, fileName: "cut.webp", declaredType: "image/webp" }, fileTooLarge: false });
    expect(added).toMatchObject({ ok: false, errors: [{ field: "file", message: "documents.errors.truncated" }] });
  });

  it("three control points georeference the plan (a rotated one too); a point outside the stored plan is refused, nothing changed", async () => {
    const plan = (await getPlan(h.db, procedureId))!;
    const points = [
      { x: 200, y: 150, lon: 9.7241, lat: 52.3822 },
      { x: 1400, y: 300, lon: 9.7445, lat: 52.3801 },
      { x: 700, y: 1000, lon: 9.7288, lat: 52.372 },
    ];
    const outside = await savePlan(h.db, { organisationId, procedureId, settings: { ...settings(plan.documentId!), geo: { points: [points[0], { ...points[1], x: 1601 }, points[2]] } }, actor });
    expect(outside).toEqual({ ok: false, error: { field: "p2_x", message: "errors.pixelOutside", params: { width: 1600, height: 1200 } } });
    expect(await georeferenceOf(h.db, procedureId)).toBeNull();
    expect(await savePlan(h.db, { organisationId, procedureId, settings: { ...settings(plan.documentId!), geo: { points } }, actor })).toEqual({ ok: true, changedImage: false });
    const geo = (await georeferenceOf(h.db, procedureId))!;
    expect(geo).toEqual({ points, width: 1600, height: 1200 });
    // each control point maps to its own coordinates
    for (const c of points) expect(toLonLat(geo, { x: (c.x * 10_000) / 1600, y: (c.y * 10_000) / 1200 })).toEqual([c.lon, c.lat]);
    const entry = await h.db.selectFrom("audit_log").select("details_json").where("action", "=", "plan_saved").orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(JSON.parse(entry.details_json)).toMatchObject({ georeference: "control_points", image_changed: false });
  });

  it("the first page of the demo's PDF draft becomes the plan, drawn once at most 2400 px; a broken PDF is refused with the reason, the plan unchanged", async () => {
    const before = (await getPlan(h.db, procedureId))!;
    const broken = await upload("kaputt.pdf", Buffer.from("%PDF-1.7\nthis is not a pdf at all\n%%EOF\n"));
    expect(await savePlan(h.db, { organisationId, procedureId, settings: settings(broken), actor })).toEqual({ ok: false, error: { field: "document_id", message: "errors.pdf.unreadable" } });
    const empty = await upload("leer.pdf", Buffer.from("%PDF-1.4\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n2 0 obj <</Type/Pages/Kids[]/Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"));
    expect(await savePlan(h.db, { organisationId, procedureId, settings: settings(empty), actor })).toEqual({ ok: false, error: { field: "document_id", message: "errors.pdf.no_pages" } });
    expect((await getPlan(h.db, procedureId))!.blob).toEqual(before.blob);

    const draft = await upload("entwurf.pdf", Buffer.from(await cyclingPlanPdf()));
    expect(await savePlan(h.db, { organisationId, procedureId, settings: settings(draft), actor })).toEqual({ ok: true, changedImage: true });
    const plan = (await getPlan(h.db, procedureId))!;
    expect(Math.max(plan.grid.width, plan.grid.height)).toBe(2400);
    // an A4 page, portrait
    expect(plan.grid.width / plan.grid.height).toBeCloseTo(210 / 297, 2);
    const sharp = await loadSharp();
    const picture = await renderPlanPicture(h.db, plan, { kind: "whole", width: 1000 });
    expect(picture.length).toBeLessThanOrEqual(120 * 1024);
    // the page is drawn, not blank: its text makes dark pixels
    const stats = await sharp(picture).stats();
    expect(stats.channels[0].min).toBeLessThan(80);
    // the old picture's blob went with the change
    expect(await h.db.selectFrom("file_blobs").select("id").where("id", "=", before.blob.id).executeTakeFirst()).toBeUndefined();
  });
});
