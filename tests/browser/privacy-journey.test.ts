/**
 * What a resident does with the receipt code, in a browser with JavaScript switched off (the
 * pages need none): send a statement with name, e-mail and consent → copy the code from the
 * confirmation → look the submission up (typed carelessly) → read the privacy log with the data
 * masked → download everything → erase the personal data → withdraw the submission → sign out.
 * And a wrong code: an error summary that has the focus and leads to the field.
 *
 * Look-ups are rate-limited (10 per 15 minutes per address); this file makes two.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Locator, Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type Browser, FORM_SUBMIT, launchBrowser } from "../support/browser";
import { projectRoot, startServer, type TestServer } from "../support/server";

const ORG = "/musterstadt";
const CONSULTATION = `${ORG}/verfahren/radverkehrsplan-2030`;
const LOOKUP = `${ORG}/beitrag`;
const LOG = `${LOOKUP}/protokoll`;
const RECEIPT_CODE = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]$/;

// question texts are procedure content (db/seed.ts), in German whatever the page language
const Q = {
  statement: "Ihre Stellungnahme zum Entwurf",
  travel: "Wie sind Sie in der Stadt meistens unterwegs?",
  rating: "Wie bewerten Sie den Entwurf insgesamt?",
};

const PERSON = { name: "Erika Mustermann", email: "erika.mustermann@example.org" };
/** how the page shows the e-mail address: first letter, three stars, the domain */
const MASKED_EMAIL = "e***@example.org";

// the browser is German; texts of the interface come from the German locale files
const locale = (ns: string) => JSON.parse(readFileSync(join(projectRoot, `locales/de/${ns}.json`), "utf8"));
const common = locale("common");
const submissionsText = locale("submissions");
const privacy = locale("privacy");

let server: TestServer;
const browsers: Browser[] = [];

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  for (const b of browsers) await b.close().catch(() => {});
  await server?.stop();
});

/** A fresh browser (own profile, no cookies) with JavaScript disabled; German, like most residents. */
async function freshPage(): Promise<Page> {
  const browser = await launchBrowser({ javaScriptEnabled: false });
  browsers.push(browser);
  return browser.page;
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
const mainText = (page: Page) => page.locator("main").innerText();

const focusedElement = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el ? { tag: el.tagName.toLowerCase(), id: el.id, className: el.getAttribute("class") ?? "" } : null;
  });

async function receiptCode(page: Page): Promise<string> {
  return ((await page.locator("#receipt-code").textContent()) ?? "").trim();
}

/**
 * Clicks a link where a person would, in the middle of its first line of text. (A long error
 * message wraps: the middle of its bounding box can fall beside the shorter last line.)
 */
async function clickLink(link: Locator) {
  const position = await link.evaluate((el) => {
    const box = el.getBoundingClientRect();
    const line = el.getClientRects()[0];
    return line ? { x: line.left - box.left + line.width / 2, y: line.top - box.top + line.height / 2 } : null;
  });
  if (!position) throw new Error(`${link} is not on screen`);
  await link.click({ position });
}

/** The titles in the privacy log's timeline, in order. */
const timelineTitles = (page: Page) => page.locator("main .timeline .timeline__title").allInnerTexts();

/** The value shown for a fact on the log page (the <dd> after the <dt> with exactly this text). */
const fact = (page: Page, term: string) =>
  page
    .locator("main dl.facts dt")
    .filter({ hasText: new RegExp(`^\\s*${term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*$`) })
    .locator("xpath=following-sibling::dd[1]");

const notice = (page: Page) => page.locator("main .notice[role=status]");

