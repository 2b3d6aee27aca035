/**
 * The staff desk in a browser, the way a member of the service centre uses it: JavaScript
 * switched off (the pages need none) and the keyboard alone, with a visible focus indicator at
 * every Tab stop. A call (phone, consultation), a visit to the citizens' office (counter, survey:
 * no contact block), a paper form (form number, date received, the printable slip and what
 * print media shows), and the same form number a second time (refused, with a link to the
 * submission already entered).
 *
 * Then every desk page in German and English, and the resident print views of the paper form in
 * every shipped language: no axe-core violations of WCAG 2.2 A/AA, language declared, no
 * JavaScript, no horizontal scrolling at 320 CSS px (WCAG 1.4.10 Reflow).
 *
 * Staff sign in once over HTTP (signIn: service@demo.example, role staff, no second factor); the
 * session cookie is handed to each browser context.
 */
import type { Locator, Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../db/connection.server";
import { openDraftReceiptCode } from "~/modules/privacy/server-keys.server";
import { DESKTOP, NARROW, axeCheck, launchBrowser, type Browser } from "../support/browser";
import type { Client } from "../support/http";
import { startServer, type TestServer } from "../support/server";
import { DEMO, csrfOf, signIn } from "../support/staff";
import { inspectFocus, rememberUnfocused, type Stop } from "../support/focus";
import { berlinDay } from "~/i18n/dates";

const ORG = "/musterstadt";
const DESK = `${ORG}/verwaltung/schalter`;
const SLUG = { consultation: "radverkehrsplan-2030", survey: "buergerhaushalt-2027", closed: "marktplatz" } as const;
const PAPER_VIEW = `${ORG}/verfahren/${SLUG.consultation}/papier`;
/** XXXX-XXXX-XXXX-X in the receipt alphabet (no I, L, O, U) */
const RECEIPT_CODE = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]$/;
/** DIN 5009: digits are said as words */
const DIGIT_WORDS = ["Null", "Eins", "Zwei", "Drei", "Vier", "Fünf", "Sechs", "Sieben", "Acht", "Neun"];

// question texts are procedure content (db/seed.ts), in German whatever the page language
const Q = {
  statement: "Ihre Stellungnahme zum Entwurf",
  travel: "Wie sind Sie in der Stadt meistens unterwegs?",
  rating: "Wie bewerten Sie den Entwurf insgesamt?",
  priority: "Welcher Bereich ist Ihnen am wichtigsten?",
  satisfaction: "Wie zufrieden sind Sie mit den Leistungen der Stadt?",
  proposal: "Haben Sie einen konkreten Vorschlag?",
};

/** The day post is received: the server compares it with its own UTC date (nothing "in the future"). */
// the desk's days are Berlin days (between 23:00 and 24:00 UTC in winter, Berlin is a day ahead)
const today = () => berlinDay(new Date().toISOString());

let server: TestServer;
let database: DatabaseHandle;
/** the signed-in staff member over HTTP; its session cookie goes into every staff browser */
let staff: Client;
const ids = { consultation: 0, survey: 0, closed: 0 };
const browsers: Browser[] = [];

beforeAll(async () => {
  server = await startServer();
  database = openDatabase(server.database.url);
  staff = (await signIn(server.url, DEMO.staff)).client;
  for (const key of Object.keys(SLUG) as (keyof typeof SLUG)[]) {
    ids[key] = (await database.db.selectFrom("procedures").select("id").where("slug", "=", SLUG[key]).executeTakeFirstOrThrow()).id;
  }
});

afterAll(async () => {
  for (const b of browsers) await b.close().catch(() => {});
  await database?.close();
  await server?.stop();
});

/** A fresh browser (own profile) signed in as the desk's staff member: the HTTP session's cookie, added to the context. */
async function staffBrowser(options: { javaScriptEnabled: boolean }): Promise<Browser> {
  const browser = await launchBrowser({ javaScriptEnabled: options.javaScriptEnabled, viewport: DESKTOP });
  browsers.push(browser);
  const token = staff.cookies.get("teilhabe_session");
  if (!token) throw new Error("signIn() left no teilhabe_session cookie");
  await browser.context.addCookies([{ name: "teilhabe_session", value: token, url: server.url, httpOnly: true, sameSite: "Lax" }]);
  return browser;
}

/** Opens a page as staff type its address; anything but 200 fails with the server's log. */
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

/** The form's own submit button (the sign-out button in the staff bar is a submit button in <main> too). */
const mainSubmit = (page: Page) => page.locator("main form.form button[type=submit].button:not([name=place_action])");
const group = (page: Page, legend: string) => page.getByRole("group", { name: legend });
const checkedIn = (page: Page, legend: string) =>
  group(page, legend).locator("input:checked").evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));

const focusedElement = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el ? { tag: el.tagName.toLowerCase(), id: el.id, className: el.getAttribute("class") ?? "" } : null;
  });

/** The entry key the result page is named after (…/schalter/beleg/<key>): the draft row `desk-<key>` points at the submission. */
async function savedSubmission(page: Page) {
  const key = pathOf(page).split("/").pop()!;
  const draft = await database.db.selectFrom("submission_drafts").select(["submission_id", "receipt_code"]).where("id", "=", `desk-${key}`).executeTakeFirst();
  expect(draft?.submission_id, `no submission behind the result page ${pathOf(page)}`).toBeTruthy();
  const row = await database.db.selectFrom("submissions").selectAll().where("id", "=", draft!.submission_id!).executeTakeFirstOrThrow();
  // kept sealed for the result page (server-keys.server.ts)
  return { row, receiptCode: (openDraftReceiptCode(`desk-${key}`, draft!.receipt_code) ?? "").replace(/-/g, "").toUpperCase() };
}

