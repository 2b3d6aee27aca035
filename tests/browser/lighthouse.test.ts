/**
 * Lighthouse 12.2.3 (its default configuration: a mid-range phone, simulated slow 4G) on the
 * a sample of resident pages (below) in German and Arabic: the accessibility score must be 100. The performance score and
 * its key metrics are printed as figures for the notes, not asserted (speed goals live in
 * `npm run bench`).
 *
 * Lighthouse drives the Chromium that playwright-core starts (tests/support/browser.ts), through
 * its DevTools port; pages behind a session get the session's cookies in that browser first.
 */
import { createServer } from "node:net";
import lighthouse from "lighthouse";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchBrowser, type Browser } from "../support/browser";
import { RESIDENT_PAGES, cookiesOf, prepareSite, withLanguage, type RegisteredPage, type Site } from "../support/pages";
import { startServer, type TestServer } from "../support/server";

let server: TestServer;
let site: Site;
let browser: Browser;
let port = 0;
const figures: string[] = [];

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port: p } = s.address() as { port: number };
      s.close(() => resolve(p));
    });
    s.on("error", reject);
  });

beforeAll(async () => {
  server = await startServer();
  site = await prepareSite(server);
  port = await freePort();
  browser = await launchBrowser({ javaScriptEnabled: true, args: [`--remote-debugging-port=${port}`] });
});

afterAll(async () => {
  if (figures.length) console.log(`[lighthouse, mobile, simulated throttling]\n  ${figures.join("\n  ")}`);
  await browser?.close();
  await site?.close();
  await server?.stop();
});

/**
 * A Lighthouse run takes 15–30 s on these machines, so it runs on a sample of the resident pages
 * (everything is also checked by axe in every language): the form in a left-to-right and a
 * right-to-left language, the list, the privacy log and the results.
 */
const byName = (name: string) => RESIDENT_PAGES.find((p) => p.name === name)!;
const cases: { p: RegisteredPage; lng: string }[] = [
  { p: byName("consultation with form"), lng: "de" },
  { p: byName("consultation with form"), lng: "ar" },
  { p: byName("procedure list"), lng: "de" },
  { p: byName("privacy log"), lng: "de" },
  { p: byName("results"), lng: "ar" },
];

/**
 * Lighthouse's own trace errors, whose message says "Please run Lighthouse again": Chromium's
 * trace sometimes misses its first events on a loaded machine (seen once in CI as NO_NAVSTART).
 * Such a run says nothing about the page, so it is run again, at most twice; any other runtime
 * error (the page did not load, an HTTP error) fails at once.
 */
const TRACE_ERRORS = new Set(["NO_NAVSTART", "NO_TRACING_STARTED", "NO_FCP", "NO_LCP", "NO_DCL", "NO_SCREENSHOTS", "NO_SPEEDLINE_FRAMES", "SPEEDINDEX_OF_ZERO", "INVALID_SPEEDLINE"]);
const ATTEMPTS = 3;

async function audit(url: string) {
  for (let attempt = 1; ; attempt++) {
    const result = await lighthouse(url, { port, output: "json", logLevel: "error", onlyCategories: ["accessibility", "performance"] });
    if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
    const code = result.lhr.runtimeError?.code;
    if (!code || !TRACE_ERRORS.has(code) || attempt === ATTEMPTS) return result.lhr;
    console.log(`[lighthouse] ${url}: ${code} on attempt ${attempt}, running again`);
  }
}

const ms = (v: number | undefined) => (v === undefined ? "–" : `${Math.round(v)} ms`);

test.each(cases)("$p.name [$lng]: accessibility 100", { timeout: 120_000 }, async ({ p, lng }) => {
  await browser.context.clearCookies();
  const cookies = cookiesOf(site, p.session);
  if (cookies.length) await browser.context.addCookies(cookies);
  const url = site.url + withLanguage(p.path(site), lng);
  const lhr = await audit(url);
  expect(lhr.runtimeError, `Lighthouse could not load ${url}`).toBeUndefined();
  const failed = Object.values(lhr.audits)
    .filter((a) => a.scoreDisplayMode === "binary" && a.score === 0 && lhr.categories.accessibility.auditRefs.some((r) => r.id === a.id))
    .map((a) => `${a.id}: ${a.title}`);
  const metric = (id: string) => lhr.audits[id]?.numericValue;
  figures.push(
    `${p.name} [${lng}]: performance ${Math.round((lhr.categories.performance.score ?? 0) * 100)}, accessibility ${Math.round((lhr.categories.accessibility.score ?? 0) * 100)}; ` +
      `FCP ${ms(metric("first-contentful-paint"))}, LCP ${ms(metric("largest-contentful-paint"))}, TBT ${ms(metric("total-blocking-time"))}, CLS ${(metric("cumulative-layout-shift") ?? 0).toFixed(3)}, SI ${ms(metric("speed-index"))}`,
  );
  expect(lhr.categories.accessibility.score, `accessibility audits failing on ${url}:\n${failed.join("\n")}`).toBe(1);
});
