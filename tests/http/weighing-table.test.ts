/**
 * The weighing table over HTTP (production build): a moderator records a common consideration (the
 * audit entry comes with it), the resident reads it with the receipt code in the privacy log; the
 * table page prints the anonymised table; the files download as XLSX and ODT (read back with SheetJS
 * and fflate); an unknown variant, a procedure of another municipality and a staff member without
 * the moderator role get a 4xx and nothing is exported or logged as exported.
 */
import { unzipSync, strFromU8 } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as XLSX from "xlsx";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { Client, mainOf, textOf } from "../support/http";
import { startServer, type TestServer } from "../support/server";
import { DEMO, csrfOf, signIn } from "../support/staff";

const PROCEDURE = "/musterstadt/verfahren/radverkehrsplan-2030";
const base = "/musterstadt/verwaltung/moderation";

describe("weighing table", () => {
  let server: TestServer;
  let h: DatabaseHandle;
  let mod: Client;
  let procedureId: number;
  let theirProcedureId: number;
  const codes: string[] = [];

  async function participate(text: string, contact: [string, string][] = []) {
    const c = new Client(server.url);
    await c.post(PROCEDURE, [["q1", text], ["q3", "bike"], ["q5", "4"], ...contact]);
    await c.post(`${PROCEDURE}/pruefen`, "");
    const code = textOf(await (await c.get(`${PROCEDURE}/bestaetigung`)).text()).match(/[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]/)![0];
    codes.push(code);
  }
  const idOf = async (text: string) => (await h.db.selectFrom("answers").select("submission_id").where("value", "=", text).executeTakeFirstOrThrow()).submission_id;
  const exports = async () => (await h.db.selectFrom("audit_log").select("id").where("action", "=", "weighing_table_exported").execute()).length;
  const named = async () => (await h.db.selectFrom("privacy_events").select("id").where("type", "=", "named_in_weighing_table").execute()).length;

  beforeAll(async () => {
    server = await startServer();
    h = openDatabase(server.database.url);
    procedureId = (await h.db.selectFrom("procedures").select("id").where("slug", "=", "radverkehrsplan-2030").executeTakeFirstOrThrow()).id;
    await participate("Mehr Fahrradbügel am Rathaus.", [["contact_name", "Erika Mustermann"], ["contact_email", "erika@example.org"]]);
    await participate("Mehr Fahrradbügel am Rathaus, bitte!");
    // another municipality with a procedure of its own
    const now = new Date().toISOString();
    const org = await h.db
      .insertInto("organisations")
      .values({ slug: "nachbarstadt", name: "Stadt Nachbarstadt", postal_address: "Markt 1", controller_name: "x", controller_contact: "x", dpo_name: "x", dpo_contact: "x", accessibility_contact: "x", supervisory_authority: "x", created_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    const { id: _id, ...demo } = await h.db.selectFrom("procedures").selectAll().where("id", "=", procedureId).executeTakeFirstOrThrow();
    theirProcedureId = (await h.db.insertInto("procedures").values({ ...demo, organisation_id: org.id, slug: "ihr-verfahren" }).returning("id").executeTakeFirstOrThrow()).id;
    mod = (await signIn(server.url, DEMO.moderator, { db: h.db })).client;
  });
  afterAll(async () => {
    await h?.close();
    await server?.stop();
  });

  it("a common consideration is audited with it and the resident reads it with the receipt code", async () => {
    const [a, b] = [await idOf("Mehr Fahrradbügel am Rathaus."), await idOf("Mehr Fahrradbügel am Rathaus, bitte!")];
    const page = await (await mod.get(`${base}/${procedureId}/antwort?id=${a}&id=${b}`)).text();
    const res = await mod.post(`${base}/${procedureId}/antwort`, [["_csrf", csrfOf(page)], ["id", String(a)], ["id", String(b)], ["decision", "partly_accepted"], ["response_text", "Am Rathaus kommen 20 Bügel."]]);
    expect(res.status).toBe(303);
    const audit = await h.db.selectFrom("audit_log").selectAll().where("action", "=", "consideration_recorded").execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0].details_json)).toMatchObject({ decision: "partly_accepted", submissions: 2 });
    for (const [code, lng, title, decision] of [
      [codes[0], "de", "Abwägung der Verwaltung", "Teilweise berücksichtigt"],
      [codes[1], "en", "Consideration by the council", "Partly taken into account"],
    ]) {
      const c = new Client(server.url);
      await c.post(`/musterstadt/beitrag?lng=${lng}`, [["code", code]]);
      const log = textOf(mainOf(await (await c.get(`/musterstadt/beitrag/protokoll?lng=${lng}`)).text()));
      expect(log).toContain(title);
      expect(log).toContain(decision);
      expect(log).toContain("Am Rathaus kommen 20 Bügel.");
    }
  });

  it("the table page shows every statement anonymised, in de and en, and links the files", async () => {
    for (const [lng, heading] of [
      ["de", "Abwägungstabelle"],
      ["en", "Consideration table"],
    ]) {
      const res = await mod.get(`${base}/${procedureId}/abwaegung?lng=${lng}`);
      expect(res.status).toBe(200);
      const html = await res.text();
      const main = textOf(mainOf(html));
      expect(main).toContain(heading);
      expect(main).toContain("Am Rathaus kommen 20 Bügel.");
      expect(main).not.toContain("Erika Mustermann");
      expect(html).toContain(`${base}/${procedureId}/abwaegung/odt`);
    }
    expect(await exports()).toBe(0);
  });

  it("downloads the anonymised XLSX and the named ODT, each recorded", async () => {
    const xlsx = await mod.get(`${base}/${procedureId}/abwaegung/xlsx?variante=anonymisiert&text=geschwaerzt`);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(xlsx.headers.get("content-disposition")).toContain("abwaegung-radverkehrsplan-2030-anonymisiert.xlsx");
    const book = XLSX.read(Buffer.from(await xlsx.arrayBuffer()), { type: "buffer" });
    const rows = XLSX.utils.sheet_to_json<unknown[]>(book.Sheets["Abwägung"], { header: 1 });
    expect(rows).toHaveLength(3);
    expect(JSON.stringify(rows)).not.toContain("Erika");
    const odt = await mod.get(`${base}/${procedureId}/abwaegung/odt?variante=namentlich`);
    expect(odt.status).toBe(200);
    expect(odt.headers.get("content-type")).toBe("application/vnd.oasis.opendocument.text");
    const content = strFromU8(unzipSync(new Uint8Array(await odt.arrayBuffer()))["content.xml"]);
    expect(content).toContain("Erika Mustermann");
    expect(content).not.toContain("erika@example.org");
    expect(await exports()).toBe(2);
    expect(await named()).toBe(1);
  });

  it("refuses an unknown variant, another municipality's procedure and staff without the role: nothing exported or logged", async () => {
    const before = { exports: await exports(), named: await named() };
    const staff = (await signIn(server.url, DEMO.staff, { db: h.db })).client;
    for (const [client, path, status] of [
      [mod, `${base}/${procedureId}/abwaegung/xlsx?variante=alles`, 400],
      [mod, `${base}/${procedureId}/abwaegung/xlsx`, 400],
      [mod, `${base}/${procedureId}/abwaegung/pdf?variante=anonymisiert`, 400],
      [mod, `${base}/${procedureId}/abwaegung/xlsx?variante=namentlich&text=alles`, 400],
      [mod, `${base}/${theirProcedureId}/abwaegung/xlsx?variante=namentlich`, 404],
      [mod, `${base}/${theirProcedureId}/abwaegung`, 404],
      [staff, `${base}/${procedureId}/abwaegung/odt?variante=namentlich`, 403],
      [staff, `${base}/${procedureId}/abwaegung`, 403],
    ] as const) {
      const res = await client.get(`${path}${path.includes("?") ? "&" : "?"}lng=en`);
      expect(res.status, path).toBe(status);
      const body = await res.text();
      expect(body).not.toMatch(/at .*\.js:\d+/);
    }
    expect(await exports()).toBe(before.exports);
    expect(await named()).toBe(before.named);
  });
  it("an admin adds, renames and retires decisions on the decisions page (de and en), each audited; mistakes get an error summary, others a refusal", async () => {
    const admin = (await signIn(server.url, DEMO.admin, { db: h.db })).client;
    const page = `/musterstadt/verwaltung/entscheidungen`;
    const changes = async () => (await h.db.selectFrom("audit_log").select("details_json").where("action", "=", "consideration_decisions_changed").orderBy("id").execute()).map((r) => JSON.parse(r.details_json));
    for (const [lng, heading, standard] of [
      ["de", "Entscheidungen der Abwägung", "Teilweise berücksichtigt"],
      ["en", "Consideration decisions", "Partly taken into account"],
    ]) {
      const res = await admin.get(`${page}?lng=${lng}`);
      expect(res.status).toBe(200);
      const main = textOf(mainOf(await res.text()));
      expect(main).toContain(heading);
      expect(main).toContain(standard);
    }
    const csrf = csrfOf(await (await admin.get(page)).text());
    const added = await admin.post(page, [["_csrf", csrf], ["intent", "add"], ["label_de", "Zurückgestellt"], ["label_en", "Deferred"]]);
    expect(added.status).toBe(303);
    expect(added.headers.get("location")).toContain("hinweis=add");
    // the decision used by the common consideration above is retired: the resident still reads it
    expect((await admin.post(page, [["_csrf", csrf], ["intent", "retire"], ["key", "partly_accepted"]])).status).toBe(303);
    const after = await (await admin.get(`${page}?lng=de`)).text();
    const main = textOf(mainOf(after));
    expect(main.indexOf("Zurückgestellt")).toBeGreaterThan(-1);
    expect(main.indexOf("Nicht mehr angeboten")).toBeLessThan(main.lastIndexOf("Teilweise berücksichtigt"));
    const form = await (await mod.get(`${base}/${procedureId}/antwort?id=${await idOf("Mehr Fahrradbügel am Rathaus.")}&lng=de`)).text();
    expect(textOf(mainOf(form))).toContain("Zurückgestellt");
    expect(textOf(mainOf(form))).not.toContain("Teilweise berücksichtigt");
    const c = new Client(server.url);
    await c.post(`/musterstadt/beitrag`, [["code", codes[0]]]);
    expect(textOf(mainOf(await (await c.get(`/musterstadt/beitrag/protokoll?lng=de`)).text()))).toContain("Teilweise berücksichtigt");
    // a person's mistake: the page again with an error summary, in English too
    const wrong = await admin.post(`${page}?lng=en`, [["_csrf", csrf], ["intent", "rename"], ["key", "own_1"], ["label_de-own_1", ""], ["label_en-own_1", "Deferred"]]);
    expect(wrong.status).toBe(400);
    const wrongHtml = await wrong.text();
    expect(wrongHtml).toContain('class="error-summary"');
    expect(textOf(mainOf(wrongHtml))).toContain("Enter a label in German.");
    const before = (await changes()).length;
    const staff = (await signIn(server.url, DEMO.staff, { db: h.db })).client;
    for (const [client, fields, status] of [
      [admin, [["intent", "retire"], ["key", "unknown"]], 404],
      [admin, [["intent", "drop"], ["key", "noted"]], 400],
      [admin, [["intent", "retire"], ["key", "noted"], ["extra", "1"]], 400],
      [mod, [["intent", "retire"], ["key", "noted"]], 403],
      [staff, [["intent", "retire"], ["key", "noted"]], 403],
    ] as const) {
      const token = csrfOf(await (await client.get(client === admin ? page : client === mod ? `${base}/${procedureId}/antwort?id=${await idOf("Mehr Fahrradbügel am Rathaus.")}` : "/musterstadt/verwaltung/schalter/finden")).text());
      const res = await client.post(page, [["_csrf", token], ...(fields as unknown as [string, string][])]);
      expect(res.status, JSON.stringify(fields)).toBe(status);
    }
    expect((await changes()).map((d) => [d.change, d.key])).toEqual([
      ["add", "own_1"],
      ["retire", "partly_accepted"],
    ]);
    expect((await changes()).length).toBe(before);
  });
});

