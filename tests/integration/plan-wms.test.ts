/**
 * Issue 18: the plan rendered once from the municipality's WMS, against a stand-in GetMap server
 * (tests/support/wms-stand-in.ts; no WMS server runs here). A valid request stores the picture like
 * an uploaded plan, georeferenced by the box, with the GetMap URL and an audit entry; an unknown
 * layer, a huge answer or a hanging server give the admin a clear error and store nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { seedDemoIfEmpty } from "#db/seed";
import { POINT_SCALE, toLonLat } from "~/modules/places/place";
import { getPlan, renderPlanPicture } from "~/modules/places/plans.server";
import { getMapUrl, readWmsForm, saveWmsPlan, wmsHeight } from "~/modules/places/wms.server";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";
import { startWmsStandIn, type WmsStandIn } from "../support/wms-stand-in";

describe.each(engines)("plan from a WMS on %s", (engine) => {
  let database: TestDatabase;
  let h: DatabaseHandle;
  let wms: WmsStandIn;
  let organisationId: number;
  let procedureId: number;
  const actor = { organisationId: 0, accountId: null, clientAddress: "192.0.2.1" };

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    h = openDatabase(database.url);
    await migrateToLatest(h.db);
    await seedDemoIfEmpty(h.db);
    wms = await startWmsStandIn();
    // a procedure without a plan, so "nothing stored" is visible
    const procedure = await h.db
      .selectFrom("procedures")
      .select(["id", "organisation_id"])
      .where("id", "not in", h.db.selectFrom("procedure_plans").select("procedure_id"))
      .orderBy("id")
      .executeTakeFirstOrThrow();
    organisationId = Number(procedure.organisation_id);
    procedureId = Number(procedure.id);
    actor.organisationId = organisationId;
  });
  afterAll(async () => {
    await wms?.close();
    await h?.close();
    await database?.drop();
  });

  const form = (layers: string, extra: Record<string, string> = {}) =>
    new Map(
      Object.entries({
        wms_url: wms.url,
        wms_layers: layers,
        wms_west: "9.7320",
        wms_south: "52.3700",
        wms_east: "9.7500",
        wms_north: "52.3800",
        wms_width: "800",
        wms_alt: "Stadtplan der Innenstadt mit dem Fluss im Westen.",
        wms_columns: "6",
        wms_rows: "5",
        ...extra,
      }).map(([k, v]) => [k, [v]]),
    );
  const settingsOf = (layers: string, extra: Record<string, string> = {}) => {
    const read = readWmsForm(form(layers, extra));
    expect(read.errors).toEqual([]);
    return read.settings!;
  };
  const planEntries = () => h.db.selectFrom("audit_log").select("details_json").where("action", "=", "plan_saved").where("target_id", "=", String(procedureId)).execute();

  it("an unknown layer: the service's exception shown on the layer field, nothing stored", async () => {
    const result = await saveWmsPlan(h.db, { organisationId, procedureId, settings: settingsOf("gibtesnicht"), actor });
    expect(result).toEqual({ ok: false, error: { field: "wms_layers", message: "errors.wms.exception", params: { detail: "Layer not defined: gibtesnicht" } } });
    expect(await getPlan(h.db, procedureId)).toBeNull();
    expect(await planEntries()).toHaveLength(0);
  });

  it("a body beyond the size cap is dropped while streaming, and a hanging server times out: clear errors, nothing stored", async () => {
    const huge = await saveWmsPlan(h.db, { organisationId, procedureId, settings: settingsOf("riesig"), actor, limits: { timeoutMs: 15_000, maxBytes: 2 * 1024 * 1024 } });
    expect(huge).toMatchObject({ ok: false, error: { field: "wms_url", message: "errors.wms.too_large" } });
    const started = Date.now();
    const hang = await saveWmsPlan(h.db, { organisationId, procedureId, settings: settingsOf("haengt"), actor, limits: { timeoutMs: 300, maxBytes: 20 * 1024 * 1024 } });
    expect(hang).toMatchObject({ ok: false, error: { field: "wms_url", message: "errors.wms.timeout" } });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await getPlan(h.db, procedureId)).toBeNull();
    expect(await planEntries()).toHaveLength(0);
  });

  it("a valid GetMap: WMS 1.3.0 with lat/lon box order, stored as WebP, georeferenced by the box, request saved, audited", async () => {
    wms.requests.length = 0;
    const settings = settingsOf("stadtplan");
    expect(await saveWmsPlan(h.db, { organisationId, procedureId, settings, actor })).toEqual({ ok: true });
    expect(wms.requests).toHaveLength(1);
    const sent = wms.requests[0];
    expect(Object.fromEntries(sent)).toMatchObject({ SERVICE: "WMS", REQUEST: "GetMap", VERSION: "1.3.0", LAYERS: "stadtplan", STYLES: "", CRS: "EPSG:4326", BBOX: "52.37,9.732,52.38,9.75", WIDTH: "800", FORMAT: "image/png" });
    const height = Number(sent.get("HEIGHT"));
    // 0.01° of latitude over 0.018° of longitude at 52.375° N: about 0.91 as tall as wide on the ground
    expect(height).toBe(wmsHeight(settings.request));
    expect(height).toBeGreaterThan(700);
    expect(height).toBeLessThan(760);
    const plan = (await getPlan(h.db, procedureId))!;
    expect(plan.documentId).toBeNull();
    expect(plan.grid).toEqual({ width: 800, height, columns: 6, rows: 5 });
    expect(plan.alt).toBe("Stadtplan der Innenstadt mit dem Fluss im Westen.");
    expect(plan.wmsRequest).toBe(getMapUrl(settings.request));
    expect(plan.geo).toEqual({ north: 52.38, west: 9.732, south: 52.37, east: 9.75 });
    // the plan's bottom right corner is the box's south-east corner
    expect(toLonLat(plan.geo!, { x: POINT_SCALE, y: POINT_SCALE })).toEqual([9.75, 52.37]);
    const whole = await renderPlanPicture(h.db, plan, { kind: "whole", width: 576 });
    expect(whole.subarray(8, 12).toString("latin1")).toBe("WEBP");
    const entries = await planEntries();
    expect(entries).toHaveLength(1);
    expect(JSON.parse(entries[0].details_json)).toMatchObject({ source: "wms", layers: "stadtplan", georeference: "corners", image_changed: true });
  });

  it("refuses an address that is not https (plain http only to this machine) before sending anything", () => {
    for (const url of ["http://geo.example.de/wms", "ftp://geo.example.de/wms", "https://user:pw@geo.example.de/wms", "nicht eine adresse", "http://10.0.0.5/wms"]) {
      const read = readWmsForm(form("stadtplan", { wms_url: url }));
      expect(read.settings, url).toBeNull();
      expect(read.errors).toContainEqual({ field: "wms_url", message: "errors.wms.url" });
    }
    expect(readWmsForm(form("stadtplan", { wms_url: "https://geo.example.de/wms?MAP=stadt" })).errors).toEqual([]);
    const bad = readWmsForm(form("a b<", { wms_west: "9.76", wms_width: "99999", wms_rows: "0" }));
    expect(bad.errors.map((e) => e.field).sort()).toEqual(["wms_east", "wms_layers", "wms_rows", "wms_width"]);
  });
});
