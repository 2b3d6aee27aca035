/**
 * Assisted entry over HTTP: phone, counter, paper and letter submissions go through the same
 * pipeline as online ones, with the channel, the notice read aloud, paper references and dates.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { createAccount } from "~/modules/accounts/accounts.server";
import { openDraftReceiptCode } from "~/modules/privacy/server-keys.server";
import { formatDate } from "~/i18n/format";
import { Client, mainOf, textOf } from "../support/http";
import { startServer, type TestServer } from "../support/server";
import { DEMO, csrfOf, signIn } from "../support/staff";
import { berlinDay } from "~/i18n/dates";

// the desk's days are Berlin days (between 23:00 and 24:00 UTC in winter, Berlin is a day ahead)
const today = () => berlinDay(new Date().toISOString());

describe("the staff desk", () => {
  let server: TestServer;
  let h: DatabaseHandle;
  let staff: Client;
  let procedureId: number;
  let closedId: number;
  const desk = "/musterstadt/verwaltung/schalter";

  async function formFor(path: string) {
    const html = await (await staff.get(path)).text();
    return { html, csrf: csrfOf(html), entryKey: html.match(/name="entry_key" value="([^"]+)"/)![1] };
  }

  beforeAll(async () => {
    server = await startServer();
    h = openDatabase(server.database.url);
    staff = (await signIn(server.url, DEMO.staff)).client;
    procedureId = (await h.db.selectFrom("procedures").select("id").where("slug", "=", "radverkehrsplan-2030").executeTakeFirstOrThrow()).id;
    closedId = (await h.db.selectFrom("procedures").select("id").where("slug", "=", "marktplatz").executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => {
    await h?.close();
    await server?.stop();
  });

  it("lists procedures with their channels: phone and counter only while open, post also after closing", async () => {
    const text = textOf(mainOf(await (await staff.get(desk)).text()));
    expect(text).toContain("Radverkehrsplan 2030");
    const html = await (await staff.get(desk)).text();
    expect(html).toContain(`href="${desk}/${procedureId}/phone"`);
    expect(html).toContain(`href="${desk}/${closedId}/paper"`);
    expect(html).not.toContain(`href="${desk}/${closedId}/phone"`);
    expect((await staff.get(`${desk}/${closedId}/phone`)).status).toBe(403);
  });

  it("takes a phone submission only after the notice was read aloud; the receipt code is spelled for reading back", async () => {
    const { html, csrf, entryKey } = await formFor(`${desk}/${procedureId}/phone`);
    expect(textOf(html)).toContain("Datenschutzhinweis vorlesen");
    expect(textOf(html)).toContain("damit wir Ihnen die Antwort auf Ihre Stellungnahme per E-Mail schicken können");
    const answers: [string, string][] = [["_csrf", csrf], ["entry_key", entryKey], ["q1", "Telefonisch: mehr Licht im Park."], ["q3", "foot"], ["q5", "3"], ["contact_name", "Hanna Telefon"]];
    const missing = await staff.post(`${desk}/${procedureId}/phone`, answers);
    expect(missing.status).toBe(400);
    expect(textOf(await missing.text())).toContain("Bestätigen Sie, dass Sie den Datenschutzhinweis vorgelesen haben.");
    expect(await h.db.selectFrom("submissions").select("id").where("channel", "=", "phone").execute()).toHaveLength(0);

    const { csrf: csrf2, entryKey: key2 } = await formFor(`${desk}/${procedureId}/phone`);
    const body: [string, string][] = [["_csrf", csrf2], ["entry_key", key2], ["notice_read", "yes"], ...answers.slice(2)];
    // a double click: the same form sent twice
    const [a, b] = await Promise.all([staff.post(`${desk}/${procedureId}/phone`, body), staff.post(`${desk}/${procedureId}/phone`, body)]);
    expect(a.status).toBe(303);
    expect(b.status).toBe(303);
    expect(a.headers.get("location")).toBe(`${desk}/beleg/${key2}`);
    const rows = await h.db.selectFrom("submissions").selectAll().where("channel", "=", "phone").execute();
    expect(rows).toHaveLength(1);
    expect(rows[0].entered_by_account_id).not.toBeNull();

    const receipt = await (await staff.get(a.headers.get("location")!)).text();
    const code = textOf(receipt).match(/Eingangscode: ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z])/)![1];
    expect(textOf(receipt)).toMatch(/(Null|Eins|Zwei|Drei|Vier|Fünf|Sechs|Sieben|Acht|Neun|[A-Z] wie [A-ZÄÖÜ][a-zäöüß]+)/);
    expect(textOf(receipt)).toContain("Nächsten Beitrag erfassen");
    expect(receipt).toContain(`href="${desk}/${procedureId}/phone"`);

    // the resident sees it as entered by the service centre, by phone, with the notice read aloud
    const resident = new Client(server.url);
    expect((await resident.post("/musterstadt/beitrag", [["code", code]])).status).toBe(303);
    const log = textOf(mainOf(await (await resident.get("/musterstadt/beitrag/protokoll")).text()));
    expect(log).toContain("Ihr Beitrag ist am Telefon eingegangen. Eine Mitarbeiterin oder ein Mitarbeiter des Servicecenters hat ihn eingegeben.");
    expect(log).toContain("Datenschutzhinweis vorgelesen");
    expect(log).not.toContain("Sami Service");
    const en = new Client(server.url, { "accept-language": "en" });
    await en.post("/musterstadt/beitrag", [["code", code]]);
    const enLog = textOf(mainOf(await (await en.get("/musterstadt/beitrag/protokoll")).text()));
    expect(enLog).toMatch(/by phone/i);
    expect(enLog).toMatch(/service centre/i);
  });

  it("records paper with its form number and date received; the same number twice is refused with a link", async () => {
    const { csrf, entryKey } = await formFor(`${desk}/${procedureId}/paper`);
    const body = (key: string, c: string, ref: string): [string, string][] => [["_csrf", c], ["entry_key", key], ["source_reference", ref], ["received_on", today()], ["q1", "Auf Papier."], ["q3", "bus"], ["q5", "2"]];
    const first = await staff.post(`${desk}/${procedureId}/paper`, body(entryKey, csrf, "F1-ABC123"));
    expect(first.status).toBe(303);
    const row = await h.db.selectFrom("submissions").selectAll().where("source_reference", "=", "F1-ABC123").executeTakeFirstOrThrow();
    expect(row).toMatchObject({ channel: "paper", received_on: today() });
    const again = await formFor(`${desk}/${procedureId}/paper`);
    const dup = await staff.post(`${desk}/${procedureId}/paper`, body(again.entryKey, again.csrf, "F1-ABC123"));
    expect(dup.status).toBe(409);
    const html = await dup.text();
    expect(textOf(html)).toContain("Diese Nummer ist in diesem Verfahren schon erfasst");
    expect(html).toContain(`href="${desk}/eintrag/${row.id}"`);
    expect(await h.db.selectFrom("submissions").select("id").where("source_reference", "=", "F1-ABC123").execute()).toHaveLength(1);
    expect((await staff.get(`${desk}/eintrag/${row.id}`)).status).toBe(200);
  });

  it("refuses the same form number typed in another case, with spaces or other separators", async () => {
    const first = await h.db.selectFrom("submissions").select("id").where("source_reference", "=", "F1-ABC123").executeTakeFirstOrThrow();
    for (const typed of ["f1-abc123", "F1 ABC123", "f1/abc 123"]) {
      const f = await formFor(`${desk}/${procedureId}/paper`);
      const res = await staff.post(`${desk}/${procedureId}/paper`, [["_csrf", f.csrf], ["entry_key", f.entryKey], ["source_reference", typed], ["received_on", today()], ["q1", "Nochmal."], ["q3", "bus"], ["q5", "2"]]);
      expect(res.status, typed).toBe(409);
      expect(await res.text()).toContain(`href="${desk}/eintrag/${first.id}"`);
    }
    const stored = await h.db.selectFrom("submissions").select("source_reference").where("channel", "=", "paper").execute();
    expect(stored.map((r) => r.source_reference)).toEqual(["F1-ABC123"]);
  });

  it("shows the existing entry's answers as given (not the personal data), so a mistyped number can be told from a real duplicate", async () => {
    const f = await formFor(`${desk}/${procedureId}/paper`);
    const answers: [string, string][] = [
      ["q1", "Die Ampel an der Schillerstraße ist zu kurz."], ["q3", "bus"], ["q4", "safety"], ["q4", "lighting"], ["q5", "4"], ["q6", "yes"],
      ["contact_name", "Paula Papier"], ["contact_address", "Lindenweg 3, 31134 Musterstadt"],
    ];
    const first = await staff.post(`${desk}/${procedureId}/paper`, [["_csrf", f.csrf], ["entry_key", f.entryKey], ["source_reference", "F1-ANSW01"], ["received_on", today()], ...answers]);
    expect(first.status).toBe(303);
    const again = await formFor(`${desk}/${procedureId}/paper`);
    const dup = await staff.post(`${desk}/${procedureId}/paper`, [["_csrf", again.csrf], ["entry_key", again.entryKey], ["source_reference", "F1-ANSW01"], ["received_on", today()], ["q1", "Anderer Text"], ["q3", "car"], ["q5", "1"]]);
    const link = (await dup.text()).match(/href="([^"]*\/eintrag\/\d+)"/)![1];
    const page = await staff.get(link);
    expect(page.status).toBe(200);
    const text = textOf(mainOf(await page.text()));
    for (const shown of ["Ihre Stellungnahme zum Entwurf", "Die Ampel an der Schillerstraße ist zu kurz.", "Mit Bus oder Bahn", "Sichere Kreuzungen", "Bessere Beleuchtung", "Fahren Sie mit Kindern Rad?", "Ja"]) {
      expect(text).toContain(shown);
    }
    expect(text).not.toContain("Paula");
    expect(text).not.toContain("Lindenweg");
    const en = textOf(mainOf(await (await staff.get(`${link}?lng=en`)).text()));
    expect(en).toContain("Answers");
    expect(en).toContain("Yes");
    await staff.get(`${desk}?lng=de`);
  });

  it("writes every opening of an entry into its privacy log and into the audit log", async () => {
    const row = await h.db.selectFrom("submissions").select("id").where("source_reference", "=", "F1-ABC123").executeTakeFirstOrThrow();
    const viewed = async () => (await h.db.selectFrom("privacy_events").select("type").where("submission_id", "=", row.id).where("type", "=", "entry_viewed").execute()).length;
    const audited = async () =>
      (await h.db.selectFrom("audit_log").select("id").where("action", "=", "submission_viewed").where("target_type", "=", "submission").where("target_id", "=", String(row.id)).execute()).length;
    const before = { log: await viewed(), audit: await audited() };
    const page = await staff.get(`${desk}/eintrag/${row.id}`);
    expect(page.status).toBe(200);
    expect({ log: await viewed(), audit: await audited() }).toEqual({ log: before.log + 1, audit: before.audit + 1 });
    // the page's own log already shows the opening
    expect(textOf(mainOf(await page.text()))).toContain("Beitrag am Schalter geöffnet");
    const last = await h.db.selectFrom("privacy_events").select(["type", "actor_role"]).where("submission_id", "=", row.id).orderBy("seq", "desc").executeTakeFirstOrThrow();
    expect(last).toEqual({ type: "entry_viewed", actor_role: "staff" });
    // the resident reads it in their log, without the staff member's name
    const draft = await h.db.selectFrom("submission_drafts").select(["id", "receipt_code"]).where("submission_id", "=", row.id).executeTakeFirstOrThrow();
    const resident = new Client(server.url);
    await resident.post("/musterstadt/beitrag", [["code", openDraftReceiptCode(draft.id, draft.receipt_code)!]]);
    expect(textOf(mainOf(await (await resident.get("/musterstadt/beitrag/protokoll")).text()))).toContain("Eine Mitarbeiterin oder ein Mitarbeiter der Verwaltung hat Ihren Beitrag am Schalter geöffnet");
    // an unknown number writes nothing
    expect((await staff.get(`${desk}/eintrag/999999`)).status).toBe(404);
    expect(await audited()).toBe(before.audit + 1);
  });

  it("uses one date of receipt for post everywhere — slip, desk, queue, privacy log, export — with the day it was typed in apart and labelled", async () => {
    const opens = (await h.db.selectFrom("procedures").select("opens_at").where("id", "=", procedureId).executeTakeFirstOrThrow()).opens_at;
    const receivedOn = new Date(new Date(opens).getTime() + 86400_000).toISOString().slice(0, 10);
    const received = formatDate(receivedOn, "de");
    const typed = formatDate(new Date().toISOString(), "de");
    const f = await formFor(`${desk}/${procedureId}/letter`);
    const saved = await staff.post(`${desk}/${procedureId}/letter`, [["_csrf", f.csrf], ["entry_key", f.entryKey], ["source_reference", "Az 61/2026-DATUM"], ["received_on", receivedOn], ["q1", "Brief mit Poststempel."], ["q3", "foot"], ["q5", "3"]]);
    expect(saved.status).toBe(303);
    const slip = textOf(await (await staff.get(saved.headers.get("location")!)).text());
    expect(slip).toContain(`ist am ${received} eingegangen`);
    expect(slip).not.toContain(`ist am ${typed}`);
    expect(slip).toMatch(new RegExp(`Von der Verwaltung erfasst am ${typed}`));
    expect(slip).not.toMatch(/eingegangen am/);

    const row = await h.db.selectFrom("submissions").select("id").where("source_reference", "=", "Az 61/2026-DATUM").executeTakeFirstOrThrow();
    const entry = textOf(mainOf(await (await staff.get(`${desk}/eintrag/${row.id}`)).text()));
    expect(entry).toContain(`Eingegangen ${received}`);
    expect(entry).toContain(`Von der Verwaltung erfasst ${typed}`);

    const moderator = (await signIn(server.url, DEMO.moderator, { db: h.db })).client;
    const queue = await (await moderator.get(`/musterstadt/verwaltung/moderation/${procedureId}?channel=letter`)).text();
    const item = textOf(queue.slice(queue.indexOf(`/beitrag/${row.id}"`)));
    expect(item.slice(0, 200)).toContain(received);
    const detail = textOf(mainOf(await (await moderator.get(`/musterstadt/verwaltung/moderation/beitrag/${row.id}`)).text()));
    expect(detail).toContain(`Eingegangen ${received}`);

    const draft = await h.db.selectFrom("submission_drafts").select(["id", "receipt_code"]).where("submission_id", "=", row.id).executeTakeFirstOrThrow();
    const resident = new Client(server.url);
    await resident.post("/musterstadt/beitrag", [["code", openDraftReceiptCode(draft.id, draft.receipt_code)!]]);
    const log = textOf(mainOf(await (await resident.get("/musterstadt/beitrag/protokoll")).text()));
    expect(log).toContain(`Eingegangen ${received}`);
    expect(log).toContain(`Ihr Beitrag ist am ${received} bei uns eingegangen (per Brief)`);
    const exported = JSON.parse(await (await resident.post("/musterstadt/beitrag/daten", [])).text());
    expect(exported.submission.receivedAt).toBe(receivedOn);
    expect(exported.submission.enteredAt.slice(0, 10)).toBe(new Date().toISOString().slice(0, 10));
  });

  it("accepts late entry of post received before the closing date, and refuses post received after it", async () => {
    const closed = await h.db.selectFrom("procedures").select(["closes_at", "opens_at"]).where("id", "=", closedId).executeTakeFirstOrThrow();
    const inTime = closed.closes_at.slice(0, 10);
    const late = new Date(new Date(closed.closes_at).getTime() + 2 * 86400_000).toISOString().slice(0, 10);
    const questionId = (await h.db.selectFrom("questions").select("id").where("procedure_id", "=", closedId).executeTakeFirstOrThrow()).id;
    const f1 = await formFor(`${desk}/${closedId}/letter`);
    const ok = await staff.post(`${desk}/${closedId}/letter`, [["_csrf", f1.csrf], ["entry_key", f1.entryKey], ["source_reference", "Az 61.2/77"], ["received_on", inTime], [`q${questionId}`, "Ein Brief, pünktlich angekommen."]]);
    expect(ok.status).toBe(303);
    const f2 = await formFor(`${desk}/${closedId}/letter`);
    const refused = await staff.post(`${desk}/${closedId}/letter`, [["_csrf", f2.csrf], ["entry_key", f2.entryKey], ["source_reference", "Az 61.2/78"], ["received_on", late], [`q${questionId}`, "Zu spät."]]);
    expect(refused.status).toBe(400);
    expect(textOf(await refused.text())).toContain("nach dem Ende der Beteiligung");
    expect(await h.db.selectFrom("submissions").select("id").where("source_reference", "=", "Az 61.2/78").execute()).toHaveLength(0);
  });

  it("letters and paper forms have a postal address in the contact block, and a letter's receipt can be printed for a window envelope", async () => {
    // the closed procedure's online form asks only for an e-mail address; its consent promises news "by e-mail or post"
    const questionId = (await h.db.selectFrom("questions").select("id").where("procedure_id", "=", closedId).executeTakeFirstOrThrow()).id;
    const inTime = (await h.db.selectFrom("procedures").select("closes_at").where("id", "=", closedId).executeTakeFirstOrThrow()).closes_at.slice(0, 10);
    const f = await formFor(`${desk}/${closedId}/letter`);
    expect(f.html).toContain('name="contact_address"');
    expect(textOf(f.html)).toContain("Postanschrift");
    expect(f.html).not.toContain('name="contact_phone"');
    const saved = await staff.post(`${desk}/${closedId}/letter`, [
      ["_csrf", f.csrf], ["entry_key", f.entryKey], ["source_reference", "Az 61/BRIEF-1"], ["received_on", inTime], [`q${questionId}`, "Mehr Bänke am Marktplatz."],
      ["contact_address", "Bettina Brief\nAm Markt 7\n31134 Musterstadt"], ["consent_results", "yes"],
    ]);
    expect(saved.status).toBe(303);
    const row = await h.db.selectFrom("submissions").select(["id", "consent_results_notification"]).where("source_reference", "=", "Az 61/BRIEF-1").executeTakeFirstOrThrow();
    expect(row.consent_results_notification).toBe(1);
    const contact = await h.db.selectFrom("contact_details").select(["postal_address", "email"]).where("submission_id", "=", row.id).executeTakeFirstOrThrow();
    expect(contact.postal_address).toBeTruthy();
    expect(contact.postal_address).not.toContain("Bettina");
    // only post: the survey asks for no contact data online or by phone, a letter to it may carry an address
    const surveyId = (await h.db.selectFrom("procedures").select("id").where("slug", "=", "buergerhaushalt-2027").executeTakeFirstOrThrow()).id;
    expect(await (await staff.get(`${desk}/${surveyId}/phone`)).text()).not.toContain('name="contact_address"');
    expect(await (await new Client(server.url).get("/musterstadt/verfahren/buergerhaushalt-2027")).text()).not.toContain('name="contact_address"');
    expect(await (await staff.get(`${desk}/${surveyId}/letter`)).text()).toContain('name="contact_address"');

    // the result page offers the letter; only the POST opens the address (recorded)
    const page = await (await staff.get(saved.headers.get("location")!)).text();
    expect(textOf(page)).toContain("Eingangsbestätigung als Brief");
    expect(textOf(page)).not.toContain("Am Markt 7");
    const opened = async () => (await h.db.selectFrom("privacy_events").select("actor_role").where("submission_id", "=", row.id).where("type", "=", "personal_data_opened").execute()).length;
    expect(await opened()).toBe(0);
    const letter = await staff.post(saved.headers.get("location")!, [["_csrf", csrfOf(page)]]);
    expect(letter.status).toBe(200);
    const html = await letter.text();
    const recipient = textOf(html.match(/<p class="letter__recipient">([\s\S]*?)<\/p>/)![1]);
    // the name once: the address already begins with it
    expect(recipient.replace(/\s+/g, " ").trim()).toBe("Bettina Brief Am Markt 7 31134 Musterstadt");
    expect(textOf(html.match(/<p class="letter__return">([\s\S]*?)<\/p>/)![1])).toContain("Stadt Musterstadt");
    expect(textOf(html.match(/<header class="letter__head">([\s\S]*?)<\/header>/)![1])).toContain("Stadt Musterstadt");
    expect(html).toMatch(/<link rel="stylesheet" href="[^"]*letters[^"]*\.css"/);
    const slip = textOf(html.match(/<article class="slip letter receipt-letter"[\s\S]*?<\/article>/)![0]);
    expect(slip).toMatch(/Eingangscode: [0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]/);
    expect(slip).toContain("Az 61/BRIEF-1");
    expect(await opened()).toBe(1);
    const audited = await h.db.selectFrom("audit_log").select(["details_json"]).where("action", "=", "contact_data_opened").where("target_id", "=", String(row.id)).execute();
    expect(audited.map((a) => JSON.parse(a.details_json))).toEqual([{ purpose: "receipt_letter" }]);
  });

  it("looks up a caller's submission by code without showing personal data, and records the look-up", async () => {
    const row = await h.db.selectFrom("submissions").select("id").where("channel", "=", "phone").executeTakeFirstOrThrow();
    const draft = await h.db.selectFrom("submission_drafts").select(["id", "receipt_code"]).where("submission_id", "=", row.id).executeTakeFirstOrThrow();
    // kept sealed for the result page (server-keys.server.ts)
    const receiptCode = openDraftReceiptCode(draft.id, draft.receipt_code);
    const page = await staff.get(`${desk}/suche`);
    const csrf = csrfOf(await page.text());
    const res = await staff.post(`${desk}/suche`, [["_csrf", csrf], ["code", receiptCode!.toLowerCase()]]);
    expect(res.status).toBe(200);
    const text = textOf(mainOf(await res.text()));
    expect(text).toContain("Eingegangen, noch nicht geprüft");
    expect(text).not.toContain("Hanna");
    const events = await h.db.selectFrom("privacy_events").select(["type", "actor_role"]).where("submission_id", "=", row.id).orderBy("seq").execute();
    expect(events.at(-1)).toEqual({ type: "status_looked_up", actor_role: "staff" });
    const wrong = await staff.post(`${desk}/suche`, [["_csrf", csrf], ["code", "K7M4-2QXP-9ABR-T"]]);
    expect(wrong.status).toBe(400);
  });

  it("finds a caller's entry without the code by day, channel and words from the statement — never by contact data — and records the search", async () => {
    const f = await formFor(`${desk}/${procedureId}/phone`);
    const saved = await staff.post(`${desk}/${procedureId}/phone`, [
      ["_csrf", f.csrf], ["entry_key", f.entryKey], ["notice_read", "yes"],
      ["q1", "Der Radweg an der Hildesheimer Straße endet plötzlich vor der Brücke."], ["q3", "bike"], ["q5", "2"],
      ["contact_name", "Karl Kennwort"], ["contact_email", "karl.kennwort@example.org"],
    ]);
    expect(saved.status).toBe(303);
    const row = await h.db.selectFrom("submissions").select("id").where("channel", "=", "phone").orderBy("id", "desc").executeTakeFirstOrThrow();
    const page = await (await staff.get(desk)).text();
    expect(page).toContain(`href="${desk}/finden"`);
    const form = await (await staff.get(`${desk}/finden`)).text();
    const search = (fields: [string, string][]) => staff.post(`${desk}/finden`, [["_csrf", csrfOf(form)], ["procedure", String(procedureId)], ["from", today()], ["to", today()], ...fields]);

    const found = await search([["channel", "phone"], ["words", "hildesheimer BRÜCKE"]]);
    expect(found.status).toBe(200);
    const html = await found.text();
    expect(html).toContain(`href="${desk}/eintrag/${row.id}"`);
    expect(textOf(mainOf(html))).toContain("Hildesheimer Straße endet plötzlich");
    expect(textOf(mainOf(html))).not.toContain("Kennwort");
    // contact data are never searched; words must all be there; another channel or day finds nothing
    for (const fields of [
      [["channel", "phone"], ["words", "Kennwort"]],
      [["channel", "phone"], ["words", "karl.kennwort@example.org"]],
      [["channel", "phone"], ["words", "Hildesheimer Bahnhof"]],
      [["channel", "letter"], ["words", "Hildesheimer"]],
    ] as [string, string][][]) {
      expect(await (await search(fields)).text(), JSON.stringify(fields)).not.toContain(`/eintrag/${row.id}"`);
    }
    const yesterday = new Date(Date.now() - 2 * 86400_000).toISOString().slice(0, 10);
    const earlier = await staff.post(`${desk}/finden`, [["_csrf", csrfOf(form)], ["procedure", String(procedureId)], ["from", yesterday], ["to", yesterday], ["channel", ""], ["words", "Hildesheimer"]]);
    expect(await earlier.text()).not.toContain(`/eintrag/${row.id}"`);

    // recorded: the audit log names what was searched (not the words) and what was listed; the entry's log has it
    const audits = await h.db.selectFrom("audit_log").select(["target_id", "details_json"]).where("action", "=", "submissions_searched").orderBy("id").execute();
    expect(audits).toHaveLength(6);
    expect(JSON.parse(audits[0].details_json)).toEqual({ channel: "phone", from: today(), to: today(), words: 2, listed: String(row.id) });
    expect(audits[0].details_json).not.toMatch(/hildesheim/i);
    const events = await h.db.selectFrom("privacy_events").select(["type", "details_json"]).where("submission_id", "=", row.id).where("type", "=", "entry_viewed").execute();
    expect(events).toEqual([{ type: "entry_viewed", details_json: JSON.stringify({ via: "search" }) }]);

    // bad input: an error summary, nothing found, nothing recorded
    const bad = await staff.post(`${desk}/finden`, [["_csrf", csrfOf(form)], ["procedure", String(procedureId)], ["from", "2026-02-30"], ["to", today()], ["words", "ab"]]);
    expect(bad.status).toBe(400);
    expect(textOf(await bad.text())).toContain("Geben Sie mindestens ein Wort mit drei oder mehr Buchstaben an.");
    expect((await staff.post(`${desk}/finden`, [["_csrf", csrfOf(form)], ["name", "Karl"]])).status).toBe(400);
    expect(await h.db.selectFrom("audit_log").select("id").where("action", "=", "submissions_searched").execute()).toHaveLength(6);
  });

  it("keeps residents, moderators and other organisations' staff away from the desk", async () => {
    expect((await new Client(server.url).get(desk)).status).toBe(303);
    const moderator = (await signIn(server.url, DEMO.moderator, { db: h.db })).client;
    expect((await moderator.get(desk)).status).toBe(403);
    expect((await moderator.get(`${desk}/${procedureId}/phone`)).status).toBe(403);
    const demoOrg = await h.db.selectFrom("organisations").selectAll().where("slug", "=", "musterstadt").executeTakeFirstOrThrow();
    const { id: _id, ...copy } = demoOrg;
    const other = await h.db.insertInto("organisations").values({ ...copy, slug: "andere-stadt", name: "Andere Stadt" }).returning("id").executeTakeFirstOrThrow();
    await createAccount(h.db, { organisationId: other.id, email: "service@andere.example", displayName: "Andere", roles: ["staff"], password: "ein-anderes-passwort-1" });
    const foreign = (await signIn(server.url, "service@andere.example", { password: "ein-anderes-passwort-1" })).client;
    expect((await foreign.get(desk)).status).toBe(404);
    expect((await foreign.get(`/andere-stadt/verwaltung/schalter/${procedureId}/phone`)).status).toBe(404);
    const someone = await h.db.selectFrom("submissions").select("id").where("channel", "=", "paper").executeTakeFirstOrThrow();
    expect((await foreign.get(`/andere-stadt/verwaltung/schalter/eintrag/${someone.id}`)).status).toBe(404);
  });

  it("prints paper forms from the same questions, numbered, also in large print and in batches", async () => {
    const page = await new Client(server.url).get("/musterstadt/verfahren/radverkehrsplan-2030/papier?anzahl=3");
    expect(page.status).toBe(200);
    const html = await page.text();
    const numbers = [...html.matchAll(/Formularnummer:(?:<!-- -->)? <strong>(F\d+-[0-9A-Z]{6})<\/strong>/g)].map((m) => m[1]);
    expect(numbers).toHaveLength(3);
    expect(new Set(numbers).size).toBe(3);
    const text = textOf(html);
    expect(text).toContain("Ihre Stellungnahme zum Entwurf");
    expect(text).toContain("Mit dem Fahrrad");
    expect(text).toContain("Rathausplatz 1, 31134 Musterstadt");
    expect(text).toMatch(/bis zum \d+\. \S+ \d{4} zurückschicken/);
    const large = await (await new Client(server.url).get("/musterstadt/verfahren/radverkehrsplan-2030/papier?gross=1")).text();
    expect(large).toContain('class="paper paper--large"');
  });
});
