/**
 * Every resident page, in every shipped language, in a real browser: no axe-core violations of
 * WCAG 2.2 A/AA (checked at desktop width), the page's language and direction declared, no
 * horizontal scrolling at 320 CSS px (WCAG 1.4.10 Reflow), and no JavaScript shipped.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Locator, Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DESKTOP, NARROW, axeCheck, launchBrowser, type Browser } from "../support/browser";
import { projectRoot, startServer, type TestServer } from "../support/server";

const LANGUAGES = ["de", "en", "ar"] as const;
type Lng = (typeof LANGUAGES)[number];

const ORG = "/musterstadt";
const CONSULTATION = `${ORG}/verfahren/radverkehrsplan-2030`;
const SURVEY = `${ORG}/verfahren/buergerhaushalt-2027`;
const CLOSED = `${ORG}/verfahren/marktplatz`;
const MISSING = `${ORG}/verfahren/gibt-es-nicht`;

/** The German skip link text: a page in another language that shows it is not translated. */
const germanSkipLink: string = JSON.parse(readFileSync(join(projectRoot, "locales/de/common.json"), "utf8")).skipToContent;

let server: TestServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await startServer();
  // the pages ship no JavaScript, so a JavaScript-enabled browser shows exactly what everyone
  // gets, and axe runs in the page itself
  browser = await launchBrowser({ javaScriptEnabled: true, viewport: DESKTOP });
  page = browser.page;
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function open(path: string, lng: Lng): Promise<Response> {
  const response = await page.goto(`${server.url}${path}?lng=${lng}`, { waitUntil: "load" });
  if (!response) throw new Error(`no response for ${path}`);
  return response;
}

/** Clicks something that submits a form and waits until the resulting page has loaded. */
async function submitWith(button: Locator): Promise<Response> {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: "load" }), button.click()]);
  if (!response) throw new Error("the click did not load a page");
  return response;
}

async function shown(locator: Locator) {
  expect(await locator.isVisible(), `${locator} is not visible on ${page.url()}`).toBe(true);
}

const submitButton = () => page.locator("main form button[type=submit]");

/** Answers the required questions of the consultation (labels are procedure content, in German). */
async function fillConsultation() {
  await page.getByLabel("Ihre Stellungnahme zum Entwurf").fill("Die Kreuzung am Bahnhof braucht eine sichere Querung.");
  await page.getByRole("group", { name: /Wie sind Sie in der Stadt meistens unterwegs/ }).getByLabel("Mit dem Fahrrad").check();
  await page.getByRole("group", { name: /Wie bewerten Sie den Entwurf insgesamt/ }).getByLabel("4", { exact: true }).check();
}

interface PageState {
  name: string;
  /** brings the page into the state to check; returns the response that produced the document */
  reach(lng: Lng): Promise<Response>;
  status: number;
  /** what shows that the intended page (not some error page) is on screen */
  shows(): Promise<void>;
}

