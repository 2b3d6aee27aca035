/**
 * The whole resident journey in Leichte Sprache (de-x-ls), in Chromium, the way a person clicks
 * through it: home page → the page explaining the site → back to the procedures → a procedure →
 * the form sent empty (error summary) → the form → check your answers → the receipt code → the
 * look-up → the privacy log. Every page: declared de-x-ls, its texts from the Leichte Sprache
 * files, no script, 0 axe-core violations (WCAG 2.2 A/AA), nothing to scroll sideways at 320 px.
 *
 * One look-up (rate limit: 10 per 15 minutes per address).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Locator, Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { axeCheck, type Browser, DESKTOP, FORM_SUBMIT, launchBrowser, NARROW } from "../support/browser";
import { projectRoot, startServer, type TestServer } from "../support/server";

const LS = "de-x-ls";
const ORG = "/musterstadt";
const CONSULTATION = `${ORG}/verfahren/radverkehrsplan-2030`;
const RECEIPT_CODE = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]$/;
const GERMAN_DATE = /\b\d{1,2}\. (Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember) \d{4}\b/;

// the interface texts the pages must show: the Leichte Sprache files, not the German ones
const texts = (ns: string) => JSON.parse(readFileSync(join(projectRoot, `locales/${LS}/${ns}.json`), "utf8"));
const common = texts("common");
const procedures = texts("procedures");
const submissions = texts("submissions");
const privacy = texts("privacy");

let server: TestServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await startServer();
  // the pages ship no JavaScript (checked on every page below), so this browser sees what everyone gets
  browser = await launchBrowser({ viewport: DESKTOP });
  page = browser.page;
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function loads(action: () => Promise<unknown>): Promise<Response> {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: "load" }), action()]);
  if (!response) throw new Error(`no new page loaded (still at ${page.url()})`);
  return response;
}

const pathOf = () => new URL(page.url()).pathname;
const mainText = () => page.locator("main").innerText();
const submit = () => page.locator(FORM_SUBMIT);

/** Elements sticking out of a 320 px viewport, for a readable reflow failure. */
const overflowing = () =>
  page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out: string[] = [];
    for (const el of Array.from(document.body.querySelectorAll("*"))) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > width + 0.5) {
        out.push(`<${el.tagName.toLowerCase()} class="${el.getAttribute("class") ?? ""}"> ${JSON.stringify((el.textContent ?? "").trim().slice(0, 40))} ends at ${Math.round(r.right)} px`);
      }
    }
    return out.slice(0, 8);
  });

/** The checks every page of the journey must pass; collected softly so one run shows all. */
async function checkPage(name: string) {
  const root = await page.evaluate(() => ({
    lang: document.documentElement.getAttribute("lang"),
    dir: document.documentElement.getAttribute("dir"),
    scripts: document.scripts.length,
  }));
  expect.soft(root, `${name}: language, direction, scripts`).toEqual({ lang: LS, dir: "ltr", scripts: 0 });
  expect.soft(await page.locator(".skip-link").textContent(), `${name}: skip link`).toBe(common.skipToContent);
  expect.soft(await axeCheck(page), `${name}: axe-core violations`).toEqual([]);
  await page.setViewportSize(NARROW);
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  const sticking = scrollWidth > NARROW.width ? await overflowing() : [];
  expect.soft(scrollWidth, `${name}: horizontal scrolling at 320 px; sticking out:\n${sticking.join("\n")}`).toBeLessThanOrEqual(NARROW.width);
  await page.setViewportSize(DESKTOP);
}

async function click(link: Locator) {
  const response = await loads(() => link.click());
  expect(response.status(), `${page.url()}; server log:\n${server.logs().slice(-2000)}`).toBeLessThan(500);
  return response;
}

