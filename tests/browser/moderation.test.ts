/**
 * Moderation in a real browser: every moderation page without axe violations in de and en, no
 * horizontal scrolling at 320 px; and the moderation and response journeys with JavaScript off.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { DESKTOP, NARROW, axeCheck, launchBrowser, type Browser } from "../support/browser";
import { Client } from "../support/http";
import { startServer, type TestServer } from "../support/server";
import { DEMO, signIn } from "../support/staff";

const PROCEDURE = "/musterstadt/verfahren/radverkehrsplan-2030";
const MOD = "/musterstadt/verwaltung/moderation";

let server: TestServer;
let h: DatabaseHandle;
let browser: Browser;
let page: Page;
let procedureId = 0;
const ids: number[] = [];

async function participate(text: string) {
  const c = new Client(server.url);
  await c.post(PROCEDURE, [["q1", text], ["q3", "bike"], ["q5", "4"], ["contact_email", "a.b@example.org"]]);
  await c.post(`${PROCEDURE}/pruefen`, "");
  ids.push((await h.db.selectFrom("answers").select("submission_id").where("value", "=", text).executeTakeFirstOrThrow()).submission_id);
}

async function go(path: string) {
  const res = await page.goto(`${server.url}${path}`, { waitUntil: "load" });
  expect(res?.status(), `${path}\n${server.logs().slice(-2000)}`).toBe(200);
}

async function submit(selector: string) {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.locator(selector).click()]);
}

beforeAll(async () => {
  server = await startServer();
  h = openDatabase(server.database.url);
  procedureId = (await h.db.selectFrom("procedures").select("id").where("slug", "=", "radverkehrsplan-2030").executeTakeFirstOrThrow()).id;
  await participate("Rufen Sie mich an: 0511 7654321, oder schreiben Sie an erika@example.org.");
  await participate("Der Radweg an der Schule ist zu schmal.");
  await participate("Der Radweg an der Schule ist viel zu schmal!");
  const mod = await signIn(server.url, DEMO.moderator, { db: h.db });
  browser = await launchBrowser({ javaScriptEnabled: false, viewport: DESKTOP });
  page = browser.page;
  await browser.context.addCookies([...mod.client.cookies].map(([name, value]) => ({ name, value, url: server.url })));
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
  await server?.stop();
});

describe("moderation pages", () => {
  const pages = () => [
    ["overview", `${MOD}`],
    ["queue", `${MOD}/${procedureId}`],
    ["review with findings", `${MOD}/beitrag/${ids[0]}`],
    ["group answer", `${MOD}/${procedureId}/antwort?id=${ids[1]}&id=${ids[2]}`],
  ];
  for (const lng of ["de", "en"] as const) {
    it(`have no axe violations and reflow at 320 px in ${lng}`, async () => {
      for (const [name, path] of pages()) {
        await page.setViewportSize(DESKTOP);
        await go(`${path}${path.includes("?") ? "&" : "?"}lng=${lng}`);
        expect(await page.getAttribute("html", "lang")).toBe(lng);
        expect(await axeCheck(page), `${name} (${lng})`).toEqual([]);
        await page.setViewportSize(NARROW);
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(width, `${name} (${lng}) scrolls sideways`).toBeLessThanOrEqual(NARROW.width);
      }
      await page.setViewportSize(DESKTOP);
    });
  }
});

describe("moderation without JavaScript", () => {
  it("publishes the detector's redaction, refuses one with a reason, and answers two together", async () => {
    await go(`${MOD}/beitrag/${ids[0]}?lng=de`);
    expect(await page.locator("mark.finding").count()).toBeGreaterThanOrEqual(2);
    const suggested = await page.locator("textarea[name^=public_]").inputValue();
    expect(suggested).toContain("[Telefonnummer entfernt]");
    await submit('form:has(input[name=intent][value=publish]) button[type=submit]');
    expect(await page.locator("[role=status]").innerText()).toContain("veröffentlicht");
    expect((await h.db.selectFrom("submissions").select("state").where("id", "=", ids[0]).executeTakeFirstOrThrow()).state).toBe("published_redacted");

    await go(`${MOD}/beitrag/${ids[0]}?lng=de`);
    await page.locator("input[name=reason][value=off_topic]").check();
    await submit('form:has(input[name=intent][value=not_publish]) button[type=submit]');
    expect((await h.db.selectFrom("submissions").select("state").where("id", "=", ids[0]).executeTakeFirstOrThrow()).state).toBe("not_published");

    await go(`${MOD}/${procedureId}?lng=de`);
    await page.locator(`#sel-${ids[1]}`).check();
    await page.locator(`#sel-${ids[2]}`).check();
    await submit('form[action$="/antwort"] button[type=submit]:not([formaction])');
    expect(page.url()).toContain(`id=${ids[1]}`);
    await page.locator("input[name=decision][value=partly_accepted]").check();
    await page.locator("textarea[name=response_text]").fill("Der Radweg wird 2027 auf 2,50 m verbreitert.");
    await submit("form:has(textarea[name=response_text]) button[type=submit]");
    expect(page.url()).toContain(`${MOD}/${procedureId}`);
    const rows = await h.db.selectFrom("submissions").select(["response_state", "response_id"]).where("id", "in", [ids[1], ids[2]]).execute();
    expect(rows.every((r) => r.response_state === "answered")).toBe(true);
    expect(new Set(rows.map((r) => r.response_id)).size).toBe(1);
  });
});
