/**
 * The resident journey in a browser with JavaScript switched off (the pages need none):
 * form → errors → corrections → check your
 * answers → change an answer → send → receipt code; sending twice; and the whole survey done
 * with the keyboard alone, with a visible focus indicator at every Tab stop.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Locator, Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../db/connection.server";
import { type Browser, FORM_SUBMIT, launchBrowser } from "../support/browser";
import { projectRoot, startServer, type TestServer } from "../support/server";
import { inspectFocus, rememberUnfocused, type Stop } from "../support/focus";

const CONSULTATION = "/musterstadt/verfahren/radverkehrsplan-2030";
const SURVEY = "/musterstadt/verfahren/buergerhaushalt-2027";
const RECEIPT_CODE = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]$/;

// question texts are procedure content (db/seed.ts), in German whatever the page language
const Q = {
  statement: "Ihre Stellungnahme zum Entwurf",
  street: "Welche Straße oder welcher Ort betrifft Ihre Stellungnahme?",
  travel: "Wie sind Sie in der Stadt meistens unterwegs?",
  important: "Was ist Ihnen beim Radverkehr wichtig?",
  rating: "Wie bewerten Sie den Entwurf insgesamt?",
  priority: "Welcher Bereich ist Ihnen am wichtigsten?",
  satisfaction: "Wie zufrieden sind Sie mit den Leistungen der Stadt?",
  proposal: "Haben Sie einen konkreten Vorschlag?",
};

/** The German "error" prefix of page titles (the browser is German, the form is sent with errors). */
const errorTitlePrefix: string = JSON.parse(readFileSync(join(projectRoot, "locales/de/common.json"), "utf8")).errorTitlePrefix;

let server: TestServer;
let database: DatabaseHandle;
const browsers: Browser[] = [];

beforeAll(async () => {
  server = await startServer();
  database = openDatabase(server.database.url);
});

afterAll(async () => {
  for (const b of browsers) await b.close().catch(() => {});
  await database?.close();
  await server?.stop();
});

/** A fresh browser (own profile, no cookies) with JavaScript disabled; German, like most residents. */
async function freshPage(): Promise<Page> {
  const browser = await launchBrowser({ javaScriptEnabled: false });
  browsers.push(browser);
  return browser.page;
}

async function submissionCount(): Promise<number> {
  const row = await database.db
    .selectFrom("submissions")
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Opens a page as a resident types its address; anything but 200 fails with the server's log. */
async function visit(page: Page, path: string) {
  const response = await page.goto(`${server.url}${path}`, { waitUntil: "load" });
  expect(response?.status(), `GET ${path}; server log:\n${server.logs().slice(-3000)}`).toBe(200);
}

const pathOf = (page: Page) => new URL(page.url()).pathname;

/** Runs an action that loads a new document and waits until that document has loaded. */
async function loads(page: Page, action: () => Promise<unknown>): Promise<Response> {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: "load" }), action()]);
  if (!response) throw new Error(`no new page loaded (still at ${page.url()})`);
  return response;
}

const mainSubmit = (page: Page) => page.locator(FORM_SUBMIT);
const group = (page: Page, legend: string) => page.getByRole("group", { name: legend });

/** The answer shown for a question on the check page (the <dd> after its <dt>). */
const shownAnswer = (page: Page, label: string) =>
  page.locator("dl dt", { hasText: label }).locator("xpath=following-sibling::dd[1]");
const changeLink = (page: Page, label: string) =>
  page.locator("dl dt", { hasText: label }).locator("xpath=following-sibling::dd//a");

const focusedElement = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el ? { tag: el.tagName.toLowerCase(), id: el.id, className: el.getAttribute("class") ?? "" } : null;
  });

async function receiptCode(page: Page): Promise<string> {
  return ((await page.locator("#receipt-code").textContent()) ?? "").trim();
}

/**
 * Clicks a link where a person would, in the middle of its text. (Links in the error summary
 * start with a visually hidden span; Playwright's own hit target check trips over it.)
 */
async function clickLink(link: Locator) {
  const box = await link.boundingBox();
  if (!box) throw new Error(`${link} is not on screen`);
  await link.click({ position: { x: box.width / 2, y: box.height / 2 } });
}

