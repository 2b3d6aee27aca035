/**
 * Bad input never gives a 500 or a stack trace and never stores anything: each case gets a 4xx
 * page in the reader's language that says what to do.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { Client, textOf } from "../support/http";
import { startServer, type TestServer } from "../support/server";

const PROCEDURE = "/musterstadt/verfahren/radverkehrsplan-2030";
const FORM = "application/x-www-form-urlencoded";
const valid = "q1=Text&q3=bike&q5=3";

interface Case {
  name: string;
  method?: string;
  path?: string;
  body?: string;
  type?: string;
  status: number;
  /** what the German page says */
  de: RegExp;
  /** what the English page says */
  en: RegExp;
  /** send the form first so a draft exists */
  withDraft?: boolean;
}

const cases: Case[] = [
  { name: "an unknown field", body: `${valid}&is_admin=1`, status: 400, de: /enthielt Angaben, die wir nicht kennen/, en: /did not recognise|we do not recognise|don't recognise|not recognise/i },
  { name: "a repeated single-value field", body: `${valid}&q1=again`, status: 400, de: /mehrfach/, en: /more than once|twice/i },
  { name: "a field for a contact detail that is switched off", body: `${valid}&contact_phone=0511`, status: 400, de: /nicht kennen/, en: /recognise/i },
  { name: "an option that does not exist", body: "q1=Text&q3=plane&q5=3", status: 400, de: /eine der angezeigten Antworten/, en: /one of the (options|answers)/i },
  { name: "a scale value out of range", body: "q1=Text&q3=bike&q5=9", status: 400, de: /eine der angezeigten Antworten/, en: /one of the (options|answers)/i },
  { name: "an answer that is too long", body: `q1=${"x".repeat(3001)}&q3=bike&q5=3`, status: 400, de: /zu lang: 3001 Zeichen/, en: /too long/i },
  { name: "control characters", body: "q1=Te%00xt%1B&q3=bike&q5=3", status: 400, de: /Steuerzeichen/, en: /control characters|characters that/i },
  { name: "bytes that are not UTF-8", body: "q1=%FF%FEText&q3=bike&q5=3", status: 400, de: /nicht lesen/, en: /cannot read|could not read|can't read/i },
  { name: "a broken percent escape", body: "q1=%ZZ&q3=bike&q5=3", status: 400, de: /nicht lesen/, en: /read/i },
  { name: "a JSON body", body: '{"q1":"Text"}', type: "application/json", status: 415, de: /Format/, en: /format/i },
  { name: "a multipart body", body: "--x\r\n", type: "multipart/form-data; boundary=x", status: 415, de: /Format/, en: /format/i },
  { name: "no content type", body: valid, type: "", status: 415, de: /Format/, en: /format/i },
  { name: "a body over the size cap", body: `q1=${"x".repeat(300 * 1024)}`, status: 413, de: /zu groß/, en: /too (large|big|long)/i },
  { name: "too many fields", body: Array.from({ length: 400 }, (_, i) => `f${i}=1`).join("&"), status: 400, de: /zu viele Angaben/, en: /too much information|too many/i },
  { name: "a procedure that does not exist", path: "/musterstadt/verfahren/gibt-es-nicht", body: valid, status: 404, de: /Verfahren nicht gefunden/, en: /not found|cannot find|can't find|could not find/i },
  { name: "a municipality that does not exist", path: "/nirgendwo/verfahren/radverkehrsplan-2030", body: valid, status: 404, de: /nicht gefunden/, en: /not found|cannot find|can't find|could not find/i },
  { name: "a closed procedure", path: "/musterstadt/verfahren/marktplatz", body: "q7=Idee", status: 403, de: /beendet/, en: /closed|ended/i },
  { name: "a PUT", method: "PUT", body: valid, status: 405, de: /nimmt solche Anfragen nicht an/, en: /does not accept|doesn't accept|not accept/i },
  { name: "a DELETE", method: "DELETE", body: "", status: 405, de: /nimmt solche Anfragen nicht an/, en: /accept/i },
  { name: "sending without answers to check", path: `${PROCEDURE}/pruefen`, body: "", status: 404, de: /keine Antworten zum Prüfen/, en: /answers/i },
  { name: "extra fields on the send step", path: `${PROCEDURE}/pruefen`, body: "q1=injected", status: 400, de: /nicht kennen/, en: /recognise/i, withDraft: true },
  { name: "a page that does not exist", method: "GET", path: "/musterstadt/nichts/hier", status: 404, de: /Seite nicht gefunden/, en: /not found|cannot find|can't find|could not find/i },
  { name: "a receipt page without a submission", method: "GET", path: `${PROCEDURE}/bestaetigung`, status: 404, de: /keine Antworten/, en: /answers/i },
];

describe("bad input", () => {
  let server: TestServer;
  let db: DatabaseHandle;
  const snapshot = async () => {
    const n = async (t: "submissions" | "answers" | "contact_details" | "submission_drafts") =>
      Number((await db.db.selectFrom(t).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
    return { submissions: await n("submissions"), answers: await n("answers"), contact: await n("contact_details"), drafts: await n("submission_drafts") };
  };

  beforeAll(async () => {
    server = await startServer();
    db = openDatabase(server.database.url);
  });
  afterAll(async () => {
    await db?.close();
    await server?.stop();
  });

  for (const lang of ["de", "en"] as const) {
    describe(`answered in ${lang}`, () => {
      for (const c of cases) {
        it(`${c.name} → ${c.status}, a clear page, nothing stored`, async () => {
          const client = new Client(server.url, { "accept-language": lang });
          if (c.withDraft) expect((await client.post(PROCEDURE, valid)).status).toBe(303);
          const before = await snapshot();
          const method = c.method ?? "POST";
          const headers: Record<string, string> = {};
          if (method !== "GET" && c.type !== "") headers["content-type"] = c.type ?? FORM;
          const res = await client.fetch(c.path ?? PROCEDURE, { method, body: method === "GET" ? undefined : c.body, headers });
          expect(res.status).toBe(c.status);
          const html = await res.text();
          expect(html).toContain(`<html lang="${lang}"`);
          const text = textOf(html);
          expect(text).toMatch(lang === "de" ? c.de : c.en);
          expect(html).toMatch(/<a [^>]*href="\/[^"]*"/); // a way to go on
          expect(text).not.toMatch(/\bat .+\.(js|ts):\d+|Unexpected Server Error|SqliteError|TypeError/);
          expect(await snapshot()).toEqual(before);
        });
      }
    });
  }

  it("never logged an error or a stack trace for any of it", () => {
    const logs = server.logs();
    expect(logs).not.toMatch(/"level":"error"/);
    expect(logs).not.toMatch(/\n\s+at /);
  });
});