describe("the demo with published results (as npm start seeds it)", () => {
  let server: TestServer;
  // seeding the concluded procedure (20 statements through the whole pipeline) comes before listening
  beforeAll(async () => {
    server = await startServer({ env: { SEED_DEMO_RESULTS: "true" }, startTimeoutMs: 120_000 });
  }, 150_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("shows the concluded procedure's results, charts with tables and open data, and its weighing table to the moderator", async () => {
    const c = new Client(server.url);
    const results = await c.get("/musterstadt/verfahren/spielplatz-lindenpark/ergebnisse");
    expect(results.status).toBe(200);
    const page = textOf(mainOf(await results.text()));
    expect(page).toContain("Wasser- und Matschanlage");
    expect(page).toContain("Wie oft sind Sie am Lindenpark?");
    const csv = await c.get("/musterstadt/verfahren/spielplatz-lindenpark/daten.csv");
    expect(csv.status).toBe(200);
    const data = await csv.text();
    expect(data).toContain("Berücksichtigt");
    expect(data).not.toContain("Hoffmann");
    const mod = (await signIn(server.url, DEMO.moderator)).client;
    const id = (await (await mod.get("/musterstadt/verwaltung/moderation")).text()).match(/moderation\/(\d+)"[^>]*>[^<]*Spielplatz/)?.[1];
    expect(id).toBeDefined();
    const table = textOf(mainOf(await (await mod.get(`${base}/${id}/abwaegung`)).text()));
    expect(table).toContain("Eine Toilette ist am Lindenpark nicht möglich");
  });
});