describe("the receipt code in a resident's hands, without JavaScript", () => {
  test("send with contact data, look up, read the log, download, erase, withdraw, sign out", async () => {
    const page = await freshPage();

    // 1. a statement with name, e-mail address and consent to be told the result
    await visit(page, CONSULTATION);
    await page.getByLabel(Q.statement).fill("Die Kreuzung am Bahnhof braucht eine sichere Querung.");
    await group(page, Q.travel).getByLabel("Mit dem Fahrrad").check();
    await group(page, Q.rating).getByLabel("4", { exact: true }).check();
    await page.locator("#contact_name").fill(PERSON.name);
    await page.locator("#contact_email").fill(PERSON.email);
    await page.locator("#consent_results").check();
    await loads(page, () => mainSubmit(page).click());
    expect(pathOf(page), `after the form; server log:\n${server.logs().slice(-3000)}`).toBe(`${CONSULTATION}/pruefen`);
    let response = await loads(page, () => mainSubmit(page).click());
    expect(response.status()).toBe(200);
    expect(pathOf(page)).toBe(`${CONSULTATION}/bestaetigung`);

    // 2. the code, copied from the confirmation; its link leads to the look-up form
    const code = await receiptCode(page);
    expect(code).toMatch(RECEIPT_CODE);
    const lookupLink = page.getByRole("link", { name: submissionsText.confirmation.lookupLink });
    expect(await lookupLink.getAttribute("href")).toBe(LOOKUP);
    response = await loads(page, () => lookupLink.click());
    expect(response.status()).toBe(200);
    expect(pathOf(page)).toBe(LOOKUP);

    // 3. typed in lower case, with spaces instead of hyphens
    const typed = code.toLowerCase().replace(/-/g, " ");
    await page.getByLabel(privacy.lookup.codeLabel).pressSequentially(typed);
    response = await loads(page, () => page.getByRole("button", { name: privacy.lookup.submit }).click());
    expect(response.status(), `look-up; server log:\n${server.logs().slice(-3000)}`).toBe(200);
    expect(pathOf(page)).toBe(LOG);
    expect(page.url(), "the receipt code never goes into a URL").not.toMatch(new RegExp(code.replace(/-/g, "[- ]?"), "i"));

    // 4. the log page: the e-mail address masked, the timeline, the chain intact
    let text = await mainText(page);
    expect(text).toContain(MASKED_EMAIL);
    expect(text, "the e-mail address in clear text on the log page").not.toContain(PERSON.email);
    expect(text, "the name in clear text on the log page").not.toContain("Mustermann");
    expect(await fact(page, privacy.categories.email).innerText()).toBe(MASKED_EMAIL);
    let titles = await timelineTitles(page);
    expect(titles).toContain(privacy.events.personal_data_stored.title); // "Persönliche Daten gespeichert"
    expect(titles).toContain(privacy.events.consent_given.title); // "Einwilligung gegeben"
    expect(text).toContain(privacy.log.chainIntact); // "Das Protokoll ist vollständig und unverändert."

    // 5. download everything: a JSON file with the data in full, the download itself logged last
    const downloadButton = page.getByRole("button", { name: privacy.log.download.button });
    const [download] = await Promise.all([page.waitForEvent("download"), downloadButton.click()]);
    expect(download.suggestedFilename()).toMatch(/^teilhabe-beitrag-\d{4}-\d{2}-\d{2}\.json$/);
    const file = await download.path();
    const exported = JSON.parse(readFileSync(file, "utf8")) as {
      personalData: { name?: string; email?: string } | null;
      privacyLog: { type: string }[];
    };
    expect(exported.personalData?.email).toBe(PERSON.email);
    expect(exported.personalData?.name).toBe(PERSON.name);
    expect(exported.privacyLog.at(-1)?.type).toBe("data_exported");
    expect(pathOf(page), "the download leaves the log page where it was").toBe(LOG);

    // 6. erase the personal data: link → confirmation → button
    response = await loads(page, () => page.getByRole("link", { name: privacy.log.erase.link }).click());
    expect(response.status()).toBe(200);
    expect(pathOf(page)).toBe(`${LOOKUP}/loeschen`);
    expect(await page.locator("main h1").innerText()).toBe(privacy.erase.title);
    response = await loads(page, () => page.getByRole("button", { name: privacy.erase.button }).click());
    expect(response.status()).toBe(200);
    expect(page.url()).toBe(`${server.url}${LOG}?done=deleted`);
    expect(await notice(page).innerText()).toContain(privacy.log.done.deleted);
    text = await mainText(page);
    expect(text, "the masked e-mail address after erasure").not.toContain(MASKED_EMAIL);
    expect(await fact(page, privacy.categories.email).count(), "an e-mail entry after erasure").toBe(0);
    titles = await timelineTitles(page);
    expect(titles).toContain(privacy.events.data_exported.title);
    expect(titles).toContain(privacy.events.personal_data_deleted.title);
    expect(await page.getByRole("link", { name: privacy.log.erase.link }).count(), "the erase link after erasure").toBe(0);

    // 7. withdraw the submission: link → confirmation → button
    response = await loads(page, () => page.getByRole("link", { name: privacy.log.withdraw.link }).click());
    expect(response.status()).toBe(200);
    expect(pathOf(page)).toBe(`${LOOKUP}/zurueckziehen`);
    response = await loads(page, () => page.getByRole("button", { name: privacy.withdraw.button }).click());
    expect(response.status()).toBe(200);
    expect(page.url()).toBe(`${server.url}${LOG}?done=withdrawn`);
    expect(await notice(page).innerText()).toContain(privacy.log.done.withdrawn);
    expect(await fact(page, privacy.log.status).innerText()).toBe(privacy.states.withdrawn); // "Zurückgezogen"
    expect(await timelineTitles(page)).toContain(privacy.events.submission_withdrawn.title);
    expect(await page.getByRole("link", { name: privacy.log.withdraw.link }).count(), "the withdraw link after withdrawal").toBe(0);
    expect(await page.locator("main").innerText(), "the chain after erasure and withdrawal").toContain(privacy.log.chainIntact);

    // 8. sign out: back on the look-up form, and the log page is gone from this browser
    response = await loads(page, () => page.getByRole("button", { name: privacy.log.signOut }).click());
    expect(response.status()).toBe(200);
    expect(pathOf(page)).toBe(LOOKUP);
    expect(await page.getByLabel(privacy.lookup.codeLabel).isVisible()).toBe(true);
    expect((await page.context().cookies()).map((c) => c.name), "cookies after signing out").not.toContain("teilhabe_beitrag");
    // the next person at a shared computer: the back button asks the server again, and is turned away
    await page.goBack({ waitUntil: "load" });
    expect(pathOf(page), "the back button after signing out").toBe(LOOKUP);
    expect(await mainText(page)).not.toContain(privacy.log.title);
    await visit(page, LOG);
    expect(pathOf(page), "the log page after signing out").toBe(LOOKUP);
    expect(await page.getByLabel(privacy.lookup.codeLabel).isVisible()).toBe(true);
    expect(await mainText(page)).not.toContain(privacy.log.title);
  });

  test("a wrong code: an error summary that has the focus and leads to the field", async () => {
    const page = await freshPage();
    await visit(page, LOOKUP);
    const wrong = "ABCD-EFGH-JKMN-P";
    await page.getByLabel(privacy.lookup.codeLabel).fill(wrong);
    const response = await loads(page, () => page.getByRole("button", { name: privacy.lookup.submit }).click());
    expect(response.status()).toBe(400);
    expect(pathOf(page)).toBe(LOOKUP);

    // the error summary is shown and has the focus (autofocus; the browser applies it right after load)
    const summary = page.locator(".error-summary");
    expect(await summary.isVisible()).toBe(true);
    await expect
      .poll(async () => (await focusedElement(page))?.className ?? "", { timeout: 5_000, message: "focus after the wrong code" })
      .toContain("error-summary");
    expect((await page.title()).startsWith(`${common.errorTitlePrefix}: `), `the page title says there is an error: "${await page.title()}"`).toBe(true);

    // one entry, the message for a code not found, linking to the field, which shows the error too
    const links = summary.locator("a");
    expect(await links.evaluateAll((as) => as.map((a) => a.getAttribute("href")))).toEqual(["#code"]);
    expect(await links.first().innerText()).toContain(privacy.lookup.notFound);
    const field = page.locator("#code");
    const info = await field.evaluate((el) => ({
      tag: el.tagName,
      invalid: el.getAttribute("aria-invalid"),
      describedBy: (el.getAttribute("aria-describedby") ?? "").split(/\s+/),
      fieldError: el.closest(".field")?.querySelector(".error-message")?.id ?? null,
    }));
    expect(info.tag, "#code is the text field").toBe("INPUT");
    expect(info.invalid).toBe("true");
    expect(info.fieldError, "#code has its error message next to it").toBeTruthy();
    expect(info.describedBy, "the error message is tied to the field").toContain(info.fieldError);
    expect(await field.inputValue(), "what was typed is still there").toBe(wrong);

    // the link takes the focus to the field
    await clickLink(links.first());
    await expect.poll(async () => (await focusedElement(page))?.id, { timeout: 5_000 }).toBe("code");
  });
});
