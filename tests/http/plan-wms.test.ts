/**
 * Issue 18 over HTTP: the admin makes a procedure's plan from the municipality's WMS on the plan page
 * (a stand-in GetMap server, tests/support/wms-stand-in.ts, as no WMS server runs here). An unknown
 * layer is a 400 with the service's message in the error summary and nothing stored; a valid request
 * stores the plan, and the page then shows it with the form filled from the stored GetMap.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { engines } from "../support/databases";
import { mainOf, textOf } from "../support/http";
import { startServer, type TestServer } from "../support/server";
import { DEMO, csrfOf, signIn } from "../support/staff";
import { startWmsStandIn, type WmsStandIn } from "../support/wms-stand-in";

describe.each(engines)("the plan from a WMS on the admin page (%s)", (engine) => {
  let server: TestServer;
  let h: DatabaseHandle;
  let wms: WmsStandIn;
  let procedureId: number;

  beforeAll(async () => {
    server = await startServer({ engine, env: { JOBS_INTERVAL_MS: "0" } });
    h = openDatabase(server.database.url);
    wms = await startWmsStandIn();
    const withoutPlan = await h.db
      .selectFrom("procedures")
      .select("id")
      .where("id", "not in", h.db.selectFrom("procedure_plans").select("procedure_id"))
      .orderBy("id")
      .executeTakeFirstOrThrow();
    procedureId = Number(withoutPlan.id);
  }, 60_000);
  afterAll(async () => {
    if (process.env.SHOW_LOGS) console.log(server?.logs());
    await wms?.close();
    await h?.close();
    await server?.stop();
  });

  const fields = (csrf: string, layers: string): [string, string][] => [
    ["_csrf", csrf],
    ["intent", "wms"],
    ["wms_url", wms.url],
    ["wms_layers", layers],
    ["wms_west", "9.7320"],
    ["wms_south", "52.3700"],
    ["wms_east", "9.7500"],
    ["wms_north", "52.3800"],
    ["wms_width", "600"],
    ["wms_alt", "Stadtplan der Innenstadt."],
    ["wms_columns", "6"],
    ["wms_rows", "5"],
  ];

  it("an unknown layer is a 400 with the service's message, nothing stored; a valid GetMap stores the plan and fills the form", async () => {
    const admin = (await signIn(server.url, DEMO.admin)).client;
    const page = `/musterstadt/verwaltung/verfahren/${procedureId}/plan`;
    const html = await (await admin.get(page)).text();
    expect(textOf(mainOf(html))).toContain("Oder: den Plan aus dem WMS der Kommune erzeugen");
    const bad = await admin.post(page, fields(csrfOf(html), "gibtesnicht"));
    expect(bad.status).toBe(400);
    const badMain = mainOf(await bad.text());
    expect(textOf(badMain)).toContain("Der Kartendienst hat einen Fehler gemeldet: „Layer not defined: gibtesnicht“. Prüfen Sie die Ebenennamen. Es wurde nichts gespeichert.");
    expect(badMain).toContain('href="#wms_layers"');
    expect(await h.db.selectFrom("procedure_plans").select("procedure_id").where("procedure_id", "=", procedureId).executeTakeFirst()).toBeUndefined();
    const notHttps = await admin.post(page, fields(csrfOf(html), "stadtplan").map(([k, v]) => [k, k === "wms_url" ? "http://geo.example.de/wms" : v] as [string, string]));
    expect(notHttps.status).toBe(400);
    expect(textOf(mainOf(await notHttps.text()))).toContain("Geben Sie die Adresse des Kartendienstes mit https:// ein");

    const ok = await admin.post(page, fields(csrfOf(html), "stadtplan"));
    expect(ok.status).toBe(303);
    const plan = await h.db.selectFrom("procedure_plans").selectAll().where("procedure_id", "=", procedureId).executeTakeFirstOrThrow();
    expect(plan).toMatchObject({ document_id: null, alt_text: "Stadtplan der Innenstadt.", grid_columns: 6, grid_rows: 5, width: 600, north_udeg: 52_380_000, west_udeg: 9_732_000 });
    expect(plan.wms_request).toContain("BBOX=52.37%2C9.732%2C52.38%2C9.75");
    const after = mainOf(await (await admin.get(`${page}?hinweis=saved`)).text());
    expect(textOf(after)).toContain("Der aktuelle Plan mit seinem Raster (6 Spalten × 5 Zeilen).");
    expect(after).toMatch(/name="wms_layers"[^>]*value="stadtplan"/);
    expect(after).toMatch(/name="wms_url"[^>]*value="http:\/\/127\.0\.0\.1:\d+\/wms"/);
  });
});
