/**
 * A place on the plan by keyboard alone (issue 18), without JavaScript: a resident answers the
 * consultation, chooses a grid cell from the list by typing, activates the plan with Enter (a key
 * press posts 0,0: the page comes back saying no point was set, answers and cell kept), sends, and
 * the check page and the receipt show the place. A visible focus indicator at every Tab stop and 0
 * axe violations on each page of the way.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { axeCheck, DESKTOP, launchBrowser, type Browser } from "../support/browser";
import { keyboardWalker, rememberUnfocused, type Stop } from "../support/focus";
import { CONSULTATION } from "../support/pages";
import { projectRoot, startServer, type TestServer } from "../support/server";

let server: TestServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser({ javaScriptEnabled: false, viewport: DESKTOP });
  page = browser.page;
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

// the browser is German; the interface's words come from the German locale files
const place = JSON.parse(readFileSync(join(projectRoot, "locales/de/place.json"), "utf8"));
const pathOf = () => new URL(page.url()).pathname;
const field = (name: string) => (s: Stop) => s.name === name;
/** The form's own submit button (not "enlarge the cell" or "remove the point", which post under place_action). */
const formSubmit = (s: Stop) => s.inMain && s.element.startsWith("<button") && s.type === "submit" && s.name !== "place_action";

test("a resident gives a place by keyboard: a cell from the list, Enter on the plan sets no point and says so, the receipt shows the place", async () => {
  const k = keyboardWalker(page);
  const response = await page.goto(`${server.url}${CONSULTATION}`, { waitUntil: "load" });
  expect(response?.status()).toBe(200);
  await rememberUnfocused(page);

  // the required answers, typed and chosen with Space
  await k.tabUntil("form, the statement", field("q1"));
  await k.type("Die Kreuzung am Markt ist gefährlich.");
  let stop = await k.tabUntil("form, how one travels", field("q3"));
  expect(stop.type).toBe("radio");
  await page.keyboard.press("Space");
  stop = await k.tabUntil("form, the rating", field("q5"));
  await page.keyboard.press("Space");

  // the place: a cell chosen by typing its name into the focused list
  await k.tabUntil("place, the cell list", field("place_cell"));
  await k.type("C3");
  expect(await page.locator("#place_cell").inputValue()).toBe("C3");

  // the plan is an image button: Enter posts 0,0 — no point, said so, everything kept
  stop = await k.tabUntil("place, the plan", field("place_plan"));
  expect(stop.element).toMatch(/^<input/);
  const step = await k.pressAndLoad("Enter");
  expect(step?.status()).toBe(200);
  expect(pathOf()).toBe(CONSULTATION);
  expect((await page.locator("#ort-notice").innerText()).trim()).toBe(place.notice.keyboard.replace("{{cell}}", "C3"));
  expect(await page.locator("#place_cell").inputValue()).toBe("C3");
  expect(await page.locator("#q1").inputValue()).toBe("Die Kreuzung am Markt ist gefährlich.");
  expect(await page.locator("input[name=place_x]").count(), "no point was set").toBe(0);
  expect(await axeCheck(page), "axe on the form after the key press on the plan").toEqual([]);

  // send: the check page shows the place, then the receipt does
  await k.tabUntil("form, to the continue button", formSubmit);
  await k.pressAndLoad("Enter");
  expect(pathOf(), await page.locator("main").innerText()).toBe(`${CONSULTATION}/pruefen`);
  const checkText = await page.locator("main").innerText();
  expect(checkText).toContain(place.legend);
  expect(checkText).toMatch(new RegExp(`${place.cell.label}\\s+C3`));
  expect(await axeCheck(page), "axe on the check page").toEqual([]);
  await k.tabUntil("check page, to send", formSubmit);
  await k.pressAndLoad("Enter");
  expect(pathOf()).toBe(`${CONSULTATION}/bestaetigung`);
  const receipt = await page.locator("main").innerText();
  expect(receipt).toContain(place.legend);
  expect(receipt).toMatch(new RegExp(`${place.cell.label}\\s+C3`));
  expect(await axeCheck(page), "axe on the receipt").toEqual([]);

  expect(k.problems, `Tab stops:\n${k.stops.join("\n")}`).toEqual([]);
});
