/**
 * Procedure administration over HTTP against the production server: an admin builds a procedure
 * with plain HTML forms (no JavaScript), previews and opens it, and a resident takes part; staff
 * without the admin role, forged or missing CSRF tokens and other organisations get nowhere;
 * every change is in the audit log.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { berlinDay } from "~/i18n/dates";
import { Client, mainOf, textOf } from "../support/http";
import { startServer, type TestServer } from "../support/server";
import { DEMO, csrfOf, signIn } from "../support/staff";

const ADMIN = "/musterstadt/verwaltung";
const DAY = 86_400_000;

const details = (overrides: Record<string, string> = {}): [string, string][] =>
  Object.entries({
    title: "Spielplatz am Stadtpark",
    slug: "",
    summary: "Der Spielplatz wird erneuert. Was wünschen Sie sich?",
    body: "# Worum es geht\n\nDer Spielplatz ist **30 Jahre** alt.\n\n- Schaukeln\n- Sandkasten\n\n<script>alert(1)</script>",
    kind: "survey",
    legal_basis: "Art. 6 Abs. 1 lit. e DSGVO",
    responsible_office: "Fachbereich Grün",
    opens_on: berlinDay(new Date().toISOString()),
    closes_on: berlinDay(new Date(Date.now() + 30 * DAY).toISOString()),
    retention_months: "6",
    publication_policy: "Die Ergebnisse werden als Statistik veröffentlicht.",
    contact_name: "off",
    contact_name_purpose: "",
    contact_address: "off",
    contact_address_purpose: "",
    contact_email: "optional",
    contact_email_purpose: "damit wir Ihnen das Ergebnis schicken können",
    contact_phone: "off",
    contact_phone_purpose: "",
    ...overrides,
  });

const question = (fields: Record<string, string>): [string, string][] =>
  Object.entries({ intent: "add", kind: "long_text", label: "", hint: "", max_length: "", options: "", scale_min_label: "", scale_max_label: "", ...fields });

describe("procedure administration over HTTP", () => {
  let server: TestServer;
  let db: DatabaseHandle;
  const count = async (table: "procedures" | "questions" | "submissions" | "audit_log") =>
    Number((await db.db.selectFrom(table).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
  const admin = () => signIn(server.url, DEMO.admin, { db: db.db });

  beforeAll(async () => {
    server = await startServer();
    db = openDatabase(server.database.url);
  });
  afterAll(async () => {
    await db?.close();
    await server?.stop();
  });

  it("lets an admin create a procedure with questions through HTML forms, preview and open it; then a resident takes part", async () => {
    const { client } = await admin();
    const newPage = await client.get(`${ADMIN}/verfahren/neu`);
    expect(newPage.status).toBe(200);
    const newHtml = await newPage.text();
    expect(newHtml).not.toContain("<script");
    expect(newHtml).toMatch(/<input[^>]*type="date"[^>]*name="opens_on"/);
    expect(newHtml).toMatch(/name="contact_email" type="radio" checked="" value="off"/);
    const csrf = csrfOf(newHtml);

    // mistakes come back with an error summary, the values kept, nothing stored
    const before = await count("procedures");
    const invalid = await client.post(`${ADMIN}/verfahren/neu`, [["_csrf", csrf], ...details({ title: "", retention_months: "500", contact_email_purpose: "" })]);
    expect(invalid.status).toBe(400);
    const invalidHtml = await invalid.text();
    expect(invalidHtml).toMatch(/<title>Fehler: /);
    const summary = invalidHtml.match(/<div class="error-summary"[\s\S]*?<\/div>/)![0];
    expect([...summary.matchAll(/href="#([^"]+)"/g)].map((m) => m[1])).toEqual(["title", "retention_months", "contact_email_purpose"]);
    expect(textOf(summary)).toContain("Geben Sie einen Titel ein.");
    expect(invalidHtml).toMatch(/name="responsible_office"[^>]*value="Fachbereich Grün"/);
    expect(await count("procedures")).toBe(before);

    const created = await client.post(`${ADMIN}/verfahren/neu`, [["_csrf", csrf], ...details()]);
    expect(created.status).toBe(303);
    const location = created.headers.get("location")!;
    const id = Number(location.match(/\/verfahren\/(\d+)\?hinweis=created$/)![1]);
    const page = `${ADMIN}/verfahren/${id}`;
    const detail = await client.get(location);
    expect(detail.status).toBe(200);
    expect(textOf(mainOf(await detail.text()))).toContain("Der Entwurf ist angelegt");

    // the question editor: three questions, one moved up
    const editor = `${page}/fragen`;
    const editorHtml = await (await client.get(editor)).text();
    expect(editorHtml).toContain("Frage hinzufügen");
    const tooFew = await client.post(editor, [["_csrf", csrf], ...question({ kind: "single_choice", label: "Wie oft?", options: "Täglich" })]);
    expect(tooFew.status).toBe(400);
    expect(textOf(await tooFew.text())).toContain("Geben Sie 2 bis 20 Antwortmöglichkeiten ein");
    for (const q of [
      question({ label: "Was wünschen Sie sich?", required: "yes", max_length: "2000" }),
      question({ kind: "single_choice", label: "Wie oft sind Sie dort?", options: "Täglich\nJede Woche\nSelten" }),
      question({ kind: "scale", label: "Wie gefällt Ihnen der Spielplatz heute?", scale_min_label: "gar nicht", scale_max_label: "sehr gut", required: "yes" }),
    ]) {
      const added = await client.post(editor, [["_csrf", csrf], ...q]);
      expect(added.status).toBe(303);
      expect(added.headers.get("location")).toMatch(/\/fragen\?hinweis=added#frage-\d+$/);
    }
    const questions = await db.db.selectFrom("questions").select(["id", "label", "position"]).where("procedure_id", "=", id).orderBy("position").execute();
    expect(questions.map((q) => q.position)).toEqual([1, 2, 3]);
    const [q1, q2, q3] = questions.map((q) => q.id);
    const moved = await client.post(editor, [["_csrf", csrf], ["intent", "move"], ["question_id", String(q3)], ["direction", "up"]]);
    expect(moved.status).toBe(303);
    const listed = await (await client.get(editor)).text();
    expect(listed.indexOf("Wie gefällt Ihnen der Spielplatz heute?")).toBeLessThan(listed.indexOf("Wie oft sind Sie dort?"));
    // every question has its edit link and move/remove forms
    expect(listed).toContain(`href="${editor}?frage=${q1}#question-form"`);
    const editForm = await (await client.get(`${editor}?frage=${q2}`)).text();
    expect(editForm).toMatch(/<textarea[^>]*name="options"[^>]*>Täglich\nJede Woche\nSelten<\/textarea>/);

    // the preview: the resident form, which cannot be sent
    const preview = await client.get(`${page}/vorschau`);
    expect(preview.status).toBe(200);
    const previewHtml = await preview.text();
    expect(previewHtml).toContain(`action="${page}/vorschau"`);
    expect(previewHtml).toMatch(new RegExp(`<textarea[^>]*name="q${q1}"`));
    expect((previewHtml.match(new RegExp(`name="q${q2}"[^>]*type="radio"`, "g")) ?? []).length).toBe(3);
    expect((previewHtml.match(new RegExp(`name="q${q3}"[^>]*type="radio"`, "g")) ?? []).length).toBe(5);
    expect(previewHtml).toMatch(/<input[^>]*type="email"[^>]*name="contact_email"/);
    expect(textOf(previewHtml)).toContain("Das Formular lässt sich hier nicht abschicken");
    expect(previewHtml).toContain('<h3 id="abschnitt-1"><span class="section-number">1</span> Worum es geht</h3>');
    const sentFromPreview = await client.post(`${page}/vorschau`, [[`q${q1}`, "Test"]]);
    expect(sentFromPreview.status).toBe(405);

    // a draft does not exist for residents
    const resident = new Client(server.url);
    const slug = "spielplatz-am-stadtpark";
    expect((await resident.get(`/musterstadt/verfahren/${slug}`)).status).toBe(404);
    expect(textOf(await (await resident.get("/musterstadt")).text())).not.toContain("Spielplatz am Stadtpark");

    const opened = await client.post(page, [["_csrf", csrf], ["intent", "open"]]);
    expect(opened.status).toBe(303);
    expect(opened.headers.get("location")).toBe(`${page}?hinweis=opened`);
    expect(textOf(await (await client.get(`${page}?hinweis=opened`)).text())).toContain("Das Verfahren ist eröffnet.");

    // the resident sees it, with the body as safe HTML, and takes part
    expect(textOf(await (await resident.get("/musterstadt")).text())).toContain("Spielplatz am Stadtpark");
    const publicHtml = await (await resident.get(`/musterstadt/verfahren/${slug}`)).text();
    expect(publicHtml).toContain('<h3 id="abschnitt-1"><span class="section-number">1</span> Worum es geht</h3>');
    expect(publicHtml).toContain("<strong>30 Jahre</strong>");
    expect(publicHtml).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(publicHtml).not.toContain("<script");
    const submissions = await count("submissions");
    const sent = await resident.post(`/musterstadt/verfahren/${slug}`, [
      [`q${q1}`, "Mehr Schatten und eine Wasserpumpe."],
      [`q${q2}`, "jede-woche"],
      [`q${q3}`, "2"],
    ]);
    expect(sent.status).toBe(303);
    expect((await resident.post(`/musterstadt/verfahren/${slug}/pruefen`, "")).status).toBe(303);
    expect(textOf(await (await resident.get(`/musterstadt/verfahren/${slug}/bestaetigung`)).text())).toMatch(/Ihr Eingangscode: [0-9A-Z]{4}-/);
    expect(await count("submissions")).toBe(submissions + 1);

    // now the questions are frozen: the editor offers a draft copy instead
    const frozenHtml = await (await client.get(editor)).text();
    expect(textOf(frozenHtml)).toContain("Die Fragen sind fest");
    expect(frozenHtml).not.toContain('value="add"');
    const questionCount = await count("questions");
    const refused = await client.post(editor, [["_csrf", csrf], ...question({ label: "Noch eine Frage" })]);
    expect(refused.status).toBe(409);
    expect(textOf(await refused.text())).toContain("Die Fragen sind seit der Eröffnung fest");
    expect(await count("questions")).toBe(questionCount);
    // the fields behind the privacy notice are no longer part of the form
    const frozenField = await client.post(page, [["_csrf", csrf], ["intent", "details"], ["retention_months", "1"]]);
    expect(frozenField.status).toBe(400);

    const copied = await client.post(editor, [["_csrf", csrf], ["intent", "copy"]]);
    expect(copied.status).toBe(303);
    const copyId = Number(copied.headers.get("location")!.match(/\/verfahren\/(\d+)\/fragen\?hinweis=copied$/)![1]);
    expect(await db.db.selectFrom("procedures").select(["slug", "status", "derived_from_id"]).where("id", "=", copyId).executeTakeFirst()).toEqual({
      slug: `${slug}-2`,
      status: "draft",
      derived_from_id: id,
    });
    expect(await db.db.selectFrom("questions").select("label").where("procedure_id", "=", id).orderBy("position").execute()).toEqual(
      [questions[0], questions[2], questions[1]].map((q) => ({ label: q.label })),
    );

    // every change is in the audit log, with who and from where
    const account = await db.db.selectFrom("accounts").select("id").where("email", "=", DEMO.admin).executeTakeFirstOrThrow();
    const log = await db.db.selectFrom("audit_log").selectAll().where("account_id", "=", account.id).orderBy("id").execute();
    const actions = log.filter((e) => e.action !== "sign_in").map((e) => `${e.action}:${e.target_type}`);
    expect(actions).toEqual([
      "procedure_created:procedure",
      "question_added:question",
      "question_added:question",
      "question_added:question",
      "question_moved:question",
      "procedure_opened:procedure",
      "procedure_copied:procedure",
    ]);
    const opening = log.find((e) => e.action === "procedure_opened")!;
    expect(opening.target_id).toBe(String(id));
    expect(JSON.parse(opening.details_json)).toEqual({ from: "draft", to: "open" });
    expect(opening.client_address).toMatch(/127\.0\.0\.1/);

    // close before the planned end: asked once more, with that date; nothing changes until confirmed
    const asked = await client.post(page, [["_csrf", csrf], ["intent", "close"]]);
    expect(asked.status).toBe(200);
    const asking = textOf(mainOf(await asked.text()));
    expect(asking).toMatch(/Die Beteiligung soll bis \d{1,2}\. \S+ \d{4} um \d{2}:\d{2} laufen\. Wollen Sie sie wirklich schon jetzt beenden\?/);
    expect(asking).toContain("Ja, jetzt beenden");
    expect(await db.db.selectFrom("procedures").select("status").where("id", "=", id).executeTakeFirst()).toEqual({ status: "open" });
    expect((await client.post(page, [["_csrf", csrf], ["intent", "close"], ["confirm", "yes"]])).status).toBe(303);
    expect((await client.post(page, [["_csrf", csrf], ["intent", "close"], ["confirm", "yes"]])).status).toBe(409);
    // the page shows the planned end and offers reopening with it
    const closedPage = await (await client.get(page)).text();
    expect(textOf(mainOf(closedPage))).toContain("Geplantes Ende");
    const reopenDay = closedPage.match(/name="reopen_on"[^>]*value="([^"]+)"/)?.[1] ?? closedPage.match(/value="([^"]+)"[^>]*name="reopen_on"/)?.[1];
    expect(reopenDay).toBe(berlinDay(new Date(Date.now() + 30 * DAY).toISOString()));
    expect((await client.post(page, [["_csrf", csrf], ["intent", "reopen"], ["reopen_on", "1.1.2001"]])).status).toBe(400);
    expect((await client.post(page, [["_csrf", csrf], ["intent", "reopen"], ["reopen_on", reopenDay!]])).status).toBe(303);
    expect(textOf(mainOf(await (await client.get(`${page}?hinweis=reopened`)).text()))).toContain("Das Verfahren ist wieder eröffnet");
    const reopened = await db.db.selectFrom("audit_log").select("details_json").where("action", "=", "procedure_reopened").executeTakeFirstOrThrow();
    expect(JSON.parse(reopened.details_json)).toMatchObject({ from: "closed", to: "open" });
    expect((await client.post(page, [["_csrf", csrf], ["intent", "close"], ["confirm", "yes"]])).status).toBe(303);
    // then archive
    expect((await client.post(page, [["_csrf", csrf], ["intent", "archive"]])).status).toBe(303);
    expect(await db.db.selectFrom("procedures").select("status").where("id", "=", id).executeTakeFirst()).toEqual({ status: "archived" });
  });

  it("edits a draft's details through the form and audits what changed", async () => {
    const { client } = await admin();
    const csrf = csrfOf(await (await client.get(`${ADMIN}/verfahren/neu`)).text());
    const created = await client.post(`${ADMIN}/verfahren/neu`, [["_csrf", csrf], ...details({ slug: "bearbeiten" })]);
    const page = created.headers.get("location")!.split("?")[0];
    const form = await (await client.get(page)).text();
    expect(form).toMatch(/name="slug"[^>]*value="bearbeiten"/);
    const taken = await client.post(page, [["_csrf", csrf], ["intent", "details"], ...details({ slug: "radverkehrsplan-2030" })]);
    expect(taken.status).toBe(400);
    expect(textOf(await taken.text())).toContain("Diese Adresse hat schon ein anderes Verfahren");
    const saved = await client.post(page, [["_csrf", csrf], ["intent", "details"], ...details({ slug: "bearbeiten", title: "Neuer Titel" })]);
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe(`${page}?hinweis=saved`);
    const entry = await db.db.selectFrom("audit_log").selectAll().where("action", "=", "procedure_updated").orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(JSON.parse(entry.details_json)).toEqual({ fields: "title" });
  });

  it("refuses staff without the admin role (403), on pages and actions, and stores nothing", async () => {
    const { client } = await signIn(server.url, DEMO.staff);
    const account = await db.db.selectFrom("accounts").select("id").where("email", "=", DEMO.staff).executeTakeFirstOrThrow();
    const session = await db.db.selectFrom("staff_sessions").select("csrf_token").where("account_id", "=", account.id).orderBy("created_at", "desc").executeTakeFirstOrThrow();
    const id = (await db.db.selectFrom("procedures").select("id").where("slug", "=", "radverkehrsplan-2030").executeTakeFirstOrThrow()).id;
    const draft = (await db.db.selectFrom("procedures").select("id").where("status", "=", "draft").executeTakeFirstOrThrow()).id;
    for (const path of [`${ADMIN}/verfahren/neu`, `${ADMIN}/verfahren/${id}`, `${ADMIN}/verfahren/${id}/fragen`, `${ADMIN}/verfahren/${id}/vorschau`]) {
      expect((await client.get(path)).status, path).toBe(403);
    }
    const before = [await count("procedures"), await count("questions"), await count("audit_log")];
    const attempts: [string, [string, string][]][] = [
      [`${ADMIN}/verfahren/neu`, details({ slug: "vom-servicecenter" })],
      [`${ADMIN}/verfahren/${id}`, [["intent", "close"]]],
      [`${ADMIN}/verfahren/${draft}/fragen`, question({ label: "Vom Servicecenter" })],
      [`${ADMIN}/verfahren/${id}/fragen`, [["intent", "copy"]]],
    ];
    for (const [path, fields] of attempts) {
      expect((await client.post(path, [["_csrf", session.csrf_token], ...fields])).status, path).toBe(403);
    }
    expect([await count("procedures"), await count("questions"), await count("audit_log")]).toEqual(before);
    // signed out: to the sign-in page
    const anonymous = await new Client(server.url).get(`${ADMIN}/verfahren/neu`);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get("location")).toMatch(/^\/anmelden\?weiter=/);
  });

  it("refuses actions without or with a wrong CSRF token (403) and stores nothing", async () => {
    const { client } = await admin();
    const id = (await db.db.selectFrom("procedures").select("id").where("status", "=", "draft").orderBy("id").executeTakeFirstOrThrow()).id;
    const before = [await count("procedures"), await count("questions"), await count("audit_log")];
    for (const token of [null, "falsch", ""]) {
      const csrf: [string, string][] = token === null ? [] : [["_csrf", token]];
      expect((await client.post(`${ADMIN}/verfahren/neu`, [...csrf, ...details({ slug: "ohne-token" })])).status).toBe(403);
      expect((await client.post(`${ADMIN}/verfahren/${id}/fragen`, [...csrf, ...question({ label: "Ohne Token" })])).status).toBe(403);
      expect((await client.post(`${ADMIN}/verfahren/${id}`, [...csrf, ["intent", "open"]])).status).toBe(403);
    }
    // a form posted from another site
    const csrf = csrfOf(await (await client.get(`${ADMIN}/verfahren/neu`)).text());
    const crossSite = await client.post(`${ADMIN}/verfahren/neu`, [["_csrf", csrf], ...details({ slug: "fremde-seite" })], { origin: "https://evil.example" });
    expect(crossSite.status).toBe(403);
    expect([await count("procedures"), await count("questions"), await count("audit_log")]).toEqual(before);
  });

  it("answers bad requests with 4xx pages, never a 500, and finds nothing of another organisation", async () => {
    const { client } = await admin();
    const csrf = csrfOf(await (await client.get(`${ADMIN}/verfahren/neu`)).text());
    const draft = (await db.db.selectFrom("procedures").select("id").where("status", "=", "draft").orderBy("id").executeTakeFirstOrThrow()).id;
    const before = [await count("procedures"), await count("questions")];
    const cases: [string, [string, string][], number][] = [
      [`${ADMIN}/verfahren/neu`, [["_csrf", csrf], ...details(), ["status", "open"]], 400],
      [`${ADMIN}/verfahren/neu`, [["_csrf", csrf], ...details(), ["title", "zweimal"]], 400],
      [`${ADMIN}/verfahren/${draft}`, [["_csrf", csrf], ["intent", "delete"]], 400],
      [`${ADMIN}/verfahren/${draft}`, [["_csrf", csrf], ["intent", "open"], ["extra", "1"]], 400],
      [`${ADMIN}/verfahren/${draft}/fragen`, [["_csrf", csrf], ["intent", "move"], ["question_id", "abc"], ["direction", "up"]], 400],
      [`${ADMIN}/verfahren/${draft}/fragen`, [["_csrf", csrf], ["intent", "move"], ["question_id", "999999"], ["direction", "sideways"]], 400],
      [`${ADMIN}/verfahren/${draft}/fragen`, [["_csrf", csrf], ["intent", "remove"], ["question_id", "999999"]], 404],
      [`${ADMIN}/verfahren/abc`, [["_csrf", csrf], ["intent", "open"]], 404],
      [`${ADMIN}/verfahren/99999999999`, [["_csrf", csrf], ["intent", "open"]], 404],
    ];
    for (const [path, fields, status] of cases) {
      expect((await client.post(path, fields)).status, `${path} ${JSON.stringify(fields.slice(1, 3))}`).toBe(status);
    }
    const tooLong = await client.post(`${ADMIN}/verfahren/neu`, [["_csrf", csrf], ...details({ title: "x".repeat(301), body: "y".repeat(20_001) })]);
    expect(tooLong.status).toBe(400);
    expect([await count("procedures"), await count("questions")]).toEqual(before);
    for (const path of [`${ADMIN}/verfahren/abc`, `${ADMIN}/verfahren/0`, `${ADMIN}/verfahren/${draft}/fragen?frage=999999`]) {
      expect((await client.get(path)).status, path).toBe(404);
    }

    // another municipality's procedure does not exist for this admin
    const now = new Date().toISOString();
    const other = await db.db.insertInto("organisations").values({ slug: "nachbarstadt", name: "Nachbarstadt", postal_address: "", controller_name: "", controller_contact: "", dpo_name: "", dpo_contact: "", accessibility_contact: "", supervisory_authority: "", created_at: now }).returning("id").executeTakeFirstOrThrow();
    const theirs = await db.db
      .insertInto("procedures")
      .values({
        organisation_id: other.id, slug: "nachbar", title: "Nachbar", summary: "", body: "", kind: "survey", legal_basis: "", responsible_office: "",
        opens_at: now, closes_at: now, status: "draft", retention_months: 1, publication_policy: "", notice_version: "1",
        contact_name: "off", contact_name_purpose: "", contact_address: "off", contact_address_purpose: "", contact_email: "off",
        contact_email_purpose: "", contact_phone: "off", contact_phone_purpose: "", created_at: now, updated_at: now, derived_from_id: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    for (const path of [`${ADMIN}/verfahren/${theirs.id}`, `${ADMIN}/verfahren/${theirs.id}/fragen`, `${ADMIN}/verfahren/${theirs.id}/vorschau`, `/nachbarstadt/verwaltung/verfahren/${theirs.id}`]) {
      expect((await client.get(path)).status, path).toBe(404);
    }
    expect((await client.post(`${ADMIN}/verfahren/${theirs.id}`, [["_csrf", csrf], ["intent", "details"], ["title", "Übernommen"]])).status).toBe(404);
    expect((await client.post(`${ADMIN}/verfahren/${theirs.id}/fragen`, [["_csrf", csrf], ["intent", "copy"]])).status).toBe(404);
    expect(await db.db.selectFrom("procedures").select(["title", "status"]).where("id", "=", theirs.id).executeTakeFirst()).toEqual({ title: "Nachbar", status: "draft" });
    expect(await db.db.selectFrom("procedures").select("id").where("derived_from_id", "=", theirs.id).execute()).toEqual([]);
  });
});
