/**
 * Translations of a procedure's own content over HTTP against the production server: an admin
 * sees each language's state and saves a translation with plain forms (CSRF, audit log), too-long
 * input comes back in an error summary with nothing stored, service and moderation accounts get
 * 403; residents see the translated texts with the right lang, German pieces marked lang="de",
 * the note only when something is untranslated, and stored option values are the same in every
 * language.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { Client, mainOf, textOf } from "../support/http";
import { startServer, type TestServer } from "../support/server";
import { DEMO, csrfOf, signIn } from "../support/staff";

const PROCEDURE = "/musterstadt/verfahren/radverkehrsplan-2030";
const BUDGET = "/musterstadt/verfahren/buergerhaushalt-2027";
const PARTLY = "Parts of this page are only available in German.";
const ONLY_GERMAN = "This consultation is only available in German.";

describe("procedure translations over HTTP", () => {
  let server: TestServer;
  let db: DatabaseHandle;
  let cyclingId: number;
  let budgetId: number;
  const admin = () => signIn(server.url, DEMO.admin, { db: db.db });
  const editor = (id: number, lng: string) => `/musterstadt/verwaltung/verfahren/${id}/uebersetzung/${lng}`;
  const stored = (id: number, lng: string) =>
    db.db.selectFrom("procedure_translations").selectAll().where("procedure_id", "=", id).where("language", "=", lng).executeTakeFirst();
  const questionsOf = (id: number) => db.db.selectFrom("questions").selectAll().where("procedure_id", "=", id).orderBy("position").execute();

  beforeAll(async () => {
    server = await startServer();
    db = openDatabase(server.database.url);
    const ids = await db.db.selectFrom("procedures").select(["id", "slug"]).execute();
    cyclingId = ids.find((p) => p.slug === "radverkehrsplan-2030")!.id;
    budgetId = ids.find((p) => p.slug === "buergerhaushalt-2027")!.id;
  });
  afterAll(async () => {
    await db?.close();
    await server?.stop();
  });

  it("shows an admin each language's state on the procedure page and a form per language beside the German texts", async () => {
    const { client } = await admin();
    const page = await client.get(`/musterstadt/verwaltung/verfahren/${cyclingId}`);
    expect(page.status).toBe(200);
    const main = mainOf(await page.text());
    const section = textOf(main.slice(main.indexOf('id="translations-heading"')));
    expect(section).toMatch(/Englisch \( English \) : vollständig/);
    expect(section).toMatch(/Türkisch \( Türkçe \) : teilweise übersetzt/);
    expect(section).toMatch(/Arabisch \( العربية \) : nicht übersetzt/);
    expect(main).toContain(`href="${editor(cyclingId, "tr")}"`);

    const form = await client.get(editor(cyclingId, "tr"));
    expect(form.status).toBe(200);
    const html = mainOf(await form.text());
    // the German original beside each field, the field itself in the target language
    expect(textOf(html)).toContain("Deutsches Original: Radverkehrsplan 2030 – Entwurf zur Stellungnahme");
    expect(html).toMatch(/<input[^>]*id="title"[^>]*lang="tr"|<input[^>]*lang="tr"[^>]*id="title"/);
    expect(html).toContain('value="Bisiklet Ulaşım Planı 2030 – görüşe açık taslak"');
    const [first] = await questionsOf(cyclingId);
    expect(html).toContain(`id="q${first.id}_label"`);
    // unknown languages and the source language have no editor
    expect((await client.get(editor(cyclingId, "de"))).status).toBe(404);
    expect((await client.get(editor(cyclingId, "xx"))).status).toBe(404);
  });

  it("saves a translation with the session's CSRF token, in the audit log; a forged token stores nothing", async () => {
    const { client } = await admin();
    const csrf = csrfOf(await (await client.get(editor(budgetId, "en"))).text());
    const [choice] = await questionsOf(budgetId);
    const body: [string, string][] = [
      ["title", "Citizens' budget 2027: what should the town spend money on?"],
      [`q${choice.id}_label`, "Which area matters most to you?"],
      [`q${choice.id}_o1`, "Schools and nurseries"],
    ];
    const forged = await client.post(editor(budgetId, "en"), [["_csrf", "forged"], ...body]);
    expect(forged.status).toBe(403);
    expect(await stored(budgetId, "en")).toBeUndefined();

    const saved = await client.post(editor(budgetId, "en"), [["_csrf", csrf], ...body]);
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe(`${editor(budgetId, "en")}?hinweis=gespeichert`);
    const row = (await stored(budgetId, "en"))!;
    expect(row.title).toBe("Citizens' budget 2027: what should the town spend money on?");
    expect(JSON.parse(row.questions_json)[String(choice.id)]).toEqual({ label: "Which area matters most to you?", options: { schools: "Schools and nurseries" } });
    const after = await client.get(saved.headers.get("location")!);
    expect(textOf(mainOf(await after.text()))).toContain("Die Übersetzung wurde gespeichert.");

    const entry = await db.db.selectFrom("audit_log").selectAll().where("action", "=", "procedure_translation_saved").orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ target_type: "procedure", target_id: String(budgetId) });
    expect(JSON.parse(entry.details_json)).toMatchObject({ language: "en", changed: 3, coverage: "partial" });
  });

  it("brings too-long input back in an error summary linking to the field, and stores nothing", async () => {
    const { client } = await admin();
    const csrf = csrfOf(await (await client.get(editor(budgetId, "pl"))).text());
    const res = await client.post(editor(budgetId, "pl"), [["_csrf", csrf], ["title", "x".repeat(301)], ["summary", "Krótka ankieta."]]);
    expect(res.status).toBe(400);
    const html = mainOf(await res.text());
    expect(html).toContain('class="error-summary"');
    expect(html).toMatch(/<a href="#title">[\s\S]*?300 Zeichen höchstens – dieser hat 301\.|<a href="#title">[\s\S]*?301/);
    expect(html).toContain('aria-invalid="true"');
    // what was typed is kept
    expect(html).toContain('dir="ltr">Krótka ankieta.</textarea>');
    expect(await stored(budgetId, "pl")).toBeUndefined();
  });

  it("refuses the editor to service and moderation accounts (403) and stores nothing", async () => {
    for (const email of [DEMO.staff, DEMO.moderator]) {
      const { client } = await signIn(server.url, email, { db: db.db });
      expect((await client.get(editor(cyclingId, "ar"))).status).toBe(403);
      const csrf = csrfOf(await (await client.get("/musterstadt/verwaltung/passwort")).text());
      expect((await client.post(editor(cyclingId, "ar"), [["_csrf", csrf], ["title", "عنوان"]])).status).toBe(403);
    }
    expect(await stored(cyclingId, "ar")).toBeUndefined();
    // and anonymous visitors are sent to sign in
    const anonymous = await new Client(server.url).get(editor(cyclingId, "ar"));
    expect(anonymous.status).toBe(303);
  });

  it("shows residents reading English the English texts without a note, and German readers no note", async () => {
    const c = new Client(server.url);
    const html = await (await c.get(`${PROCEDURE}?lng=en`)).text();
    const main = mainOf(html);
    expect(main).toMatch(/<h1 lang="en">Cycling Plan 2030 – draft for comment<\/h1>/);
    expect(textOf(main)).toContain("How do you usually get around town?");
    expect(main).toMatch(/<span lang="en">By bike<\/span>/);
    expect(textOf(main)).not.toContain(PARTLY);
    expect(textOf(main)).not.toContain(ONLY_GERMAN);
    // not translatable (a name): still marked German
    expect(main).toContain('lang="de">Fachbereich Stadtplanung, Abteilung Verkehrsplanung<');

    const german = mainOf(await (await new Client(server.url).get(`${PROCEDURE}?lng=de`)).text());
    expect(german).toMatch(/<h1 lang="de">Radverkehrsplan 2030 – Entwurf zur Stellungnahme<\/h1>/);
    expect(german).not.toContain("data-content-language-note");
  });

  it("marks German pieces of a partial translation lang=\"de\" (dir=\"ltr\" on an Arabic page) and says parts are only in German", async () => {
    const tr = mainOf(await (await new Client(server.url).get(`${PROCEDURE}?lng=tr`)).text());
    expect(tr).toMatch(/<h1 lang="tr">Bisiklet Ulaşım Planı 2030 – görüşe açık taslak<\/h1>/);
    expect(tr).toMatch(/<span lang="tr">Bisikletle<\/span>/);
    expect(tr).toMatch(/<span lang="de">Mit Bus oder Bahn<\/span>/);
    expect(tr).toMatch(/<div lang="de"><p>Der Radverkehrsplan legt fest/);
    expect(textOf(tr)).toContain("Bu sayfanın bazı bölümleri yalnızca Almanca olarak mevcuttur.");

    // Arabic: nothing translated, every piece German, left to right inside the right-to-left page
    const ar = await (await new Client(server.url).get(`${PROCEDURE}?lng=ar`)).text();
    expect(ar).toMatch(/<html[^>]*dir="rtl"/);
    expect(mainOf(ar)).toMatch(/<h1 lang="de" dir="ltr">Radverkehrsplan 2030 – Entwurf zur Stellungnahme<\/h1>/);
    expect(mainOf(ar)).toMatch(/<span lang="de" dir="ltr">Mit dem Fahrrad<\/span>/);
    expect(textOf(mainOf(ar))).toContain("هذه المشاورة متوفرة باللغة الألمانية فقط.");

    // the list: translated titles where they exist, the others German, and the note
    const list = mainOf(await (await new Client(server.url).get("/musterstadt?lng=tr")).text());
    expect(list).toMatch(/lang="tr">Bisiklet Ulaşım Planı 2030/);
    expect(list).toMatch(/lang="de">Bürgerhaushalt 2027/);
    expect(textOf(list)).toContain("Bu sayfanın bazı bölümleri yalnızca Almanca olarak mevcuttur.");
  });

  it("stores the same option values when a resident answers in English, and shows the English labels on check your answers", async () => {
    const c = new Client(server.url);
    await c.get(`${PROCEDURE}?lng=en`);
    const qs = await questionsOf(cyclingId);
    const byKind = (kind: string) => qs.find((q) => q.kind === kind)!;
    const posted = await c.post(PROCEDURE, [
      [`q${byKind("long_text").id}`, "Please make the Bahnhofstraße safer."],
      [`q${byKind("single_choice").id}`, "bike"],
      [`q${byKind("multiple_choice").id}`, "safety"],
      [`q${byKind("multiple_choice").id}`, "lighting"],
      [`q${byKind("scale").id}`, "4"],
      [`q${byKind("yes_no").id}`, "yes"],
    ]);
    expect(posted.status).toBe(303);
    const check = mainOf(await (await c.get(`${PROCEDURE}/pruefen`)).text());
    expect(check).toMatch(/<span class="pre" lang="en">By bike<\/span>/);
    expect(check).toMatch(/<li lang="en">Safe junctions<\/li>/);
    expect(check).toMatch(/<p class="caption" lang="en">Cycling Plan 2030/);
    const sent = await c.post(`${PROCEDURE}/pruefen`, "");
    expect(sent.status).toBe(303);
    const confirmation = mainOf(await (await c.get(`${PROCEDURE}/bestaetigung`)).text());
    expect(confirmation).toMatch(/<span lang="en">Cycling Plan 2030 – draft for comment<\/span>/);

    const submission = await db.db.selectFrom("submissions").selectAll().where("procedure_id", "=", cyclingId).orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(submission.language).toBe("en");
    const answers = await db.db.selectFrom("answers").select(["question_id", "value"]).where("submission_id", "=", submission.id).execute();
    const valuesOf = (kind: string) => answers.filter((a) => a.question_id === byKind(kind).id).map((a) => a.value).sort();
    expect(valuesOf("single_choice")).toEqual(["bike"]);
    expect(valuesOf("multiple_choice")).toEqual(["lighting", "safety"]);
    expect(valuesOf("scale")).toEqual(["4"]);
    expect(valuesOf("yes_no")).toEqual(["yes"]);
  });
});
