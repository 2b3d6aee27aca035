/**
 * The accessibility statement, the barrier form (empty, with errors) and its confirmation in all
 * eight languages, and the admins' barrier pages in German and English, in Chromium: 0 axe-core
 * violations of WCAG 2.2 A/AA, no horizontal scrolling at 320 CSS px, no script shipped. The form is
 * sent by clicking its button, as a resident would.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { SUPPORTED_LANGUAGES } from "~/i18n/config";
import { DESKTOP, NARROW, axeCheck, launchBrowser, type Browser } from "../support/browser";
import { startServer, type TestServer } from "../support/server";
import { DEMO, signIn } from "../support/staff";

const ORG = "/musterstadt";
let server: TestServer;
let h: DatabaseHandle;
let browser: Browser;
let page: Page;
let adminCookies: { name: string; value: string; url: string }[] = [];

beforeAll(async () => {
  server = await startServer();
  h = openDatabase(server.database.url);
  const admin = await signIn(server.url, DEMO.admin, { db: h.db });
  adminCookies = [...admin.client.cookies].map(([name, value]) => ({ name, value, url: server.url }));
  browser = await launchBrowser({ javaScriptEnabled: true, viewport: DESKTOP });
  page = browser.page;
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
  await server?.stop();
});

async function checkPage(label: string) {
  expect(await axeCheck(page), `axe on ${label}`).toEqual([]);
  expect(await page.locator("script").count(), `scripts on ${label}`).toBe(0);
  await page.setViewportSize(NARROW);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `horizontal scroll at 320 px on ${label}`).toBeLessThanOrEqual(0);
  await page.setViewportSize(DESKTOP);
}

describe.each(SUPPORTED_LANGUAGES.map((l, i) => [l, i] as const))("resident pages in %s", (lng, i) => {
  test("statement, form with errors, confirmation", async () => {
    await browser.context.clearCookies();
    // every language sends a report from the same address: the per-client limit starts afresh
    await h.db.deleteFrom("rate_limits").execute();
    const statement = await page.goto(`${server.url}${ORG}/barrierefreiheit?lng=${lng}`, { waitUntil: "load" });
    expect(statement?.status()).toBe(200);
    expect(await page.getAttribute("html", "lang")).toBe(lng);
    await checkPage(`statement (${lng})`);

    // from the statement to the form, by its link
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.locator(`main a[href="${ORG}/barrierefreiheit/melden"]`).click()]);
    await checkPage(`form (${lng})`);

    // sent empty: the error summary, focused, links to the fields
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.locator("main form button[type=submit]").click()]);
    expect(await page.locator("[data-error-summary] a").count()).toBe(2);
    expect(await page.evaluate(() => document.activeElement?.hasAttribute("data-error-summary"))).toBe(true);
    await checkPage(`form with errors (${lng})`);

    await page.fill("#page", "Radverkehrsplan 2030");
    await page.fill("#description", `Test ${lng}: the map has no text alternative.`);
    await page.fill("#email", `leser.${i}@example.org`);
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.locator("main form button[type=submit]").click()]);
    expect(page.url()).toMatch(/\/barrierefreiheit\/melden\/bestaetigung\?nummer=BF-/);
    expect(await page.locator("#reference").textContent()).toMatch(/^BF-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    await checkPage(`confirmation (${lng})`);
  });
});

describe.each(["de", "en"] as const)("admin pages in %s", (lng) => {
  test("dashboard, reports, one report, the statement editor", async () => {
    await browser.context.clearCookies();
    await browser.context.addCookies(adminCookies);
    const report = await h.db.selectFrom("barrier_reports").select("id").orderBy("id").executeTakeFirstOrThrow();
    for (const path of ["/verwaltung", "/verwaltung/barrierefreiheit", `/verwaltung/barrierefreiheit/${report.id}`, "/verwaltung/barrierefreiheit/erklaerung"]) {
      const res = await page.goto(`${server.url}${ORG}${path}?lng=${lng}`, { waitUntil: "load" });
      expect(res?.status(), path).toBe(200);
      expect(await page.getAttribute("html", "lang")).toBe(lng);
      await checkPage(`${path} (${lng})`);
    }
    // the answer form sent empty: error summary, still no violations
    await page.goto(`${server.url}${ORG}/verwaltung/barrierefreiheit/${report.id}?lng=${lng}`, { waitUntil: "load" });
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.locator('form:has(input[value="answer"]) button[type=submit]').click()]);
    expect(await page.locator("[data-error-summary] a[href='#answer']").count()).toBe(1);
    await checkPage(`report with an error (${lng})`);
  });
});
