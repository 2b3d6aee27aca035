/**
 * Results over HTTP, the whole way: residents take part with their name, address, e-mail and phone
 * (some also write them into their text), the service centre enters phone calls, one resident
 * withdraws, a moderator publishes most submissions (redacting), answers them, and publishes the
 * results once the procedure is closed. Then: the results page shows the database's numbers in chart
 * and table alike, small groups suppressed, 20 submissions a page; the CSV, JSON and DCAT files parse;
 * none of it contains any of the personal data, nor anything that looks like an e-mail address or
 * a phone number; the page stays within 14 KB compressed in every language. The privacy-log entries
 * come from the inclusion job the publication starts; a submission published (or taken back) after
 * the results are out changes the page's numbers at once.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { detectPersonalData } from "~/modules/moderation/personal-data";
import { Client, mainOf, rawGet, textOf } from "../support/http";
import { parseCsv } from "../support/csv";
import { projectRoot, startServer, type TestServer } from "../support/server";
import { DEMO, csrfOf, signIn } from "../support/staff";

const BUDGET = 14 * 1024;
const ORG = "/musterstadt";
const PROCEDURE = `${ORG}/verfahren/radverkehrsplan-2030`;
const RESULTS = `${PROCEDURE}/ergebnisse`;
const FILES = [`${PROCEDURE}/daten.csv`, `${PROCEDURE}/daten.json`, `${PROCEDURE}/dcat.jsonld`];

const FIRST = ["Wiebke", "Ottokar", "Hedwig", "Ansgar", "Frauke", "Gernot", "Irmtraud", "Jobst", "Kunigunde", "Leberecht", "Mechthild", "Notker", "Odilia", "Poppo", "Reinhild", "Siegbert", "Trudel", "Ulfert", "Volkmar", "Walburga", "Xaverius", "Yolanda", "Zenzi", "Adelgunde", "Bertram", "Cosima", "Dietlind"];
const people = FIRST.map((first, i) => ({
  name: `${first} Zunderbaum`,
  email: `${first.toLowerCase()}.zunderbaum@post.example`,
  phone: `0511 76${String(i).padStart(2, "0")}431`,
  address: `Quendelweg ${i + 1}, 31134 Musterstadt`,
}));
const callers = ["Hannelore Quirinsen", "Baldur Quirinsen", "Griseldis Quirinsen", "Eckbert Quirinsen", "Fridolin Quirinsen"].map((name, i) => ({ name, phone: `05121 93${i}8877` }));
const SEEDED = [...people.flatMap((p) => [p.name, p.email, p.phone, p.phone.replace(/\s/g, ""), p.address]), ...callers.flatMap((c) => [c.name, c.phone, c.phone.replace(/\s/g, "")]), "Zunderbaum", "Quirinsen", "Quendelweg"];

// what residents choose: 12 bike, 8 foot, 4 bus, 2 car (+1 bike withdrawn); the callers: 5 foot
const MODES = ["bike", "foot", "bike", "bus", "bike", "foot", "bike", "car", "bike", "foot", "bike", "bus", "bike", "foot", "bike", "bus", "foot", "bike", "foot", "bike", "bus", "foot", "bike", "car", "bike", "foot", "bike"];
const WISHES = [["safety", "width"], ["safety"], ["parking"], ["safety", "width"], [], ["safety"], ["width"], ["safety", "parking"], ["safety"], [], ["safety", "width"], ["safety"], ["width"], ["safety"], [], ["safety", "width"], ["safety"], ["parking"], ["safety"], ["width"], ["safety"], [], ["safety"], ["width"], ["safety"], [], ["safety"]];
const GRADES = [4, 5, 3, 4, 2, 4, 5, 1, 4, 3, 4, 5, 3, 4, 2, 4, 5, 3, 4, 1, 4, 3, 5, 4, 3, 2, 4];
const KIDS = ["yes", "", "yes", "no", "yes", "", "yes", "yes", "no", "", "yes", "yes", "", "no", "yes", "", "yes", "yes", "", "yes", "no", "", "yes", "", "yes", "", "yes"];
const SENTENCES = [
  "Der Radweg an der Bahnhofstraße ist zwischen Markt und Bahnhof viel zu schmal, Fußgänger und Räder kommen sich ständig in die Quere.",
  "An der Kreuzung beim Schulzentrum fehlt eine eigene Ampelphase für Radfahrende; morgens ist es dort gefährlich.",
  "Bitte mehr überdachte Abstellplätze am Bahnhof und an der Stadtbibliothek, gerne auch abschließbare Boxen.",
  "Die Beleuchtung im Stadtpark reicht nicht aus, im Winter fahre ich dort abends nicht mehr.",
  "Der Entwurf ist gut, aber die Umsetzung bis 2030 ist zu langsam. Die wichtigsten Lücken sollten zuerst geschlossen werden.",
];
/**
 * Real German prose that does not repeat (every sentence of the German translations, none twice),
 * so that the page weighs what a page of real, different submissions weighs: repeated test text
 * would compress far better than anything residents write.
 */