describe("the resident journey without JavaScript", () => {
  test("errors, corrections, check page, change an answer, send: one submission and a receipt code", async () => {
    const page = await freshPage();
    const before = await submissionCount();
    await visit(page, CONSULTATION);

    // some optional answers, every required one missing
    await page.getByLabel(Q.street).fill("Bahnhofstraße zwischen Markt und Bahnhof");
    await group(page, Q.important).getByLabel("Sichere Kreuzungen").check();
    await page.locator("#contact_name").fill("Erika Mustermann");
    const invalid = await loads(page, () => mainSubmit(page).click());
    expect(invalid.status()).toBe(400);

    // the error summary is shown and has the focus (autofocus; the browser applies it right after load)
    const summary = page.locator(".error-summary");
    expect(await summary.isVisible()).toBe(true);
    await expect
      .poll(async () => (await focusedElement(page))?.className ?? "", { timeout: 5_000, message: "focus after the error round trip" })
      .toContain("error-summary");
    expect((await page.title()).startsWith(`${errorTitlePrefix}: `), `the page title says there is an error: "${await page.title()}"`).toBe(true);

    // one entry per missing required answer, each linking to its field, which shows the error too
    const links = summary.locator("a");
    const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""));
    expect(hrefs).toHaveLength(3);
    for (const href of hrefs) {
      expect(href, "error summary link").toMatch(/^#[A-Za-z][\w-]*$/);
      const target = page.locator(`[id="${href.slice(1)}"]`);
      expect(await target.count(), `element ${href} the summary links to`).toBe(1);
      const info = await target.evaluate((el) => ({
        control: ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName),
        fieldError: el.closest(".field")?.querySelector(".error-message")?.textContent ?? null,
      }));
      expect(info.control, `${href} is a form control`).toBe(true);
      expect(info.fieldError, `${href} has its error message next to it`).toBeTruthy();
    }
    const statementId = await page.getByLabel(Q.statement).getAttribute("id");
    const travelId = await group(page, Q.travel).getByRole("radio").first().getAttribute("id");
    const ratingId = await group(page, Q.rating).getByRole("radio").first().getAttribute("id");
    expect(hrefs).toEqual([`#${statementId}`, `#${travelId}`, `#${ratingId}`]);

    // the first link takes the focus to its field
    await clickLink(links.first());
    await expect.poll(async () => (await focusedElement(page))?.id, { timeout: 5_000 }).toBe(statementId);

    // what was typed before the round trip is still there
    expect(await page.getByLabel(Q.street).inputValue()).toBe("Bahnhofstraße zwischen Markt und Bahnhof");
    expect(await group(page, Q.important).getByLabel("Sichere Kreuzungen").isChecked()).toBe(true);
    expect(await page.locator("#contact_name").inputValue()).toBe("Erika Mustermann");

    // correct the mistakes and continue
    await page.getByLabel(Q.statement).fill("Die Kreuzung am Bahnhof braucht eine sichere Querung für Räder.");
    await group(page, Q.travel).getByLabel("Mit dem Fahrrad").check();
    await group(page, Q.rating).getByLabel("4", { exact: true }).check();
    let response = await loads(page, () => mainSubmit(page).click());
    expect(response.status()).toBe(200);
    expect(pathOf(page)).toBe(`${CONSULTATION}/pruefen`);

    // the check page lists the answers
    expect(await shownAnswer(page, Q.statement).innerText()).toContain("Die Kreuzung am Bahnhof braucht eine sichere Querung für Räder.");
    expect(await shownAnswer(page, Q.street).innerText()).toContain("Bahnhofstraße zwischen Markt und Bahnhof");
    expect(await shownAnswer(page, Q.travel).innerText()).toContain("Mit dem Fahrrad");
    expect(await shownAnswer(page, Q.important).innerText()).toContain("Sichere Kreuzungen");
    expect(await shownAnswer(page, Q.rating).innerText()).toContain("4");
    expect(await shownAnswer(page, "Name").innerText()).toContain("Erika Mustermann");
    expect(await submissionCount(), "nothing is submitted before the resident sends").toBe(before);

    // "change": back to the form at that question, everything filled in
    const streetId = await changeLink(page, Q.street).evaluate((a) => new URL((a as HTMLAnchorElement).href).hash.slice(1));
    expect(streetId).toMatch(/^q\d+$/);
    await loads(page, () => changeLink(page, Q.street).click());
    expect(pathOf(page)).toBe(CONSULTATION);
    expect(new URL(page.url()).hash).toBe(`#${streetId}`);
    expect(await page.getByLabel(Q.street).getAttribute("id"), "the change link points at the street field").toBe(streetId);
    await expect.poll(async () => (await focusedElement(page))?.id, { timeout: 5_000 }).toBe(streetId);
    expect(await page.getByLabel(Q.statement).inputValue()).toBe("Die Kreuzung am Bahnhof braucht eine sichere Querung für Räder.");
    expect(await page.getByLabel(Q.street).inputValue()).toBe("Bahnhofstraße zwischen Markt und Bahnhof");
    expect(await group(page, Q.travel).getByLabel("Mit dem Fahrrad").isChecked()).toBe(true);
    expect(await group(page, Q.important).getByLabel("Sichere Kreuzungen").isChecked()).toBe(true);
    expect(await group(page, Q.rating).getByLabel("4", { exact: true }).isChecked()).toBe(true);
    expect(await page.locator("#contact_name").inputValue()).toBe("Erika Mustermann");

    await page.getByLabel(Q.street).fill("Marktstraße");
    response = await loads(page, () => mainSubmit(page).click());
    expect(pathOf(page)).toBe(`${CONSULTATION}/pruefen`);
    expect(await shownAnswer(page, Q.street).innerText()).toContain("Marktstraße");
    expect(await page.locator("main").innerText()).not.toContain("Bahnhofstraße zwischen Markt und Bahnhof");
    expect(await shownAnswer(page, Q.travel).innerText()).toContain("Mit dem Fahrrad");

    // send
    response = await loads(page, () => mainSubmit(page).click());
    expect(response.status()).toBe(200);
    expect(pathOf(page)).toBe(`${CONSULTATION}/bestaetigung`);
    expect(await receiptCode(page)).toMatch(RECEIPT_CODE);
    expect(await submissionCount(), "submissions after sending once").toBe(before + 1);
  });

  test("sending twice (back button, a second tab, reload) gives the same receipt code and one submission", async () => {
    const page = await freshPage();
    const before = await submissionCount();
    await visit(page, SURVEY);
    await group(page, Q.priority).getByLabel("Klimaschutz").check();
    await loads(page, () => mainSubmit(page).click());
    expect(pathOf(page)).toBe(`${SURVEY}/pruefen`);

    // the same check page open in a second tab, as after a double click or an old tab
    const second = await page.context().newPage();
    await visit(second, `${SURVEY}/pruefen`);
    expect(await mainSubmit(second).isVisible(), "second tab shows the check page").toBe(true);

    await loads(page, () => mainSubmit(page).click());
    expect(pathOf(page)).toBe(`${SURVEY}/bestaetigung`);
    const code = await receiptCode(page);
    expect(code).toMatch(RECEIPT_CODE);
    expect(await submissionCount()).toBe(before + 1);

    // back to the check page, and send again if it is still offered
    await page.goBack({ waitUntil: "load" });
    if (pathOf(page) === `${SURVEY}/pruefen`) await loads(page, () => mainSubmit(page).click());
    expect(pathOf(page)).toBe(`${SURVEY}/bestaetigung`);
    expect(await receiptCode(page)).toBe(code);

    // the stale check page in the other tab sends the same answers once more
    await loads(second, () => mainSubmit(second).click());
    expect(pathOf(second)).toBe(`${SURVEY}/bestaetigung`);
    expect(await receiptCode(second)).toBe(code);

    await page.reload({ waitUntil: "load" });
    expect(await receiptCode(page)).toBe(code);

    expect(await submissionCount(), "submissions after sending the same answers three times").toBe(before + 1);
  });
});

