/**
 * The results summary before and at publication (issue 14, point 14): a draft can be saved while
 * the procedure still runs (publishing waits until it is closed), "Speichern" comes before
 * "Veröffentlichen", and the page warns about submissions that have no official response yet,
 * linking to them in the queue. SQLite, and PostgreSQL with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { Client, mainOf, textOf } from "../support/http";
import { engines } from "../support/databases";
import { startServer, type TestServer } from "../support/server";
import { DEMO, csrfOf, signIn } from "../support/staff";

const PROCEDURE = "/musterstadt/verfahren/radverkehrsplan-2030";

describe.each(engines)("results summary draft (%s)", (engine) => {
  let server: TestServer;
  let h: DatabaseHandle;
  let mod: Client;
  let procedureId: number;
  let page: string;

  beforeAll(async () => {
    server = await startServer({ engine });
    h = openDatabase(server.database.url);
    procedureId = (await h.db.selectFrom("procedures").select("id").where("slug", "=", "radverkehrsplan-2030").executeTakeFirstOrThrow()).id;
    page = `/musterstadt/verwaltung/moderation/${procedureId}/ergebnisse`;
    for (const text of ["Mehr Bügel am Markt", "Breitere Radwege", "Ampel an der Schule"]) {
      const c = new Client(server.url);
      expect((await c.post(PROCEDURE, [["q1", text], ["q3", "bike"], ["q5", "4"]])).status).toBe(303);
      expect((await c.post(`${PROCEDURE}/pruefen`, "")).status).toBe(303);
    }
    mod = (await signIn(server.url, DEMO.moderator, { db: h.db })).client;
  });
  afterAll(async () => {
    await h?.close();
    await server?.stop();
  });

  it("saves a draft of the summary while the procedure is still open, and does not publish it", async () => {
    const html = await (await mod.get(page)).text();
    const main = textOf(mainOf(html));
    expect(main).toContain("Sie können die Zusammenfassung schon als Entwurf speichern");
    expect(html).toMatch(/<textarea[^>]*name="summary"/);
    expect(html).toContain('value="save"');
    expect(html).not.toContain('value="publish"');
    const saved = await mod.post(page, [["_csrf", csrfOf(html)], ["intent", "save"], ["summary", "# Entwurf\n\nErste Eindrücke."]]);
    expect(saved.status).toBe(303);
    expect(await h.db.selectFrom("procedures").select(["status", "results_summary"]).where("id", "=", procedureId).executeTakeFirstOrThrow()).toEqual({ status: "open", results_summary: "# Entwurf\n\nErste Eindrücke." });
    expect(await (await mod.get(`${page}?erledigt=saved`)).text()).toContain("<h3>Entwurf</h3>");
    // publishing still waits until the procedure is closed
    expect((await mod.post(page, [["_csrf", csrfOf(html)], ["intent", "publish"], ["summary", "Fertig"]])).status).toBe(409);
    expect((await h.db.selectFrom("procedures").select("status").where("id", "=", procedureId).executeTakeFirstOrThrow()).status).toBe("open");
    // the resident's results page does not exist yet
    expect((await new Client(server.url).get(`${PROCEDURE}/ergebnisse`)).status).toBe(404);
  });

  it("puts Speichern before Veröffentlichen and warns about submissions without a response", async () => {
    await h.db.updateTable("procedures").set({ status: "closed" }).where("id", "=", procedureId).execute();
    const html = await (await mod.get(page)).text();
    const save = html.indexOf('value="save"');
    const publish = html.indexOf('value="publish"');
    expect(save).toBeGreaterThan(0);
    expect(publish).toBeGreaterThan(save);
    const main = textOf(mainOf(html));
    expect(main).toContain("3 Beiträge haben noch keine Antwort (Abwägung).");
    expect(html).toContain(`href="/musterstadt/verwaltung/moderation/${procedureId}?antwort=no"`);
    // the draft is kept in the form
    expect(html).toMatch(/<textarea[^>]*name="summary"[^>]*># Entwurf/);
    // answered: the warning counts down
    const ids = (await h.db.selectFrom("submissions").select("id").where("procedure_id", "=", procedureId).execute()).map((r) => r.id);
    const answer = await (await mod.get(`/musterstadt/verwaltung/moderation/${procedureId}/antwort?${ids.map((id) => `id=${id}`).join("&")}`)).text();
    const res = await mod.post(`/musterstadt/verwaltung/moderation/${procedureId}/antwort`, [["_csrf", csrfOf(answer)], ...ids.slice(0, 2).map((id): [string, string] => ["id", String(id)]), ["decision", "noted"], ["response_text", "Danke, wir prüfen das."]]);
    expect(res.status).toBeLessThan(400);
    expect(textOf(mainOf(await (await mod.get(page)).text()))).toContain("1 Beitrag hat noch keine Antwort (Abwägung).");
  });
});
