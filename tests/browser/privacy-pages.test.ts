/**
 * The pages behind the receipt code, in every shipped language, in a real browser: no axe-core
 * violations of WCAG 2.2 A/AA (checked at desktop width), the page's language and direction
 * declared, no horizontal scrolling at 320 CSS px (WCAG 1.4.10 Reflow), and no JavaScript shipped.
 *
 * Each language gets one submission of its own (with contact data and consent) and one look-up;
 * the states after it (confirmations, erased, withdrawn) reuse the browser's cookie. Look-ups are
 * rate-limited (10 per 15 minutes per address): this file makes two per language, six in all.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Locator, Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { axeCheck, type Browser, DESKTOP, FORM_SUBMIT, launchBrowser, NARROW } from "../support/browser";
import { projectRoot, startServer, type TestServer } from "../support/server";

const LANGUAGES = ["de", "en", "ar"] as const;
type Lng = (typeof LANGUAGES)[number];

const ORG = "/musterstadt";
const CONSULTATION = `${ORG}/verfahren/radverkehrsplan-2030`;
const LOOKUP = `${ORG}/beitrag`;
const LOG = `${LOOKUP}/protokoll`;
const ERASE = `${LOOKUP}/loeschen`;
const WITHDRAW = `${LOOKUP}/zurueckziehen`;
const RECEIPT_CODE = /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]$/;
/** well-formed, but no submission has it */
const WRONG_CODE = "K7M4-2QXP-9ABR-T";

/** The German skip link text: a page in another language that shows it is not translated. */
const germanSkipLink: string = JSON.parse(readFileSync(join(projectRoot, "locales/de/common.json"), "utf8")).skipToContent;

interface PrivacyTexts {
  log: { done: Record<"deleted" | "withdrawn", string>; status: string };
  states: { withdrawn: string };
}
const privacyTexts = (lng: Lng): PrivacyTexts => JSON.parse(readFileSync(join(projectRoot, `locales/${lng}/privacy.json`), "utf8"));

/** One resident per language; the e-mail address shows masked on the log page. */
const person = (lng: Lng) => ({ name: "Erika Mustermann", email: `erika.${lng}@example.org`, masked: "e***@example.org" });

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

const submitButton = () => page.locator(FORM_SUBMIT);
/** The submit button of the form posting to `path` (pages behind the code have several forms). */
const buttonOf = (path: string) => page.locator(`main form[action="${path}"] button[type=submit]`);
const pathOf = () => new URL(page.url()).pathname;
const mainText = () => page.locator("main").innerText();

const GERMAN_LABELS = {
  statement: "Ihre Stellungnahme zum Entwurf",
  mode: /Wie sind Sie in der Stadt meistens unterwegs/,
  bike: "Mit dem Fahrrad",
  rating: /Wie bewerten Sie den Entwurf insgesamt/,
};
const ENGLISH_LABELS = {
  statement: "Your comments on the draft",
  mode: /How do you usually get around town/,
  bike: "By bike",
  rating: /How do you rate the draft overall/,
};

/** The receipt code of a new submission with name, e-mail and consent, sent in this language. */
const codes = new Map<Lng, string>();
async function participate(lng: Lng): Promise<string> {
  const known = codes.get(lng);
  if (known) return known;
  await open(CONSULTATION, lng);
  // question labels are procedure content: German, or the procedure's own translation (the demo
  // procedure has an English one)
  const labels = lng === "en" ? ENGLISH_LABELS : GERMAN_LABELS;
  await page.getByLabel(labels.statement).fill("Die Kreuzung am Bahnhof braucht eine sichere Querung.");
  await page.getByRole("group", { name: labels.mode }).getByLabel(labels.bike).check();
  await page.getByRole("group", { name: labels.rating }).getByLabel("4", { exact: true }).check();
  await page.locator("#contact_name").fill(person(lng).name);
  await page.locator("#contact_email").fill(person(lng).email);
  await page.locator("#consent_results").check();
  await submitWith(submitButton());
  expect(pathOf(), `after the form (${lng}); server log:\n${server.logs().slice(-3000)}`).toBe(`${CONSULTATION}/pruefen`);
  await submitWith(submitButton());
  expect(pathOf(), `after sending (${lng})`).toBe(`${CONSULTATION}/bestaetigung`);
  const code = ((await page.locator("#receipt-code").textContent()) ?? "").trim();
  expect(code).toMatch(RECEIPT_CODE);
  expect([...codes.values()], "each language has a submission of its own").not.toContain(code);
  codes.set(lng, code);
  return code;
}

/** Looks the language's submission up on the form (one look-up); returns the log page's response. */
const signedIn = new Set<Lng>();
async function lookUp(lng: Lng): Promise<Response> {
  const code = await participate(lng);
  await open(LOOKUP, lng);
  await page.locator("#code").fill(code);
  const response = await submitWith(submitButton());
  expect(pathOf(), `after looking up ${code} (${lng}); server log:\n${server.logs().slice(-3000)}`).toBe(LOG);
  signedIn.add(lng);
  return response;
}

/** The pages after the look-up need its cookie: look up first if that state did not get that far. */
async function ensureSignedIn(lng: Lng) {
  if (!signedIn.has(lng)) await lookUp(lng);
}

