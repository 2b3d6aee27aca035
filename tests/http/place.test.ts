/**
 * A place on the plan (issue 18) over HTTP against the production server, on SQLite and (with
 * TEST_DATABASE_URL) PostgreSQL: the demo's cycling plan has a drawn plan; a resident gives a place in
 * words, as a grid cell or by clicking the plan (an <input type="image">: the page comes back with a
 * mark and the cell filled in, answers kept; 0,0 from a keyboard is "no point" and said so), sees it on
 * the check page and the place is stored with the submission; the desk enters words or a cell; bad
 * place input is a 400 with an error summary or a notice, never stored, never a 5xx; the plan's
 * pictures are WebP within their budget; the admin sets the plan and its grid.
 */
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { engines } from "../support/databases";
import { Client, mainOf, textOf } from "../support/http";
import { projectRoot, startServer, type TestServer } from "../support/server";
import { jsonLdTriples, readGraphs, validate } from "../support/shacl";
import { DEMO, csrfOf, signIn } from "../support/staff";

const PUBLIC = "/musterstadt/verfahren/radverkehrsplan-2030";
const ANSWERS: [string, string][] = [["q1", "Die Kreuzung am Markt ist gefährlich."], ["q3", "bike"], ["q5", "3"]];

describe.each(engines)("a place on the plan (%s)", (engine) => {
  let server: TestServer;
  let h: DatabaseHandle;
  let procedureId: number;
  const resident = () => new Client(server.url);

  beforeAll(async () => {
    server = await startServer({ engine, env: { JOBS_INTERVAL_MS: "0" } });
    h = openDatabase(server.database.url);
    procedureId = Number((await h.db.selectFrom("procedures").select("id").where("slug", "=", "radverkehrsplan-2030").executeTakeFirstOrThrow()).id);
  }, 60_000);
  afterAll(async () => {
    if (process.env.SHOW_LOGS) console.log(server?.logs());
    await h?.close();
    await server?.stop();
  });

  const places = async () => h.db.selectFrom("submission_places").selectAll().orderBy("submission_id").execute();

  it("the form offers words, a grid cell and the plan as an image button that fits 320 px", async () => {
    const html = await (await resident().get(PUBLIC)).text();
    const main = mainOf(html);
    expect(main).toContain('id="ort"');
    expect(main).toMatch(/<input type="image" id="place_plan" name="place_plan" formaction="[^"]+#ort" src="[^"]+\/plan\?b=576&amp;v=[^"]+" width="288" height="216" alt="Plan: Übersichtsplan/);
    expect(main).toMatch(/<select id="place_cell" name="place_cell"/);
    expect(main).toContain('<option value="H8">H8</option>');
    expect(main).toContain('name="place_description"');
    expect(html).not.toContain("<script");
  });

  it("the paper form prints the plan with its grid to mark with a cross or name a cell; the privacy notices say how a place is published", async () => {
    const paper = mainOf(await (await resident().get(`${PUBLIC}/papier`)).text());
    expect(paper).toMatch(/<img class="place-crop" src="[^"]+\/plan\?b=1000&amp;v=[^"]+" width="1000"/);
    const paperText = textOf(paper);
    expect(paperText).toContain("Machen Sie ein Kreuz auf dem Plan oder schreiben Sie das Feld des Rasters (zum Beispiel C3)");
    expect(paperText).toContain("Spalten A bis H von links nach rechts, Zeilen 1 bis 8");
    expect(paperText).toContain("Veröffentlicht wird nur der Ort eines veröffentlichten Beitrags");
    for (const path of [PUBLIC, `${PUBLIC}/datenschutz`]) {
      expect(textOf(mainOf(await (await resident().get(path)).text())), path).toContain("nie mit Ihrem Namen. Ihre Worte zum Ort veröffentlichen wir nie.");
      const english = textOf(mainOf(await (await new Client(server.url, { "accept-language": "en" }).get(path)).text()));
      expect(english, path).toContain("Only the place of a published response is published");
    }
    // a procedure without a plan asks for no place and says nothing about one
    const survey = "/musterstadt/verfahren/buergerhaushalt-2027";
    for (const path of [survey, `${survey}/datenschutz`, `${survey}/papier`]) expect(textOf(mainOf(await (await resident().get(path)).text())), path).not.toContain("Ort eines veröffentlichten Beitrags");
  });

  it("a click comes back with a mark and the cell filled in, the answers kept; a keyboard press (0,0) is no point, said so", async () => {
    const client = resident();
    const res = await client.post(PUBLIC, [...ANSWERS, ["place_description", "Markt"], ["place_cell", ""], ["place_plan.x", "150"], ["place_plan.y", "112"]]);
    expect(res.status).toBe(200);
    const main = mainOf(await res.text());
    expect(textOf(main)).toContain("Punkt gesetzt in Feld E5. Ihre anderen Antworten sind noch da.");
    expect(main).toContain('<option value="E5" selected="">');
    expect(main).toMatch(/<svg class="place-picker__marker"[^>]*aria-hidden="true"/);
    expect(main).toContain("Die Kreuzung am Markt ist gefährlich.</textarea>");
    expect(main).toContain('value="Markt"');
    const x = main.match(/name="place_x" value="(\d+)"/)![1];
    expect(Number(x)).toBeGreaterThan(5000);
    // the enlarged cell is shown for a finer point
    expect(main).toMatch(/name="place_detail"[^>]*src="[^"]+plan\?zelle=E5&amp;v=/);

    const keyboard = await client.post(PUBLIC, [...ANSWERS, ["place_plan.x", "0"], ["place_plan.y", "0"]]);
    expect(keyboard.status).toBe(200);
    const text = textOf(mainOf(await keyboard.text()));
    expect(text).toContain("Es wurde kein Punkt gesetzt: Mit der Tastatur oder der Eingabetaste kommt keine Stelle auf dem Plan an.");
    expect(await places()).toEqual([]);
  });

  it("in English, too; clicks outside the picture, negative, huge or not numbers set no point", async () => {
    const en = new Client(server.url, { "accept-language": "en" });
    const keyboard = textOf(mainOf(await (await en.post(PUBLIC, [["place_plan.x", "0"], ["place_plan.y", "0"]])).text()));
    expect(keyboard).toContain("No point was set: a keyboard or the Enter key does not give a spot on the plan.");
    for (const [x, y] of [["289", "5"], ["-3", "5"], ["99999999999", "1"], ["abc", "def"], ["1e3", "2"]]) {
      const res = await resident().post(PUBLIC, [["place_plan.x", x], ["place_plan.y", y]]);
      expect(res.status, `${x},${y}`).toBe(200);
      const main = mainOf(await res.text());
      expect(textOf(main)).toContain("Diese Stelle liegt nicht auf dem Plan. Es wurde kein Punkt gesetzt.");
      expect(main).not.toContain('name="place_x"');
    }
  });

  it("a keyboard path: choose a cell, enlarge it, send — the cell is stored without a point", async () => {
    const client = resident();
    const zoom = await client.post(PUBLIC, [...ANSWERS, ["place_cell", "C3"], ["place_action", "zoom"]]);
    expect(zoom.status).toBe(200);
    expect(textOf(mainOf(await zoom.text()))).toContain("Feld C3 ist unten vergrößert.");
    const sent = await client.post(PUBLIC, [...ANSWERS, ["place_description", ""], ["place_cell", "C3"], ["place_view", "C3"]]);
    expect(sent.status).toBe(303);
    const check = await client.get(`${PUBLIC}/pruefen`);
    const text = textOf(mainOf(await check.text()));
    expect(text).toContain("Wo ist das? In Worten Nicht beantwortet Ändern In Worten Feld des Rasters C3");
    expect((await client.post(`${PUBLIC}/pruefen`, "")).status).toBe(303);
    const stored = await places();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ procedure_id: procedureId, description: null, grid_cell: "C3", x: null, y: null });
    await h.db.deleteFrom("submission_places").execute();
  });

  it("words, cell and point are stored with the submission; the check page shows a server-drawn picture of the point", async () => {
    const client = resident();
    const sent = await client.post(PUBLIC, [...ANSWERS, ["place_description", "Ecke Markt / Mühlenweg"], ["place_cell", "E5"], ["place_x", "5200"], ["place_y", "5100"], ["place_view", "E5"]]);
    expect(sent.status).toBe(303);
    const check = mainOf(await (await client.get(`${PUBLIC}/pruefen`)).text());
    expect(textOf(check)).toContain("Ecke Markt / Mühlenweg");
    const img = check.match(/<img class="place-crop" src="([^"]+)"[^>]*alt="Ausschnitt des Plans mit dem Punkt in Feld E5"/);
    expect(img).not.toBeNull();
    const picture = await client.get(img![1].replace(/&amp;/g, "&"));
    expect(picture.status).toBe(200);
    expect(picture.headers.get("content-type")).toBe("image/webp");
    expect((await client.post(`${PUBLIC}/pruefen`, "")).status).toBe(303);
    const stored = await places();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ description: "Ecke Markt / Mühlenweg", grid_cell: "E5", x: 5200, y: 5100 });
    // the receipt shows the place as sent: words, cell and the picture of the point
    const receipt = mainOf(await (await client.get(`${PUBLIC}/bestaetigung`)).text());
    expect(textOf(receipt)).toMatch(/Wo ist das\?.*In Worten\s*Ecke Markt \/ Mühlenweg.*Feld des Rasters\s*E5/);
    expect(receipt).toMatch(/<img class="place-crop" src="[^"]+\/plan\?punkt=5200-5100&amp;v=[^"]+"[^>]*alt="Ausschnitt des Plans mit dem Punkt in Feld E5"/);
    // and so does the Art. 15 export the receipt code opens
    const code = textOf(receipt).match(/[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]/)![0];
    const owner = resident();
    expect((await owner.post("/musterstadt/beitrag", [["code", code]])).status).toBe(303);
    const exported = await (await owner.post("/musterstadt/beitrag/daten", "")).json();
    expect(JSON.stringify(exported)).toContain('"place":{"description":"Ecke Markt / Mühlenweg","cell":"E5","x":5200,"y":5100}');
  });

  it("bad place input is a 400 with an error summary (de and en) and stores nothing", async () => {
    const before = await places();
    for (const lang of ["de", "en"]) {
      const client = new Client(server.url, { "accept-language": lang });
      const res = await client.post(PUBLIC, [...ANSWERS, ["place_cell", "Z9"]]);
      expect(res.status).toBe(400);
      const main = mainOf(await res.text());
      expect(main).toContain('href="#place_cell"');
      expect(textOf(main)).toContain(lang === "de" ? "Wählen Sie ein Feld aus der Liste." : "Choose a square from the list.");
      const mismatch = await client.post(PUBLIC, [...ANSWERS, ["place_cell", "A1"], ["place_x", "9000"], ["place_y", "9000"]]);
      expect(mismatch.status).toBe(400);
      expect(textOf(mainOf(await mismatch.text()))).toContain(lang === "de" ? "Der Punkt liegt in Feld H8, gewählt ist Feld A1." : "The point is in square H8, but square A1 is chosen.");
    }
    for (const [x, y] of [["10001", "1"], ["-1", "1"], ["abc", "1"], ["1", ""]]) {
      const res = await resident().post(PUBLIC, [...ANSWERS, ["place_x", x], ["place_y", y]]);
      expect(res.status, `${x},${y}`).toBe(400);
      expect(mainOf(await res.text())).toContain('href="#place_plan"');
    }
    expect((await resident().post(PUBLIC, [...ANSWERS, ["place_description", "x".repeat(301)]])).status).toBe(400);
    expect((await resident().post(PUBLIC, [...ANSWERS, ["place_cell", "A1"], ["place_cell", "B1"]])).status).toBe(400);
    expect(await places()).toEqual(before);
  });

  it("a procedure without a plan has no place fields and refuses them", async () => {
    const other = await h.db.selectFrom("procedures").select("slug").where("slug", "!=", "radverkehrsplan-2030").where("status", "=", "open").executeTakeFirst();
    if (!other) return expect(other, "the demo has a second open procedure").toBeDefined();
    const page = `/musterstadt/verfahren/${other.slug}`;
    expect(mainOf(await (await resident().get(page)).text())).not.toContain('id="ort"');
    expect((await resident().post(page, [["place_cell", "A1"]])).status).toBe(400);
    expect((await resident().post(page, [["place_plan.x", "10"], ["place_plan.y", "10"]])).status).toBe(400);
  });

  it("the plan's pictures: WebP, width variants, the 1000 px one within 120 KB, cached by version; anything else a 404", async () => {
    const html = await (await resident().get(PUBLIC)).text();
    const version = html.match(/plan\?b=576&amp;v=([^"&]+)/)![1];
    for (const q of ["b=576", "b=1000", "b=1600", "zelle=A1", "zelle=H8", "punkt=0-0", "punkt=10000-10000"]) {
      const res = await resident().get(`${PUBLIC}/plan?${q}&v=${version}`);
      expect(res.status, q).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/webp");
      expect(res.headers.get("cache-control")).toContain("immutable");
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(bytes.subarray(8, 12).toString("latin1")).toBe("WEBP");
      if (q === "b=1000") expect(bytes.length).toBeLessThanOrEqual(120 * 1024);
    }
    for (const q of ["", "b=577", "zelle=I1", "zelle=a1", "punkt=10001-1", "punkt=-1-1", "b=576&zelle=A1", "punkt=abc"]) {
      const res = await resident().get(`${PUBLIC}/plan?${q}`);
      expect(res.status, q).toBe(404);
    }
    expect((await resident().post(`${PUBLIC}/plan?b=576`, "")).status).toBe(405);
  });

  it("the desk enters words or a cell from what a caller says (no point), through the same pipeline", async () => {
    const staff = (await signIn(server.url, DEMO.staff)).client;
    const path = `/musterstadt/verwaltung/schalter/${procedureId}/phone`;
    const html = await (await staff.get(path)).text();
    expect(mainOf(html)).toContain('id="place_cell"');
    expect(mainOf(html)).not.toContain('type="image"');
    const before = (await places()).length;
    const res = await staff.post(path, [["_csrf", csrfOf(html)], ["entry_key", html.match(/name="entry_key" value="([^"]+)"/)![1]], ["notice_read", "yes"], ...ANSWERS, ["place_description", "Vor der Schule"], ["place_cell", "c5"]]);
    expect(res.status).toBe(303);
    const stored = await places();
    expect(stored).toHaveLength(before + 1);
    expect(stored.at(-1)).toMatchObject({ description: "Vor der Schule", grid_cell: "C5", x: null, y: null });
    // the slip the caller keeps says the place as entered
    const slip = mainOf(await (await staff.get(res.headers.get("location")!)).text());
    expect(textOf(slip)).toContain("Ort, um den es geht: „Vor der Schule“, Feld C5 des Rasters auf dem Plan");
  });

  it("moderators see every place on the plan as a numbered marker linked to the list, filtered, and counted per cell", async () => {
    const moderator = (await signIn(server.url, DEMO.moderator)).client;
    const page = `/musterstadt/verwaltung/moderation/${procedureId}/plan`;
    const res = await moderator.get(page);
    expect(res.status).toBe(200);
    const main = mainOf(await res.text());
    // the point given online (E5) is marker 1, linked to its row; the desk's cell (C5) has no point
    expect(main).toMatch(/<svg [^>]*class="plan-markers__svg"[^>]*aria-hidden="true"/);
    expect(main.match(/<circle /g)).toHaveLength(1);
    expect(main).toContain(`href="${page}?seite=1#ort-1" tabindex="-1"`);
    expect(main).toContain('<li id="ort-1" value="1">');
    const text = textOf(main);
    expect(text).toContain("2 Beiträge mit Ort für diese Auswahl.");
    expect(text).toMatch(/Feld E5 · Punkt auf dem Plan · Ecke Markt \/ Mühlenweg/);
    expect(text).toMatch(/Telefon · Neu, nicht geprüft · Feld C5 · Vor der Schule/);
    // the count table: one in C5, one in E5, each a link to the list of that cell
    expect(main).toContain(`<a href="${page}?zelle=E5#liste">1</a>`);
    expect(main).toContain(`<a href="${page}?zelle=C5#liste">1</a>`);
    const phone = textOf(mainOf(await (await moderator.get(`${page}?kanal=phone`)).text()));
    expect(phone).toContain("1 Beitrag mit Ort für diese Auswahl.");
    expect(phone).toContain("Vor der Schule");
    expect(phone).not.toContain("Ecke Markt");
    // the queue's section filter: both are about the draft as a whole
    expect(textOf(mainOf(await (await moderator.get(`${page}?abschnitt=gesamt`)).text()))).toContain("2 Beiträge mit Ort für diese Auswahl.");
    expect(textOf(mainOf(await (await moderator.get(`${page}?abschnitt=3.2`)).text()))).toContain("0 Beiträge mit Ort für diese Auswahl.");
    const cell = textOf(mainOf(await (await moderator.get(`${page}?zelle=E5`)).text()));
    expect(cell).toContain("Beiträge im Feld E5");
    expect(cell).not.toContain("Vor der Schule");
    // a filter nobody can set is no filter; nothing breaks
    for (const q of ["kanal=fax", "stand=%00", "zelle=Z99", "seite=-4", "seite=99999999999"]) expect((await moderator.get(`${page}?${q}`)).status, q).toBe(200);
    expect((await moderator.get(`/musterstadt/verwaltung/moderation/999999/plan`)).status).toBe(404);
    expect((await resident().get(page)).status).toBe(303);
  });

  it("the admin sees the plan, is told what is wrong, and changes the grid", async () => {
    const admin = (await signIn(server.url, DEMO.admin)).client;
    const page = `/musterstadt/verwaltung/verfahren/${procedureId}/plan`;
    const html = await (await admin.get(page)).text();
    expect(textOf(mainOf(html))).toContain("Der aktuelle Plan mit seinem Raster (8 Spalten × 8 Zeilen).");
    const documentId = html.match(/<option value="(\d+)"[^>]*selected=""/)![1];
    const bad = await admin.post(page, [["_csrf", csrfOf(html)], ["intent", "save"], ["document_id", documentId], ["alt", ""], ["columns", "13"], ["rows", "x"], ["north", "95"], ["west", ""], ["south", ""], ["east", ""]]);
    expect(bad.status).toBe(400);
    const badText = textOf(mainOf(await bad.text()));
    expect(badText).toContain("Geben Sie einen Alternativtext ein.");
    expect(badText).toContain("Geben Sie eine Zahl von 2 bis 12 ein.");
    expect(badText).toContain("Geben Sie Grad als Dezimalzahl ein");
    const ok = await admin.post(page, [["_csrf", csrfOf(html)], ["intent", "save"], ["document_id", documentId], ["alt", "Der Plan."], ["columns", "4"], ["rows", "3"], ["north", "52.4"], ["west", "9.7"], ["south", "52.3"], ["east", "9.8"]]);
    expect(ok.status).toBe(303);
    const plan = await h.db.selectFrom("procedure_plans").selectAll().where("procedure_id", "=", procedureId).executeTakeFirstOrThrow();
    expect(plan).toMatchObject({ alt_text: "Der Plan.", grid_columns: 4, grid_rows: 3, north_udeg: 52_400_000, east_udeg: 9_800_000 });
    const form = mainOf(await (await resident().get(PUBLIC)).text());
    expect(form).toContain('<option value="D3">D3</option>');
    expect(form).not.toContain('<option value="E1">');
    const audit = await h.db.selectFrom("audit_log").select("action").where("action", "=", "plan_saved").execute();
    expect(audit).toHaveLength(1);
  });
  it("open data: the published statements' points as GeoJSON (WGS 84, about 10 m, number and cell only), listed in the DCAT catalogue", async () => {
    // a second point that stays unpublished
    const client = resident();
    expect((await client.post(PUBLIC, [...ANSWERS, ["place_description", "Meine Einfahrt"], ["place_cell", ""], ["place_x", "1000"], ["place_y", "1000"]])).status).toBe(303);
    expect((await client.post(`${PUBLIC}/pruefen`, "")).status).toBe(303);
    // six more with only a cell of today's grid (4 × 3), five in B2 and one in A1, published below
    for (const cell of ["B2", "B2", "B2", "B2", "B2", "A1"]) {
      const another = resident();
      expect((await another.post(PUBLIC, [...ANSWERS, ["place_cell", cell]])).status).toBe(303);
      expect((await another.post(`${PUBLIC}/pruefen`, "")).status).toBe(303);
    }
    expect((await resident().get(`${PUBLIC}/orte.geojson`)).status).toBe(404);
    // as if moderation had published the first statement with a point and the results were out
    const withPoint = await h.db.selectFrom("submission_places").select("submission_id").where("x", "is not", null).orderBy("submission_id").execute();
    expect(withPoint).toHaveLength(2);
    await h.db.updateTable("submissions").set({ state: "published" }).where("id", "=", withPoint[0].submission_id).execute();
    await h.db.updateTable("procedures").set({ status: "results_published" }).where("id", "=", procedureId).execute();
    const res = await resident().get(`${PUBLIC}/orte.geojson`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/geo+json; charset=utf-8");
    const text = await res.text();
    const geo = JSON.parse(text);
    expect(geo.type).toBe("FeatureCollection");
    // the admin's georeference above: 52.4 N / 9.7 E to 52.3 N / 9.8 E; the point at 52 % across, 51 % down
    expect(geo.features).toEqual([{ type: "Feature", geometry: { type: "Point", coordinates: [9.752, 52.349] }, properties: { number: 1, cell: "E5" } }]);
    expect(text).not.toContain("Mühlenweg");
    expect(text).not.toContain("Einfahrt");
    const dcat = await (await resident().get(`${PUBLIC}/dcat.jsonld`)).json();
    const geoJson = dcat["dcat:distribution"].find((d: { "@id": string }) => d["@id"].endsWith("/orte.geojson"));
    expect(geoJson["dct:format"]).toEqual({ "@id": "http://publications.europa.eu/resource/authority/file-type/GEOJSON" });
    expect(geoJson["dcat:mediaType"]).toEqual({ "@id": "https://www.iana.org/assignments/media-types/application/geo+json" });
    const shapes = await readGraphs([join(projectRoot, "tests/fixtures/dcat-ap-de/teilhabe-shapes.ttl")]);
    expect((await validate(await jsonLdTriples(JSON.stringify(dcat), `https://beteiligung.example${PUBLIC}/dcat.jsonld`), shapes)).results).toEqual([]);
    // the results page: the plan with the counts per cell, the same numbers as a table (decision 30: one
    // published statement in E5 is "weniger als 5"), the GeoJSON linked; within 14 KB with its CSS
    const results = await (await resident().get(`${PUBLIC}/ergebnisse`)).text();
    const shown = mainOf(results);
    expect(shown).toMatch(/<img src="[^"]+\/plan\?anzahl=1&amp;v=[^"]+" width="1000"/);
    expect(textOf(shown)).toContain("Orte auf dem Plan");
    expect(shown).toContain('<caption id="cell-counts-caption">Veröffentlichte Beiträge je Feld des Rasters (Spalte und Zeile)</caption>');
    const table = shown.slice(shown.indexOf('id="cell-counts-caption"'));
    expect(table.slice(0, table.indexOf("</table>")), "the cell table").not.toMatch(/<td class="num">1<\/td>/);
    expect(table).toContain("weniger als 5");
    expect(shown).toContain(`href="${PUBLIC}/orte.geojson"`);
    const css = await (await resident().get(results.match(/href="(\/build\/[^"]+\.css)"/)![1])).text();
    expect(gzipSync(results).length + gzipSync(css).length).toBeLessThanOrEqual(14 * 1024);
    const counts = await resident().get(`${PUBLIC}/plan?anzahl=1`);
    expect(counts.status).toBe(200);
    expect(counts.headers.get("cache-control")).not.toContain("immutable");
    const cellTable = async () => {
      const page = mainOf(await (await resident().get(`${PUBLIC}/ergebnisse`)).text());
      const from = page.slice(page.indexOf('id="cell-counts-caption"'));
      return from.slice(0, from.indexOf("</table>"));
    };
    // five published in B2 and one in A1: B2's 5 may be shown (decision 30)
    const toPublish = await h.db.selectFrom("submission_places").select("submission_id").where("grid_cell", "in", ["B2", "A1"]).where("x", "is", null).orderBy("submission_id").execute();
    expect(toPublish).toHaveLength(6);
    await h.db.updateTable("submissions").set({ state: "published" }).where("id", "in", toPublish.map((r) => r.submission_id)).execute();
    expect(await cellTable()).toContain('<td class="num">5</td>');
    // a moderator withholds the published statement's place (it shows someone's home): the statement
    // stays published, its point leaves the GeoJSON and its cell the counts; audited; and back again
    const moderator = (await signIn(server.url, DEMO.moderator, { db: h.db })).client;
    const review = `/musterstadt/verwaltung/moderation/beitrag/${withPoint[0].submission_id}`;
    const before = await moderator.get(review);
    const reviewHtml = mainOf(await before.text());
    expect(textOf(reviewHtml)).toMatch(/Ort\s*In Worten\s*Ecke Markt \/ Mühlenweg\s*Feld des Rasters\s*E5/);
    expect(reviewHtml).toMatch(/<img class="place-crop" src="[^"]+\/plan\?punkt=5200-5100&amp;v=/);
    expect(textOf(reviewHtml)).toContain("Feld und Punkt werden mit dem veröffentlichten Beitrag veröffentlicht");
    const withhold = await moderator.post(review, [["_csrf", csrfOf(reviewHtml)], ["intent", "place_publication"], ["withhold", "yes"]]);
    expect(withhold.status).toBe(303);
    const after = textOf(mainOf(await (await moderator.get(withhold.headers.get("location")!)).text()));
    expect(after).toContain("Der Ort dieses Beitrags wird nicht veröffentlicht.");
    expect(after).toContain("Der Ort ist von der Veröffentlichung zurückgehalten");
    // sent twice: nothing more changes, nothing more recorded
    expect((await moderator.post(review, [["_csrf", csrfOf(reviewHtml)], ["intent", "place_publication"], ["withhold", "yes"]])).status).toBe(303);
    const withheld = await h.db.selectFrom("submission_places").selectAll().where("submission_id", "=", withPoint[0].submission_id).executeTakeFirstOrThrow();
    expect(withheld.withheld_at).not.toBeNull();
    expect((await h.db.selectFrom("submissions").select("state").where("id", "=", withPoint[0].submission_id).executeTakeFirstOrThrow()).state).toBe("published");
    expect((await (await resident().get(`${PUBLIC}/orte.geojson`)).json()).features).toEqual([]);
    expect(await h.db.selectFrom("audit_log").select(["action", "target_id"]).where("action", "in", ["place_withheld", "place_released"]).execute()).toEqual([
      { action: "place_withheld", target_id: String(withPoint[0].submission_id) },
    ]);
    // bad input is a 400, a statement without a place a 404; neither changes anything
    expect((await moderator.post(review, [["_csrf", csrfOf(reviewHtml)], ["intent", "place_publication"], ["withhold", "maybe"]])).status).toBe(400);
    expect((await moderator.post(review, [["_csrf", csrfOf(reviewHtml)], ["intent", "place_publication"], ["withhold", "no"], ["x", "1"]])).status).toBe(400);
    const noPlace = await h.db.selectFrom("submissions").select("id").where("procedure_id", "=", procedureId).where("id", "not in", h.db.selectFrom("submission_places").select("submission_id")).executeTakeFirstOrThrow();
    expect((await moderator.post(`/musterstadt/verwaltung/moderation/beitrag/${noPlace.id}`, [["_csrf", csrfOf(reviewHtml)], ["intent", "place_publication"], ["withhold", "yes"]])).status).toBe(404);
    // a place given only as a cell: withheld, it leaves its cell's count (B2 falls to 4: no number shown)
    const inB2 = `/musterstadt/verwaltung/moderation/beitrag/${toPublish[0].submission_id}`;
    expect((await moderator.post(inB2, [["_csrf", csrfOf(reviewHtml)], ["intent", "place_publication"], ["withhold", "yes"]])).status).toBe(303);
    expect(await cellTable()).not.toMatch(/<td class="num">[0-9]+<\/td>/);
    // and both published again
    for (const page of [review, inB2]) expect((await moderator.post(page, [["_csrf", csrfOf(reviewHtml)], ["intent", "place_publication"], ["withhold", "no"]])).status).toBe(303);
    expect((await (await resident().get(`${PUBLIC}/orte.geojson`)).json()).features).toHaveLength(1);
    expect(await cellTable()).toContain('<td class="num">5</td>');
    expect((await h.db.selectFrom("audit_log").select(["action", "target_id"]).where("action", "in", ["place_withheld", "place_released"]).orderBy("id").execute()).map((r) => `${r.action} ${r.target_id}`)).toEqual([
      `place_withheld ${withPoint[0].submission_id}`,
      `place_withheld ${toPublish[0].submission_id}`,
      `place_released ${withPoint[0].submission_id}`,
      `place_released ${toPublish[0].submission_id}`,
    ]);
    // without a georeference there is no file and no entry
    await h.db.updateTable("procedure_plans").set({ north_udeg: null, west_udeg: null, south_udeg: null, east_udeg: null }).where("procedure_id", "=", procedureId).execute();
    expect((await resident().get(`${PUBLIC}/orte.geojson`)).status).toBe(404);
    expect(JSON.stringify(await (await resident().get(`${PUBLIC}/dcat.jsonld`)).json())).not.toContain("orte.geojson");
  });
});
