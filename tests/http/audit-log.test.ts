/**
 * The audit log for admins and the data-protection officer (issue 14, point 18): filters by person,
 * action, procedure and days; entries link to what they concern; a desk entry shows its
 * submission's number, not the internal entry key; the same selection as a formula-safe CSV file.
 * SQLite, and PostgreSQL with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { Client, mainOf, textOf } from "../support/http";
import { engines } from "../support/databases";
import { startServer, type TestServer } from "../support/server";
import { DEMO, csrfOf, signIn } from "../support/staff";

const M = "/musterstadt/verwaltung";
const LOG = `${M}/protokoll`;

describe.each(engines)("audit log (%s)", (engine) => {
  let server: TestServer;
  let h: DatabaseHandle;
  let admin: Client;
  let open: number;
  let other: number;
  let deskSubmission: number;
  let staffId: number;

  beforeAll(async () => {
    server = await startServer({ engine });
    h = openDatabase(server.database.url);
    const idOf = async (slug: string) => (await h.db.selectFrom("procedures").select("id").where("slug", "=", slug).executeTakeFirstOrThrow()).id;
    open = await idOf("radverkehrsplan-2030");
    other = await idOf("buergerhaushalt-2027");
    staffId = (await h.db.selectFrom("accounts").select("id").where("email", "=", DEMO.staff).executeTakeFirstOrThrow()).id;
    // a desk entry by phone (audited with its entry key)
    const staff = (await signIn(server.url, DEMO.staff)).client;
    const phone = `${M}/schalter/${open}/phone`;
    const form = await (await staff.get(phone)).text();
    const hidden = [...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m): [string, string] => [m[1], m[2]]);
    const entered = await staff.post(phone, [...hidden, ["notice_read", "yes"], ["q1", "Am Telefon: mehr Licht im Park."], ["q3", "bus"], ["q5", "3"]]);
    expect(entered.status).toBe(303);
    deskSubmission = (await h.db.selectFrom("submissions").select("id").where("channel", "=", "phone").orderBy("id", "desc").executeTakeFirstOrThrow()).id;
    // an admin action on each procedure
    admin = (await signIn(server.url, DEMO.admin, { db: h.db })).client;
    for (const id of [open, other]) {
      const page = await (await admin.get(`${M}/verfahren/${id}`)).text();
      expect((await admin.post(`${M}/verfahren/${id}/uebersetzung/en`, [["_csrf", csrfOf(page)], ["title", `Title ${id}`]])).status).toBe(303);
    }
    // an entry a spreadsheet would run as a formula
    const org = (await h.db.selectFrom("organisations").select("id").where("slug", "=", "musterstadt").executeTakeFirstOrThrow()).id;
    await h.db
      .insertInto("audit_log")
      .values({ organisation_id: org, account_id: null, action: "sign_in", target_type: "", target_id: "", details_json: JSON.stringify({ email: "=HYPERLINK(\"http://evil.example\")" }), client_address: "=1+1", occurred_at: new Date().toISOString() })
      .execute();
  });
  afterAll(async () => {
    await h?.close();
    await server?.stop();
  });

  const rowsOf = (html: string) => mainOf(html).split("<tr data-action=").slice(1);

  it("shows a desk entry by its submission's number, linked to the submission", async () => {
    const html = await (await admin.get(`${LOG}?aktion=submission_entered`)).text();
    const rows = rowsOf(html);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(`href="${M}/moderation/beitrag/${deskSubmission}"`);
    expect(textOf(rows[0])).toContain(`Beitrag ${deskSubmission}`);
    const key = (await h.db.selectFrom("audit_log").select("target_id").where("action", "=", "submission_entered").executeTakeFirstOrThrow()).target_id;
    if (!/^\d+$/.test(key)) expect(html).not.toContain(key);
  });

  it("filters by person, action, procedure and days", async () => {
    const byStaff = rowsOf(await (await admin.get(`${LOG}?person=${staffId}`)).text());
    expect(byStaff.length).toBeGreaterThan(0);
    for (const r of byStaff) expect(textOf(r)).toContain(DEMO.staff);
    const translations = rowsOf(await (await admin.get(`${LOG}?aktion=procedure_translation_saved`)).text());
    expect(translations).toHaveLength(2);
    // one procedure: its own entries and its submissions' (the desk entry), nothing of the other
    const onOpen = await (await admin.get(`${LOG}?verfahren=${open}`)).text();
    expect(rowsOf(onOpen).map((r) => r.match(/^"([a-z_]+)"/)![1]).sort()).toEqual(["procedure_translation_saved", "submission_entered"]);
    expect(onOpen).toContain(`href="${M}/verfahren/${open}"`);
    expect(onOpen).not.toContain(`href="${M}/verfahren/${other}"`);
    const onOther = rowsOf(await (await admin.get(`${LOG}?verfahren=${other}`)).text());
    expect(onOther).toHaveLength(1);
    // days: tomorrow on has nothing; today has everything; the filter is kept in the form
    const tomorrow = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Berlin" }).format(new Date(Date.now() + 86_400_000));
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Berlin" }).format(new Date());
    expect(textOf(mainOf(await (await admin.get(`${LOG}?von=${tomorrow}`)).text()))).toContain("Noch keine Einträge.");
    const todays = await (await admin.get(`${LOG}?von=${today}&bis=${today}&aktion=procedure_translation_saved`)).text();
    expect(rowsOf(todays)).toHaveLength(2);
    expect(todays).toMatch(new RegExp(`name="von"[^>]*value="${today}"|value="${today}"[^>]*name="von"`));
    // nonsense in the query is no filter and no error
    expect((await admin.get(`${LOG}?person=abc&aktion=drop_table&verfahren=-1&von=gestern`)).status).toBe(200);
  });

  it("exports the selection as CSV for the data-protection officer, formula-safe", async () => {
    const res = await admin.get(`${LOG}.csv?verfahren=${open}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(res.headers.get("content-disposition")).toContain("attachment");
    const lines = (await res.text()).trim().split("\r\n");
    expect(lines[0]).toBe("Zeitpunkt (UTC),Person,Aktion,Aktionscode,Betrifft,Nummer,Einzelheiten,Adresse");
    expect(lines).toHaveLength(3);
    const desk = lines.find((l) => l.includes("submission_entered"))!;
    expect(desk).toContain(`Beitrag am Schalter erfasst,submission_entered,Beitrag,${deskSubmission},`);
    const all = await (await admin.get(`${LOG}.csv`)).text();
    expect(all).toContain(",'=1+1");
    expect(all).not.toMatch(/(^|,)=1\+1/m);
    // admins only
    const staff = (await signIn(server.url, DEMO.staff)).client;
    expect((await staff.get(`${LOG}.csv`)).status).toBe(403);
    expect((await new Client(server.url).get(`${LOG}.csv`)).status).toBe(303);
  });
});