/** The state shown in the log page's facts ("Stand" / "Status" / "الحالة"). */
const statusShown = (lng: Lng) =>
  page
    .locator("main dl.facts dt")
    .filter({ hasText: new RegExp(`^\\s*${privacyTexts(lng).log.status}\\s*$`) })
    .locator("xpath=following-sibling::dd[1]");

interface PageState {
  name: string;
  /** brings the page into the state to check; returns the response that produced the document */
  reach(lng: Lng): Promise<Response>;
  status: number;
  /** what shows that the intended page (not some error page) is on screen */
  shows(lng: Lng): Promise<void>;
}

const PAGES: PageState[] = [
  {
    name: "look-up form",
    reach: (lng) => open(LOOKUP, lng),
    status: 200,
    shows: async () => {
      await shown(page.locator("main input#code"));
      await shown(submitButton());
      expect(await page.locator(".error-summary").count(), "error summary before anything was sent").toBe(0);
    },
  },
  {
    name: "look-up form after a wrong code (error summary)",
    reach: async (lng) => {
      await open(LOOKUP, lng);
      await page.locator("#code").fill(WRONG_CODE);
      return submitWith(submitButton());
    },
    status: 400,
    shows: async () => {
      await shown(page.locator(".error-summary"));
      await shown(page.locator('.error-summary a[href="#code"]'));
      await shown(page.locator("main .error-message"));
      expect(await page.locator("#code").inputValue(), "the wrong code stays in the field").toBe(WRONG_CODE);
    },
  },
  {
    name: "privacy log with personal data and consent",
    reach: (lng) => lookUp(lng),
    status: 200,
    shows: async (lng) => {
      expect(pathOf()).toBe(LOG);
      await shown(page.locator("main .masked", { hasText: person(lng).masked }));
      expect(await mainText(), "the e-mail address in clear text").not.toContain(person(lng).email);
      await shown(page.locator("main .timeline .timeline__item").first());
      await shown(buttonOf(`${LOOKUP}/daten`));
      await shown(page.locator(`main a[href="${ERASE}"]`));
      await shown(page.locator(`main a[href="${WITHDRAW}"]`));
      await shown(buttonOf(`${LOOKUP}/abmelden`));
    },
  },
  {
    name: "erase confirmation",
    reach: async (lng) => {
      await ensureSignedIn(lng);
      return open(ERASE, lng);
    },
    status: 200,
    shows: async () => {
      expect(pathOf()).toBe(ERASE);
      await shown(buttonOf(ERASE));
      await shown(page.locator(`main a[href="${LOG}"]`));
    },
  },
  {
    name: "withdraw confirmation",
    reach: async (lng) => {
      await ensureSignedIn(lng);
      return open(WITHDRAW, lng);
    },
    status: 200,
    shows: async () => {
      expect(pathOf()).toBe(WITHDRAW);
      await shown(buttonOf(WITHDRAW));
      await shown(page.locator(`main a[href="${LOG}"]`));
    },
  },
  {
    name: "privacy log after erasure (?done=deleted)",
    reach: async (lng) => {
      await ensureSignedIn(lng);
      await open(ERASE, lng);
      return submitWith(buttonOf(ERASE));
    },
    status: 200,
    shows: async (lng) => {
      expect(page.url()).toBe(`${server.url}${LOG}?done=deleted`);
      await shown(page.locator("main .notice[role=status]", { hasText: privacyTexts(lng).log.done.deleted }));
      expect(await mainText(), "the masked e-mail address after erasure").not.toContain(person(lng).masked);
    },
  },
  {
    name: "privacy log after withdrawal (?done=withdrawn)",
    reach: async (lng) => {
      await ensureSignedIn(lng);
      await open(WITHDRAW, lng);
      return submitWith(buttonOf(WITHDRAW));
    },
    status: 200,
    shows: async (lng) => {
      expect(page.url()).toBe(`${server.url}${LOG}?done=withdrawn`);
      await shown(page.locator("main .notice[role=status]", { hasText: privacyTexts(lng).log.done.withdrawn }));
      expect((await statusShown(lng).innerText()).trim()).toBe(privacyTexts(lng).states.withdrawn);
      expect(await page.locator(`main a[href="${WITHDRAW}"]`).count(), "the withdraw link after withdrawal").toBe(0);
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
        const text = (el.textContent ?? "").replace(/\s+/g, " ").trim().slice(0, 60);
        out.push(`<${el.tagName.toLowerCase()}${cls ? ` class="${cls}"` : ""}> spans ${Math.round(r.left)}…${Math.round(r.right)} px${text ? ` "${text}"` : ""}`);
      }
    }
    return out.slice(0, 8);
  });
}

describe.each(LANGUAGES)("pages behind the receipt code in %s", (lng) => {
  test.each(PAGES)("$name", async (state) => {
    await page.setViewportSize(DESKTOP);
    const response = await state.reach(lng);
    expect(response.status(), `HTTP status of ${page.url()}; server log:\n${server.logs().slice(-3000)}`).toBe(state.status);
    await state.shows(lng);

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
