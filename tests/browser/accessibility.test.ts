/**
 * Every registered page (tests/support/pages.ts) of every role — resident pages in every shipped
 * language, staff pages in German and English — in a real browser, one page load each, on which:
 *   - the HTTP status is the intended one, <html lang dir> is the page's language and direction, the
 *     page is really in that language where the language has its own texts, and no script is shipped
 *     (resident pages);
 *   - axe-core finds no violation of WCAG 2.0–2.2 A/AA (desktop width);
 *   - prefers-reduced-motion: nothing animates or transitions (the whole file runs with it on);
 *   - 1.4.12 text spacing (the WCAG bookmarklet's CSS): nothing cut off, nothing to scroll sideways;
 *   - 1.4.10 reflow at 320×800 and at 320×256 — a 1280×1024 window at 400 % zoom lays out a
 *     320×256 CSS px viewport, which is how the zoom is emulated (a smaller viewport, not pinch zoom);
 *   - 2.5.8 target size at 320 px (the phone, where pointers are fingers);
 *   - a Tab walk over the whole page at 320×256 (in de and ar): each stop visible (2.4.11, not
 *     hidden by anything) and with a focus indicator of 3:1 contrast;
 *   - forced colors (high contrast): borders, focus outlines and the current page still visible.
 * The checks live in tests/support/wcag22.ts.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { directionOf } from "~/i18n/config";
import { DESKTOP, NARROW, axeCheck, launchBrowser, type Browser } from "../support/browser";
import { openPage, prepareSite, visits, type Site } from "../support/pages";
import { projectRoot, startServer, type TestServer } from "../support/server";
import { focusWalk, forcedColors, reducedMotion, reflow, targetSize, textSpacing } from "../support/wcag22";

/**
 * The Tab walk (about a second a page) runs in one left-to-right and one right-to-left language:
 * the stops and the styles are the same in every language, only the text differs.
 */
const WALK_LANGUAGES = ["de", "ar"];

/** 1280×1024 at 400 % zoom */
const ZOOMED = { width: 320, height: 256 } as const;

/** Each language's own skip-link text, when it has one (translations still being written fall back to German). */
const skipLinkOf = (lng: string): string | null => {
  const file = join(projectRoot, `locales/${lng}/common.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")).skipToContent ?? null) : null;
};
const germanSkipLink = skipLinkOf("de");

let server: TestServer;
let site: Site;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await startServer();
  site = await prepareSite(server);
  // the pages ship no JavaScript, so a JavaScript-enabled browser shows exactly what everyone
  // gets, and axe runs in the page itself
  browser = await launchBrowser({ javaScriptEnabled: true, viewport: DESKTOP, bypassCSP: true });
  page = browser.page;
  await page.emulateMedia({ reducedMotion: "reduce" });
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await server?.stop();
});

const cases = visits().map(([p, lng]) => ({ p, lng, title: `${p.role}: ${p.name} [${lng}]` }));

test.each(cases)("$title", async ({ p, lng }) => {
  await page.setViewportSize(DESKTOP);
  const response = await openPage(browser.context, page, site, p, lng);
  const where = `${p.name} [${lng}] ${page.url()}`;
  expect(response.status(), `HTTP status of ${where}; server log:\n${server.logs().slice(-3000)}`).toBe(p.status);

  // language and direction (WCAG 3.1.1), and the text really in that language
  const root = await page.evaluate(() => ({ lang: document.documentElement.getAttribute("lang"), dir: document.documentElement.getAttribute("dir") }));
  expect.soft(root.lang, `<html lang> of ${where}`).toBe(lng);
  expect.soft(root.dir, `<html dir> of ${where}`).toBe(directionOf(lng));
  const own = skipLinkOf(lng);
  if (lng !== "de" && own && own !== germanSkipLink) {
    expect.soft((await page.locator(".skip-link").textContent())?.trim(), `the skip link of ${where}`).toBe(own.trim());
  }
  if (p.role === "resident") {
    expect.soft(await response.text(), `the HTML of ${where} contains a <script> element`).not.toMatch(/<script/i);
  }
  expect.soft(await page.evaluate(() => document.scripts.length), `scripts in ${where}`).toBe(0);

  expect.soft(await axeCheck(page), `axe-core violations on ${where}`).toEqual([]);
  expect.soft(await reducedMotion(page), `motion under prefers-reduced-motion on ${where}`).toEqual([]);
  expect.soft(await textSpacing(page), `text spacing (1.4.12) on ${where}`).toEqual([]);

  await page.setViewportSize(NARROW);
  expect.soft(await reflow(page), `reflow at 320×800 on ${where}`).toEqual([]);
  expect.soft(await targetSize(page), `targets under 24×24 px (2.5.8) on ${where}`).toEqual([]);

  await page.setViewportSize(ZOOMED);
  expect.soft(await reflow(page), `reflow at 320×256 (400 % zoom) on ${where}`).toEqual([]);
  if (WALK_LANGUAGES.includes(lng)) {
    const walk = await focusWalk(page);
    expect.soft(walk.stops, `Tab stops on ${where}`).toBeGreaterThan(0);
    expect.soft(walk.problems, `focus obscured or invisible (2.4.11, 2.4.7) on ${where}`).toEqual([]);
  }

  await page.setViewportSize(DESKTOP);
  expect.soft(await forcedColors(page), `forced colors on ${where}`).toEqual([]);
});
