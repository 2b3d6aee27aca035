/**
 * Moderation over HTTP: the queue, publishing with the detector's redaction, not publishing with a
 * reason, answering one and a group, opening contact data deliberately — each step in the
 * submitter's privacy log.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { Client, mainOf, textOf } from "../support/http";
import { startServer, type TestServer } from "../support/server";
import { DEMO, csrfOf, signIn } from "../support/staff";

const PROCEDURE = "/musterstadt/verfahren/radverkehrsplan-2030";

describe("moderation", () => {
  let server: TestServer;
  let h: DatabaseHandle;
  let mod: Client;
  let procedureId: number;
  const base = "/musterstadt/verwaltung/moderation";
  const codes: string[] = [];

  async function participate(text: string, email = "") {
    const c = new Client(server.url);
    const form: [string, string][] = [["q1", text], ["q3", "bike"], ["q5", "4"]];
    if (email) form.push(["contact_email", email]);
    await c.post(PROCEDURE, form);
    await c.post(`${PROCEDURE}/pruefen`, "");
    const code = textOf(await (await c.get(`${PROCEDURE}/bestaetigung`)).text()).match(/[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]/)![0];
    codes.push(code);
    return code;
  }
  const idOf = async (text: string) => (await h.db.selectFrom("answers").select("submission_id").where("value", "=", text).executeTakeFirstOrThrow()).submission_id;
  const logOf = async (code: string) => {
    const c = new Client(server.url);
    await c.post("/musterstadt/beitrag", [["code", code]]);
    return textOf(mainOf(await (await c.get("/musterstadt/beitrag/protokoll")).text()));
  };

  beforeAll(async () => {
    server = await startServer();
    h = openDatabase(server.database.url);
    procedureId = (await h.db.selectFrom("procedures").select("id").where("slug", "=", "radverkehrsplan-2030").executeTakeFirstOrThrow()).id;
    await participate("Schreiben Sie mir an max.muster@example.org oder rufen Sie 0511 1234567 an.", "max@example.org");
    await participate("Mehr Fahrradständer am Bahnhof, bitte.");
    await participate("Mehr Fahrradständer am Bahnhof!");
    await participate("Idioten!");
    mod = (await signIn(server.url, DEMO.moderator, { db: h.db })).client;
  });
  afterAll(async () => {
    await h?.close();
    await server?.stop();
  });

  it("shows the queue with filters, and only to moderators", async () => {
    const page = await mod.get(`${base}/${procedureId}`);
    expect(page.status).toBe(200);
    const text = textOf(mainOf(await page.text()));
    expect(text).toContain("Mehr Fahrradständer am Bahnhof, bitte.");
    const filtered = textOf(mainOf(await (await mod.get(`${base}/${procedureId}?kanal=phone`)).text()));
    expect(filtered).toContain("Keine Beiträge für diese Auswahl.");
    // filters combined: not yet reviewed and not yet answered — and the same but answered (none yet)
    const open = textOf(mainOf(await (await mod.get(`${base}/${procedureId}?kanal=online&stand=received&antwort=no`)).text()));
    expect(open).toContain("Mehr Fahrradständer am Bahnhof, bitte.");
    const answered = textOf(mainOf(await (await mod.get(`${base}/${procedureId}?kanal=online&stand=received&antwort=yes`)).text()));
    expect(answered).toContain("Keine Beiträge für diese Auswahl.");
    expect(answered).not.toContain("Mehr Fahrradständer am Bahnhof, bitte.");
    const staff = (await signIn(server.url, DEMO.staff)).client;
    expect((await staff.get(`${base}/${procedureId}`)).status).toBe(403);
    expect((await new Client(server.url).get(base)).status).toBe(303);
  });

  it("searches the statements' text in the queue: every word in any order, with the filters, the count in words; a bad search is a 400 with an error summary (issue 14, point 12)", async () => {
    const html = await (await mod.get(`${base}/${procedureId}?lng=de`)).text();
    expect(html).toMatch(/<label class="label" for="suche">/);
    const found = textOf(mainOf(await (await mod.get(`${base}/${procedureId}?lng=de&suche=BAHNHOF+fahrradst%C3%A4nder`)).text()));
    expect(found).toContain("2 Beiträge gefunden.");
    expect(found).toContain("Mehr Fahrradständer am Bahnhof, bitte.");
    expect(found).toContain("Mehr Fahrradständer am Bahnhof!");
    expect(found).not.toContain("Idioten!");
    const one = textOf(mainOf(await (await mod.get(`${base}/${procedureId}?lng=en&suche=bitte%20bahnhof`)).text()));
    expect(one).toContain("1 response found.");
    expect(one).not.toContain("Mehr Fahrradständer am Bahnhof!");
    const phone = textOf(mainOf(await (await mod.get(`${base}/${procedureId}?lng=de&suche=Bahnhof&kanal=phone`)).text()));
    expect(phone).toContain("Keine Beiträge gefunden.");
    // an empty search is no filter
    expect(textOf(mainOf(await (await mod.get(`${base}/${procedureId}?lng=de&suche=+`)).text()))).toContain("Idioten!");
    for (const bad of ["a".repeat(201), "Bahnhof%00", "%01%7F", "a+b+c+d+e+f+g+h+i+j+k"]) {
      const res = await mod.get(`${base}/${procedureId}?lng=de&suche=${bad}`);
      expect(res.status, bad).toBe(400);
      const text = await res.text();
      expect(text).toContain('class="error-summary"');
      expect(textOf(mainOf(text))).not.toContain("Mehr Fahrradständer");
    }
    for (const odd of ["%FF%FE", "%22Bahnhof%22*+OR+NEAR(x)", "x%3A*+%26+!y", "%C2%B2"]) expect((await mod.get(`${base}/${procedureId}?suche=${odd}`)).status, odd).toBe(200);
  });

  it("marks personal data in free text and publishes the redacted version; the original stays internal", async () => {
    const id = await idOf("Schreiben Sie mir an max.muster@example.org oder rufen Sie 0511 1234567 an.");
    const html = await (await mod.get(`${base}/beitrag/${id}`)).text();
    expect(html).toContain('<mark class="finding">');
    expect(textOf(html)).toContain("mögliche persönliche Angaben gefunden");
    expect(html).not.toContain("max@example.org"); // contact data are not shown without opening them
    const suggestion = html.match(/<textarea[^>]*name="public_(\d+)"[^>]*>([^<]*)<\/textarea>/)!;
    expect(suggestion[2]).toContain("[E-Mail entfernt]");
    expect(suggestion[2]).toContain("[Telefonnummer entfernt]");
    // trying to publish the original text as is: refused until confirmed
    const csrf = csrfOf(html);
    const asIs = await mod.post(`${base}/beitrag/${id}`, [["_csrf", csrf], ["intent", "publish"], [`public_${suggestion[1]}`, "Schreiben Sie mir an max.muster@example.org oder rufen Sie 0511 1234567 an."]]);
    expect(asIs.status).toBe(400);
    expect(textOf(await asIs.text())).toContain("enthält noch mögliche persönliche Angaben");
    const ok = await mod.post(`${base}/beitrag/${id}`, [["_csrf", csrf], ["intent", "publish"], [`public_${suggestion[1]}`, suggestion[2].replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&amp;/g, "&")]]);
    expect(ok.status).toBe(303);
    const row = await h.db.selectFrom("submissions").select(["state", "moderated_by"]).where("id", "=", id).executeTakeFirstOrThrow();
    expect(row.state).toBe("published_redacted");
    const original = await h.db.selectFrom("answers").select("value").where("id", "=", Number(suggestion[1])).executeTakeFirstOrThrow();
    expect(original.value).toContain("max.muster@example.org");
    const log = await logOf(codes[0]);
    expect(log).toContain("Text unkenntlich gemacht");
    expect(log).toContain("Beitrag veröffentlicht");
    expect(log).toContain("Veröffentlicht, persönliche Angaben unkenntlich gemacht");
  });

  it("after a redacted publication shows the original text only when opened on purpose, and records it (issue 14, point 10)", async () => {
    const id = await idOf("Schreiben Sie mir an max.muster@example.org oder rufen Sie 0511 1234567 an.");
    const html = await (await mod.get(`${base}/beitrag/${id}`)).text();
    // the page (and nothing it sends) holds the original text; a button opens it
    expect(html).not.toContain("max.muster@example.org");
    expect(html).not.toContain("0511 1234567");
    expect(textOf(mainOf(html))).toContain("1 Antwort wurde vor dem Veröffentlichen gekürzt.");
    const eventsBefore = await h.db.selectFrom("privacy_events").select("id").where("submission_id", "=", id).execute();
    const opened = await mod.post(`${base}/beitrag/${id}`, [["_csrf", csrfOf(html)], ["intent", "open_original"]]);
    expect(opened.status).toBe(200);
    const text = textOf(mainOf(await opened.text()));
    expect(text).toContain("Originaltext");
    expect(text).toContain("Schreiben Sie mir an max.muster@example.org oder rufen Sie 0511 1234567 an.");
    // in the submitter's privacy log (content, for moderation, by the moderator) and in the audit log
    const events = await h.db.selectFrom("privacy_events").select(["type", "actor_role", "data_categories", "purpose"]).where("submission_id", "=", id).orderBy("seq").execute();
    expect(events).toHaveLength(eventsBefore.length + 1);
    expect(events.at(-1)).toMatchObject({ type: "personal_data_opened", actor_role: "moderator", purpose: "moderation" });
    expect(JSON.parse(events.at(-1)!.data_categories)).toEqual(["content"]);
    const audit = await h.db.selectFrom("audit_log").select(["action", "target_type", "target_id", "details_json"]).where("action", "=", "original_text_opened").execute();
    expect(audit).toEqual([{ action: "original_text_opened", target_type: "submission", target_id: String(id), details_json: JSON.stringify({ answers: 1 }) }]);
    expect(await logOf(codes[0])).toContain("Persönliche Daten angesehen");
    // a submission published as it was: nothing to open, nothing recorded
    const plain = await idOf("Mehr Fahrradständer am Bahnhof!");
    const plainHtml = await (await mod.get(`${base}/beitrag/${plain}`)).text();
    expect(plainHtml).not.toContain('value="open_original"');
    const plainBefore = await h.db.selectFrom("privacy_events").select("id").where("submission_id", "=", plain).execute();
    expect((await mod.post(`${base}/beitrag/${plain}`, [["_csrf", csrfOf(plainHtml)], ["intent", "open_original"]])).status).toBe(200);
    expect(await h.db.selectFrom("privacy_events").select("id").where("submission_id", "=", plain).execute()).toHaveLength(plainBefore.length);
    expect(await h.db.selectFrom("audit_log").select("id").where("action", "=", "original_text_opened").execute()).toHaveLength(1);
  });

  it("shows choice, scale and yes/no answers as the resident saw them, in the staff member's language (issue 14, point 11)", async () => {
    const c = new Client(server.url);
    const text = "Bitte mehr sichere Kreuzungen.";
    await c.post(PROCEDURE, [["q1", text], ["q3", "bike"], ["q4", "safety"], ["q4", "width"], ["q5", "4"], ["q6", "yes"]]);
    await c.post(`${PROCEDURE}/pruefen`, "");
    const id = await idOf(text);
    const de = mainOf(await (await mod.get(`${base}/beitrag/${id}?lng=de`)).text());
    const deText = textOf(de);
    expect(deText).toContain("Mit dem Fahrrad");
    expect(de).toMatch(/<ul lang="de"><li>Sichere Kreuzungen<\/li><li>Breitere Radwege<\/li><\/ul>/);
    // the multiple-choice question's heading once, not once per chosen option
    expect(de.split("Was ist Ihnen beim Radverkehr wichtig?")).toHaveLength(2);
    expect(deText).toContain("4 auf der Skala von 1 bis 5");
    expect(deText).toContain("sehr schlecht");
    expect(de).toMatch(/<h3 lang="de">Fahren Sie mit Kindern Rad\?<\/h3><p>Ja<\/p>/);
    for (const raw of [">yes<", ">safety<", ">width<", ">bike<"]) expect(de).not.toContain(raw);
    const en = mainOf(await (await mod.get(`${base}/beitrag/${id}?lng=en`)).text());
    expect(en).toMatch(/<h3 lang="de">Fahren Sie mit Kindern Rad\?<\/h3><p>Yes<\/p>/);
    expect(textOf(en)).toContain("4 on the scale from 1 to 5");
  });

  it("does not publish with a reason, and still answers it", async () => {
    const id = await idOf("Idioten!");
    const csrf = csrfOf(await (await mod.get(`${base}/beitrag/${id}`)).text());
    expect((await mod.post(`${base}/beitrag/${id}`, [["_csrf", csrf], ["intent", "not_publish"]])).status).toBe(400);
    expect((await mod.post(`${base}/beitrag/${id}`, [["_csrf", csrf], ["intent", "not_publish"], ["reason", "insult"]])).status).toBe(303);
    expect((await h.db.selectFrom("submissions").select(["state", "not_published_reason"]).where("id", "=", id).executeTakeFirstOrThrow())).toEqual({ state: "not_published", not_published_reason: "insult" });
    const answered = await mod.post(`${base}/beitrag/${id}`, [["_csrf", csrf], ["intent", "respond"], ["decision", "noted"], ["response_text", "Wir haben Ihren Beitrag zur Kenntnis genommen."]]);
    expect(answered.status).toBe(303);
    const log = await logOf(codes[3]);
    expect(log).toContain("Beitrag nicht veröffentlicht");
    expect(log).toContain("Antwort der Verwaltung");
    expect(log).toContain("Zur Kenntnis genommen");
    expect(log).toContain("Wir haben Ihren Beitrag zur Kenntnis genommen.");
  });

  it("answers a group of equal submissions with one response", async () => {
    const a = await idOf("Mehr Fahrradständer am Bahnhof, bitte.");
    const b = await idOf("Mehr Fahrradständer am Bahnhof!");
    const page = await mod.get(`${base}/${procedureId}/antwort?id=${a}&id=${b}`);
    expect(page.status).toBe(200);
    const csrf = csrfOf(await page.text());
    const res = await mod.post(`${base}/${procedureId}/antwort`, [["_csrf", csrf], ["id", String(a)], ["id", String(b)], ["decision", "accepted"], ["response_text", "Am Bahnhof kommen 200 neue Fahrradbügel."]]);
    expect(res.status).toBe(303);
    const rows = await h.db.selectFrom("submissions").select(["response_id", "response_state"]).where("id", "in", [a, b]).execute();
    expect(new Set(rows.map((r) => r.response_id)).size).toBe(1);
    expect(rows.every((r) => r.response_state === "answered")).toBe(true);
    for (const code of [codes[1], codes[2]]) expect(await logOf(code)).toContain("Am Bahnhof kommen 200 neue Fahrradbügel.");
  });

  it("answers a group showing each statement's text, says what happened, and names every statement in the audit log (issue 14, point 12)", async () => {
    const a = await idOf("Idioten!");
    const b = await idOf("Bitte mehr sichere Kreuzungen.");
    const page = await (await mod.get(`${base}/${procedureId}/antwort?id=${a}&id=${b}&lng=de`)).text();
    const text = textOf(mainOf(page));
    expect(text).toContain("Idioten!");
    expect(text).toContain("Bitte mehr sichere Kreuzungen.");
    const res = await mod.post(`${base}/${procedureId}/antwort`, [["_csrf", csrfOf(page)], ["id", String(a)], ["id", String(b)], ["decision", "noted"], ["response_text", "Danke für Ihre Hinweise."]]);
    expect(res.status).toBe(303);
    const after = textOf(mainOf(await (await mod.get(`${res.headers.get("location")!}&lng=de`)).text()));
    expect(after).toContain("Die Antwort ist gespeichert: 2 Beiträge sind beantwortet.");
    const entry = await h.db.selectFrom("audit_log").select("details_json").where("action", "=", "consideration_recorded").where("target_type", "=", "response").orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(JSON.parse(entry.details_json)).toMatchObject({ decision: "noted", submissions: 2, ids: `${a},${b}` });
  });

  it("marks possible personal data in the queue and pages from one submission to the next (issue 14, point 12)", async () => {
    await participate("Meine Nummer ist 0511 9876543, rufen Sie an.");
    const id = await idOf("Meine Nummer ist 0511 9876543, rufen Sie an.");
    const queue = mainOf(await (await mod.get(`${base}/${procedureId}?lng=de`)).text());
    const rows = queue.split('<li class="queue__item">').slice(1);
    const marked = rows.filter((r) => textOf(r).includes("mögliche persönliche Angaben"));
    expect(marked).toHaveLength(1);
    expect(marked[0]).toContain(`href="${base}/beitrag/${id}"`);
    // the one before it links here as "next", and this one back
    const ids = (await h.db.selectFrom("submissions").select("id").where("procedure_id", "=", procedureId).orderBy("id").execute()).map((r) => r.id);
    const before = ids[ids.indexOf(id) - 1];
    const prevPage = await (await mod.get(`${base}/beitrag/${before}`)).text();
    expect(prevPage).toMatch(new RegExp(`href="${base}/beitrag/${id}" rel="next"`));
    const here = await (await mod.get(`${base}/beitrag/${id}`)).text();
    expect(here).toMatch(new RegExp(`href="${base}/beitrag/${before}" rel="prev"`));
    expect(here).not.toContain('rel="next"');
  });

  it("publishes several at once, leaving out what has personal data, and does not publish several with one reason (issue 14, point 12)", async () => {
    for (const text of ["Sammel eins: Tempo 30.", "Sammel zwei: mehr Bänke.", "Sammel drei: schreiben Sie an sammel@example.org"]) await participate(text);
    const [one, two, three] = await Promise.all(["Sammel eins: Tempo 30.", "Sammel zwei: mehr Bänke.", "Sammel drei: schreiben Sie an sammel@example.org"].map(idOf));
    const queue = await (await mod.get(`${base}/${procedureId}?lng=de`)).text();
    expect(queue).toContain(`formAction="${base}/${procedureId}/sammel"`.replace("formAction", "formaction"));
    const page = await (await mod.get(`${base}/${procedureId}/sammel?id=${one}&id=${two}&id=${three}&lng=de`)).text();
    for (const text of ["Sammel eins: Tempo 30.", "Sammel zwei: mehr Bänke.", "sammel@example.org"]) expect(textOf(mainOf(page))).toContain(text);
    const res = await mod.post(`${base}/${procedureId}/sammel`, [["_csrf", csrfOf(page)], ["id", String(one)], ["id", String(two)], ["id", String(three)], ["intent", "publish"]]);
    expect(res.status).toBe(303);
    const after = textOf(mainOf(await (await mod.get(`${res.headers.get("location")!}&lng=de`)).text()));
    expect(after).toContain("2 Beiträge sind veröffentlicht.");
    expect(after).toContain(`Nicht geändert (1): Beitrag ${three}.`);
    const states = async (ids: number[]) => (await h.db.selectFrom("submissions").select(["id", "state"]).where("id", "in", ids).orderBy("id").execute()).map((r) => r.state);
    expect(await states([one, two, three])).toEqual(["published", "published", "received"]);
    const audits = await h.db.selectFrom("audit_log").select(["target_id", "details_json"]).where("action", "=", "submission_published").where("target_id", "in", [String(one), String(two)]).execute();
    expect(audits.map((a) => JSON.parse(a.details_json))).toEqual([{ bulk: true }, { bulk: true }]);
    // not published, with one reason; a reason is required
    expect((await mod.post(`${base}/${procedureId}/sammel`, [["_csrf", csrfOf(page)], ["id", String(two)], ["id", String(three)], ["intent", "not_publish"]])).status).toBe(400);
    const refused = await mod.post(`${base}/${procedureId}/sammel`, [["_csrf", csrfOf(page)], ["id", String(two)], ["id", String(three)], ["intent", "not_publish"], ["reason", "off_topic"]]);
    expect(refused.status).toBe(303);
    expect(await states([two, three])).toEqual(["not_published", "not_published"]);
    expect(await h.db.selectFrom("privacy_events").select("type").where("submission_id", "=", three).where("type", "=", "not_published").execute()).toHaveLength(1);
  });

  it("opens contact data only on purpose, and records it", async () => {
    const id = await idOf("Schreiben Sie mir an max.muster@example.org oder rufen Sie 0511 1234567 an.");
    const csrf = csrfOf(await (await mod.get(`${base}/beitrag/${id}`)).text());
    const res = await mod.post(`${base}/beitrag/${id}`, [["_csrf", csrf], ["intent", "open_contact"]]);
    expect(res.status).toBe(200);
    expect(textOf(await res.text())).toContain("max@example.org");
    const last = await h.db.selectFrom("privacy_events").select(["type", "actor_role"]).where("submission_id", "=", id).orderBy("seq", "desc").executeTakeFirstOrThrow();
    expect(last).toEqual({ type: "personal_data_opened", actor_role: "moderator" });
    const audit = await h.db.selectFrom("audit_log").select("action").where("action", "=", "contact_data_opened").execute();
    expect(audit).toHaveLength(1);
  });

  it("refuses actions without the CSRF token and unknown intents, storing nothing", async () => {
    const id = await idOf("Mehr Fahrradständer am Bahnhof, bitte.");
    const before = await h.db.selectFrom("privacy_events").select("id").where("submission_id", "=", id).execute();
    expect((await mod.post(`${base}/beitrag/${id}`, [["intent", "not_publish"], ["reason", "insult"]])).status).toBe(403);
    const csrf = csrfOf(await (await mod.get(`${base}/beitrag/${id}`)).text());
    expect((await mod.post(`${base}/beitrag/${id}`, [["_csrf", csrf], ["intent", "delete_everything"]])).status).toBe(400);
    expect(await h.db.selectFrom("privacy_events").select("id").where("submission_id", "=", id).execute()).toHaveLength(before.length);
  });
});
