/**
 * What a screen reader hears on the key pages, kept as reviewed fixtures: the accessibility tree
 * (roles, accessible names, states; Playwright's ARIA snapshot) of each page marked `key` in
 * tests/support/pages.ts, in German, and two of them in Arabic as well. A change to what a screen
 * reader announces shows up as a diff of tests/browser/a11y-snapshots/*.yml in review.
 *
 * Volatile parts are normalised: dates and times, receipt codes, ids and ports in URLs, counts of
 * days. After an intended change, rewrite the fixtures and review the diff:
 *   UPDATE_A11Y_SNAPSHOTS=1 npm test -- tests/browser/a11y-tree.test.ts
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { DESKTOP, launchBrowser, type Browser } from "../support/browser";
import { ALL_PAGES, openPage, prepareSite, type RegisteredPage, type Site } from "../support/pages";
import { projectRoot, startServer, type TestServer } from "../support/server";

const DIR = join(projectRoot, "tests/browser/a11y-snapshots");
const UPDATE = process.env.UPDATE_A11Y_SNAPSHOTS === "1";
/** the pages also kept in Arabic (right to left) */
const ALSO_ARABIC = ["consultation form sent empty (error summary)", "privacy log"];

let server: TestServer;
let site: Site;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await startServer();
  site = await prepareSite(server);
  browser = await launchBrowser({ javaScriptEnabled: true, viewport: DESKTOP });
  page = browser.page;
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await server?.stop();
});

const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

/** Replaces what changes from run to run (dates, codes, ids) with stable placeholders. */
export function normalise(snapshot: string, site: Site): string {
  return snapshot
    .replaceAll(site.url, "")
    .replaceAll(site.ids.receiptCode, "<receipt-code>")
    .replace(/\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]\b/g, "<receipt-code>")
    .replace(/\b\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?\b/g, "<date>")
    .replace(/\b\d{1,2}\.\d{1,2}\.\d{4}\b/g, "<date>")
    .replace(/\b\d{1,2}\. [A-ZÄÖÜ][a-zäöü]+ \d{4}\b/g, "<date>")
    .replace(/\b\d{1,2} [A-Z][a-z]+ \d{4}\b/g, "<date>")
    .replace(/[\u0660-\u0669\d]{1,2} [\u0600-\u06FF]+ [\u0660-\u0669\d]{4}/g, "<date>")
    .replace(/[\u0660-\u0669\d]{1,2}[:٫][\u0660-\u0669\d]{2}( Uhr| [صم](?=\s|$))?/g, "<time>")
    .replace(/\/(verfahren|moderation|schalter|konten|beitrag|eintrag|beleg)\/(\d+|[A-Za-z0-9_-]{16,64})\b/g, "/$1/<id>")
    .replace(/([?&](konto|frage|id)=)\d+/g, "$1<id>")
    .replace(/\b\d+ (Tage|Tagen|days|يوم|أيام)\b/g, "<n> $1")
    // the transparency log's checkpoint: its number is the tree size when the timer last signed
    .replace(/(Prüfpunkt|[Cc]heckpoint|نقطة التحقق) [\u0660-\u0669\d]+/g, "$1 <n>");
}

async function snapshotOf(p: RegisteredPage, lng: string): Promise<string> {
  const response = await openPage(browser.context, page, site, p, lng);
  expect(response.status(), `${p.name} [${lng}]`).toBe(p.status);
  return normalise(await page.locator("body").ariaSnapshot(), site) + "\n";
}

const cases = ALL_PAGES.filter((p) => p.key).flatMap((p) => [
  { p, lng: "de", file: `${slug(p.name)}.de.yml` },
  ...(ALSO_ARABIC.includes(p.name) ? [{ p, lng: "ar", file: `${slug(p.name)}.ar.yml` }] : []),
]);

test("the registry marks the key pages", () => {
  expect(cases.length).toBeGreaterThanOrEqual(10);
});

test.each(cases)("$p.role: $p.name [$lng] sounds as reviewed ($file)", async ({ p, lng, file }) => {
  const actual = await snapshotOf(p, lng);
  const path = join(DIR, file);
  if (UPDATE || !existsSync(path)) {
    mkdirSync(DIR, { recursive: true });
    writeFileSync(path, actual);
    if (!UPDATE) throw new Error(`no reviewed snapshot yet: wrote ${file}; review it, commit it, run again`);
    return;
  }
  const expected = readFileSync(path, "utf8");
  expect(
    actual,
    `what a screen reader hears on ${p.name} [${lng}] changed. If intended: UPDATE_A11Y_SNAPSHOTS=1 npm test -- tests/browser/a11y-tree.test.ts and review the diff of tests/browser/a11y-snapshots/${file}`,
  ).toBe(expected);
});
