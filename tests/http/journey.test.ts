/**
 * The resident journey over HTTP against the production server, on SQLite and (with
 * TEST_DATABASE_URL) PostgreSQL: list, procedure, form errors, check your answers, confirmation,
 * one submission per draft however often it is sent, languages.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { engines } from "../support/databases";
import { Client, mainOf, textOf } from "../support/http";
import { startServer, type TestServer } from "../support/server";

const PROCEDURE = "/musterstadt/verfahren/radverkehrsplan-2030";

describe.each(engines)("the resident journey on %s", (engine) => {
  let server: TestServer;
  let db: DatabaseHandle;
  const count = async (table: "submissions" | "answers" | "contact_details" | "submission_drafts") =>
    Number((await db.db.selectFrom(table).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    server = await startServer({ engine });
    db = openDatabase(server.database.url);
  });
  afterAll(async () => {
    await db?.close();
    await server?.stop();
  });

  it("sends a visitor of the home page to the demo municipality's procedures, open ones first", async () => {
    const c = new Client(server.url);
    const home = await c.get("/");
    expect(home.status).toBe(302);
    expect(home.headers.get("location")).toBe("/musterstadt");
    const list = await c.get("/musterstadt");
    expect(list.status).toBe(200);
    const text = textOf(mainOf(await list.text()));
    const open = text.indexOf("Jetzt mitmachen");
    const closed = text.indexOf("Beendet");
    expect(open).toBeGreaterThan(-1);
    expect(closed).toBeGreaterThan(open);
    for (const title of ["Radverkehrsplan 2030", "Bürgerhaushalt 2027"]) {
      expect(text.indexOf(title)).toBeGreaterThan(open);
      expect(text.indexOf(title)).toBeLessThan(closed);
    }
    expect(text.indexOf("Neugestaltung des Marktplatzes")).toBeGreaterThan(closed);
    expect(text).toMatch(/Offen bis \d+\. \S+ \d{4}/);
  });

  it("shows what a procedure is about, who is responsible, the dates, why personal data are asked, and the form", async () => {
    const html = await (await new Client(server.url).get(PROCEDURE)).text();
    const text = textOf(html);
    expect(text).toContain("Radverkehrsplan 2030 – Entwurf zur Stellungnahme");
    expect(text).toContain("Fachbereich Stadtplanung, Abteilung Verkehrsplanung");
    expect(text).toMatch(/Zeitraum \d+\. \S+ \d{4} bis \d+\. \S+ \d{4}/);
    expect(text).toContain("Datenschutz in Kürze");
    expect(text).toContain("damit wir Ihnen die Antwort auf Ihre Stellungnahme per E-Mail schicken können");
    expect(text).toContain("Art. 6 Abs. 1 lit. e DSGVO");
    expect(text).toMatch(/werden am \d+\. \S+ \d{4} gelöscht, 6 Monate nach dem Ende/);
    expect(html).toContain(`href="${PROCEDURE}/datenschutz"`);
    // every question kind and the contact block, with required markers, hints and lengths
    expect(html).toMatch(/<textarea[^>]*name="q1"/);
    expect(html).toMatch(/<input[^>]*type="text"[^>]*name="q2"/);
    expect((html.match(/name="q3"[^>]*type="radio"/g) ?? []).length).toBe(4);
    expect((html.match(/name="q4"[^>]*type="checkbox"/g) ?? []).length).toBe(4);
    expect((html.match(/name="q5"[^>]*type="radio"/g) ?? []).length).toBe(5);
    expect((html.match(/name="q6"[^>]*type="radio"/g) ?? []).length).toBe(2);
    expect(html).toMatch(/<input[^>]*type="email"[^>]*name="contact_email"/);
    expect(html).not.toContain('name="contact_phone"'); // switched off for this procedure
    expect(text).toContain("(Pflichtangabe)");
    expect(text).toContain("(freiwillig)");
    expect(text).toContain("Höchstens 3000 Zeichen.");
    const notice = await (await new Client(server.url).get(`${PROCEDURE}/datenschutz`)).text();
    expect(textOf(notice)).toContain("Die Landesbeauftragte für den Datenschutz Niedersachsen");
  });

  it("brings invalid input back with the values kept, an error summary linking to each field, and stores nothing", async () => {
    const before = [await count("submissions"), await count("submission_drafts")];
    const c = new Client(server.url);
    const res = await c.post(PROCEDURE, [
      ["q2", "Bahnhofstraße"],
      ["q3", "bike"],
      ["q4", "width"],
      ["contact_email", "keine-adresse"],
    ]);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toMatch(/<title>Fehler: /);
    const summary = html.match(/<div class="error-summary"[\s\S]*?<\/div>/)![0];
    expect(summary).toContain('tabindex="-1"');
    expect(summary).toContain("autofocus");
    const links = [...summary.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]);
    expect(links).toEqual(["q1", "q5", "contact_email"]);
    for (const id of links) expect(html).toContain(`id="${id}"`);
    expect(html).toMatch(/id="q1-error"[^>]*>[\s\S]*?Bitte geben Sie eine Antwort ein/);
    expect(html).toMatch(/aria-describedby="[^"]*contact_email-error"/);
    // what was typed is still there
    expect(html).toMatch(/name="q2"[^>]*value="Bahnhofstraße"/);
    expect(html).toMatch(/value="bike"[^>]*checked|checked[^>]*value="bike"/);
    expect(html).toMatch(/name="contact_email"[^>]*value="keine-adresse"/);
    expect([await count("submissions"), await count("submission_drafts")]).toEqual(before);
  });

  it("takes a resident from the form through check-your-answers to a receipt code, once", async () => {
    const c = new Client(server.url);
    const before = await count("submissions");
    const sent = await c.post(PROCEDURE, [
      ["q1", "Der Radweg in der Bahnhofstraße endet plötzlich.\r\nBitte verlängern."],
      ["q3", "bike"],
      ["q4", "safety"],
      ["q4", "lighting"],
      ["q5", "2"],
      ["q6", "yes"],
      ["contact_name", "Anna Beispiel"],
      ["contact_email", "anna@example.org"],
    ]);
    expect(sent.status).toBe(303);
    expect(sent.headers.get("location")).toBe(`${PROCEDURE}/pruefen`);
    const cookie = sent.headers.get("set-cookie")!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);

    const check = textOf(await (await c.get(`${PROCEDURE}/pruefen`)).text());
    expect(check).toContain("Prüfen Sie Ihre Antworten");
    expect(check).toContain("Der Radweg in der Bahnhofstraße endet plötzlich.");
    expect(check).toContain("Sichere Kreuzungen");
    expect(check).toContain("Bessere Beleuchtung");
    expect(check).toContain("anna@example.org");
    expect(check).toContain("Ändern Ihre Stellungnahme zum Entwurf");
    expect(await count("submissions")).toBe(before); // nothing is submitted before "send"

    // "change" goes back to the form with the answers filled in
    const form = await (await c.get(PROCEDURE)).text();
    expect(form).toMatch(/name="contact_name"[^>]*value="Anna Beispiel"/);
    expect(form).toMatch(/value="lighting"[^>]*checked|checked[^>]*value="lighting"/);

    // a double click: two sends at the same moment, then a browser retry
    const [a, b] = await Promise.all([c.post(`${PROCEDURE}/pruefen`, ""), c.post(`${PROCEDURE}/pruefen`, "")]);
    const retry = await c.post(`${PROCEDURE}/pruefen`, "");
    for (const r of [a, b, retry]) {
      expect(r.status).toBe(303);
      expect(r.headers.get("location")).toBe(`${PROCEDURE}/bestaetigung`);
    }
    expect(await count("submissions")).toBe(before + 1);

    const confirmation = await c.get(`${PROCEDURE}/bestaetigung`);
    expect(confirmation.status).toBe(200);
    const text = textOf(await confirmation.text());
    const code = text.match(/Ihr Eingangscode: ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z])/)?.[1];
    expect(code).toBeDefined();
    expect(text).toContain("Wie geht es weiter?");
    // reloading shows the same code; the check page now leads to the confirmation
    expect(textOf(await (await c.get(`${PROCEDURE}/bestaetigung`)).text())).toContain(code!);
    const back = await c.get(`${PROCEDURE}/pruefen`);
    expect(back.status).toBe(303);
    // back to the form: it is empty again, ready for a new submission
    expect(await (await c.get(PROCEDURE)).text()).not.toContain("Anna Beispiel");
  });

  it("refuses submissions to a closed procedure with a clear page, in the reader's language", async () => {
    const before = [await count("submissions"), await count("submission_drafts")];
    const page = await (await new Client(server.url).get("/musterstadt/verfahren/marktplatz")).text();
    expect(textOf(page)).toContain("Die Beteiligung ist beendet");
    expect(page).not.toContain("<form");
    const c = new Client(server.url, { "accept-language": "en" });
    const res = await c.post("/musterstadt/verfahren/marktplatz", [["q7", "Eine Idee"]]);
    expect(res.status).toBe(403);
    const html = await res.text();
    expect(html).toContain('<html lang="en" dir="ltr">');
    expect(textOf(html)).toMatch(/closed/i);
    expect([await count("submissions"), await count("submission_drafts")]).toEqual(before);
  });

  it("refuses a procedure that has not opened yet", async () => {
    const org = await db.db.selectFrom("organisations").select("id").executeTakeFirstOrThrow();
    const soon = new Date(Date.now() + 7 * 86400_000).toISOString();
    const later = new Date(Date.now() + 30 * 86400_000).toISOString();
    const now = new Date().toISOString();
    await db.db
      .insertInto("procedures")
      .values({
        organisation_id: org.id, slug: "spaeter", title: "Später", summary: "Bald", body: "Bald.", kind: "survey",
        legal_basis: "Art. 6", responsible_office: "Amt", opens_at: soon, closes_at: later, status: "open",
        retention_months: 1, publication_policy: "", notice_version: "1", contact_name: "off", contact_name_purpose: "",
        contact_address: "off", contact_address_purpose: "", contact_email: "off", contact_email_purpose: "",
        contact_phone: "off", contact_phone_purpose: "", created_at: now, updated_at: now,
      })
      .execute();
    const c = new Client(server.url);
    const page = await c.get("/musterstadt/verfahren/spaeter");
    expect(textOf(await page.text())).toContain("Die Beteiligung hat noch nicht begonnen");
    const res = await c.post("/musterstadt/verfahren/spaeter", "");
    expect(res.status).toBe(403);
    expect(textOf(await res.text())).toContain("Die Beteiligung hat noch nicht begonnen");
    const list = textOf(await (await c.get("/musterstadt")).text());
    expect(list).toContain("Demnächst");
  });

  it("speaks the language chosen by ?lng=, remembered in a cookie, else the browser's", async () => {
    const c = new Client(server.url);
    const en = await c.get(`${PROCEDURE}?lng=en`);
    expect(await en.text()).toContain('<html lang="en" dir="ltr">');
    expect(en.headers.get("set-cookie")).toMatch(/^lng=/);
    expect(await (await c.get(PROCEDURE)).text()).toContain('<html lang="en" dir="ltr">');
    const ar = await new Client(server.url, { "accept-language": "ar-EG,ar;q=0.9" }).get(PROCEDURE);
    const arHtml = await ar.text();
    expect(arHtml).toContain('<html lang="ar" dir="rtl">');
    // German content on an Arabic page is marked as German
    // (and left to right inside the right-to-left page)
    expect(arHtml).toMatch(/<h1 lang="de" dir="ltr">Radverkehrsplan 2030/);
    expect(await (await new Client(server.url, { "accept-language": "fr" }).get(PROCEDURE)).text()).toContain('<html lang="de" dir="ltr">');
  });
});
