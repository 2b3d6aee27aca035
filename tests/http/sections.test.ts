/**
 * Numbered sections over HTTP against the production server (SQLite, and PostgreSQL with
 * TEST_DATABASE_URL): the contents list and numbered headings of the demo's draft, "Stellung nehmen
 * zu 3.2" opening the form with that section chosen and leading back, the choice on
 * check-your-answers and stored with the submission, a section that does not exist refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { engines } from "../support/databases";
import { Client, mainOf, textOf } from "../support/http";
import { startServer, type TestServer } from "../support/server";
import { DEMO, signIn } from "../support/staff";
import { publishSubmission } from "~/modules/moderation/moderation.server";
import { publishResults } from "~/modules/results/publishing.server";
import { parseCsv } from "../support/csv";

const PROCEDURE = "/musterstadt/verfahren/radverkehrsplan-2030";
const ANSWERS: [string, string][] = [
  ["q1", "Die geschützten Radfahrstreifen in der Bahnhofstraße sind gut."],
  ["q3", "bike"],
  ["q5", "4"],
];

describe.each(engines)("numbered sections on %s", (engine) => {
  let server: TestServer;
  let db: DatabaseHandle;

  beforeAll(async () => {
    server = await startServer({ engine });
    db = openDatabase(server.database.url);
  });
  afterAll(async () => {
    await db?.close();
    await server?.stop();
  });

  it("numbers the draft's headings, lists them at the top and links each to the form", async () => {
    const main = mainOf(await (await new Client(server.url).get(PROCEDURE)).text());
    const contents = main.match(/<nav aria-labelledby="contents-title"[\s\S]*?<\/nav>/)?.[0] ?? "";
    expect(textOf(contents)).toContain("Inhalt des Entwurfs");
    expect(contents).toContain('href="#abschnitt-3-2"');
    expect(textOf(contents)).toMatch(/3\.2 Radwege in der Innenstadt/);
    expect([...contents.matchAll(/href="#abschnitt-/g)]).toHaveLength(9);
    expect(main).toMatch(/<h4 id="abschnitt-3-2"><span class="section-number">3\.2<\/span> Radwege in der Innenstadt<\/h4>/);
    expect(main).toContain(`<a href="${PROCEDURE}?abschnitt=3.2#abschnitt">Stellung nehmen zu 3.2</a>`);
    // the choice in the form: optional, the whole draft first and chosen
    expect(textOf(main)).toMatch(/Zu welchem Abschnitt\? \(freiwillig\)/);
    expect(main).toMatch(/<select[^>]*id="abschnitt"[^>]*name="abschnitt"/);
    expect(main).toMatch(/<option value="" selected="">zum Entwurf insgesamt<\/option>/);
    expect(main).toMatch(/<option value="3\.2" lang="de">3\.2 Radwege in der Innenstadt<\/option>/);
    expect(main).not.toContain("Zurück zu Abschnitt");
  });

  it("opens the form with the section chosen from its link, and leads back to the section", async () => {
    const main = mainOf(await (await new Client(server.url).get(`${PROCEDURE}?abschnitt=3.2`)).text());
    expect(main).toMatch(/<option value="3\.2" selected="" lang="de">|<option value="3\.2" lang="de" selected="">/);
    expect(main).toContain('<a href="#abschnitt-3-2">Zurück zu Abschnitt 3.2</a>');
    // a number that is not a section: the page as without it
    const unknown = await new Client(server.url).get(`${PROCEDURE}?abschnitt=99`);
    expect(unknown.status).toBe(200);
    expect(await unknown.text()).toMatch(/<option value="" selected="">/);
  });

  it("shows the section on check-your-answers and stores it with the submission", async () => {
    const c = new Client(server.url);
    const sent = await c.post(PROCEDURE, [["abschnitt", "3.2"], ...ANSWERS]);
    expect(sent.status).toBe(303);
    const check = textOf(await (await c.get(`${PROCEDURE}/pruefen`)).text());
    expect(check).toContain("Abschnitt 3.2 Radwege in der Innenstadt Ändern Abschnitt");
    // "change" goes back to the form with the section still chosen
    expect(await (await c.get(PROCEDURE)).text()).toMatch(/<option value="3\.2" (selected="" lang="de"|lang="de" selected="")>/);
    expect((await c.post(`${PROCEDURE}/pruefen`, "")).status).toBe(303);
    // the receipt names it, and so does the export of everything held (Art. 15)
    const receipt = textOf(await (await c.get(`${PROCEDURE}/bestaetigung`)).text());
    expect(receipt).toContain("Zu Abschnitt: 3.2 Radwege in der Innenstadt");
    const code = receipt.match(/Ihr Eingangscode: ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z])/)![1];
    const resident = new Client(server.url);
    expect((await resident.post("/musterstadt/beitrag", [["code", code]])).status).toBe(303);
    const exported = await (await resident.post("/musterstadt/beitrag/daten", "")).json();
    expect(exported.submission.section).toEqual({ number: "3.2", title: "Radwege in der Innenstadt" });
    const latest = await db.db
      .selectFrom("submissions")
      .leftJoin("procedure_sections", "procedure_sections.id", "submissions.section_id")
      .select(["procedure_sections.number", "procedure_sections.title"])
      .orderBy("submissions.id", "desc")
      .executeTakeFirstOrThrow();
    expect(latest).toEqual({ number: "3.2", title: "Radwege in der Innenstadt" });

    // the moderator sees which section it is about
    const id = (await db.db.selectFrom("submissions").select("id").orderBy("id", "desc").executeTakeFirstOrThrow()).id;
    const moderator = (await signIn(server.url, DEMO.moderator, { db: db.db })).client;
    const review = textOf(mainOf(await (await moderator.get(`/musterstadt/verwaltung/moderation/beitrag/${id}`)).text()));
    expect(review).toContain("Abschnitt 3.2 Radwege in der Innenstadt");
  });

  it("says 'zum Entwurf insgesamt' when no section was chosen", async () => {
    const c = new Client(server.url);
    expect((await c.post(PROCEDURE, [["abschnitt", ""], ...ANSWERS])).status).toBe(303);
    expect(textOf(await (await c.get(`${PROCEDURE}/pruefen`)).text())).toContain("Abschnitt zum Entwurf insgesamt");
  });

  it("refuses a section that does not exist with an error summary, and stores nothing", async () => {
    const before = Number((await db.db.selectFrom("submission_drafts").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
    const res = await new Client(server.url).post(PROCEDURE, [["abschnitt", "9.9"], ...ANSWERS]);
    expect(res.status).toBe(400);
    const html = await res.text();
    const summary = html.match(/<div class="error-summary"[\s\S]*?<\/div>/)![0];
    expect([...summary.matchAll(/href="#([^"]+)"/g)].map((m) => m[1])).toEqual(["abschnitt"]);
    expect(textOf(summary)).toContain("Wählen Sie einen Abschnitt aus der Liste");
    expect(html).toMatch(/aria-describedby="abschnitt-hint abschnitt-error"/);
    const twice = await new Client(server.url).post(PROCEDURE, [["abschnitt", "1"], ["abschnitt", "2"], ...ANSWERS]);
    expect(twice.status).toBe(400);
    expect(Number((await db.db.selectFrom("submission_drafts").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n)).toBe(before);
  });

  it("numbers the English translation like the original, in English", async () => {
    const main = mainOf(await (await new Client(server.url).get(`${PROCEDURE}?lng=en`)).text());
    expect(main).toMatch(/<h4 id="abschnitt-3-2"><span class="section-number">3\.2<\/span> Cycle paths in the town centre<\/h4>/);
    expect(main).toContain("Respond to section 3.2");
    expect(main).toMatch(/<option value="3\.2" lang="en">3\.2 Cycle paths in the town centre<\/option>/);
  });
  it("lets the moderator filter the queue by section and count it by section", async () => {
    // a statement about 3.2 and one about the draft as a whole, sent through the form
    for (const section of ["3.2", ""]) {
      const c = new Client(server.url);
      expect((await c.post(PROCEDURE, [["abschnitt", section], ...ANSWERS])).status).toBe(303);
      expect((await c.post(`${PROCEDURE}/pruefen`, "")).status).toBe(303);
    }
    const procedureId = (await db.db.selectFrom("procedures").select("id").where("slug", "=", "radverkehrsplan-2030").executeTakeFirstOrThrow()).id;
    const rows = await db.db
      .selectFrom("submissions")
      .leftJoin("procedure_sections", "procedure_sections.id", "submissions.section_id")
      .select(["submissions.id", "procedure_sections.number"])
      .where("submissions.procedure_id", "=", procedureId)
      .execute();
    const about32 = rows.filter((r) => r.number === "3.2").map((r) => r.id);
    const whole = rows.filter((r) => r.number === null).map((r) => r.id);
    expect(about32.length).toBeGreaterThan(0);
    expect(whole.length).toBeGreaterThan(0);
    const moderator = (await signIn(server.url, DEMO.moderator, { db: db.db })).client;
    const queue = `/musterstadt/verwaltung/moderation/${procedureId}`;
    const listed = (html: string) => [...html.matchAll(/<input[^>]* id="sel-(\d+)"/g)].map((m) => Number(m[1])).sort((a, b) => a - b);

    const filtered = await moderator.get(`${queue}?abschnitt=3.2&gruppen=abschnitt`);
    expect(filtered.status).toBe(200);
    const html = mainOf(await filtered.text());
    expect(listed(html)).toEqual(about32.sort((a, b) => a - b));
    expect(html).toMatch(/<option value="3\.2" (selected="" lang="de"|lang="de" selected="")>3\.2 Radwege in der Innenstadt<\/option>/);
    expect(textOf(html)).toContain("zu 3.2");
    // grouped: every section with its count, each linked to its own list
    const table = html.match(/<table class="table">[\s\S]*?<\/table>/)?.[0] ?? "";
    expect(textOf(table)).toContain(`3.2 Radwege in der Innenstadt ${about32.length}`);
    expect(textOf(table)).toContain(`Zum Entwurf insgesamt ${whole.length}`);
    expect(textOf(table)).toContain("3.1 Sicherheit zuerst 0");
    expect(table).toContain("abschnitt=gesamt");

    expect(listed(mainOf(await (await moderator.get(`${queue}?abschnitt=gesamt`)).text()))).toEqual(whole.sort((a, b) => a - b));
    // a value that is no section lists everything, never an error
    for (const junk of ["9.9", "%3Cscript%3E", "1".repeat(500)]) {
      const res = await moderator.get(`${queue}?abschnitt=${junk}&gruppen=x`);
      expect(res.status).toBe(200);
      expect(listed(await res.text())).toEqual(rows.map((r) => r.id).sort((a, b) => a - b));
    }
  });
  it("shows the published statements per section on the results page, lists one section's, and names the section in the open data", async () => {
    const procedure = await db.db.selectFrom("procedures").select(["id", "organisation_id"]).where("slug", "=", "radverkehrsplan-2030").executeTakeFirstOrThrow();
    const moderatorId = (await db.db.selectFrom("accounts").select("id").where("email", "=", DEMO.moderator).executeTakeFirstOrThrow()).id;
    const rows = await db.db
      .selectFrom("submissions")
      .leftJoin("procedure_sections", "procedure_sections.id", "submissions.section_id")
      .select(["submissions.id", "procedure_sections.number"])
      .where("submissions.procedure_id", "=", procedure.id)
      .orderBy("submissions.id")
      .execute();
    for (const r of rows) await publishSubmission(db.db, { organisationId: procedure.organisation_id, submissionId: r.id, moderatorId, redactions: new Map(), confirmedChecked: true });
    await db.db.updateTable("procedures").set({ status: "closed" }).where("id", "=", procedure.id).execute();
    expect(await publishResults(db.db, { organisationId: procedure.organisation_id, procedureId: procedure.id, moderatorId, summary: "Danke." })).toMatchObject({ ok: true });
    const about32 = rows.filter((r) => r.number === "3.2").length;
    const whole = rows.filter((r) => r.number === null).length;

    const results = `${PROCEDURE}/ergebnisse`;
    const page = mainOf(await (await new Client(server.url).get(results)).text());
    const table = page.match(/<table class="table"><caption id="sections-caption">[\s\S]*?<\/table>/)?.[0] ?? "";
    expect(textOf(table)).toContain(`3.2 Radwege in der Innenstadt ${about32}`);
    expect(textOf(table)).toContain(`Zum Entwurf insgesamt ${whole}`);
    expect(textOf(table)).toContain("3.1 Sicherheit zuerst 0");
    expect(table).toContain('href="?abschnitt=3.2#beitraege"');
    expect(textOf(page)).toContain("Zu Abschnitt 3.2 Radwege in der Innenstadt");

    // one section's list: only its statements, numbered as among all published
    const one = mainOf(await (await new Client(server.url).get(`${results}?abschnitt=3.2`)).text());
    expect(textOf(one)).toContain("Gezeigt werden nur die Beiträge zu Abschnitt 3.2.");
    const numbers = [...one.matchAll(/<h3 class="card__title">Beitrag (\d+)<\/h3>/g)].map((m) => Number(m[1]));
    expect(numbers).toEqual(rows.flatMap((r, i) => (r.number === "3.2" ? [i + 1] : [])));
    expect((await new Client(server.url).get(`${results}?abschnitt=9.9`)).status).toBe(200);

    const [head, ...lines] = parseCsv((await (await new Client(server.url).get(`${PROCEDURE}/daten.csv`)).text()).replace(/^\uFEFF/, ""));
    expect(head.slice(0, 3)).toEqual(["Nummer", "Abschnitt", "Titel des Abschnitts"]);
    expect(lines.map((l) => l[1])).toEqual(rows.map((r) => r.number ?? ""));
    const json = await (await new Client(server.url).get(`${PROCEDURE}/daten.json`)).json();
    expect(json.sections.find((x: { number: string | null }) => x.number === "3.2")).toEqual({ number: "3.2", title: "Radwege in der Innenstadt", depth: 2, published: about32 });
    expect(json.submissions.map((x: { section: { number: string } | null }) => x.section?.number ?? "")).toEqual(rows.map((r) => r.number ?? ""));
  });
});
