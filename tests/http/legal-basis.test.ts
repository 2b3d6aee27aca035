/**
 * Issue 3: the legal bases in a resident's privacy log are read in the resident's language (the
 * GDPR's official name in each), on the page and in the JSON download; the procedure's own legal
 * basis, typed by an admin in German, stays as typed and is marked lang="de".
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, mainOf, textOf } from "../support/http";
import { startServer, type TestServer } from "../support/server";

const ORG = "/musterstadt";
const PROCEDURE = `${ORG}/verfahren/radverkehrsplan-2030`;
const OWN_BASIS = "Art. 6 Abs. 1 lit. e DSGVO in Verbindung mit § 3 Niedersächsisches Datenschutzgesetz";

async function participate(server: TestServer) {
  const c = new Client(server.url, { "accept-language": "de" });
  const form: [string, string][] = [
    ["q1", "Mehr Abstellplätze bitte."],
    ["q3", "bike"],
    ["q5", "4"],
    ["contact_name", "Lena Rechtsgrund"],
    ["contact_address", "Am Markt 3\n31134 Musterstadt"],
    ["contact_email", "lena.rechtsgrund@example.org"],
    ["consent_results", "yes"],
  ];
  expect((await c.post(PROCEDURE, form)).status).toBe(303);
  expect((await c.post(`${PROCEDURE}/pruefen`, "")).status).toBe(303);
  const text = textOf(await (await c.get(`${PROCEDURE}/bestaetigung`)).text());
  return text.match(/[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]/)![0];
}

async function logPage(server: TestServer, code: string, lng: string) {
  const c = new Client(server.url, { "accept-language": lng });
  expect((await c.post(`${ORG}/beitrag`, [["code", code]])).status).toBe(303);
  const html = mainOf(await (await c.get(`${ORG}/beitrag/protokoll`)).text());
  return { c, html, text: textOf(html) };
}

/** The <dd> elements of the timeline's "legal basis" rows, with their attributes. */
const legalBasisCells = (html: string) => [...html.matchAll(/<dd( [^>]*)?>([^<]*)<\/dd>/g)].map((m) => ({ attrs: m[1] ?? "", text: m[2].replace(/&amp;/g, "&") }));

describe("legal bases in the resident's language", () => {
  let server: TestServer;
  let code: string;

  beforeAll(async () => {
    server = await startServer();
    code = await participate(server);
  });
  afterAll(async () => server?.stop());

  it("cites the GDPR in English on the English page, the procedure's own basis as typed in German", async () => {
    const { html, text } = await logPage(server, code, "en");
    expect(text).toContain("Art. 13 GDPR");
    expect(text).toContain("Art. 6(1)(a) GDPR");
    expect(text).not.toMatch(/Art\. 13 DSGVO|lit\. a DSGVO|i\. V\. m\./);
    const cells = legalBasisCells(html);
    expect(cells).toContainEqual({ attrs: "", text: "Art. 13 GDPR" });
    expect(cells).toContainEqual({ attrs: ' lang="de"', text: OWN_BASIS });
  });

  it("uses the official name in Arabic (right to left), Polish, Turkish, Ukrainian and Russian", async () => {
    const ar = await logPage(server, code, "ar");
    expect(ar.text).toContain("اللائحة العامة لحماية البيانات، المادة 13");
    expect(legalBasisCells(ar.html)).toContainEqual({ attrs: ' lang="de" dir="ltr"', text: OWN_BASIS });
    expect((await logPage(server, code, "pl")).text).toContain("art. 6 ust. 1 lit. a RODO");
    expect((await logPage(server, code, "tr")).text).toContain("Genel Veri Koruma Tüzüğü (GDPR), madde 13");
    expect((await logPage(server, code, "uk")).text).toContain("Загальний регламент захисту даних (GDPR), ст. 13");
    expect((await logPage(server, code, "ru")).text).toContain("Общий регламент по защите данных (GDPR), ст. 13");
  });

  it("explains it in easy words in Leichte Sprache and keeps the German citation in German", async () => {
    const ls = await logPage(server, code, "de-x-ls");
    expect(ls.text).toContain("Daten·schutz·grund·verordnung, Artikel 13.");
    expect(ls.text).not.toContain("Art. 13 DSGVO");
    const de = await logPage(server, code, "de");
    expect(de.text).toContain("Art. 13 DSGVO");
    expect(de.text).toContain("Art. 6 Abs. 1 lit. a DSGVO");
  });

  it("adds the reader's wording to the JSON download and leaves the stored citation (the hashed one) as it was", async () => {
    const { c } = await logPage(server, code, "en");
    const body = await (await c.post(`${ORG}/beitrag/daten`, "")).json();
    expect(body.privacyLogIntact).toBe(true);
    const notice = body.privacyLog.find((e: { type: string }) => e.type === "notice_shown");
    expect(notice).toMatchObject({ legalBasis: "Art. 13 DSGVO", legalBasisText: "Art. 13 GDPR" });
    const received = body.privacyLog.find((e: { type: string }) => e.type === "received");
    expect(received).toMatchObject({ legalBasis: OWN_BASIS, legalBasisText: OWN_BASIS });
  });
});
