/**
 * What a resident does with the receipt code, over HTTP against the production server:
 * look up, read the privacy log, download, erase, withdraw; and what nobody can do.
 */
import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatReceiptCode, generateReceiptCode } from "~/modules/submissions/receipt-code";
import { Client, mainOf, textOf } from "../support/http";
import { startServer, type TestServer } from "../support/server";

const ORG = "/musterstadt";
const PROCEDURE = `${ORG}/verfahren/radverkehrsplan-2030`;
const PERSON = { name: "Zacharias Quellmalz", address: "Lindenallee 42\n31134 Musterstadt", email: "zacharias.quellmalz@example.org" };

async function participate(server: TestServer, contact = PERSON, lng = "de") {
  const c = new Client(server.url, { "accept-language": lng });
  const form: [string, string][] = [
    ["q1", "Bitte mehr Fahrradbügel am Bahnhof."],
    ["q3", "bike"],
    ["q5", "5"],
    ["contact_name", contact.name],
    ["contact_address", contact.address],
    ["contact_email", contact.email],
    ["consent_results", "yes"],
  ];
  expect((await c.post(PROCEDURE, form)).status).toBe(303);
  expect((await c.post(`${PROCEDURE}/pruefen`, "")).status).toBe(303);
  const text = textOf(await (await c.get(`${PROCEDURE}/bestaetigung`)).text());
  const code = text.match(/[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]/)![0];
  return code;
}

async function lookUp(server: TestServer, code: string, lng = "de") {
  const c = new Client(server.url, { "accept-language": lng });
  const res = await c.post(`${ORG}/beitrag`, [["code", code]]);
  return { c, res };
}