/**
 * The result page after saving: the receipt code (large, and again on the slip) and the DIN 5009
 * spelling list, one entry per character of the code, each saying that character.
 */
async function readResultPage(page: Page): Promise<string> {
  expect(pathOf(page)).toMatch(new RegExp(`^${DESK}/beleg/[A-Za-z0-9_-]{16,64}$`));
  const code = ((await page.locator(".receipt-code strong").textContent()) ?? "").trim();
  expect(code, "receipt code on the result page").toMatch(RECEIPT_CODE);
  expect(((await page.locator(".slip .slip__code strong").textContent()) ?? "").trim(), "the code on the slip").toBe(code);
  const spelled = (await page.locator("ol.spelling > li").allTextContents()).map((s) => s.trim());
  expect(spelled, `spelling of ${code}: one entry per character`).toHaveLength(code.length);
  [...code].forEach((c, i) => {
    const expected = c === "-" ? /^Strich$/ : /\d/.test(c) ? new RegExp(`^${DIGIT_WORDS[Number(c)]}$`) : new RegExp(`^${c} wie ${c}\\p{Ll}+$`, "u");
    expect(spelled[i], `spelling of character ${i + 1} ("${c}") of ${code}`).toMatch(expected);
  });
  return code;
}

/**
 * The order of the month, day and year fields inside Chromium's date input. Chromium lays them out
 * in its own user-interface language, not in the emulated locale: the browser here is de-DE
 * (launchBrowser), yet headless Chromium started without --lang shows mm/dd/yyyy, so typing the
 * German order "25112026" gives 112026-02-05. The fields appear in the accessibility tree as spin
 * buttons (month 1–12, day 1–31, year up to 275760), in the order they are typed in.
 */
async function dateFieldOrder(page: Page): Promise<("day" | "month" | "year")[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    type AXNode = { nodeId: string; role?: { value?: unknown }; childIds?: string[]; properties?: { name: string; value: { value?: unknown } }[] };
    const { nodes } = (await cdp.send("Accessibility.getFullAXTree")) as { nodes: AXNode[] };
    const byId = new Map(nodes.map((n) => [n.nodeId, n]));
    const order: ("day" | "month" | "year")[] = [];
    const walk = (n: AXNode | undefined) => {
      if (!n) return;
      if (n.role?.value === "spinbutton") {
        const max = Number(n.properties?.find((p) => p.name === "valuemax")?.value.value);
        if (max === 12) order.push("month");
        else if (max === 31) order.push("day");
        else if (max > 9999) order.push("year");
      }
      for (const id of n.childIds ?? []) walk(byId.get(id));
    };
    walk(nodes[0]);
    // several date inputs on a page (the search: from, to) lay out their fields alike: the first one's order
    if (order.length > 3 && order.length % 3 === 0) order.splice(3);
    if (order.length !== 3 || new Set(order).size !== 3) throw new Error(`cannot tell the date input's field order from its spin buttons: ${order.join(", ") || "none"}`);
    return order;
  } finally {
    await cdp.detach();
  }
}

/** Types an ISO date into the focused date input, field by field in the order the browser shows them. */
async function typeDate(page: Page, iso: string) {
  const [year, month, day] = iso.split("-");
  const parts = { day, month, year };
  for (const field of await dateFieldOrder(page)) await page.keyboard.type(parts[field]);
}

/** What print media leaves visible: the text outside the slip, and the page chrome whose display is not none. */
function printLeftovers(page: Page) {
  return page.evaluate(() => {
    const shown = (el: Element) => getComputedStyle(el).display !== "none";
    const chrome = Array.from(document.querySelectorAll(".no-print, .staff-nav, .staff-bar, .site-header, .site-footer, .skip-link, .languages, main .button"))
      .filter(shown)
      .map((el) => `<${el.tagName.toLowerCase()} class="${el.getAttribute("class")}"> display: ${getComputedStyle(el).display}`);
    const text: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      const words = (n.textContent ?? "").replace(/\s+/g, " ").trim();
      if (!words || !el || el.closest(".slip") || el.closest(".visually-hidden")) continue;
      if (el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) text.push(`"${words.slice(0, 60)}" in <${el.tagName.toLowerCase()}>`);
    }
    return { chrome, text };
  });
}

// ---------------------------------------------------------------------------------------------
// keyboard only (the focus checks are journey.test.ts's, unchanged)


/** The focused element's whole text, hidden parts included (what a screen reader announces for a link). */
const focusedText = (page: Page) => page.evaluate(() => (document.activeElement?.textContent ?? "").replace(/\s+/g, " ").trim());

/**
 * Tab, Shift+Tab and keys that load a page, every stop checked for a visible focus indicator the
 * way journey.test.ts does; problems are collected so that one run lists every bad stop.
 */