// ---------------------------------------------------------------------------------------------
// keyboard only


describe("keyboard only, without JavaScript", () => {
  test("the survey from the first Tab to the receipt code, focus visible at every stop", async () => {
    const page = await freshPage();
    const problems: string[] = [];
    const stops: string[] = [];

    /** Checks the focused element; problems are collected so one run lists every bad stop. */
    const check = async (where: string): Promise<Stop> => {
      const stop = await inspectFocus(page);
      stops.push(`${where}: ${stop.element} — focus shown by: ${stop.indicator.join("; ") || "nothing"}`);
      if (!stop.onScreen) problems.push(`${where}: focused ${stop.element} is not on screen`);
      if (stop.indicator.length === 0) {
        problems.push(`${where}: no visible focus indicator on ${stop.element}${stop.weak.length ? ` (too faint: ${stop.weak.join("; ")})` : ""}`);
      }
      return stop;
    };
    const tab = async (where: string) => {
      await page.keyboard.press("Tab");
      return check(where);
    };
    /** Presses Tab until `wanted` is focused, checking every stop on the way. */
    const tabUntil = async (where: string, wanted: (s: Stop) => boolean): Promise<Stop> => {
      for (let i = 0; i < 40; i++) {
        const stop = await tab(where);
        if (wanted(stop)) return stop;
        if (stop.element.startsWith("(nothing")) break;
      }
      throw new Error(`${where}: never reached the wanted element with Tab. Stops:\n${stops.join("\n")}\nProblems:\n${problems.join("\n")}`);
    };
    const pressAndLoad = async (key: string) => {
      await loads(page, () => page.keyboard.press(key));
      await rememberUnfocused(page);
    };
    const isSubmit = (s: Stop) => s.inMain && s.element.startsWith("<button") && s.type === "submit";

    await visit(page, SURVEY);
    await rememberUnfocused(page);

    // 1. the first Tab stop is the skip link, and it works
    let stop = await tab("survey, first Tab");
    expect(stop.href, `first Tab stop: ${stop.element}`).toBe("#main");
    await page.keyboard.press("Enter");
    await expect.poll(async () => (await focusedElement(page))?.id, { timeout: 5_000, message: "focus after the skip link" }).toBe("main");
    stop = await tab("survey, Tab after the skip link");
    expect(stop.inMain, `after the skip link, Tab goes on in the main content, not to ${stop.element}`).toBe(true);

    // 2. straight to "continue" without answering: the error summary takes the focus
    await tabUntil("survey form", isSubmit);
    await pressAndLoad("Enter");
    await expect
      .poll(async () => (await focusedElement(page))?.className ?? "", { timeout: 5_000, message: "focus after sending the empty survey" })
      .toContain("error-summary");
    stop = await tab("error summary, first Tab");
    expect(stop.href, `first Tab on the error page goes to the summary's link, not ${stop.element}`).toMatch(/^#q\d+$/);
    const firstError = stop.href!.slice(1);
    await page.keyboard.press("Enter");
    await expect.poll(async () => (await focusedElement(page))?.id, { timeout: 5_000, message: "focus after the summary link" }).toBe(firstError);
    stop = await check("question with the error, reached from the summary");
    expect(stop.type).toBe("radio");

    // 3. answer: Space picks the focused option, arrow keys move within the group
    await page.keyboard.press("Space");
    await page.keyboard.press("ArrowDown");
    await check("priority question after ArrowDown");
    const checkedIn = (legend: string) =>
      group(page, legend).locator("input:checked").evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
    expect(await checkedIn(Q.priority)).toEqual(["roads"]);

    stop = await tab("satisfaction scale");
    expect(stop.type).toBe("radio");
    await page.keyboard.press("Space");
    for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowRight");
    await check("satisfaction scale after ArrowRight");
    expect(await checkedIn(Q.satisfaction)).toEqual(["4"]);

    stop = await tab("proposal field");
    expect(stop.element).toMatch(/^<input/);
    await page.keyboard.type("Mehr Bäume auf dem Marktplatz");
    expect(await page.getByLabel(Q.proposal).inputValue()).toBe("Mehr Bäume auf dem Marktplatz");

    stop = await tab("continue button");
    expect(isSubmit(stop), `after the last question comes the continue button, not ${stop.element}`).toBe(true);
    await pressAndLoad("Enter");
    expect(pathOf(page)).toBe(`${SURVEY}/pruefen`);

    // 4. check page: answers listed; Tab from the top to "send", Space sends
    expect(await shownAnswer(page, Q.priority).innerText()).toContain("Straßen und Radwege");
    expect(await shownAnswer(page, Q.satisfaction).innerText()).toContain("4");
    expect(await shownAnswer(page, Q.proposal).innerText()).toContain("Mehr Bäume auf dem Marktplatz");
    stop = await tab("check page, first Tab");
    expect(stop.href, `first Tab stop on the check page: ${stop.element}`).toBe("#main");
    await tabUntil("check page", isSubmit);
    await pressAndLoad("Space");
    expect(pathOf(page)).toBe(`${SURVEY}/bestaetigung`);

    // 5. confirmation: the receipt code, and every link reachable with a visible focus
    expect(await receiptCode(page)).toMatch(RECEIPT_CODE);
    stop = await tab("confirmation, first Tab");
    expect(stop.href, `first Tab stop on the confirmation page: ${stop.element}`).toBe("#main");
    await tabUntil("confirmation", (s) => s.inMain && s.href === "/musterstadt");

    expect(problems, `Tab stops:\n${stops.join("\n")}`).toEqual([]);
  });
});