const POOL = readdirSync(join(projectRoot, "locales/de"))
  .flatMap((f) => {
    const out: string[] = [];
    const walk = (v: unknown) => (typeof v === "string" ? out.push(v) : Object.values(v as object).forEach(walk));
    walk(JSON.parse(readFileSync(join(projectRoot, "locales/de", f), "utf8")));
    return out;
  })
  .filter((s) => s.length > 40 && !/[{}@0-9<>]/.test(s));
let poolAt = 0;
function prose(min: number): string {
  let text = "";
  while (text.length < min) text += `${POOL[poolAt++ % POOL.length]} `;
  return text.trim();
}
const longText = (i: number) => `${SENTENCES[i % 5]} ${prose(650)} (Stellungnahme ${i + 1})`;

const EMAIL_PATTERN = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;
const PHONE_PATTERN = /(?:\+\d{2}|\b0)[1-9]\d{1,4}[ /-]?\d{4,}/;

const decode = (s: string) => textOf(s).trim();

/** Waits for something the server does in the background (the inclusion job), up to 30 s. */
async function eventually<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`still not ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
/** The charts of a results page: per question, the label, the numbers in the drawing and the table rows. */
function chartsOf(html: string) {
  return [...html.matchAll(/<section aria-labelledby="q\d+">([\s\S]*?)<\/section>/g)].map(([, body]) => {
    const svg = body.match(/<svg[\s\S]*?<\/svg>/)![0];
    return {
      label: decode(body.match(/<h3[^>]*>([\s\S]*?)<\/h3>/)![1]),
      svg,
      drawn: [...svg.matchAll(/font-weight="700"[^>]*>([^<]*)</g)].map((m) => decode(m[1])),
      rows: [...body.matchAll(/<tr><th scope="row"[^>]*>([\s\S]*?)<\/th><td class="num">([^<]*)<\/td><\/tr>/g)].map((m) => [decode(m[1]), decode(m[2])]),
    };
  });
}

describe("results", () => {
  let server: TestServer;
  let h: DatabaseHandle;
  let mod: Client;
  let procedureId: number;
  let staffPage: string;
  const codes: string[] = [];

  async function participate(i: number) {
    const p = people[i];
    const c = new Client(server.url);
    const text = i % 5 === 0 ? `Bitte schreiben Sie mir an ${p.email} oder rufen Sie ${p.phone} an. ${SENTENCES[i % 5]}` : i === 1 ? `Ich bin ${p.name} und fahre jeden Tag zur Arbeit. ${SENTENCES[1]}` : longText(i);
    const form: [string, string][] = [["q1", text], ["q3", MODES[i]], ["q5", String(GRADES[i])], ["contact_name", p.name], ["contact_address", p.address], ["contact_email", p.email], ["contact_phone", p.phone]];
    if (i % 3 === 0) form.push(["q2", i % 2 ? "Bahnhofstraße" : "Am Stadtpark"]);
    for (const w of WISHES[i]) form.push(["q4", w]);
    if (KIDS[i]) form.push(["q6", KIDS[i]]);
    const sent = await c.post(PROCEDURE, form);
    expect(sent.status, textOf(mainOf(await sent.text())).slice(0, 500)).toBe(303);
    await c.post(`${PROCEDURE}/pruefen`, "");
    codes[i] = textOf(await (await c.get(`${PROCEDURE}/bestaetigung`)).text()).match(/[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]/)![0];
    return c;
  }

  /** Publishes with the detector's suggestions (and, for a name the detector cannot know, by hand). */
  async function publish(id: number, replace?: [string, string]) {
    const html = await (await mod.get(`${ORG}/verwaltung/moderation/beitrag/${id}`)).text();
    const form: [string, string][] = [["_csrf", csrfOf(html)], ["intent", "publish"]];
    for (const m of html.matchAll(/<textarea[^>]*name="(public_\d+)"[^>]*>([^<]*)<\/textarea>/g)) {
      let value = m[2].replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">");
      if (replace) value = value.replace(replace[0], replace[1]);
      form.push([m[1], value]);
    }
    if (html.includes('name="confirm_checked"')) form.push(["confirm_checked", "yes"]);
    const res = await mod.post(`${ORG}/verwaltung/moderation/beitrag/${id}`, form);
    expect(res.status, `publishing ${id}`).toBe(303);
  }

  beforeAll(async () => {
    server = await startServer({ env: { JOBS_INTERVAL_MS: "0" } });
    h = openDatabase(server.database.url);
    const row = await h.db.selectFrom("procedures").select("id").where("slug", "=", "radverkehrsplan-2030").executeTakeFirstOrThrow();
    procedureId = row.id;
    staffPage = `${ORG}/verwaltung/moderation/${procedureId}/ergebnisse`;
    // this procedure asks for name, address and e-mail; for the test it asks for a phone number too
    await h.db.updateTable("procedures").set({ contact_phone: "optional", contact_phone_purpose: "für Rückfragen" }).where("id", "=", procedureId).execute();

    for (let i = 0; i < people.length; i++) await participate(i);
    // the last one withdraws while the procedure is open: it counts nowhere
    const withdrawer = new Client(server.url);
    expect((await withdrawer.post(`${ORG}/beitrag`, [["code", codes[people.length - 1]]])).status).toBe(303);
    expect((await withdrawer.post(`${ORG}/beitrag/zurueckziehen`, "")).status).toBe(303);

    // the service centre takes five calls
    const desk = (await signIn(server.url, DEMO.staff)).client;
    for (const caller of callers) {
      const html = await (await desk.get(`${ORG}/verwaltung/schalter/${procedureId}/phone`)).text();
      const entryKey = html.match(/name="entry_key" value="([^"]+)"/)![1];
      const res = await desk.post(`${ORG}/verwaltung/schalter/${procedureId}/phone`, [
        ["_csrf", csrfOf(html)],
        ["entry_key", entryKey],
        ["notice_read", "yes"],
        ["q1", `Am Telefon: Die Ampel am Schulzentrum schaltet zu schnell um. Anruf von ${caller.name}.`],
        ["q3", "foot"],
        ["q5", "3"],
        ["contact_name", caller.name],
        ["contact_phone", caller.phone],
      ]);
      expect(res.status).toBe(303);
    }

    mod = (await signIn(server.url, DEMO.moderator, { db: h.db })).client;
    const ids = (await h.db.selectFrom("submissions").select(["id", "channel"]).where("procedure_id", "=", procedureId).where("state", "!=", "withdrawn").orderBy("id").execute());
    const online = ids.filter((s) => s.channel === "online").map((s) => s.id);
    const phone = ids.filter((s) => s.channel === "phone").map((s) => s.id);
    // 22 online and 3 phone published, 2 online not published, 2 online and 2 phone not reviewed
    for (const [k, id] of online.slice(0, 22).entries()) await publish(id, k === 1 ? [people[1].name, "[Name entfernt]"] : undefined);
    // the callers' names in their texts: the detector cannot know names, the moderator removes them by hand
    for (const [k, id] of phone.slice(0, 3).entries()) await publish(id, [callers[k].name, "[Name entfernt]"]);
    for (const id of online.slice(22, 24)) {
      const html = await (await mod.get(`${ORG}/verwaltung/moderation/beitrag/${id}`)).text();
      expect((await mod.post(`${ORG}/verwaltung/moderation/beitrag/${id}`, [["_csrf", csrfOf(html)], ["intent", "not_publish"], ["reason", "off_topic"]])).status).toBe(303);
    }
    // one response for a group, one each for two more
    const group = await (await mod.get(`${ORG}/verwaltung/moderation/${procedureId}/antwort?${online.slice(0, 10).map((id) => `id=${id}`).join("&")}`)).text();
    const grouped = await mod.post(`${ORG}/verwaltung/moderation/${procedureId}/antwort`, [
      ["_csrf", csrfOf(group)],
      ...online.slice(0, 10).map((id): [string, string] => ["id", String(id)]),
      ["decision", "partly_accepted"],
      ["response_text", "Die Stadt verbreitert den Radweg an der Bahnhofstraße 2027. Eine eigene Ampelphase am Schulzentrum wird geprüft; neue Abstellplätze kommen an den Bahnhof."],
    ]);
    expect(grouped.status).toBe(303);
    // the others each get their own response, as long as real ones are
    for (const id of online.slice(10, 22)) {
      const html = await (await mod.get(`${ORG}/verwaltung/moderation/beitrag/${id}`)).text();
      const res = await mod.post(`${ORG}/verwaltung/moderation/beitrag/${id}`, [["_csrf", csrfOf(html)], ["intent", "respond"], ["decision", "noted"], ["response_text", `Vielen Dank, wir nehmen Ihren Hinweis in die Planung auf. ${prose(450)}`]]);
      expect(res.status).toBe(303);
    }
  });
  afterAll(async () => {
    await h?.close();
    await server?.stop();
  });

  it("has no results before they are published: a clear 404, no files, no link", async () => {
    const page = await new Client(server.url).get(RESULTS);
    expect(page.status).toBe(404);
    const text = textOf(mainOf(await page.text()));
    expect(text).toContain("Noch keine Ergebnisse");
    expect(text).toContain("Zurück zum Verfahren");
    for (const file of FILES) {
      const res = await new Client(server.url).get(file);
      expect(res.status, file).toBe(404);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    }
    expect(await (await new Client(server.url).get(PROCEDURE)).text()).not.toContain(RESULTS);
    // the staff page is there, but while the procedure is open it offers no publishing (a draft of the summary only)
    const html = await (await mod.get(staffPage)).text();
    expect(textOf(mainOf(html))).toContain("Veröffentlichen können Sie sie, wenn die Beteiligung beendet ist.");
    expect(html).not.toContain('value="publish"');
    const anyId = (await h.db.selectFrom("submissions").select("id").where("procedure_id", "=", procedureId).executeTakeFirstOrThrow()).id;
    const csrf = csrfOf(await (await mod.get(`${ORG}/verwaltung/moderation/beitrag/${anyId}`)).text());
    const refused = await mod.post(staffPage, [["_csrf", csrf], ["intent", "publish"], ["summary", "Zu früh."]]);
    expect(refused.status).toBe(409);
    expect((await h.db.selectFrom("procedures").select("status").where("id", "=", procedureId).executeTakeFirstOrThrow()).status).toBe("open");
  });

  it("is linked from the moderation queue and refuses bad requests without a 500", async () => {
    expect(await (await mod.get(`${ORG}/verwaltung/moderation/${procedureId}`)).text()).toContain(`href="${staffPage}"`);
    await h.db.updateTable("procedures").set({ status: "closed" }).where("id", "=", procedureId).execute();
    const html = await (await mod.get(staffPage)).text();
    const csrf = csrfOf(html);
    expect(textOf(mainOf(html))).toContain("4 Beiträge sind noch nicht geprüft");
    const cases: [string, [string, string][], number][] = [
      ["no CSRF token", [["intent", "publish"], ["summary", "x"]], 403],
      ["unknown intent", [["_csrf", csrf], ["intent", "delete"], ["summary", "x"]], 400],
      ["no intent", [["_csrf", csrf], ["summary", "x"]], 400],
      ["unknown field", [["_csrf", csrf], ["intent", "publish"], ["summary", "x"], ["status", "open"]], 400],
      ["repeated summary", [["_csrf", csrf], ["intent", "publish"], ["summary", "x"], ["summary", "y"]], 400],
      ["empty summary", [["_csrf", csrf], ["intent", "publish"], ["summary", "  "]], 400],
      ["too long", [["_csrf", csrf], ["intent", "publish"], ["summary", "x".repeat(20_001)]], 400],
      ["control characters", [["_csrf", csrf], ["intent", "save"], ["summary", "a\u0007b"]], 400],
    ];
    for (const [name, body, status] of cases) {
      const res = await mod.post(staffPage, body);
      expect(res.status, name).toBe(status);
    }
    const empty = await mod.post(staffPage, [["_csrf", csrf], ["intent", "publish"], ["summary", ""]]);
    const emptyHtml = await empty.text();
    expect(emptyHtml).toContain('class="error-summary"');
    expect(textOf(emptyHtml)).toContain("Schreiben Sie eine Zusammenfassung der Ergebnisse.");
    expect(emptyHtml).toMatch(/<title>Fehler: /);
    expect(textOf(await (await mod.post(staffPage, [["_csrf", csrf], ["intent", "publish"], ["summary", "x".repeat(20_001)]])).text())).toContain("Höchstens 20000 Zeichen. Jetzt sind es 20001.");
    for (const bad of ["0", "abc", "99999999999", "1e3"]) expect((await mod.get(`${ORG}/verwaltung/moderation/${bad}/ergebnisse`)).status, bad).toBe(404);
    const service = (await signIn(server.url, DEMO.staff)).client;
    expect((await service.get(staffPage)).status).toBe(403);
    expect((await new Client(server.url).get(staffPage)).status).toBe(303);
    expect((await h.db.selectFrom("procedures").select(["status", "results_summary"]).where("id", "=", procedureId).executeTakeFirstOrThrow())).toEqual({ status: "closed", results_summary: "" });
  });

  it("publishes the results: summary, status, audit, and (by the job it starts) every published submission's privacy log", async () => {
    const csrf = csrfOf(await (await mod.get(staffPage)).text());
    const summary = "# Überblick\n\nViele **Rückmeldungen** zur Bahnhofstraße.\n\n- Radweg wird breiter\n- Ampel wird geprüft";
    const saved = await mod.post(staffPage, [["_csrf", csrf], ["intent", "save"], ["summary", "Entwurf"]]);
    expect(saved.headers.get("location")).toBe(`${staffPage}?erledigt=saved`);
    expect((await h.db.selectFrom("procedures").select("status").where("id", "=", procedureId).executeTakeFirstOrThrow()).status).toBe("closed");
    const res = await mod.post(staffPage, [["_csrf", csrf], ["intent", "publish"], ["summary", summary]]);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`${staffPage}?erledigt=published`);
    const after = await (await mod.get(res.headers.get("location")!)).text();
    expect(textOf(mainOf(after))).toContain("Die Ergebnisse sind veröffentlicht.");
    expect(after).toContain(`href="${RESULTS}"`);
    expect(after).toContain("<h3>Überblick</h3>");

    expect(await h.db.selectFrom("procedures").select(["status", "results_summary"]).where("id", "=", procedureId).executeTakeFirstOrThrow()).toEqual({ status: "results_published", results_summary: summary });
    expect(await h.db.selectFrom("audit_log").select(["action", "target_id"]).where("action", "like", "results_%").orderBy("id").execute()).toEqual([
      { action: "results_summary_saved", target_id: String(procedureId) },
      { action: "results_published", target_id: String(procedureId) },
    ]);
    const subs = await h.db.selectFrom("submissions").select(["id", "state"]).where("procedure_id", "=", procedureId).execute();
    // scheduled jobs are off in this server: the publication itself started the job
    const events = await eventually(
      "logged",
      () => h.db.selectFrom("privacy_events").select(["submission_id", "type"]).where("type", "in", ["included_in_results", "included_in_open_data"]).execute(),
      (rows) => rows.length >= 2 * 25,
    );
    expect(await eventually("done", () => h.db.selectFrom("results_inclusion").select("done_at").where("procedure_id", "=", procedureId).executeTakeFirstOrThrow(), (r) => r.done_at !== null)).toBeTruthy();
    for (const s of subs) {
      const expected = s.state === "published" || s.state === "published_redacted" ? 1 : 0;
      expect(events.filter((e) => e.submission_id === s.id && e.type === "included_in_results"), `${s.id} ${s.state}`).toHaveLength(expected);
      expect(events.filter((e) => e.submission_id === s.id && e.type === "included_in_open_data"), `${s.id} ${s.state}`).toHaveLength(expected);
    }
    expect(events).toHaveLength(2 * 25);
    // the resident reads it in their log
    const resident = new Client(server.url);
    await resident.post(`${ORG}/beitrag`, [["code", codes[2]]]);
    const log = textOf(mainOf(await (await resident.get(`${ORG}/beitrag/protokoll`)).text()));
    expect(log).toContain("In die Ergebnisse aufgenommen");
    expect(log).toContain("In die offenen Daten aufgenommen");
    // and the procedure page links to the results
    expect(await (await new Client(server.url).get(PROCEDURE)).text()).toContain(`href="${RESULTS}"`);
  });

  it("shows the database's numbers in every chart and its table, with groups under 5 suppressed in both", async () => {
    const res = await new Client(server.url).get(RESULTS);
    expect(res.status).toBe(200);
    const html = await res.text();
    const main = mainOf(html);
    expect(main).toContain("<h3>Überblick</h3>");
    expect(main).toContain("<strong>Rückmeldungen</strong>");

    // independently: every answer of a submission not withdrawn, counted per question and value
    const answers = await h.db
      .selectFrom("answers")
      .innerJoin("submissions", "submissions.id", "answers.submission_id")
      .innerJoin("questions", "questions.id", "answers.question_id")
      .select(["questions.label", "questions.kind", "questions.options_json", "answers.value", "submissions.state"])
      .where("submissions.procedure_id", "=", procedureId)
      .execute();
    const questions = await h.db.selectFrom("questions").selectAll().where("procedure_id", "=", procedureId).orderBy("position").execute();
    const charts = chartsOf(main);
    expect(charts.map((c) => c.label)).toEqual(questions.filter((q) => ["single_choice", "multiple_choice", "scale", "yes_no"].includes(q.kind)).map((q) => q.label));
    let suppressedCells = 0;
    for (const chart of charts) {
      const q = questions.find((x) => x.label === chart.label)!;
      const values =
        q.kind === "scale" ? ["1", "2", "3", "4", "5"] : q.kind === "yes_no" ? ["yes", "no"] : (JSON.parse(q.options_json) as { value: string }[]).map((o) => o.value);
      // a number is the database's and at least 5; "weniger als 5" is; "nicht ausgewiesen" hides one
      // of at least 5 that would give a small one away (decision 30)
      const raw = values.map((v) => answers.filter((a) => a.label === q.label && a.value === v && a.state !== "withdrawn").length);
      const expected = chart.rows.map((r, k) => (r[1] === "nicht ausgewiesen" && raw[k] >= 5 ? r[1] : raw[k] < 5 ? "weniger als 5" : String(raw[k])));
      expect(chart.rows.map((r) => r[1]), chart.label).toEqual(expected);
      expect(chart.drawn, `${chart.label}: the drawing says what the table says`).toEqual(expected);
      suppressedCells += expected.filter((e) => e === "weniger als 5").length;
      // accessible: an image named by its title, described by the table
      expect(chart.svg).toMatch(/^<svg width="100%" height="\d+" role="img" aria-labelledby="(chart\d+)-title" aria-describedby="\1-table"/);
      expect(chart.svg).toMatch(/<title id="chart\d+-title">Balkendiagramm: /);
    }
    expect(suppressedCells).toBeGreaterThanOrEqual(3);
    // the mode of travel: 13 bike less the withdrawn one, 8 + 5 foot, bus 4 and car 2 suppressed
    expect(charts[0].rows).toEqual([
      ["Mit dem Fahrrad", "12"],
      ["Zu Fuß", "13"],
      ["Mit Bus oder Bahn", "weniger als 5"],
      ["Mit dem Auto", "weniger als 5"],
    ]);
    // channels: 26 online (one withdrawn of 27), 5 by phone, none otherwise — the three empty ones
    // would be pinned at 0 by the total, so phone is hidden, and then online as well (decision 30)
    const channels = [...main.matchAll(/<tr><th scope="row">([^<]*)<\/th><td class="num">([^<]*)<\/td><\/tr>/g)].slice(0, 5).map((m) => [m[1], m[2]]);
    expect(channels).toEqual([
      ["Online", "nicht ausgewiesen"],
      ["Telefon", "nicht ausgewiesen"],
      ["Papierformular", "weniger als 5"],
      ["Bürgerbüro", "weniger als 5"],
      ["Brief", "weniger als 5"],
    ]);
    expect(textOf(main)).toContain("„nicht ausgewiesen“: Diese Zahl zeigen wir nicht");
    expect(main).toMatch(/<caption id="channels-caption">/);
    expect(main).not.toMatch(/<script/);
  });

  it("lists the published submissions 20 a page, with public text and the council's responses", async () => {
    const pages = [1, 2].map(async (n) => textOf(mainOf(await (await new Client(server.url).get(n === 1 ? RESULTS : `${RESULTS}?seite=${n}`)).text())));
    const [one, two] = await Promise.all(pages);
    const numbersOf = (text: string) => [...text.matchAll(/Beitrag (\d+) (?:Zum Entwurf insgesamt )?(?:Ihre Stellungnahme|Welche Straße)/g)].map((m) => Number(m[1]));
    expect(numbersOf(one)).toHaveLength(20);
    expect(numbersOf(two)).toHaveLength(5);
    const numbers = [...numbersOf(one), ...numbersOf(two)];
    // 1 … 25 among the published: no gap where one was not published (decision 30)
    expect(numbers).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    // nor the day or the channel it came in by
    expect(one + two).not.toContain("Eingegangen am");
    expect(one).toContain("Veröffentlichte Beiträge insgesamt: 25");
    expect(one).toContain("Seite 1 von 2");
    expect(one).toContain("Nächste Seite");
    expect(two).toContain("Vorherige Seite");
    expect(one).toContain("[E-Mail entfernt]");
    expect(one).toContain("[Telefonnummer entfernt]");
    expect(one).toContain("Ich bin [Name entfernt] und fahre jeden Tag zur Arbeit.");
    expect(one).toContain("Antwort der Verwaltung: Teilweise berücksichtigt");
    expect(one).toContain("Die Stadt verbreitert den Radweg an der Bahnhofstraße 2027.");
    expect(one).toContain("Antwort der Verwaltung: Zur Kenntnis genommen");
    expect(two).toContain("Noch ohne Antwort der Verwaltung.");
    expect(two).toContain("Am Telefon: Die Ampel am Schulzentrum");
    for (const bad of ["3", "0", "abc", "-1", "1.5", "99999999"]) {
      const res = await new Client(server.url).get(`${RESULTS}?seite=${bad}`);
      expect(res.status, `?seite=${bad}`).toBe(404);
    }
  });

  it("offers CSV, JSON and DCAT-AP.de files that parse and agree with the page", async () => {
    const page = await (await new Client(server.url).get(RESULTS)).text();
    for (const file of FILES) expect(page).toContain(`href="${file}"`);

    const csvRes = await new Client(server.url).get(FILES[0]);
    expect(csvRes.status).toBe(200);
    expect(csvRes.headers.get("content-type")).toBe("text/csv; charset=utf-8; header=present");
    expect(csvRes.headers.get("content-disposition")).toBe('attachment; filename="radverkehrsplan-2030-ergebnisse.csv"');
    const bytes = new Uint8Array(await csvRes.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = parseCsv(new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes).slice(1));
    // decision 30: number, the free texts and the response — choice answers, channel and day are only counted
    // the demo's draft has numbered sections: each row names its own (decision 62)
    expect(csv[0]).toEqual(["Nummer", "Abschnitt", "Titel des Abschnitts", "Ihre Stellungnahme zum Entwurf", "Welche Straße oder welcher Ort betrifft Ihre Stellungnahme?", "Entscheidung", "Antwort der Verwaltung"]);
    const rows = csv.slice(1);
    expect(rows).toHaveLength(25);
    expect(rows.every((r) => r.length === 7 && r[1] === "" && r[2] === "")).toBe(true);
    const pageNumbers = [...page.matchAll(/<h3 class="card__title">Beitrag (\d+)<\/h3>/g)].map((m) => m[1]);
    expect(rows.slice(0, 20).map((r) => r[0])).toEqual(pageNumbers);
    expect(rows.filter((r) => r[5] === "Teilweise berücksichtigt")).toHaveLength(10);
    expect(rows.some((r) => r[4] === "Bahnhofstraße")).toBe(true);

    const jsonRes = await new Client(server.url).get(FILES[1]);
    expect(jsonRes.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(jsonRes.headers.get("content-disposition")).toBe('attachment; filename="radverkehrsplan-2030-ergebnisse.json"');
    const json = await jsonRes.json();
    expect(json.submissions).toHaveLength(25);
    expect(json.submissions.map((s: { number: number }) => String(s.number))).toEqual(rows.map((r) => r[0]));
    expect(json.license).toBe("http://dcat-ap.de/def/licenses/dl-zero-de/2.0");
    expect(json.minimumGroupSize).toBe(5);
    // the statistics say what the page's tables say
    const charts = chartsOf(mainOf(page));
    for (const [k, stat] of (json.statistics.questions as { label: string; counts: { count: number | null; suppressed: boolean; reason?: string }[] }[]).entries()) {
      expect(stat.label).toBe(charts[k].label);
      expect(stat.counts.map((c) => (c.suppressed ? (c.reason === "small_group" ? "weniger als 5" : "nicht ausgewiesen") : String(c.count)))).toEqual(charts[k].rows.map((r) => r[1]));
      expect(stat.counts.every((c) => (c.count === null) === c.suppressed)).toBe(true);
    }
    expect(json.statistics.channels.map((c: { count: number | null; reason?: string }) => c.reason ?? c.count)).toEqual([
      "protects_small_group",
      "protects_small_group",
      "small_group",
      "small_group",
      "small_group",
    ]);
    expect(Object.keys(json.submissions[0]).sort()).toEqual(["answers", "number", "response", "section"]);

    const dcatRes = await new Client(server.url).get(FILES[2]);
    expect(dcatRes.headers.get("content-type")).toBe("application/ld+json; charset=utf-8");
    const dcat = await dcatRes.json();
    expect(dcat["@type"]).toBe("dcat:Dataset");
    expect(dcat["@context"].dcat).toBe("http://www.w3.org/ns/dcat#");
    expect(dcat["dct:publisher"]).toEqual({ "@type": "foaf:Organization", "foaf:name": "Stadt Musterstadt" });
    expect(dcat["dct:license"]).toEqual({ "@id": "http://dcat-ap.de/def/licenses/dl-zero-de/2.0" });
    expect(dcat["dct:title"]["@value"]).toBe("Ergebnisse: Radverkehrsplan 2030 – Entwurf zur Stellungnahme");
    expect(Date.parse(dcat["dct:issued"]["@value"])).toBeGreaterThan(Date.now() - 600_000);
    // without PUBLIC_ORIGIN the IRIs are paths, resolved against the file's own address (never the Host header)
    expect(dcat["dcat:landingPage"]["@id"]).toBe(RESULTS);
    const urls = dcat["dcat:distribution"].map((d: Record<string, { "@id": string }>) => d["dcat:downloadURL"]["@id"]);
    expect(urls).toEqual([FILES[0], FILES[1]]);
    // each distribution is really there
    for (const url of urls) expect((await fetch(new URL(url, `${server.url}${FILES[2]}`))).status).toBe(200);
    expect((await fetch(`${server.url}${FILES[0]}`, { method: "HEAD" })).headers.get("content-type")).toMatch(/^text\/csv/);
    // nothing is ever sent to them: a clear 405, nothing logged as a fault
    for (const path of [RESULTS, ...FILES]) {
      const res = await new Client(server.url).post(path, [["a", "b"]]);
      expect(res.status, path).toBe(405);
      expect(await res.text()).toMatch(/nimmt solche Anfragen nicht an/);
    }
    expect(server.logs()).not.toContain("unhandled_error");
  });

  it("never lets any personal data out: no names, addresses, e-mail addresses or phone numbers anywhere", async () => {
    const bodies: [string, string][] = [];
    for (const file of FILES) bodies.push([file, await (await new Client(server.url).get(file)).text()]);
    for (const lng of ["de", "en", "ar"]) {
      for (const path of [RESULTS, `${RESULTS}?seite=2`]) {
        const sep = path.includes("?") ? "&" : "?";
        bodies.push([`${path} (${lng})`, await (await new Client(server.url).get(`${path}${sep}lng=${lng}`)).text()]);
      }
    }
    // the texts as the residents sent them did contain them (the scan would see them)
    const originals = (await h.db.selectFrom("answers").select("value").execute()).map((a) => a.value).join("\n");
    expect(originals).toContain(people[0].email);
    expect(originals).toContain(people[1].name);
    // the catalogue names the municipality's own contact for the open data: an office, not a person
    const OFFICE = ["mailto:beteiligung@musterstadt.example", "tel:+4951213010"];
    for (const [name, found] of bodies) {
      const body = OFFICE.reduce((text, office) => text.replace(office, ""), found);
      for (const s of SEEDED) expect(body.includes(s), `${name} contains ${s}`).toBe(false);
      expect(body.match(EMAIL_PATTERN)?.[0], `${name}: something like an e-mail address`).toBeUndefined();
      expect(body.match(PHONE_PATTERN)?.[0], `${name}: something like a phone number`).toBeUndefined();
      const text = name.includes("(") ? textOf(mainOf(body)) : body;
      expect(detectPersonalData(text).filter((f) => f.kind === "email" || f.kind === "phone"), `${name}: the detector finds personal data`).toEqual([]);
    }
  });

  it("changes the page's numbers at once when a submission is published, or taken back, after the results are out", async () => {
    const totalOf = async () => textOf(mainOf(await (await new Client(server.url).get(RESULTS)).text())).match(/Veröffentlichte Beiträge insgesamt: (\d+)/)![1];
    const csvRows = async () => (await (await new Client(server.url).get(FILES[0])).text()).trim().split("\r\n").length - 1;
    const jsonCount = async () => (await (await new Client(server.url).get(FILES[1])).json()).submissions.length;
    expect(await totalOf()).toBe("25");
    const unreviewed = await h.db.selectFrom("submissions").select("id").where("procedure_id", "=", procedureId).where("state", "=", "received").orderBy("id").execute();
    expect(unreviewed).toHaveLength(4);
    // a late publication: on the page, in both files, in the submitter's log (once)
    await publish(unreviewed[0].id);
    expect(await totalOf()).toBe("26");
    expect(await csvRows()).toBe(26);
    expect(await jsonCount()).toBe(26);
    const late = await h.db.selectFrom("privacy_events").select("type").where("submission_id", "=", unreviewed[0].id).where("type", "like", "included_in_%").execute();
    expect(late.map((e) => e.type).sort()).toEqual(["included_in_open_data", "included_in_results"]);
    // published again (nothing changes) and then not published after all: 26, then 25
    await publish(unreviewed[0].id);
    expect(await totalOf()).toBe("26");
    const html = await (await mod.get(`${ORG}/verwaltung/moderation/beitrag/${unreviewed[0].id}`)).text();
    expect((await mod.post(`${ORG}/verwaltung/moderation/beitrag/${unreviewed[0].id}`, [["_csrf", csrfOf(html)], ["intent", "not_publish"], ["reason", "duplicate"]])).status).toBe(303);
    expect(await totalOf()).toBe("25");
    expect(await csvRows()).toBe(25);
    // the count the page shows is the stored one, and it equals the rows
    const stored = await h.db.selectFrom("results_snapshots").select("published_count").where("procedure_id", "=", procedureId).executeTakeFirstOrThrow();
    const rows = await h.db.selectFrom("submissions").select("id").where("procedure_id", "=", procedureId).where("state", "in", ["published", "published_redacted"]).execute();
    expect(stored.published_count).toBe(rows.length);
    expect(rows).toHaveLength(25);
    // moderation decides what is shown, not what counts: the charts keep their numbers
    const main = mainOf(await (await new Client(server.url).get(RESULTS)).text());
    expect(chartsOf(main)[0].rows).toEqual([
      ["Mit dem Fahrrad", "12"],
      ["Zu Fuß", "13"],
      ["Mit Bus oder Bahn", "weniger als 5"],
      ["Mit dem Auto", "weniger als 5"],
    ]);
  });

  for (const lng of ["de", "en", "ar"]) {
    it(`keeps the results page script-free and within 14 KB compressed in ${lng}`, async () => {
      const report: string[] = [];
      for (const path of [RESULTS, `${RESULTS}?seite=2`]) {
        const sep = path.includes("?") ? "&" : "?";
        const res = await rawGet(`${server.url}${path}${sep}lng=${lng}`);
        expect(res.status).toBe(200);
        expect(res.headers["content-encoding"]).toBe("gzip");
        expect(res.text).not.toMatch(/<script/i);
        expect(res.text).toContain(`<html lang="${lng}" dir="${lng === "ar" ? "rtl" : "ltr"}">`);
        const styles = [...res.text.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]);
        expect(styles).toHaveLength(1);
        const css = await rawGet(server.url + styles[0]);
        const total = res.wire.length + css.wire.length;
        report.push(`${path}: ${res.wire.length} + ${css.wire.length} = ${total} bytes (${res.text.length} bytes uncompressed HTML)`);
        expect(total, `${path} weighs ${total} bytes`).toBeLessThanOrEqual(BUDGET);
      }
      console.log(`[results page weight ${lng}]\n  ${report.join("\n  ")}`);
    });
  }
});
