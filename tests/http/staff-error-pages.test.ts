/**
 * An error inside the staff area keeps the staff frame (issue 7): a moderator who opens an
 * admin-only page gets the 403 page in German or English with the staff navigation they may use
 * (no admin links), who is signed in, sign-out, and a link back to the overview; the page title
 * names the error. Outside the staff area, and for visitors who are not this organisation's staff,
 * the error page stays the plain one.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, mainOf, textOf } from "../support/http";
import { startServer, type TestServer } from "../support/server";
import { DEMO, signIn } from "../support/staff";

const M = "/musterstadt/verwaltung";
const navOf = (html: string) => html.match(/<nav[^>]*class="staff-nav"[\s\S]*?<\/nav>/)?.[0] ?? "";
const titleOf = (html: string) => html.match(/<title>([^<]*)<\/title>/)?.[1] ?? "";

describe("error pages inside the staff area", () => {
  let server: TestServer;
  let moderator: Client;

  beforeAll(async () => {
    server = await startServer();
    moderator = (await signIn(server.url, DEMO.moderator)).client;
  });
  afterAll(async () => server?.stop());

  it("keeps the moderator's navigation and a way back on the 403 of an admin-only page", async () => {
    for (const path of [`${M}/konten`, `${M}/protokoll`, `${M}/einstellungen`, `${M}/barrierefreiheit`]) {
      const res = await moderator.get(path);
      expect(res.status, path).toBe(403);
      const html = await res.text();
      expect(titleOf(html), path).toBe("Keine Berechtigung – Teilhabe");
      const main = mainOf(html);
      expect(textOf(main), path).toContain("Mit Ihrem Konto dürfen Sie diese Seite nicht öffnen.");
      // the staff navigation, with what a moderator may open and nothing else
      const nav = navOf(main);
      expect(nav, path).toContain('aria-label="Verwaltung"');
      expect(nav, path).toContain(`href="${M}"`);
      expect(nav, path).toContain(`href="${M}/moderation"`);
      expect(nav, path).toContain(`href="${M}/passwort"`);
      for (const adminOnly of ["/konten", "/protokoll", "/einstellungen", "/verfahren/neu", "/barrierefreiheit"]) {
        expect(nav, `${path}: ${adminOnly}`).not.toContain(`href="${M}${adminOnly}"`);
      }
      // who is signed in, sign-out, and the way back
      expect(textOf(main), path).toMatch(/Angemeldet als Mira Moderation \( ?Moderation ?\)/);
      expect(main, path).toContain('action="/abmelden"');
      expect(main, path).toMatch(new RegExp(`<a href="${M}">Zurück zur Übersicht der Verwaltung</a>`));
    }
  });

  it("does so in English, and for a page that does not exist inside the staff area", async () => {
    const forbidden = await moderator.get(`${M}/konten`, { "accept-language": "en" });
    expect(forbidden.status).toBe(403);
    const html = await forbidden.text();
    expect(titleOf(html)).toBe("You do not have permission – Teilhabe");
    expect(navOf(html)).toContain('aria-label="Administration"');
    expect(html).toContain(`<a href="${M}">Back to the administration overview</a>`);

    const missing = await moderator.get(`${M}/moderation/beitrag/999999999`);
    expect(missing.status).toBe(404);
    const missingHtml = await missing.text();
    expect(navOf(missingHtml)).toContain(`href="${M}/moderation"`);
    expect(missingHtml).toContain("Zurück zur Übersicht der Verwaltung");
  });

  it("leaves error pages outside the staff area, and for strangers, without the staff frame", async () => {
    // signed in, but on a resident page that does not exist
    const resident = await moderator.get("/musterstadt/verfahren/gibt-es-nicht");
    expect(resident.status).toBe(404);
    const residentHtml = await resident.text();
    expect(navOf(residentHtml)).toBe("");
    expect(residentHtml).not.toContain("Zurück zur Übersicht der Verwaltung");
    // this organisation's moderator on another organisation's staff area: nothing of either
    const elsewhere = await moderator.get("/gibt-es-nicht/verwaltung/konten");
    expect([403, 404]).toContain(elsewhere.status);
    const elsewhereHtml = await elsewhere.text();
    expect(navOf(elsewhereHtml)).toBe("");
    expect(elsewhereHtml).not.toContain("Angemeldet als");
  });
});
