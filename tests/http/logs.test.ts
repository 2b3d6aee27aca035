/**
 * The server's log after a full journey through everything that touches personal data: a resident
 * submits with name, e-mail, address and free text, looks the submission up with the receipt code,
 * staff sign in with a second factor, enter a phone submission at the desk, a moderator opens the
 * contact data, an admin invites a colleague who uses the link, the resident erases their data.
 * Every line is one JSON object, every request has its access-log line, and none of the personal
 * data, codes, passwords or tokens appears anywhere in it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from "~/modules/accounts/demo.server";
import { totpCode } from "~/modules/accounts/totp.server";
import { Client, textOf } from "../support/http";
import { startServer, type TestServer } from "../support/server";
import { DEMO, csrfOf } from "../support/staff";

const ORG = "/musterstadt";
const PROCEDURE = `${ORG}/verfahren/radverkehrsplan-2030`;
const RESIDENT = {
  name: "Ottilie Brennecke-Sauerwein",
  address: "Kastanienweg 17b\n31134 Musterstadt",
  email: "ottilie.brennecke@beispiel-post.example",
  text: "Die Ampel an der Wunstorfer Kreuzung schaltet viel zu kurz für Kinderwagen.",
};
const CALLER = { name: "Gerlinde Fernsprech", text: "Telefonisch gemeldet: Schlaglöcher vor der Grundschule Am Kirchhof." };
const COLLEAGUE = { name: "Bertram Neuzugang", email: "bertram.neuzugang@musterstadt.example", password: "Vollmond über dem Rathausdach 7" };

describe("the log after a full journey", () => {
  let server: TestServer;
  let h: DatabaseHandle;
  /** everything that must never appear in the log */
  const secrets = new Set<string>([
    RESIDENT.name, "Brennecke", "Sauerwein", "Kastanienweg", RESIDENT.email, "beispiel-post", RESIDENT.text, "Wunstorfer",
    CALLER.name, "Fernsprech", CALLER.text, "Schlaglöcher",
    COLLEAGUE.name, COLLEAGUE.email, COLLEAGUE.password,
    DEMO_PASSWORD, DEMO_TOTP_SECRET,
  ]);
  const clients: Client[] = [];
  const client = (headers: Record<string, string> = {}) => {
    const c = new Client(server.url, headers);
    clients.push(c);
    return c;
  };
  /** A TOTP sign-in, remembering the codes of the steps around now. */
  async function signInWithTotp(email: string) {
    const c = client();
    const res = await c.post("/anmelden", [["email", email], ["password", DEMO_PASSWORD]]);
    expect(res.status).toBe(303);
    const next = res.headers.get("location")!;
    expect(next).toMatch(/^\/anmelden\/code/);
    await h.db.updateTable("accounts").set({ totp_last_step: null }).where("email", "=", email).execute();
    const code = totpCode(DEMO_TOTP_SECRET);
    for (const offset of [-30_000, 0, 30_000]) secrets.add(totpCode(DEMO_TOTP_SECRET, new Date(Date.now() + offset)));
    const done = await c.post(next, [["code", code]]);
    expect(done.status).toBe(303);
    return c;
  }

  beforeAll(async () => {
    server = await startServer();
    h = openDatabase(server.database.url);

    // a resident takes part, with contact data and free text
    const resident = client();
    expect((await resident.post(PROCEDURE, [
      ["q1", RESIDENT.text], ["q3", "bike"], ["q5", "4"],
      ["contact_name", RESIDENT.name], ["contact_address", RESIDENT.address], ["contact_email", RESIDENT.email], ["consent_results", "yes"],
    ])).status).toBe(303);
    expect((await resident.get(`${PROCEDURE}/pruefen`)).status).toBe(200);
    expect((await resident.post(`${PROCEDURE}/pruefen`, "")).status).toBe(303);
    const code = textOf(await (await resident.get(`${PROCEDURE}/bestaetigung`)).text()).match(/[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]/)![0];
    secrets.add(code).add(code.replace(/-/g, ""));

    // later, with the receipt code: the privacy log and the data download
    const lookUp = client();
    expect((await lookUp.post(`${ORG}/beitrag`, [["code", code]])).status).toBe(303);
    expect((await lookUp.get(`${ORG}/beitrag/protokoll`)).status).toBe(200);
    expect((await lookUp.post(`${ORG}/beitrag/daten`, "")).status).toBe(200);
    // a mistyped code, as a search would send it
    expect((await client().post(`${ORG}/beitrag`, [["code", "K7M4-2QXP-9ABR-T"]])).status).toBeGreaterThanOrEqual(400);
    secrets.add("K7M4-2QXP-9ABR-T");

    // staff at the desk (service account: password only) take a call
    const deskClient = client();
    expect((await deskClient.post("/anmelden", [["email", DEMO.staff], ["password", DEMO_PASSWORD]])).status).toBe(303);
    const procedureId = (await h.db.selectFrom("procedures").select("id").where("slug", "=", "radverkehrsplan-2030").executeTakeFirstOrThrow()).id;
    const form = await (await deskClient.get(`${ORG}/verwaltung/schalter/${procedureId}/phone`)).text();
    const entryKey = form.match(/name="entry_key" value="([^"]+)"/)![1];
    secrets.add(csrfOf(form)).add(entryKey);
    const entered = await deskClient.post(`${ORG}/verwaltung/schalter/${procedureId}/phone`, [
      ["_csrf", csrfOf(form)], ["entry_key", entryKey], ["notice_read", "yes"], ["q1", CALLER.text], ["q3", "foot"], ["q5", "3"], ["contact_name", CALLER.name],
    ]);
    expect(entered.status).toBe(303);
    const slip = textOf(await (await deskClient.get(entered.headers.get("location")!)).text());
    const phoneCode = slip.match(/Eingangscode: ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z])/)![1];
    secrets.add(phoneCode).add(phoneCode.replace(/-/g, ""));
    // and look a caller's submission up by code
    const search = await (await deskClient.get(`${ORG}/verwaltung/schalter/suche`)).text();
    expect((await deskClient.post(`${ORG}/verwaltung/schalter/suche`, [["_csrf", csrfOf(search)], ["code", phoneCode]])).status).toBeLessThan(500);

    // a moderator (password and TOTP) opens the resident's contact data on purpose
    const moderator = await signInWithTotp(DEMO.moderator);
    const submission = await h.db.selectFrom("submissions").select("id").where("channel", "=", "online").executeTakeFirstOrThrow();
    const page = await (await moderator.get(`${ORG}/verwaltung/moderation/beitrag/${submission.id}`)).text();
    secrets.add(csrfOf(page));
    const opened = await moderator.post(`${ORG}/verwaltung/moderation/beitrag/${submission.id}`, [["_csrf", csrfOf(page)], ["intent", "open_contact"]]);
    expect(opened.status).toBe(200);
    expect(await opened.text()).toContain(RESIDENT.email);

    // an admin invites a colleague, who follows the link and chooses a password
    const admin = await signInWithTotp(DEMO.admin);
    const accounts = await (await admin.get(`${ORG}/verwaltung/konten`)).text();
    const invited = await admin.post(`${ORG}/verwaltung/konten`, [["_csrf", csrfOf(accounts)], ["intent", "invite"], ["email", COLLEAGUE.email], ["name", COLLEAGUE.name], ["roles", "staff"]]);
    expect(invited.status).toBe(200);
    const link = (await invited.text()).match(/\/einladung\/([A-Za-z0-9_-]{20,100})/)!;
    secrets.add(link[1]);
    expect((await client().get(link[0])).status).toBe(200);
    expect((await client().post(link[0], [["password", COLLEAGUE.password], ["repeat", COLLEAGUE.password]])).status).toBe(303);
    expect((await client().post("/anmelden", [["email", COLLEAGUE.email], ["password", COLLEAGUE.password]])).status).toBe(303);
    // a wrong password is logged as a failed attempt, without the password
    expect((await client().post("/anmelden", [["email", COLLEAGUE.email], ["password", "Falsches Passwort Kürbis 9"]])).status).toBeGreaterThanOrEqual(400);
    secrets.add("Falsches Passwort Kürbis 9");

    // the resident erases their personal data
    expect((await lookUp.get(`${ORG}/beitrag/loeschen`)).status).toBe(200);
    expect((await lookUp.post(`${ORG}/beitrag/loeschen`, "")).status).toBe(303);

    // every cookie value any client was given (sessions, CSRF, drafts, receipt-code sessions)
    for (const c of clients) for (const value of c.cookies.values()) if (value.length >= 8) secrets.add(decodeURIComponent(value));
    // the last access-log lines are written when the responses end: wait for the erasure's line
    const until = Date.now() + 10_000;
    while (!server.logs().includes('"route":"/:org/beitrag/loeschen","status":303') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  });
  afterAll(async () => {
    await h?.close();
    await server?.stop();
  });

  const lines = () => server.logs().split("\n").filter((l) => l.trim() !== "");

  it("writes every line as one JSON object with a time, a level and an event", () => {
    // a floor, not an exact count: the journey makes about 30 requests, and scheduled jobs may add lines
    expect(lines().length).toBeGreaterThan(25);
    for (const line of lines()) {
      let entry: Record<string, unknown>;
      expect(() => (entry = JSON.parse(line)), line).not.toThrow();
      expect(entry!).toMatchObject({ time: expect.any(String), level: expect.stringMatching(/^(info|warn|error)$/), event: expect.any(String) });
    }
  });

  it("logs each request with method, route pattern, status, duration and size, and no query string", () => {
    const requests = lines().map((l) => JSON.parse(l)).filter((e) => e.event === "request");
    expect(requests.length).toBeGreaterThan(25);
    for (const r of requests) {
      expect(Object.keys(r).sort()).toEqual(expect.arrayContaining(["bytes", "method", "ms", "route", "status"]));
      expect(r.route).toMatch(/^\//);
      expect(r.route).not.toContain("?");
      expect(r.ip ?? r.clientAddress ?? r.address).toBeUndefined();
    }
    const routes = new Set(requests.map((r) => `${r.method} ${r.route} ${r.status}`));
    for (const expected of [
      "POST /:org/verfahren/:slug 303",
      "POST /:org/verfahren/:slug/pruefen 303",
      "POST /:org/beitrag 303",
      "GET /einladung/:token 200",
      "POST /einladung/:token 303",
      "POST /:org/verwaltung/moderation/beitrag/:id 200",
      "GET /:org/verwaltung/schalter/beleg/:key 200",
      "POST /:org/beitrag/loeschen 303",
    ]) {
      expect(routes, expected).toContain(expected);
    }
  });

  it("contains none of the personal data, codes, passwords, tokens or cookie values", () => {
    // numbers the log measures (durations, sizes, ports) may by chance contain six digits of a TOTP code
    const log = server.logs().replace(/"(ms|bytes|port|status)":[0-9.]+/g, "");
    const lower = log.toLowerCase();
    expect(secrets.size).toBeGreaterThan(20);
    for (const secret of secrets) {
      for (const form of new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])) {
        expect(lower.includes(form.toLowerCase()), `the log contains ${JSON.stringify(secret)}`).toBe(false);
      }
    }
    // parts of the address on their own, e.g. a line of it
    for (const line of RESIDENT.address.split("\n")) expect(log).not.toContain(line === "31134 Musterstadt" ? "31134" : line);
  });
});
