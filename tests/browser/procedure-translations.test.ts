/**
 * Translations in a real browser: the admin's translation editor (de, en) and a procedure page
 * read in Arabic (right to left) whose content is German, and in Turkish (partly translated) —
 * no axe-core violations of WCAG 2.2 A/AA, no horizontal scrolling at 320 CSS px, German pieces
 * declared German (and left to right inside the Arabic page), and the editor's error summary
 * reached without JavaScript.
 */
import type { Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { DESKTOP, NARROW, axeCheck, launchBrowser, type Browser } from "../support/browser";
import { startServer, type TestServer } from "../support/server";
import { DEMO, signIn } from "../support/staff";

const PROCEDURE = "/musterstadt/verfahren/radverkehrsplan-2030";

let server: TestServer;
let h: DatabaseHandle;
let browser: Browser;
let page: Page;
let adminCookies: { name: string; value: string; url: string }[] = [];
let procedureId = 0;

beforeAll(async () => {
  server = await startServer();
  h = openDatabase(server.database.url);
  procedureId = (await h.db.selectFrom("procedures").select("id").where("slug", "=", "radverkehrsplan-2030").executeTakeFirstOrThrow()).id;
  const admin = await signIn(server.url, DEMO.admin, { db: h.db });
  adminCookies = [...admin.client.cookies].map(([name, value]) => ({ name, value, url: server.url }));
  // no JavaScript: what every resident and admin gets (axe runs in a mirror page)
  browser = await launchBrowser({ javaScriptEnabled: false, viewport: DESKTOP });
  page = browser.page;
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
  await server?.stop();
});

async function open(path: string, lng: string): Promise<Response> {
  const response = await page.goto(`${server.url}${path}${path.includes("?") ? "&" : "?"}lng=${lng}`, { waitUntil: "load" });
  if (!response) throw new Error(`no response for ${path}`);
  return response;
}

async function reflows(): Promise<boolean> {
  await page.setViewportSize(NARROW);
  const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  await page.setViewportSize(DESKTOP);
  return fits;
}

describe("the translation editor", () => {
  for (const lng of ["de", "en"]) {
    test(`has no axe violations and reflows at 320 px (${lng}), with an error summary after too-long input`, async () => {
      await browser.context.clearCookies();
      await browser.context.addCookies(adminCookies);
      const editor = `/musterstadt/verwaltung/verfahren/${procedureId}/uebersetzung/ar`;
      expect((await open(editor, lng)).status()).toBe(200);
      expect(await page.getAttribute("html", "lang")).toBe(lng);
      expect(await axeCheck(page)).toEqual([]);
      expect(await reflows()).toBe(true);
      // the Arabic field is declared Arabic and right to left; the German original German
      expect(await page.getAttribute("#title", "lang")).toBe("ar");
      expect(await page.getAttribute("#title", "dir")).toBe("rtl");
      expect(await page.locator("#title-hint span[lang=de]").textContent()).toContain("Radverkehrsplan 2030");

      await page.fill("#title", "ع".repeat(301));
      const [response] = await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click(`main form[action="${editor}"] button[type=submit]`)]);
      expect(response?.status()).toBe(400);
      expect(await page.locator(".error-summary a[href='#title']").count()).toBe(1);
      expect(await axeCheck(page)).toEqual([]);
      const stored = await h.db.selectFrom("procedure_translations").select("language").where("procedure_id", "=", procedureId).where("language", "=", "ar").executeTakeFirst();
      expect(stored).toBeUndefined();
    });
  }
});

describe("a procedure in the reader's language", () => {
  test("in Arabic (nothing translated): German pieces lang=de dir=ltr, the note, no axe violations, reflows", async () => {
    await browser.context.clearCookies();
    expect((await open(PROCEDURE, "ar")).status()).toBe(200);
    expect(await page.getAttribute("html", "dir")).toBe("rtl");
    const h1 = page.locator("main h1");
    expect([await h1.getAttribute("lang"), await h1.getAttribute("dir")]).toEqual(["de", "ltr"]);
    // the German text is laid out left to right inside the right-to-left page
    expect(await h1.evaluate((el) => getComputedStyle(el).direction)).toBe("ltr");
    expect(await page.locator("[data-content-language-note]").textContent()).toBe("هذه المشاورة متوفرة باللغة الألمانية فقط.");
    expect(await axeCheck(page)).toEqual([]);
    expect(await reflows()).toBe(true);
  });

  test("in Turkish (partly translated): translated pieces lang=tr, the rest lang=de, the note, no axe violations", async () => {
    await browser.context.clearCookies();
    expect((await open(PROCEDURE, "tr")).status()).toBe(200);
    expect(await page.locator("main h1").getAttribute("lang")).toBe("tr");
    expect(await page.locator("label span[lang=tr]", { hasText: "Bisikletle" }).count()).toBe(1);
    expect(await page.locator("label span[lang=de]", { hasText: "Mit Bus oder Bahn" }).count()).toBe(1);
    expect(await page.locator("[data-content-language-note]").count()).toBe(1);
    expect(await axeCheck(page)).toEqual([]);
    expect(await reflows()).toBe(true);
  });

  test("in English (complete): no note, no axe violations", async () => {
    await browser.context.clearCookies();
    expect((await open(PROCEDURE, "en")).status()).toBe(200);
    expect(await page.locator("main h1").textContent()).toBe("Cycling Plan 2030 – draft for comment");
    expect(await page.locator("[data-content-language-note]").count()).toBe(0);
    expect(await axeCheck(page)).toEqual([]);
  });
});