describe("the receipt code in a resident's hands", () => {
  let server: TestServer;
  let code: string;

  beforeAll(async () => {
    server = await startServer();
    code = await participate(server);
  });
  afterAll(async () => server?.stop());

  it("keeps name, address and e-mail out of the database file in clear text", () => {
    const file = server.database.url;
    const bytes = Buffer.concat([file, `${file}-wal`, `${file}-shm`].filter(existsSync).map((f) => readFileSync(f)));
    expect(bytes.length).toBeGreaterThan(10_000);
    for (const secret of ["Zacharias", "Quellmalz", "Lindenallee", "zacharias.quellmalz", "example.org"]) {
      expect(bytes.includes(Buffer.from(secret)), secret).toBe(false);
    }
    // nor in the server's log
    expect(server.logs()).not.toMatch(/Quellmalz|Lindenallee|zacharias/i);
  });

  it("opens the submission with the code (typed any way) and shows status, the log, the data masked, and the rights", async () => {
    const { c, res } = await lookUp(server, ` ${code.toLowerCase().replace(/-/g, " ")} `);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`${ORG}/beitrag/protokoll`);
    expect(res.headers.get("location")).not.toContain(code);
    expect(res.headers.get("set-cookie")).toMatch(/^teilhabe_beitrag=.*HttpOnly/i);
    const page = await c.get(`${ORG}/beitrag/protokoll`);
    expect(page.status).toBe(200);
    const text = textOf(mainOf(await page.text()));
    expect(text).toContain("Eingegangen, noch nicht geprüft");
    expect(text).toContain("z***@example.org");
    expect(text).toContain("Z*** Q***");
    expect(text).not.toContain("Quellmalz");
    expect(text).toMatch(/Wir löschen diese Daten am \d+\. \S+ \d{4}/);
    expect(text).toContain("Das Protokoll ist vollständig und unverändert.");
    for (const event of ["Beitrag eingegangen", "Datenschutzhinweis gezeigt", "Persönliche Daten gespeichert", "Einwilligung gegeben", "Persönliche Daten angesehen"]) {
      expect(text).toContain(event);
    }
    expect(text).toContain("Ihr Beitrag ist online eingegangen. Sie haben ihn selbst eingegeben.");
    expect(text).toContain("Die Landesbeauftragte für den Datenschutz Niedersachsen");
    expect(text).toContain("Datenschutzbeauftragte der Stadt Musterstadt");
    expect(text).toContain("Daten herunterladen");
  });

  it("explains the log in the reader's language, right to left in Arabic", async () => {
    const { c } = await lookUp(server, code, "ar");
    const html = await (await c.get(`${ORG}/beitrag/protokoll`)).text();
    expect(html).toContain('<html lang="ar" dir="rtl">');
    expect(textOf(mainOf(html))).toMatch(/[\u0600-\u06FF]{3,}/);
    const en = await lookUp(server, code, "en");
    const enText = textOf(mainOf(await (await en.c.get(`${ORG}/beitrag/protokoll`)).text()));
    expect(enText).toContain("z***@example.org");
    expect(enText).not.toContain("Persönliche Daten gespeichert");
  });

  it("answers a wrong code exactly like an unknown one, and never reveals which", async () => {
    const typo = code.slice(0, 2) + (code[2] === "A" ? "B" : "A") + code.slice(3);
    const unknown = formatReceiptCode(generateReceiptCode()); // well-formed, with a valid check character, but nobody's
    const answers = [];
    for (const attempt of [typo, unknown, "abc"]) {
      const { res } = await lookUp(server, attempt);
      expect(res.status).toBe(400);
      answers.push(textOf(mainOf(await res.text())).replace(attempt, "…"));
    }
    expect(answers[0]).toContain("Zu diesem Code haben wir keinen Beitrag gefunden");
    expect(new Set(answers).size).toBe(1);
  });

  it("shows nothing without the code: no cookie, a forged cookie, or after signing out", async () => {
    const none = await new Client(server.url).get(`${ORG}/beitrag/protokoll`);
    expect(none.status).toBe(303);
    expect(none.headers.get("location")).toBe(`${ORG}/beitrag`);
    const forged = new Client(server.url);
    forged.cookies.set("teilhabe_beitrag", Buffer.from(JSON.stringify({ submissionId: 1, organisationId: 1, expiresAt: Date.now() + 1e6 })).toString("base64"));
    expect((await forged.get(`${ORG}/beitrag/protokoll`)).status).toBe(303);
    expect((await forged.post(`${ORG}/beitrag/daten`, "")).status).toBe(303);
    const { c } = await lookUp(server, code);
    expect((await c.get(`${ORG}/beitrag/protokoll`)).status).toBe(200);
    const out = await c.post(`${ORG}/beitrag/abmelden`, "");
    expect(out.status).toBe(303);
    expect((await c.get(`${ORG}/beitrag/protokoll`)).status).toBe(303);
  });

  it("downloads everything held as JSON, unmasked, and records the download", async () => {
    const { c } = await lookUp(server, code, "en");
    const res = await c.post(`${ORG}/beitrag/daten`, "");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="teilhabe-beitrag-\d{4}-\d{2}-\d{2}\.json"/);
    const body = await res.json();
    expect(body.personalData).toEqual(PERSON);
    expect(body.answers[0]).toEqual({ question: "Ihre Stellungnahme zum Entwurf", answer: ["Bitte mehr Fahrradbügel am Bahnhof."] });
    expect(body.consentToResultsNotification).toBe(true);
    expect(body.privacyLogIntact).toBe(true);
    const last = body.privacyLog.at(-1);
    expect(last.type).toBe("data_exported");
    expect(last.explanation).toMatch(/download/i);
    const page = textOf(await (await c.get(`${ORG}/beitrag/protokoll`)).text());
    expect(page).toMatch(/Data downloaded|downloaded/i);
  });

  it("erases the personal data on request; the contribution stays", async () => {
    const mine = await participate(server, { name: "Erika Löschmann", address: "Weg 1\n31134 Musterstadt", email: "erika@example.org" });
    const { c } = await lookUp(server, mine);
    const ask = await c.get(`${ORG}/beitrag/loeschen`);
    expect(ask.status).toBe(200);
    expect(textOf(await ask.text())).toContain("Ihr Beitrag bleibt erhalten, ohne Namen");
    const done = await c.post(`${ORG}/beitrag/loeschen`, "");
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe(`${ORG}/beitrag/protokoll?done=deleted`);
    const text = textOf(mainOf(await (await c.get(done.headers.get("location")!)).text()));
    expect(text).toContain("Ihre persönlichen Daten sind gelöscht");
    expect(text).toContain("Persönliche Daten gelöscht");
    expect(text).toContain("auf Ihren Wunsch");
    expect(text).not.toContain("e***@example.org");
    const exported = await (await c.post(`${ORG}/beitrag/daten`, "")).json();
    expect(exported.personalData).toBeNull();
    expect(exported.answers).toHaveLength(3);
  });

  it("withdraws a submission while the procedure is open", async () => {
    const mine = await participate(server, { name: "Walter Zurück", address: "Weg 2", email: "walter@example.org" });
    const { c } = await lookUp(server, mine);
    expect((await c.get(`${ORG}/beitrag/zurueckziehen`)).status).toBe(200);
    const done = await c.post(`${ORG}/beitrag/zurueckziehen`, "");
    expect(done.headers.get("location")).toBe(`${ORG}/beitrag/protokoll?done=withdrawn`);
    const text = textOf(mainOf(await (await c.get(done.headers.get("location")!)).text()));
    expect(text).toContain("Zurückgezogen");
    expect(text).toContain("Beitrag zurückgezogen");
    expect(text).toContain("Das Protokoll ist vollständig und unverändert.");
    // once withdrawn, there is nothing left to withdraw
    const again = await c.get(`${ORG}/beitrag/zurueckziehen`);
    expect(again.status).toBe(409);
    expect(textOf(await again.text())).toContain("Zurückziehen nicht möglich");
  });

  it("limits look-ups per client: the 11th attempt in 15 minutes gets a clear 429 page", async () => {
    // earlier tests used some of this client's attempts; keep trying until refused
    let res: Response | undefined;
    for (let i = 0; i < 12; i++) {
      res = (await lookUp(server, "ZZZZ-ZZZZ-ZZZZ-Z", "en")).res;
      if (res.status === 429) break;
    }
    expect(res!.status).toBe(429);
    const text = textOf(await res!.text());
    expect(text).toMatch(/too many/i);
    expect(text).toContain("115");
    // even the right code waits now
    expect((await lookUp(server, code)).res.status).toBe(429);
  });
});
