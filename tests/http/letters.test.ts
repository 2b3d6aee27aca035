/**
 * Result letters over HTTP: only moderators; visiting opens nothing; "Briefe erstellen" (a POST)
 * makes one print document with one letter per consenting submission that has a postal address
 * and no e-mail address, each opening recorded in that submission's privacy log and in the audit log.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { Client, mainOf, textOf } from "../support/http";
import { startServer, type TestServer } from "../support/server";
import { DEMO, csrfOf, signIn } from "../support/staff";

const PROCEDURE = "/musterstadt/verfahren/radverkehrsplan-2030";

describe("result letters", () => {
  let server: TestServer;
  let h: DatabaseHandle;
  let mod: Client;
  let procedureId: number;
  let moderatorId: number;
  let page: string;
  const codes: Record<string, string> = {};
  const ids: Record<string, number> = {};

  async function participate(key: string, contact: [string, string][], consent: boolean) {
    const c = new Client(server.url);
    const text = `Beitrag ${key}: mehr Fahrradbügel`;
    const form: [string, string][] = [["q1", text], ["q3", "bike"], ["q5", "4"], ...contact];
    if (consent) form.push(["consent_results", "yes"]);
    expect((await c.post(PROCEDURE, form)).status).toBe(303);
    expect((await c.post(`${PROCEDURE}/pruefen`, "")).status).toBe(303);
    codes[key] = textOf(await (await c.get(`${PROCEDURE}/bestaetigung`)).text()).match(/[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]/)![0];
    ids[key] = (await h.db.selectFrom("answers").select("submission_id").where("value", "=", text).executeTakeFirstOrThrow()).submission_id;
  }
  const openings = (submissionId: number) =>
    h.db
      .selectFrom("privacy_events")
      .select(["actor_role", "actor_account_id", "purpose", "legal_basis", "data_categories"])
      .where("submission_id", "=", submissionId)
      .where("type", "=", "personal_data_opened")
      .execute();
  const logOf = async (code: string) => {
    const c = new Client(server.url);
    await c.post("/musterstadt/beitrag", [["code", code]]);
    return textOf(mainOf(await (await c.get("/musterstadt/beitrag/protokoll")).text()));
  };

  beforeAll(async () => {
    server = await startServer();
    h = openDatabase(server.database.url);
    procedureId = (await h.db.selectFrom("procedures").select("id").where("slug", "=", "radverkehrsplan-2030").executeTakeFirstOrThrow()).id;
    moderatorId = (await h.db.selectFrom("accounts").select("id").where("email", "=", DEMO.moderator).executeTakeFirstOrThrow()).id;
    await participate("paula", [["contact_name", "Paula Papier"], ["contact_address", "Lindenweg 5\n31134 Musterstadt"]], true);
    await participate("birke", [["contact_address", "Birkenweg 7, 31134 Musterstadt"]], true);
    await participate("beides", [["contact_name", "Bea Beides"], ["contact_address", "Eichenweg 9\n31134 Musterstadt"], ["contact_email", "bea@example.org"]], true);
    await participate("nein", [["contact_name", "Nora Nein"], ["contact_address", "Ahornweg 3\n31134 Musterstadt"]], false);
    await participate("mail", [["contact_email", "max@example.org"]], true);
    mod = (await signIn(server.url, DEMO.moderator, { db: h.db })).client;
  });
  afterAll(async () => {
    await h?.close();
    await server?.stop();
  });

  const url = () => `/musterstadt/verwaltung/moderation/${procedureId}/briefe`;

  it("is for moderators only", async () => {
    expect((await new Client(server.url).get(url())).status).toBe(303);
    const staff = (await signIn(server.url, DEMO.staff)).client;
    expect((await staff.get(url())).status).toBe(403);
    expect((await staff.post(url(), [["_csrf", "x"]])).status).toBe(403);
    expect((await mod.get("/musterstadt/verwaltung/moderation/999999/briefe")).status).toBe(404);
  });

  it("waits until the results are published, and opens nothing before", async () => {
    const res = await mod.get(url());
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(textOf(mainOf(html))).toContain("Die Ergebnisse dieses Verfahrens sind noch nicht veröffentlicht.");
    expect(html).not.toContain("Briefe erstellen");
    // a crafted POST (the page offers none) is refused
    const review = await (await mod.get(`/musterstadt/verwaltung/moderation/beitrag/${ids.paula}`)).text();
    const refused = await mod.post(url(), [["_csrf", csrfOf(review)]]);
    expect(refused.status).toBe(409);
    for (const id of Object.values(ids)) expect(await openings(id)).toEqual([]);
  });

  it("counts the letters on a visit without opening any contact data", async () => {
    await h.db.updateTable("procedures").set({ status: "results_published" }).where("id", "=", procedureId).execute();
    page = await (await mod.get(url())).text();
    const text = textOf(mainOf(page));
    expect(text).toContain("Zurzeit gibt es 2 Briefe zu erstellen.");
    expect(page).toMatch(/<form method="post"[^>]*>[\s\S]*<button type="submit" class="button">Briefe erstellen<\/button>/);
    expect(text).not.toContain("Lindenweg");
    expect(text).not.toContain("Paula Papier");
    for (const id of Object.values(ids)) expect(await openings(id)).toEqual([]);
  });

  it("refuses a POST without the CSRF token or with unknown fields", async () => {
    expect((await mod.post(url(), [])).status).toBe(403);
    expect((await mod.post(url(), [["_csrf", csrfOf(page)], ["id", "1"]])).status).toBe(400);
    for (const id of Object.values(ids)) expect(await openings(id)).toEqual([]);
  });

  it("creates one letter per consenting submission with an address and no e-mail, as one print document, each opening recorded", async () => {
    const res = await mod.post(url(), [["_csrf", csrfOf(page)]]);
    expect(res.status).toBe(200);
    const html = await res.text();
    const main = mainOf(html);
    const letters = main.split('<article class="letter"').slice(1);
    expect(letters).toHaveLength(2);
    expect(textOf(main)).toContain("2 Briefe erstellt.");

    const [paula, birke] = letters.map(textOf);
    // the address window: name and address lines; the sender line above them
    expect(letters[0]).toMatch(/class="letter__recipient"><span>Paula Papier<\/span><span><br\/>Lindenweg 5<\/span><span><br\/>31134 Musterstadt<\/span><\/p>/);
    expect(letters[1]).toMatch(/class="letter__recipient"><span>Birkenweg 7<\/span><span><br\/>31134 Musterstadt<\/span><\/p>/);
    expect(paula).toContain("Stadt Musterstadt · Rathausplatz 1, 31134 Musterstadt");
    // accessible: each letter has its own heading, its content is marked as German
    expect(letters[0]).toMatch(/<h2 id="letter-\d+" class="visually-hidden">Brief 1 von 2<\/h2><div lang="de">/);
    expect(birke).toContain("Brief 2 von 2");
    // the same text as the e-mail
    for (const t of [paula, birke]) {
      expect(t).toContain("Ergebnisse veröffentlicht: Radverkehrsplan 2030");
      expect(t).toContain("Guten Tag,");
      expect(t).toContain("/musterstadt/verfahren/radverkehrsplan-2030/ergebnisse");
      expect(t).toContain("mit Ihrem Eingangscode unter http://127.0.0.1:");
      expect(t).toContain("Mit freundlichen Grüßen");
    }
    // nobody else's data
    for (const other of ["Bea Beides", "Eichenweg", "Nora Nein", "Ahornweg", "max@example.org", "bea@example.org"]) expect(main).not.toContain(other);
    // one print document: page breaks and the address window in the print styles (a stylesheet
    // file of the page, since the Content-Security-Policy allows no <style> element)
    const sheets = await Promise.all([...html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map(async (m) => (await mod.get(m[1])).text()));
    const css = sheets.join("\n").replace(/\s*\n\s*/g, "");
    expect(css).toContain("@page{size:A4");
    expect(css).toContain("break-after:page");
    expect(css).toMatch(/\.letter__window\{position:absolute;top:30mm;left:20mm;width:85mm;height:45mm/);

    for (const key of ["paula", "birke"]) {
      const opened = await openings(ids[key]);
      expect(opened).toHaveLength(1);
      expect(opened[0]).toMatchObject({ actor_role: "moderator", actor_account_id: moderatorId, purpose: "results_notification", legal_basis: "Art. 6 Abs. 1 lit. a DSGVO" });
      expect(JSON.parse(opened[0].data_categories)).toContain("address");
    }
    for (const key of ["beides", "nein", "mail"]) expect(await openings(ids[key])).toEqual([]);
    // the resident sees it in their privacy log
    const log = await logOf(codes.paula);
    expect(log).toContain("Persönliche Daten angesehen");
    expect(log).toContain("Information über das Ergebnis");
    // and the audit log holds the moderator accountable
    const audit = await h.db.selectFrom("audit_log").selectAll().where("action", "=", "contact_data_opened").where("target_type", "=", "procedure").execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ account_id: moderatorId, target_id: String(procedureId) });
    expect(JSON.parse(audit[0].details_json)).toEqual({ purpose: "result_letters", letters: 2 });
  });

  it("includes someone whose e-mail was given up on", async () => {
    await h.db
      .insertInto("outbox")
      .values({
        organisation_id: (await h.db.selectFrom("organisations").select("id").executeTakeFirstOrThrow()).id,
        submission_id: ids.beides,
        kind: "result_email",
        subject: "s",
        body_text: "b",
        language: "de",
        state: "failed",
        attempts: 6,
        last_error: "550",
        next_attempt_at: null,
        sent_at: null,
        created_at: new Date().toISOString(),
      })
      .execute();
    expect(textOf(mainOf(await (await mod.get(url())).text()))).toContain("Zurzeit gibt es 3 Briefe zu erstellen.");
    const html = await (await mod.post(url(), [["_csrf", csrfOf(page)]])).text();
    expect(mainOf(html).split('<article class="letter"').slice(1)).toHaveLength(3);
    expect(textOf(html)).toContain("Bea Beides");
    expect(await openings(ids.beides)).toHaveLength(1);
    // every creation is recorded again (besides the resident's own look at the privacy log above)
    expect((await openings(ids.paula)).filter((o) => o.actor_role === "moderator")).toHaveLength(2);
  });
  it("prints the name once when the address already contains it", async () => {
    // two more residents take part while the procedure is open
    await h.db.updateTable("procedures").set({ status: "open" }).where("id", "=", procedureId).execute();
    await participate("doppelt", [["contact_name", "Dora Doppelt"], ["contact_address", "Frau Dora Doppelt\nBuchenweg 2\n31134 Musterstadt"]], true);
    await participate("zeile", [["contact_name", "Zeno Zeile"], ["contact_address", "zeno  zeile, Ulmenweg 4, 31134 Musterstadt"]], true);
    await h.db.updateTable("procedures").set({ status: "results_published" }).where("id", "=", procedureId).execute();
    const main = mainOf(await (await mod.post(url(), [["_csrf", csrfOf(page)]])).text());
    const recipientOf = (name: string) => {
      const letter = main.split('<article class="letter"').find((l) => l.includes("weg") && textOf(l).toLowerCase().includes(name.toLowerCase()))!;
      return textOf(letter.match(/class="letter__recipient">([\s\S]*?)<\/p>/)![1]).trim();
    };
    expect(recipientOf("Dora Doppelt")).toBe("Frau Dora Doppelt Buchenweg 2 31134 Musterstadt");
    expect(recipientOf("Zeno Zeile")).toBe("zeno zeile Ulmenweg 4 31134 Musterstadt");
    // a name the address does not contain still heads the window
    expect(recipientOf("Paula Papier")).toBe("Paula Papier Lindenweg 5 31134 Musterstadt");
  });
});
