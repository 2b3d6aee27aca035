/**
 * The accessibility statement and the barrier feedback form against the production server, without
 * JavaScript (plain form POSTs): the statement from the organisation's data, the footer link on
 * resident, staff and error pages, a report with its confirmation (reference, answer date), bad
 * input answered with an error summary and nothing stored, one report for a resent form, the
 * per-client limit, and the admins' side: dashboard count, list, answer, close; others get 403.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { Client, mainOf, rawGet, textOf } from "../support/http";
import { startServer, type TestServer } from "../support/server";
import { DEMO, csrfOf, signIn } from "../support/staff";
import { berlinDay } from "~/i18n/dates";

const ORG = "/musterstadt";
const FORM = `${ORG}/barrierefreiheit/melden`;
let clientNumber = 0;

describe("accessibility statement and barrier reports", () => {
  let server: TestServer;
  let h: DatabaseHandle;
  const reports = () => h.db.selectFrom("barrier_reports").selectAll().orderBy("id").execute();
  /** a resident's browser; each its own address (the server trusts the loopback proxy) */
  const resident = (lng = "de") => new Client(server.url, { "accept-language": lng, "x-forwarded-for": `203.0.113.${++clientNumber}` });
  const tokenOf = (html: string) => html.match(/name="token" value="([^"]+)"/)![1];

  async function send(c: Client, fields: Record<string, string>) {
    const form = await c.get(FORM);
    expect(form.status).toBe(200);
    return c.post(FORM, [["token", tokenOf(await form.text())], ...Object.entries(fields)]);
  }

  beforeAll(async () => {
    server = await startServer({ env: { TRUST_PROXY: "loopback" } });
    h = openDatabase(server.database.url);
  });
  afterAll(async () => {
    await h?.close();
    await server?.stop();
  });

  it("shows the statement from the organisation's data, in the reader's language", async () => {
    const de = await resident().get(`${ORG}/barrierefreiheit`);
    expect(de.status).toBe(200);
    const text = textOf(mainOf(await de.text()));
    expect(text).toContain("Erklärung zur Barrierefreiheit");
    expect(text).toContain("teilweise");
    expect(text).toContain("Dokumente zu einem Verfahren");
    expect(text).toContain("Unter jedem Diagramm steht eine Tabelle");
    // a municipality in Lower Saxony: the state's conciliation body, not the federal one (§ 16 BGG)
    expect(text).toContain("Schlichtungsstelle nach Landesrecht");
    expect(text).toContain("Niedersächsischen Behindertengleichstellungsgesetz (NBGG)");
    expect(text).not.toContain("Mauerstraße");
    expect(text).toContain("barrierefreiheit@musterstadt.example");
    expect(await (await resident().get(`${ORG}/barrierefreiheit`)).text()).toContain(`href="${FORM}"`);

    const ar = await (await resident("ar").get(`${ORG}/barrierefreiheit`)).text();
    expect(ar).toMatch(/<html lang="ar" dir="rtl"/);
    expect(textOf(mainOf(ar))).toContain("بيان إمكانية الوصول");
    // the conciliation body's address stays German, marked as such
    expect(ar).toMatch(/<div lang="de">\s*<p class="pre">Für Stellen des Landes Niedersachsen/);
  });

  it("links the statement from the footer of resident, staff and error pages", async () => {
    const footerOf = (html: string) => html.match(/<footer[\s\S]*<\/footer>/)?.[0] ?? "";
    expect(footerOf(await (await resident().get(ORG)).text())).toContain(`href="${ORG}/barrierefreiheit"`);
    const notFound = await resident().get(`${ORG}/gibt-es-nicht/auch-nicht`);
    expect(notFound.status).toBe(404);
    expect(footerOf(await notFound.text())).toContain('href="/barrierefreiheit"');
    const signInPage = await resident().get("/anmelden");
    expect(footerOf(await signInPage.text())).toContain('href="/barrierefreiheit"');
    // /barrierefreiheit finds the only organisation's statement
    const pick = await resident().get("/barrierefreiheit");
    expect(pick.status).toBe(302);
    expect(pick.headers.get("location")).toBe(`${ORG}/barrierefreiheit`);
    const { client } = await signIn(server.url, DEMO.staff);
    expect(footerOf(await (await client.get(`${ORG}/verwaltung`)).text())).toContain(`href="${ORG}/barrierefreiheit"`);
  });

  it("takes a report by form POST and confirms it with a reference and the answer date", async () => {
    const c = resident();
    const res = await send(c, { page: "Radverkehrsplan 2030, Karte", description: "Die Karte hat keine Beschreibung.\nMein Screenreader sagt nur „Bild“.", email: "ruth.leser@example.org", phone: "" });
    expect(res.status).toBe(303);
    const location = res.headers.get("location")!;
    expect(location).toMatch(/^\/musterstadt\/barrierefreiheit\/melden\/bestaetigung\?nummer=BF-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const reference = location.split("=")[1];
    const confirmation = await c.get(location);
    expect(confirmation.status).toBe(200);
    const text = textOf(mainOf(await confirmation.text()));
    expect(text).toContain("Ihre Meldung ist angekommen");
    expect(text).toContain(reference);
    const [row] = (await reports()).filter((r) => r.reference === reference);
    const due = new Intl.DateTimeFormat("de", { dateStyle: "long", timeZone: "Europe/Berlin" }).format(new Date(row.due_at));
    expect(text).toContain(`Wir antworten Ihnen bis spätestens ${due}`);
    expect(row.description).toBe("Die Karte hat keine Beschreibung.\nMein Screenreader sagt nur „Bild“.");
    expect(row.contact_email).not.toContain("ruth");
    expect(row.language).toBe("de");
    // an unknown reference is not found
    expect((await c.get(`${FORM}/bestaetigung?nummer=BF-0000-0000`)).status).toBe(404);
  });

  it("keeps the statement, the form and the confirmation within 14 KB compressed (HTML + CSS), in every language", async () => {
    const reference = (await reports())[0].reference;
    const sizes: string[] = [];
    for (const lng of ["de", "de-x-ls", "en", "tr", "ar", "uk", "ru", "pl"]) {
      for (const path of [`${ORG}/barrierefreiheit`, FORM, `${FORM}/bestaetigung?nummer=${reference}`]) {
        const res = await rawGet(`${server.url}${path}${path.includes("?") ? "&" : "?"}lng=${lng}`);
        expect(res.status, path).toBe(200);
        expect(res.text).not.toContain("<script");
        const css = await rawGet(server.url + res.text.match(/<link rel="stylesheet" href="([^"]+)"/)![1]);
        const total = res.wire.length + css.wire.length;
        sizes.push(`${lng} ${path.split("?")[0]}: ${total}`);
        expect(total, `${path} in ${lng}`).toBeLessThanOrEqual(14 * 1024);
      }
    }
    console.log(sizes.join("\n"));
  });

  it("stores one report for a form sent twice", async () => {
    const c = resident("en");
    const form = await (await c.get(FORM)).text();
    const fields: [string, string][] = [["token", tokenOf(form)], ["page", "Double"], ["description", "Sent twice"]];
    const [a, b] = [await c.post(FORM, fields), await c.post(FORM, fields)];
    expect(a.headers.get("location")).toBe(b.headers.get("location"));
    expect((await reports()).filter((r) => r.page === "Double")).toHaveLength(1);
  });

  it("answers empty, too long and malformed input with an error summary, and stores nothing", async () => {
    const before = (await reports()).length;
    const c = resident();
    const empty = await send(c, { page: "", description: "  ", email: "", phone: "" });
    expect(empty.status).toBe(400);
    const html = await empty.text();
    expect(html).toMatch(/<title>Fehler: /);
    expect(html).toContain('href="#page"');
    expect(html).toContain('href="#description"');
    expect(textOf(html)).toContain("Beschreiben Sie das Problem");

    const long = await send(c, { page: "Startseite", description: "x".repeat(3001), email: "kein-at-zeichen", phone: "abc" });
    expect(long.status).toBe(400);
    const longText = textOf(await long.text());
    expect(longText).toContain("Höchstens 3000 Zeichen erlaubt, jetzt sind es 3001");
    expect(longText).toContain("name@example.org");
    expect(longText).toContain("Telefonnummer mit Ziffern");

    const en = await send(resident("en"), { page: "", description: "ok" });
    expect(textOf(await en.text())).toContain("Enter which page or which part of the website is affected");

    const unknown = await c.post(FORM, [["page", "a"], ["description", "b"], ["admin", "1"]]);
    expect(unknown.status).toBe(400);
    const repeated = await c.post(FORM, [["page", "a"], ["page", "b"], ["description", "b"]]);
    expect(repeated.status).toBe(400);
    expect(textOf(mainOf(await repeated.text()))).not.toMatch(/stack|Error:/);
    expect((await reports()).length).toBe(before);
  });

  it("limits reports per client: the sixth within an hour is refused and not stored", async () => {
    const c = resident();
    for (let i = 0; i < 5; i++) expect((await send(c, { page: `Flut ${i}`, description: "Test" })).status).toBe(303);
    const sixth = await send(c, { page: "Flut 5", description: "Test" });
    expect(sixth.status).toBe(429);
    expect(textOf(mainOf(await sixth.text()))).toMatch(/Zu viele Versuche|zu viele/i);
    expect((await reports()).filter((r) => r.page.startsWith("Flut"))).toHaveLength(5);
    // another client is not affected
    expect((await send(resident(), { page: "Anderer Mensch", description: "Test" })).status).toBe(303);
  });

  it("lets an admin see open and overdue reports, answer one and close it; others get 403", async () => {
    // one report is old: received 40 days ago, so overdue
    const [first] = await reports();
    await h.db.updateTable("barrier_reports").set({ received_at: new Date(Date.now() - 40 * 86_400_000).toISOString(), due_at: new Date(Date.now() - 10 * 86_400_000).toISOString() }).where("id", "=", first.id).execute();
    const open = (await reports()).filter((r) => r.status === "open").length;

    const { client: admin } = await signIn(server.url, DEMO.admin, { db: h.db });
    const dashboard = textOf(mainOf(await (await admin.get(`${ORG}/verwaltung`)).text()));
    expect(dashboard).toContain(`${open} Barriere-Meldungen warten auf eine Antwort.`);
    expect(dashboard).toContain("1 davon ist überfällig");

    const list = await (await admin.get(`${ORG}/verwaltung/barrierefreiheit`)).text();
    const rows = [...mainOf(list).matchAll(/<tr>[\s\S]*?<\/tr>/g)].map((m) => textOf(m[0]));
    expect(rows[1]).toContain(first.reference);
    expect(rows[1]).toContain("überfällig");
    expect(rows[1]).toContain("40 Tage");

    const page = `${ORG}/verwaltung/barrierefreiheit/${first.id}`;
    const detail = await (await admin.get(page)).text();
    expect(textOf(detail)).toContain("r***@example.org");
    expect(textOf(detail)).not.toContain("ruth.leser@example.org");
    const csrf = csrfOf(detail);
    const revealed = await admin.post(page, [["_csrf", csrf], ["intent", "reveal"]]);
    expect(textOf(await revealed.text())).toContain("ruth.leser@example.org");

    const empty = await admin.post(page, [["_csrf", csrf], ["intent", "answer"], ["answer", ""]]);
    expect(empty.status).toBe(400);
    const answered = await admin.post(page, [["_csrf", csrf], ["intent", "answer"], ["answer", "Die Karte hat jetzt eine Textbeschreibung."]]);
    expect(answered.status).toBe(303);
    const after = textOf(await (await admin.get(answered.headers.get("location")!)).text());
    expect(after).toContain("Die Antwort ist gespeichert und wird per E-Mail verschickt.");
    expect(after).toContain("Die Karte hat jetzt eine Textbeschreibung.");
    const dashboardAfter = textOf(mainOf(await (await admin.get(`${ORG}/verwaltung`)).text()));
    expect(dashboardAfter).toContain(`${open - 1} Barriere-Meldung`);
    expect(dashboardAfter).not.toContain("überfällig");

    expect((await admin.post(page, [["_csrf", csrf], ["intent", "close"]])).status).toBe(303);
    const closed = await h.db.selectFrom("barrier_reports").selectAll().where("id", "=", first.id).executeTakeFirstOrThrow();
    expect(closed.status).toBe("closed");
    expect(closed.contact_delete_after).not.toBeNull();
    const audit = await h.db.selectFrom("audit_log").select("action").where("target_type", "=", "barrier_report").orderBy("id").execute();
    expect(audit.map((a) => a.action)).toEqual(["barrier_report_contact_opened", "barrier_report_answered", "barrier_report_closed"]);

    // without the CSRF token nothing happens
    expect((await admin.post(`${ORG}/verwaltung/barrierefreiheit/${first.id + 1}`, [["intent", "close"]])).status).toBe(403);

    for (const who of [DEMO.moderator, DEMO.staff]) {
      const { client } = await signIn(server.url, who, { db: h.db });
      for (const path of [`${ORG}/verwaltung/barrierefreiheit`, page, `${ORG}/verwaltung/barrierefreiheit/erklaerung`]) {
        const res = await client.get(path);
        expect(res.status, `${who} ${path}`).toBe(403);
        expect(await res.text()).not.toContain("ruth");
      }
      const dash = await (await client.get(`${ORG}/verwaltung`)).text();
      expect(dash).not.toContain("Barriere-Meldung");
    }
  });

  it("lets an admin edit the statement; residents see the change", async () => {
    const { client: admin } = await signIn(server.url, DEMO.admin, { db: h.db });
    const editor = `${ORG}/verwaltung/barrierefreiheit/erklaerung`;
    const csrf = csrfOf(await (await admin.get(editor)).text());
    const today = berlinDay(new Date().toISOString());
    const base: [string, string][] = [["_csrf", csrf], ["conformance", "partial"], ["method", "external_test"], ["prepared_on", "2026-01-10"], ["reviewed_on", today], ["standard", "charts"], ["federal_body", "Schlichtungsstelle BGG"], ["state_body", ""]];
    const bad = await admin.post(editor, [...base.filter(([k]) => k !== "reviewed_on"), ["reviewed_on", "2025-01-01"], ["custom_0_part", "Stadtplan"]]);
    expect(bad.status).toBe(400);
    const badText = textOf(await bad.text());
    expect(badText).toContain("Die Überprüfung kann nicht vor der Erstellung liegen");
    expect(badText).toContain("Füllen Sie dieses Feld aus");
    const ok = await admin.post(editor, [...base, ["custom_0_part", "Stadtplan im Ratsinformationssystem"], ["custom_0_reason", "Fremdsoftware"], ["custom_0_alternative", "Anruf unter 115"]]);
    expect(ok.status).toBe(303);
    const publicText = textOf(mainOf(await (await resident("en").get(`${ORG}/barrierefreiheit`)).text()));
    expect(publicText).toContain("independent testing body");
    expect(publicText).toContain("Stadtplan im Ratsinformationssystem");
    expect(publicText).toContain("only available in German");
    expect(publicText).not.toContain("Documents about a procedure");
    // Lower Saxony by default: the state's law and conciliation body, the standard and what is tested
    expect(publicText).toContain("NBGG");
    expect(publicText).toContain("EN 301 549 V3.2.1");
    expect(publicText).toContain("WCAG 2.1");
    expect(publicText).toContain("WCAG 2.2");
    expect(publicText).not.toContain("BITV 2.0");
    expect(publicText).not.toContain("Schlichtungsstelle BGG");
    const federal = await admin.post(editor, [...base, ["legal_framework", "federal"]]);
    expect(federal.status).toBe(303);
    const federalText = textOf(mainOf(await (await resident("de").get(`${ORG}/barrierefreiheit`)).text()));
    expect(federalText).toContain("BITV 2.0");
    expect(federalText).toContain("Schlichtungsstelle BGG");
    expect(federalText).not.toContain("NBITVO");
  });
});
