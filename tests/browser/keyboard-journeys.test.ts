/**
 * Journeys by keyboard alone (Tab, Shift+Tab, Enter, Space, typing), without JavaScript, with a
 * visible focus indicator of 3:1 contrast at every stop (tests/support/focus.ts keyboardWalker):
 *   - a resident looks a submission up with the receipt code, reads the log and erases the
 *     personal data;
 *   - staff sign in with password and TOTP code and reach their dashboard.
 * The resident submission journey (journey.test.ts) and the desk's phone/counter/paper journeys
 * (desk.test.ts) are walked the same way in their own files.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from "~/modules/accounts/demo.server";
import { totpCode } from "~/modules/accounts/totp.server";
import { DESKTOP, launchBrowser, type Browser } from "../support/browser";
import { keyboardWalker, rememberUnfocused, type Stop } from "../support/focus";
import { ORG, STAFF, prepareSite, type Site } from "../support/pages";
import { startServer, type TestServer } from "../support/server";
import { DEMO } from "../support/staff";

let server: TestServer;
let site: Site;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await startServer();
  site = await prepareSite(server);
  browser = await launchBrowser({ javaScriptEnabled: false, viewport: DESKTOP });
  page = browser.page;
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await server?.stop();
});

const pathOf = () => new URL(page.url()).pathname;
const isSubmit = (s: Stop) => s.inMain && s.element.startsWith("<button") && s.type === "submit";

async function visit(path: string) {
  const response = await page.goto(`${server.url}${path}`, { waitUntil: "load" });
  expect(response?.status(), `GET ${path}`).toBe(200);
  await rememberUnfocused(page);
}

test("a resident looks up the submission with the code, reads the log and erases the personal data", async () => {
  await browser.context.clearCookies();
  const k = keyboardWalker(page);
  await visit(`${ORG}/beitrag`);

  let stop = await k.tab("look-up, first Tab");
  expect(stop.href, `first stop: ${stop.element}`).toBe("#main");
  stop = await k.tabUntil("look-up form", (s) => s.name === "code");
  await k.type(site.ids.receiptCode.toLowerCase().replace(/-/g, " "));
  await k.tabUntil("look-up form", isSubmit);
  await k.pressAndLoad("Enter");
  expect(pathOf(), "after looking up the code").toBe(`${ORG}/beitrag/protokoll`);
  expect(await page.locator("main").innerText()).toContain("e***@example.org");

  await k.tabUntil("privacy log", (s) => s.href === `${ORG}/beitrag/loeschen`);
  // one step back and forth again: Shift+Tab works the same way
  await k.shiftTab("privacy log, Shift+Tab");
  await k.tab("privacy log, Tab again");
  await k.pressAndLoad("Enter");
  expect(pathOf()).toBe(`${ORG}/beitrag/loeschen`);
  await k.tabUntil("erase page", isSubmit);
  await k.pressAndLoad("Space");
  expect(pathOf()).toBe(`${ORG}/beitrag/protokoll`);
  expect(new URL(page.url()).search).toBe("?done=deleted");
  expect(await page.locator("main").innerText(), "the masked e-mail address is gone").not.toContain("e***@example.org");

  expect(k.problems, `Tab stops:\n${k.stops.join("\n")}`).toEqual([]);
});

test("staff sign in with password and TOTP code, by keyboard, and reach the dashboard", async () => {
  await browser.context.clearCookies();
  // the registry signed the admin in moments ago: a TOTP code is accepted once per time step
  await site.db.updateTable("accounts").set({ totp_last_step: null }).where("email", "=", DEMO.admin).execute();
  const k = keyboardWalker(page);
  await visit("/anmelden");

  await k.tabUntil("sign-in", (s) => s.name === "email");
  await k.type(DEMO.admin);
  const stop = await k.tab("sign-in, after the e-mail address");
  expect(stop.name, `the password follows the e-mail address, not ${stop.element}`).toBe("password");
  await k.type(DEMO_PASSWORD);
  await k.tabUntil("sign-in", isSubmit);
  await k.pressAndLoad("Enter");
  expect(pathOf()).toBe("/anmelden/code");

  await k.tabUntil("second factor", (s) => s.name === "code");
  await k.type(totpCode(DEMO_TOTP_SECRET));
  await k.pressAndLoad("Enter");
  expect(pathOf(), "signed in").toBe(STAFF);
  await k.tabUntil("dashboard", (s) => s.inMain && !!s.href?.startsWith(`${STAFF}/verfahren/`));

  expect(k.problems, `Tab stops:\n${k.stops.join("\n")}`).toEqual([]);
});