describe("the resident journey in Leichte Sprache", () => {
  test("from the home page to the privacy log, every page accessible and in Leichte Sprache", async () => {
    // 1. the home page, Leichte Sprache chosen in the switcher
    await page.goto(`${server.url}${ORG}`, { waitUntil: "load" });
    await click(page.locator("nav.languages").getByRole("link", { name: "Leichte Sprache" }));
    expect(await page.locator("nav.languages a[aria-current]").textContent()).toBe("Leichte Sprache");
    expect(await page.locator("main h1").textContent()).toContain("Mit·reden in");
    expect(await mainText()).toMatch(GERMAN_DATE);
    await checkPage("home page");

    // 2. the page explaining the site, and back to the procedures from there
    await click(page.locator("main").getByRole("link", { name: "Leichte Sprache", exact: true }));
    expect(pathOf()).toBe(`${ORG}/leichte-sprache`);
    expect(await page.locator("main h2").allInnerTexts()).toContain("Was ist der Code?");
    await checkPage("Leichte Sprache page");
    await click(page.getByRole("link", { name: "Hier finden Sie alle Beteiligungen" }));
    expect(pathOf()).toBe(ORG);

    // 3. a procedure (its own texts are German content), its form sent empty: an error summary
    await click(page.locator(`main a[href="${CONSULTATION}"]`));
    expect(await mainText()).toContain(procedures.privacy.heading);
    await checkPage("procedure with form");
    let response = await click(page.getByRole("button", { name: submissions.form.continue }));
    expect(response.status()).toBe(400);
    const summary = page.locator(".error-summary");
    expect(await summary.innerText()).toContain(common.errorSummaryTitle);
    expect(await summary.innerText()).toContain(submissions.errors.required);
    expect(await page.title()).toMatch(new RegExp(`^${common.errorTitlePrefix}: `));
    await checkPage("form with errors");

    // 4. the form filled in, with a name and an e-mail address
    await page.getByLabel("Ihre Stellungnahme zum Entwurf").fill("Die Kreuzung am Bahnhof braucht eine sichere Querung.");
    await page.getByRole("group", { name: /Wie sind Sie in der Stadt meistens unterwegs/ }).getByLabel("Mit dem Fahrrad").check();
    await page.getByRole("group", { name: /Wie bewerten Sie den Entwurf insgesamt/ }).getByLabel("4", { exact: true }).check();
    await page.locator("#contact_name").fill("Erika Mustermann");
    await page.locator("#contact_email").fill("erika.mustermann@example.org");
    await click(page.getByRole("button", { name: submissions.form.continue }));
    expect(pathOf()).toBe(`${CONSULTATION}/pruefen`);
    expect(await page.locator("main h1").textContent()).toBe(submissions.check.title);
    await checkPage("check your answers");

    // 5. sent: the receipt code
    await click(page.getByRole("button", { name: submissions.check.send }));
    expect(pathOf()).toBe(`${CONSULTATION}/bestaetigung`);
    expect(await page.locator("main h1").textContent()).toBe(submissions.confirmation.title);
    const code = ((await page.locator("#receipt-code").textContent()) ?? "").trim();
    expect(code).toMatch(RECEIPT_CODE);
    await checkPage("receipt code");

    // 6. the look-up, with the code as printed
    await click(page.getByRole("link", { name: submissions.confirmation.lookupLink }));
    expect(pathOf()).toBe(`${ORG}/beitrag`);
    await checkPage("look-up");
    await page.getByLabel(privacy.lookup.codeLabel).fill(code);
    response = await click(page.getByRole("button", { name: privacy.lookup.submit }));
    expect(response.status()).toBe(200);

    // 7. the privacy log, explained in Leichte Sprache, dates the German way
    expect(pathOf()).toBe(`${ORG}/beitrag/protokoll`);
    const log = await mainText();
    expect(log).toContain(privacy.log.title);
    expect(log).toContain(privacy.events.received.title);
    expect(log).toContain(privacy.events.personal_data_stored.title);
    expect(log).toContain(privacy.log.chainIntact);
    expect(log).toMatch(GERMAN_DATE);
    expect(log).not.toContain("erika.mustermann@example.org"); // masked
    await checkPage("privacy log");
  });
});