const PAGES: PageState[] = [
  {
    name: "procedure list",
    reach: (lng) => open(ORG, lng),
    status: 200,
    shows: async () => {
      await shown(page.locator(`main a[href="${CONSULTATION}"]`));
    },
  },
  {
    name: "consultation with form",
    reach: (lng) => open(CONSULTATION, lng),
    status: 200,
    shows: async () => {
      await shown(submitButton());
    },
  },
  {
    name: "consultation form sent empty (error summary)",
    reach: async (lng) => {
      await open(CONSULTATION, lng);
      return submitWith(submitButton());
    },
    status: 400,
    shows: async () => {
      await shown(page.locator(".error-summary"));
      await shown(page.locator(".error-summary a").first());
    },
  },
  {
    name: "full privacy notice",
    reach: (lng) => open(`${CONSULTATION}/datenschutz`, lng),
    status: 200,
    shows: async () => {
      await shown(page.locator(`main a[href="${CONSULTATION}"]`));
    },
  },
  {
    name: "survey with form",
    reach: (lng) => open(SURVEY, lng),
    status: 200,
    shows: async () => {
      await shown(submitButton());
    },
  },
  {
    name: "closed procedure",
    reach: (lng) => open(CLOSED, lng),
    status: 200,
    shows: async () => {
      await shown(page.locator("main h1"));
      expect(await page.locator("main form").count(), "forms on a closed procedure").toBe(0);
    },
  },
  {
    name: "check your answers",
    reach: async (lng) => {
      await open(CONSULTATION, lng);
      await fillConsultation();
      return submitWith(submitButton());
    },
    status: 200,
    shows: async () => {
      expect(new URL(page.url()).pathname).toBe(`${CONSULTATION}/pruefen`);
      await shown(page.locator(`main a[href^="${CONSULTATION}#q"]`).first());
      await shown(submitButton());
    },
  },
  {
    name: "confirmation",
    reach: async (lng) => {
      await open(CONSULTATION, lng);
      await fillConsultation();
      await submitWith(submitButton());
      return submitWith(submitButton());
    },
    status: 200,
    shows: async () => {
      expect(new URL(page.url()).pathname).toBe(`${CONSULTATION}/bestaetigung`);
      expect(await page.locator("#receipt-code").textContent()).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]$/);
    },
  },
  {
    name: "page not found",
    reach: (lng) => open(MISSING, lng),
    status: 404,
    shows: async () => {
      await shown(page.locator("main h1"));
    },
  },
];

/** Elements sticking out of a 320 px viewport on the scrolling side, for a readable reflow failure. */
function overflowingElements(): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const rtl = getComputedStyle(document.documentElement).direction === "rtl";
    const out: string[] = [];
    for (const el of Array.from(document.body.querySelectorAll("*"))) {
      const r = el.getBoundingClientRect();
      // only the side that scrolls: the end side (right in ltr, left in rtl)
      if (r.width > 0 && (rtl ? r.left < -0.5 : r.right > width + 0.5)) {
        const cls = el.getAttribute("class");
        out.push(`<${el.tagName.toLowerCase()}${cls ? ` class="${cls}"` : ""}> spans ${Math.round(r.left)}…${Math.round(r.right)} px`);
      }
    }
    return out.slice(0, 8);
  });
}

describe.each(LANGUAGES)("resident pages in %s", (lng) => {
  test.each(PAGES)("$name", async (state) => {
    await page.setViewportSize(DESKTOP);
    const response = await state.reach(lng);
    expect(response.status(), `HTTP status of ${page.url()}; server log:\n${server.logs().slice(-3000)}`).toBe(state.status);
    await state.shows();

    // language and direction of the page (WCAG 3.1.1), and the text really in that language
    const root = await page.evaluate(() => ({
      lang: document.documentElement.getAttribute("lang"),
      dir: document.documentElement.getAttribute("dir"),
    }));
    expect.soft(root.lang, "<html lang>").toBe(lng);
    expect.soft(root.dir, "<html dir>").toBe(lng === "ar" ? "rtl" : "ltr");
    if (lng !== "de") {
      expect
        .soft(await page.locator(".skip-link").textContent(), `the skip link is still German on a page declared lang="${lng}"`)
        .not.toBe(germanSkipLink);
    }

    // no JavaScript: neither in the HTML as sent nor in the document
    const html = await response.text();
    expect.soft(html, "the HTML as sent contains a <script> element").not.toMatch(/<script/i);
    expect.soft(await page.evaluate(() => document.scripts.length), "document.scripts.length").toBe(0);

    // WCAG 2.2 A/AA, as far as axe-core can tell, at desktop width
    expect.soft(await axeCheck(page), `axe-core violations on ${page.url()} (${lng})`).toEqual([]);

    // reflow: nothing to scroll sideways at 320 CSS px
    await page.setViewportSize(NARROW);
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    const overflowing = scrollWidth > NARROW.width ? await overflowingElements() : [];
    expect
      .soft(scrollWidth, `horizontal scrolling at 320 px on ${page.url()} (${lng}); sticking out:\n${overflowing.join("\n")}`)
      .toBeLessThanOrEqual(NARROW.width);
    await page.setViewportSize(DESKTOP);
  });
});