function keyboardOnly(page: Page) {
  const problems: string[] = [];
  const stops: string[] = [];
  const check = async (where: string): Promise<Stop> => {
    const stop = await inspectFocus(page);
    // focus on a part inside the element (a date input's calendar button): the element itself
    // does not match :focus then, only :focus-within — say so, for a readable failure
    if (await page.evaluate(() => { const el = document.activeElement; return !!el && el !== document.body && !el.matches(":focus"); })) {
      stop.element += " (focus on a part inside it, e.g. the calendar button: it matches :focus-within, not :focus)";
    }
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
  const shiftTab = async (where: string) => {
    await page.keyboard.press("Shift+Tab");
    return check(where);
  };
  /** Presses Tab until `wanted` is focused, checking every stop on the way. */
  const tabUntil = async (where: string, wanted: (s: Stop) => boolean): Promise<Stop> => {
    for (let i = 0; i < 80; i++) {
      const stop = await tab(where);
      if (wanted(stop)) return stop;
      if (stop.element.startsWith("(nothing")) break;
    }
    throw new Error(`${where}: never reached the wanted element with Tab. Stops:\n${stops.join("\n")}\nProblems:\n${problems.join("\n")}`);
  };
  /** A key that loads a new page (Enter on a link or button, Space on a button). */
  const pressAndLoad = async (key: string): Promise<Response> => {
    const response = await loads(page, () => page.keyboard.press(key));
    await rememberUnfocused(page);
    return response;
  };
  /** Opens a page by its address (as typed or bookmarked); the keyboard takes over from the top. */
  const arrive = async (path: string) => {
    await visit(page, path);
    await rememberUnfocused(page);
  };
  const report = () => `Tab stops:\n${stops.join("\n")}`;
  return { problems, check, tab, shiftTab, tabUntil, pressAndLoad, arrive, report };
}

/** the form's submit button, not the staff bar's sign-out button (a submit button in <main> as well) */
const isSubmit = (s: Stop) => s.inMain && s.element.startsWith('<button class="button"') && s.type === "submit";

/** The paper form entered in the paper journey, entered again in the duplicate one. */
let paperEntry: { reference: string; submissionId: number } | null = null;

describe("the desk, keyboard only, without JavaScript", () => {
  test("phone: Telefon on the consultation, the notice read aloud, answers, receipt code spelled, next entry", async () => {
    const { page } = await staffBrowser({ javaScriptEnabled: false });
    const kb = keyboardOnly(page);
    const form = `${DESK}/${ids.consultation}/phone`;
    const statement = "Am Bahnhof fehlt eine sichere Querung für Räder.";

    await kb.arrive(DESK);
    let stop = await kb.tab("desk home, first Tab");
    expect(stop.href, `first Tab stop: ${stop.element}`).toBe("#main");
    stop = await kb.tabUntil("desk home", (s) => s.inMain && s.href === form);
    expect(await focusedText(page)).toMatch(/^Telefon: Radverkehrsplan 2030/);
    let response = await kb.pressAndLoad("Enter");
    expect(response.status()).toBe(200);
    expect(pathOf(page)).toBe(form);
    const firstKey = await page.locator("input[name=entry_key]").inputValue();

    // the privacy notice is read aloud first
    stop = await kb.tabUntil("phone form", (s) => s.inMain && s.element.startsWith("<input"));
    expect(stop.id, `the first field of the phone form is the notice, not ${stop.element}`).toBe("notice_read");
    expect(stop.type).toBe("checkbox");
    await page.keyboard.press("Space");
    const notice = page.getByLabel("Ich habe den Datenschutzhinweis vorgelesen");
    expect(await notice.isChecked(), "the notice after Space").toBe(true);

    // the section the caller speaks about (optional, as in the resident form), then the statement;
    // Shift+Tab back to the notice and Tab again keeps both
    stop = await kb.tab("phone form, after the notice");
    expect(stop.id, `after the notice comes the section choice, not ${stop.element}`).toBe("abschnitt");
    stop = await kb.tab("phone form, after the section choice");
    expect(stop.id, `after the section choice comes the first question, not ${stop.element}`).toBe("q1");
    await page.keyboard.type(statement);
    stop = await kb.shiftTab("phone form, Shift+Tab from the statement");
    expect(stop.id).toBe("abschnitt");
    stop = await kb.shiftTab("phone form, Shift+Tab from the section choice");
    expect(stop.id).toBe("notice_read");
    expect(await notice.isChecked()).toBe(true);
    await kb.tab("phone form, back to the section choice");
    stop = await kb.tab("phone form, back to the statement");
    expect(stop.id).toBe("q1");
    expect(await page.getByLabel(Q.statement).inputValue()).toBe(statement);

    // a radio question: Space picks the focused option, an arrow key moves on
    stop = await kb.tabUntil("phone form", (s) => s.name === "q3");
    expect(stop.type).toBe("radio");
    await page.keyboard.press("Space");
    await page.keyboard.press("ArrowDown");
    await kb.check("travel question after ArrowDown");
    expect(await checkedIn(page, Q.travel)).toEqual(["foot"]);

    // the scale
    stop = await kb.tabUntil("phone form", (s) => s.name === "q5");
    expect(stop.type).toBe("radio");
    await page.keyboard.press("Space");
    for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowRight");
    await kb.check("rating scale after ArrowRight");
    expect(await checkedIn(page, Q.rating)).toEqual(["4"]);

    stop = await kb.tabUntil("phone form", isSubmit);
    expect(await focusedText(page)).toBe("Beitrag speichern");
    response = await kb.pressAndLoad("Enter");
    expect(response.status(), `saving the phone form; server log:\n${server.logs().slice(-3000)}`).toBe(200);

    // the result page: the code, spelled for reading back
    const code = await readResultPage(page);
    const { row, receiptCode } = await savedSubmission(page);
    expect(receiptCode).toBe(code.replace(/-/g, ""));
    expect(row).toMatchObject({ channel: "phone", procedure_id: ids.consultation, source_reference: null, received_on: null });
    expect(row.entered_by_account_id, "entered by the staff member").not.toBeNull();

    // the next caller: the same procedure, the same channel, an empty form
    stop = await kb.tab("result page, first Tab");
    expect(stop.href, `first Tab stop on the result page: ${stop.element}`).toBe("#main");
    stop = await kb.tabUntil("result page", (s) => s.inMain && s.href === form);
    expect(await focusedText(page)).toBe("Nächsten Beitrag erfassen");
    response = await kb.pressAndLoad("Enter");
    expect(response.status()).toBe(200);
    expect(pathOf(page)).toBe(form);
    expect(await page.locator("input[name=entry_key]").inputValue(), "a new entry key for the next submission").not.toBe(firstKey);
    expect(await notice.isChecked(), "the notice on the next, empty form").toBe(false);
    expect(await page.getByLabel(Q.statement).inputValue()).toBe("");

    expect(kb.problems, kb.report()).toEqual([]);
  });

  test("counter: Bürgerbüro on the survey (no contact block), answers, receipt code spelled, next entry", async () => {
    const { page } = await staffBrowser({ javaScriptEnabled: false });
    const kb = keyboardOnly(page);
    const form = `${DESK}/${ids.survey}/counter`;

    await kb.arrive(DESK);
    let stop = await kb.tabUntil("desk home", (s) => s.inMain && s.href === form);
    expect(await focusedText(page)).toMatch(/^Bürgerbüro: Bürgerhaushalt 2027/);
    let response = await kb.pressAndLoad("Enter");
    expect(response.status()).toBe(200);
    expect(pathOf(page)).toBe(form);

    // the survey asks for no name or contact data: the script says so, and there are no contact fields
    expect(await page.locator("main .script").innerText()).toContain("Wir fragen nicht nach Ihrem Namen oder Ihren Kontaktdaten.");
    expect(await page.locator('main [name^="contact_"], main .fieldset--group').count(), "contact fields on the survey's counter form").toBe(0);

    stop = await kb.tabUntil("counter form", (s) => s.inMain && s.element.startsWith("<input"));
    expect(stop.id, `the first field of the counter form is the notice, not ${stop.element}`).toBe("notice_read");
    await page.keyboard.press("Space");
    expect(await page.getByLabel("Ich habe den Datenschutzhinweis vorgelesen").isChecked()).toBe(true);

    stop = await kb.tab("counter form, after the notice");
    expect(stop.type, `after the notice comes the first question, not ${stop.element}`).toBe("radio");
    await page.keyboard.press("Space");
    await page.keyboard.press("ArrowDown");
    await kb.check("priority question after ArrowDown");
    expect(await checkedIn(page, Q.priority)).toEqual(["roads"]);

    stop = await kb.tab("satisfaction scale");
    expect(stop.type).toBe("radio");
    await page.keyboard.press("Space");
    for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowRight");
    await kb.check("satisfaction scale after ArrowRight");
    expect(await checkedIn(page, Q.satisfaction)).toEqual(["4"]);

    stop = await kb.tab("proposal field");
    expect(stop.element).toMatch(/^<input/);
    await page.keyboard.type("Eine Bank vor dem Bürgerbüro");
    expect(await page.getByLabel(Q.proposal).inputValue()).toBe("Eine Bank vor dem Bürgerbüro");

    stop = await kb.tab("save button");
    expect(isSubmit(stop), `after the last question comes the save button, not ${stop.element}`).toBe(true);
    response = await kb.pressAndLoad("Enter");
    expect(response.status(), `saving the counter form; server log:\n${server.logs().slice(-3000)}`).toBe(200);

    const code = await readResultPage(page);
    const { row, receiptCode } = await savedSubmission(page);
    expect(receiptCode).toBe(code.replace(/-/g, ""));
    expect(row).toMatchObject({ channel: "counter", procedure_id: ids.survey, source_reference: null, received_on: null });

    stop = await kb.tabUntil("result page", (s) => s.inMain && s.href === form);
    expect(await focusedText(page)).toBe("Nächsten Beitrag erfassen");
    response = await kb.pressAndLoad("Enter");
    expect(response.status()).toBe(200);
    expect(pathOf(page)).toBe(form);

    expect(kb.problems, kb.report()).toEqual([]);
  });

  test("paper: form number and date received typed in, answers, the slip, and print media showing the slip alone", async () => {
    const { page } = await staffBrowser({ javaScriptEnabled: false });
    const kb = keyboardOnly(page);
    const form = `${DESK}/${ids.consultation}/paper`;
    const received = today();

    // a filled-in paper form comes back: its number is the one printed on it
    await visit(page, PAPER_VIEW);
    const reference = ((await page.locator(".paper__number strong").textContent()) ?? "").trim();
    expect(reference).toMatch(new RegExp(`^F${ids.consultation}-[0-9A-Z]{6}$`));

    await kb.arrive(DESK);
    let stop = await kb.tabUntil("desk home", (s) => s.inMain && s.href === form);
    expect(await focusedText(page)).toMatch(/^Papierformular: Radverkehrsplan 2030/);
    let response = await kb.pressAndLoad("Enter");
    expect(response.status()).toBe(200);
    expect(pathOf(page)).toBe(form);
    expect(await page.locator("#notice_read").count(), "a notice to read aloud on the paper form").toBe(0);

    stop = await kb.tabUntil("paper form", (s) => s.inMain && s.element.startsWith("<input"));
    expect(stop.id, `the first field of the paper form is the form number, not ${stop.element}`).toBe("source_reference");
    await page.keyboard.type(reference);
    expect(await page.getByLabel("Formularnummer").inputValue()).toBe(reference);

    stop = await kb.tab("paper form, after the form number");
    expect(stop.id).toBe("received_on");
    expect(stop.type, "the date received is a date input").toBe("date");
    expect(await page.locator("#received_on").evaluate((el) => (el as HTMLInputElement).type), "the browser supports type=date").toBe("date");
    await typeDate(page, received);
    expect(await page.locator("#received_on").inputValue(), "the date input after typing").toBe(received);

    stop = await kb.tabUntil("paper form", (s) => s.id === "q1");
    await page.keyboard.type("Auf Papier: mehr Abstellplätze am Rathaus.");
    stop = await kb.tabUntil("paper form", (s) => s.name === "q3");
    await page.keyboard.press("Space");
    expect(await checkedIn(page, Q.travel)).toEqual(["bike"]);
    stop = await kb.tabUntil("paper form", (s) => s.name === "q5");
    await page.keyboard.press("Space");
    await page.keyboard.press("ArrowRight");
    await kb.check("rating scale after ArrowRight");
    expect(await checkedIn(page, Q.rating)).toEqual(["2"]);

    stop = await kb.tabUntil("paper form", isSubmit);
    response = await kb.pressAndLoad("Enter");
    expect(response.status(), `saving the paper form; server log:\n${server.logs().slice(-3000)}`).toBe(200);

    const code = await readResultPage(page);
    const { row, receiptCode } = await savedSubmission(page);
    expect(receiptCode).toBe(code.replace(/-/g, ""));
    expect(row).toMatchObject({ channel: "paper", procedure_id: ids.consultation, source_reference: reference, received_on: received });
    const stored = await database.db.selectFrom("submissions").select(["id", "received_on"]).where("source_reference", "=", reference).execute();
    expect(stored, `submissions.received_on of form ${reference}`).toEqual([{ id: row.id, received_on: received }]);

    // the printable slip
    const slip = page.locator("section.slip");
    expect(await slip.isVisible()).toBe(true);
    expect((await slip.locator("h2").textContent())?.trim()).toBe("Eingangsbestätigung");
    const receivedGerman = new Intl.DateTimeFormat("de", { dateStyle: "long", timeZone: "Europe/Berlin" }).format(new Date(`${received}T12:00:00Z`));
    const slipText = (await slip.innerText()).replace(/\s+/g, " ");
    // one date of receipt (the day given), the typing time apart and labelled
    expect(slipText).toContain(`ist am ${receivedGerman} eingegangen.`);
    expect(slipText).toContain(`Formular- bzw. Briefnummer: ${reference}`);
    expect(slipText).toMatch(/Von der Verwaltung erfasst am \d+\. \S+ \d{4} um \d{2}:\d{2}/);
    expect(slipText).toContain(`Eingangscode: ${code}`);

    // printing: the slip alone (panel, spelling, buttons, staff bar and navigation hidden);
    // on screen the same look finds plenty outside the slip, so it does look
    expect((await printLeftovers(page)).text.length, "text outside the slip on screen").toBeGreaterThan(10);
    await page.emulateMedia({ media: "print" });
    try {
      const left = await printLeftovers(page);
      expect(left.chrome, "page parts still displayed in print").toEqual([]);
      expect(left.text, "text visible in print outside the slip").toEqual([]);
      expect(await slip.isVisible(), "the slip in print").toBe(true);
      expect(await slip.locator(".slip__code strong").isVisible()).toBe(true);
      expect(await page.locator(".staff-nav").evaluate((el) => getComputedStyle(el).display)).toBe("none");
      const noPrint = await page.locator(".no-print").evaluateAll((els) => els.map((el) => getComputedStyle(el).display));
      expect(noPrint.length).toBeGreaterThan(0);
      expect(new Set(noPrint)).toEqual(new Set(["none"]));
    } finally {
      await page.emulateMedia({ media: "screen" });
    }
    expect(await page.locator(".panel").isVisible(), "the panel on screen again").toBe(true);

    paperEntry = { reference, submissionId: row.id };
    expect(kb.problems, kb.report()).toEqual([]);
  });

  test("the same form number again: refused, nothing saved, a link to the submission already entered", async () => {
    if (!paperEntry) throw new Error("needs the paper form entered by the previous test");
    const { reference, submissionId } = paperEntry;
    const { page } = await staffBrowser({ javaScriptEnabled: false });
    const kb = keyboardOnly(page);
    const form = `${DESK}/${ids.consultation}/paper`;

    await kb.arrive(DESK);
    await kb.tabUntil("desk home", (s) => s.inMain && s.href === form);
    await kb.pressAndLoad("Enter");
    expect(pathOf(page)).toBe(form);
    await kb.tabUntil("paper form", (s) => s.id === "source_reference");
    // typed in lower case: still the same form
    await page.keyboard.type(reference.toLowerCase());
    const stop = await kb.tab("paper form, after the form number");
    expect(stop.id).toBe("received_on");
    await typeDate(page, today());
    expect(await page.locator("#received_on").inputValue()).toBe(today());
    await kb.tabUntil("paper form", (s) => s.id === "q1");
    await page.keyboard.type("Dasselbe Formular noch einmal.");
    await kb.tabUntil("paper form", (s) => s.name === "q3");
    await page.keyboard.press("Space");
    await kb.tabUntil("paper form", (s) => s.name === "q5");
    await page.keyboard.press("Space");
    await kb.tabUntil("paper form", isSubmit);
    const response = await kb.pressAndLoad("Enter");
    expect(response.status(), "the same form number twice").toBe(409);
    expect(pathOf(page)).toBe(form);

    // the error summary has the focus and names the problem; the notice links to the existing submission
    await expect
      .poll(async () => (await focusedElement(page))?.className ?? "", { timeout: 5_000, message: "focus after the refused duplicate" })
      .toContain("error-summary");
    expect(await page.locator(".error-summary").innerText()).toContain("Diese Nummer ist in diesem Verfahren schon erfasst.");
    expect(await page.locator("main .notice").innerText()).toContain("Diese Nummer ist in diesem Verfahren schon erfasst. Es wurde nichts gespeichert.");
    expect(await page.locator("#source_reference").inputValue(), "the number typed stays in the field").toBe(reference.toLowerCase());
    expect(await database.db.selectFrom("submissions").select("id").where("source_reference", "=", reference).execute()).toEqual([{ id: submissionId }]);

    const first = await kb.tab("duplicate, first Tab from the error summary");
    expect(first.href, `first Tab on the error page goes to the summary's link, not ${first.element}`).toBe("#source_reference");
    await kb.tabUntil("duplicate notice", (s) => s.inMain && s.href === `${DESK}/eintrag/${submissionId}`);
    expect(await focusedText(page)).toBe("Zum vorhandenen Beitrag");
    const view = await kb.pressAndLoad("Enter");
    expect(view.status()).toBe(200);
    expect(pathOf(page)).toBe(`${DESK}/eintrag/${submissionId}`);
    expect(await page.locator("main dl.facts").innerText()).toContain(reference);
    expect(await page.locator("#answers-heading").isVisible(), "the existing entry's answers").toBe(true);

    expect(kb.problems, kb.report()).toEqual([]);
  });

  test("a caller without the code: found by procedure, channel, day and words, then opened", async () => {
    // a phone entry of today, over HTTP
    const html = await (await staff.get(`${DESK}/${ids.consultation}/phone`)).text();
    const entered = await staff.post(`${DESK}/${ids.consultation}/phone`, [
      ["_csrf", csrfOf(html)], ["entry_key", html.match(/name="entry_key" value="([^"]+)"/)![1]], ["notice_read", "yes"],
      ["q1", "Die Laternen am Mühlenteich sind seit Wochen dunkel."], ["q3", "foot"], ["q5", "2"],
    ]);
    expect(entered.status).toBe(303);
    const { page } = await staffBrowser({ javaScriptEnabled: false });
    const kb = keyboardOnly(page);
    const radioValue = () => page.evaluate(() => (document.activeElement as HTMLInputElement).value);

    await kb.arrive(DESK);
    await kb.tabUntil("desk home", (s) => s.inMain && s.href === `${DESK}/finden`);
    await kb.pressAndLoad("Enter");
    expect(pathOf(page)).toBe(`${DESK}/finden`);
    // radios: arrow keys choose within a group
    await kb.tabUntil("search form", (s) => s.name === "procedure");
    for (let i = 0; i < 6 && (await radioValue()) !== String(ids.consultation); i++) {
      await page.keyboard.press("ArrowDown");
      await kb.check("search form, procedure");
    }
    expect(await page.locator(`input[name=procedure][value="${ids.consultation}"]`).isChecked()).toBe(true);
    await kb.tabUntil("search form", (s) => s.name === "channel");
    for (let i = 0; i < 6 && (await radioValue()) !== "phone"; i++) {
      await page.keyboard.press("ArrowRight");
      await kb.check("search form, channel");
    }
    expect(await page.locator("input[name=channel][value=phone]").isChecked()).toBe(true);
    await kb.tabUntil("search form", (s) => s.id === "from");
    await typeDate(page, today());
    await kb.tabUntil("search form", (s) => s.id === "to");
    await typeDate(page, today());
    await kb.tabUntil("search form", (s) => s.id === "words");
    await page.keyboard.type("laternen MÜHLENTEICH");
    const found = await kb.pressAndLoad("Enter");
    expect(found.status()).toBe(200);
    expect(await page.locator("main .cards").innerText()).toContain("Die Laternen am Mühlenteich sind seit Wochen dunkel.");

    await kb.tabUntil("search results", (s) => s.inMain && (s.href ?? "").includes("/eintrag/"));
    const view = await kb.pressAndLoad("Enter");
    expect(view.status()).toBe(200);
    expect(await page.locator("main dl.summary").innerText()).toContain("Die Laternen am Mühlenteich");
    expect(kb.problems, kb.report()).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// axe-core, language, no JavaScript, reflow

type Lng = "de" | "en" | "ar";

async function open(page: Page, path: string, lng: Lng): Promise<Response> {
  const response = await page.goto(`${server.url}${path}${path.includes("?") ? "&" : "?"}lng=${lng}`, { waitUntil: "load" });
  if (!response) throw new Error(`no response for ${path}`);
  return response;
}

async function shown(page: Page, locator: Locator) {
  expect(await locator.isVisible(), `${locator} is not visible on ${page.url()}`).toBe(true);
}

/** Elements sticking out of a 320 px viewport on the scrolling side, for a readable reflow failure. */
function overflowingElements(page: Page): Promise<string[]> {
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

interface PageState {
  name: string;
  /** brings the page into the state to check; returns the response that produced the document */
  reach(page: Page, lng: Lng): Promise<Response>;
  status: number;
  /** what shows that the intended page (not some error page) is on screen */
  shows(page: Page): Promise<void>;
}

/** Language and direction, no JavaScript, axe-core at desktop width, reflow at 320 px: all soft, so one run lists everything. */
async function checkPage(page: Page, state: PageState, lng: Lng) {
  await page.setViewportSize(DESKTOP);
  const response = await state.reach(page, lng);
  expect(response.status(), `HTTP status of ${page.url()}; server log:\n${server.logs().slice(-3000)}`).toBe(state.status);
  await state.shows(page);

  const root = await page.evaluate(() => ({ lang: document.documentElement.getAttribute("lang"), dir: document.documentElement.getAttribute("dir") }));
  expect.soft(root.lang, "<html lang>").toBe(lng);
  expect.soft(root.dir, "<html dir>").toBe(lng === "ar" ? "rtl" : "ltr");

  const html = await response.text();
  expect.soft(html, "the HTML as sent contains a <script> element").not.toMatch(/<script/i);
  expect.soft(await page.evaluate(() => document.scripts.length), "document.scripts.length").toBe(0);

  expect.soft(await axeCheck(page), `axe-core violations on ${page.url()} (${lng})`).toEqual([]);

  await page.setViewportSize(NARROW);
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  const overflowing = scrollWidth > NARROW.width ? await overflowingElements(page) : [];
  expect
    .soft(scrollWidth, `horizontal scrolling at 320 px on ${page.url()} (${lng}); sticking out:\n${overflowing.join("\n")}`)
    .toBeLessThanOrEqual(NARROW.width);
  await page.setViewportSize(DESKTOP);
}

describe("desk pages and print views: axe-core, language, no JavaScript, reflow", () => {
  let staffPage: Page;
  let residentPage: Page;
  /** saved over HTTP beforehand: result pages (by entry key), the caller's code, the entry view */
  const saved = { phoneKey: "", paperKey: "", paperId: 0, code: "", letterKey: "" };

  /** Enters one submission over HTTP as the signed-in staff member; returns the entry key of its result page. */
  async function enter(procedureId: number, channel: string, fields: [string, string][]): Promise<string> {
    const html = await (await staff.get(`${DESK}/${procedureId}/${channel}`)).text();
    const entryKey = html.match(/name="entry_key" value="([^"]+)"/)![1];
    const res = await staff.post(`${DESK}/${procedureId}/${channel}`, [["_csrf", csrfOf(html)], ["entry_key", entryKey], ...fields]);
    expect(res.status, `entering a ${channel} submission over HTTP`).toBe(303);
    return entryKey;
  }

  beforeAll(async () => {
    // the pages ship no JavaScript, so a JavaScript-enabled browser shows what everyone gets, and axe runs in the page
    staffPage = (await staffBrowser({ javaScriptEnabled: true })).page;
    const resident = await launchBrowser({ javaScriptEnabled: true, viewport: DESKTOP });
    browsers.push(resident);
    residentPage = resident.page;

    saved.phoneKey = await enter(ids.consultation, "phone", [["notice_read", "yes"], ["q1", "Am Telefon: mehr Licht im Park."], ["q3", "bus"], ["q5", "3"]]);
    saved.paperKey = await enter(ids.consultation, "paper", [["source_reference", `F${ids.consultation}-AXE001`], ["received_on", today()], ["q1", "Auf Papier."], ["q3", "car"], ["q5", "5"]]);
    const paper = await database.db
      .selectFrom("submission_drafts")
      .select(["submission_id"])
      .where("id", "=", `desk-${saved.paperKey}`)
      .executeTakeFirstOrThrow();
    saved.paperId = paper.submission_id!;
    const phone = await database.db.selectFrom("submission_drafts").select("receipt_code").where("id", "=", `desk-${saved.phoneKey}`).executeTakeFirstOrThrow();
    saved.code = openDraftReceiptCode(`desk-${saved.phoneKey}`, phone.receipt_code)!;
    const closedQuestion = (await database.db.selectFrom("questions").select("id").where("procedure_id", "=", ids.closed).executeTakeFirstOrThrow()).id;
    const closesOn = (await database.db.selectFrom("procedures").select("closes_at").where("id", "=", ids.closed).executeTakeFirstOrThrow()).closes_at.slice(0, 10);
    saved.letterKey = await enter(ids.closed, "letter", [
      ["source_reference", "Az 61/AXE-BRIEF"], ["received_on", closesOn], [`q${closedQuestion}`, "Ein Brief zum Marktplatz."],
      ["contact_address", "Bettina Brief\nAm Markt 7\n31134 Musterstadt"],
    ]);
  });

  /** DIN 5008 form B as printed: the address field 30 mm below the top margin (45 mm on paper), 20 mm from the left, 85 × 45 mm. */
  async function checkWindowEnvelope(page: Page) {
    await page.emulateMedia({ media: "print" });
    try {
      const mm = await page.evaluate(() => {
        const px = (el: Element | null) => el!.getBoundingClientRect();
        const letter = px(document.querySelector(".receipt-letter"));
        const window = px(document.querySelector(".receipt-letter .letter__window"));
        const head = px(document.querySelector(".receipt-letter .letter__head"));
        const toMm = (v: number) => Math.round((v * 25.4) / 96);
        return { top: toMm(window.top - letter.top), left: toMm(window.left - letter.left), width: toMm(window.width), height: toMm(window.height), headBottom: toMm(head.bottom - letter.top) };
      });
      expect(mm).toMatchObject({ top: 30, left: 20, width: 85, height: 45 });
      expect(mm.headBottom, "the letterhead stays above the address field").toBeLessThanOrEqual(30);
      const leftovers = await printLeftovers(page);
      expect(leftovers.chrome, "page chrome shown in print").toEqual([]);
    } finally {
      await page.emulateMedia({ media: "screen" });
    }
  }

  const STAFF_PAGES: PageState[] = [
    {
      name: "desk home",
      reach: (page, lng) => open(page, DESK, lng),
      status: 200,
      shows: async (page) => {
        await shown(page, page.locator(`main a[href="${DESK}/${ids.consultation}/phone"]`));
      },
    },
    {
      name: "phone form",
      reach: (page, lng) => open(page, `${DESK}/${ids.consultation}/phone`, lng),
      status: 200,
      shows: async (page) => {
        await shown(page, page.locator("#notice_read"));
        await shown(page, mainSubmit(page));
      },
    },
    {
      name: "phone form sent empty (error summary)",
      reach: async (page, lng) => {
        await open(page, `${DESK}/${ids.consultation}/phone`, lng);
        return loads(page, () => mainSubmit(page).press("Enter"));
      },
      status: 400,
      shows: async (page) => {
        await shown(page, page.locator(".error-summary"));
        await shown(page, page.locator(".error-summary a").first());
      },
    },
    {
      name: "paper form",
      reach: (page, lng) => open(page, `${DESK}/${ids.consultation}/paper`, lng),
      status: 200,
      shows: async (page) => {
        await shown(page, page.locator("#source_reference"));
        await shown(page, page.locator("#received_on"));
      },
    },
    {
      name: "letter form for the closed procedure (post received in time)",
      reach: (page, lng) => open(page, `${DESK}/${ids.closed}/letter`, lng),
      status: 200,
      shows: async (page) => {
        await shown(page, page.locator("#source_reference"));
        await shown(page, page.locator("#received_on"));
        await shown(page, mainSubmit(page));
      },
    },
    {
      name: "result page (phone)",
      reach: (page, lng) => open(page, `${DESK}/beleg/${saved.phoneKey}`, lng),
      status: 200,
      shows: async (page) => {
        expect(await page.locator(".receipt-code strong").textContent()).toMatch(RECEIPT_CODE);
        await shown(page, page.locator("ol.spelling"));
      },
    },
    {
      name: "result page (paper, with the form number on the slip)",
      reach: (page, lng) => open(page, `${DESK}/beleg/${saved.paperKey}`, lng),
      status: 200,
      shows: async (page) => {
        await shown(page, page.locator("section.slip"));
        expect(await page.locator("section.slip").innerText()).toContain(`F${ids.consultation}-AXE001`);
      },
    },
    {
      name: "result page (letter with an address: the receipt letter is offered)",
      reach: (page, lng) => open(page, `${DESK}/beleg/${saved.letterKey}`, lng),
      status: 200,
      shows: async (page) => {
        await shown(page, page.locator("main form.form button[type=submit]"));
        expect(await page.locator(".receipt-letter").count()).toBe(0);
      },
    },
    {
      name: "receipt letter for a window envelope (DIN 5008)",
      reach: async (page, lng) => {
        await open(page, `${DESK}/beleg/${saved.letterKey}`, lng);
        return loads(page, () => page.locator("main form.form button[type=submit]").press("Enter"));
      },
      status: 200,
      shows: async (page) => {
        await shown(page, page.locator(".receipt-letter .letter__recipient"));
        expect((await page.locator(".receipt-letter .letter__recipient").innerText()).split("\n").map((l) => l.trim())).toEqual(["Bettina Brief", "Am Markt 7", "31134 Musterstadt"]);
        await checkWindowEnvelope(page);
      },
    },
    {
      name: "find without the code",
      reach: (page, lng) => open(page, `${DESK}/finden`, lng),
      status: 200,
      shows: async (page) => {
        await shown(page, page.locator("#words"));
      },
    },
    {
      name: "find without the code, one found",
      reach: async (page, lng) => {
        await open(page, `${DESK}/finden`, lng);
        await page.locator(`input[name=procedure][value="${ids.consultation}"]`).check();
        await page.locator("input[name=channel][value=phone]").check();
        await page.locator("#from").fill(today());
        await page.locator("#to").fill(today());
        await page.locator("#words").pressSequentially("Licht im Park");
        return loads(page, () => page.locator("#words").press("Enter"));
      },
      status: 200,
      shows: async (page) => {
        await shown(page, page.locator("#found-heading"));
        await shown(page, page.locator("main .cards a[href*='/eintrag/']").first());
      },
    },
    {
      name: "caller look-up",
      reach: (page, lng) => open(page, `${DESK}/suche`, lng),
      status: 200,
      shows: async (page) => {
        await shown(page, page.locator("#code"));
      },
    },
    {
      name: "caller look-up with the submission found",
      reach: async (page, lng) => {
        await open(page, `${DESK}/suche`, lng);
        await page.locator("#code").pressSequentially(saved.code);
        return loads(page, () => page.locator("#code").press("Enter"));
      },
      status: 200,
      shows: async (page) => {
        await shown(page, page.locator("#found-heading"));
        await shown(page, page.locator("main dl.facts"));
      },
    },
    {
      name: "a submission as staff see it (eintrag)",
      reach: (page, lng) => open(page, `${DESK}/eintrag/${saved.paperId}`, lng),
      status: 200,
      shows: async (page) => {
        expect(await page.locator("main dl.facts").innerText()).toContain(`F${ids.consultation}-AXE001`);
        expect(await page.locator("#answers-heading + p + dl.summary").innerText()).toContain("Auf Papier.");
      },
    },
  ];

  const PRINT_VIEWS: PageState[] = [
    {
      name: "paper form to print",
      reach: (page, lng) => open(page, PAPER_VIEW, lng),
      status: 200,
      shows: async (page) => {
        expect(await page.locator("article.paper__copy").count()).toBe(1);
        await shown(page, page.locator(".paper__number strong"));
      },
    },
    {
      name: "paper form in large print (?gross=1)",
      reach: (page, lng) => open(page, `${PAPER_VIEW}?gross=1`, lng),
      status: 200,
      shows: async (page) => {
        await shown(page, page.locator(".paper.paper--large article.paper__copy"));
      },
    },
    {
      name: "three paper forms (?anzahl=3)",
      reach: (page, lng) => open(page, `${PAPER_VIEW}?anzahl=3`, lng),
      status: 200,
      shows: async (page) => {
        const numbers = await page.locator(".paper__number strong").allTextContents();
        expect(numbers).toHaveLength(3);
        expect(new Set(numbers).size, "each copy has its own form number").toBe(3);
      },
    },
  ];

  describe.each(["de", "en"] as const)("desk pages in %s", (lng) => {
    test.each(STAFF_PAGES)("$name", (state) => checkPage(staffPage, state, lng));
  });

  describe.each(["de", "en", "ar"] as const)("resident print views in %s", (lng) => {
    test.each(PRINT_VIEWS)("$name", (state) => checkPage(residentPage, state, lng));
  });
});
