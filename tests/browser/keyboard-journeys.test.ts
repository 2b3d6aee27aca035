/**
 * Journeys by keyboard alone (Tab, Shift+Tab, Enter, Space, arrow keys in radio groups, typing),
 * without JavaScript. At every stop the focused element is on screen, not covered by anything
 * else, and shows a focus indicator of 3:1 contrast (tests/support/focus.ts keyboardWalker, plus
 * the cover check below):
 *   - a resident looks a submission up with the receipt code, reads the log and erases the
 *     personal data;
 *   - staff sign in with password and TOTP code and reach their dashboard;
 *   - a resident reports a barrier and gets a reference number;
 *   - a resident goes from a section of the draft ("Stellung nehmen zu 3.2") to the form with that
 *     section chosen, and back to the section;
 *   - a moderator publishes one submission as it is, one redacted, does not publish one (with a
 *     reason), answers one, and publishes updated results that residents then see;
 *   - an admin creates a procedure, adds questions, looks at the preview and opens it;
 *   - an admin answers a barrier report and saves a procedure's English translation.
 * The resident submission journey (journey.test.ts) and the desk's phone/counter/paper journeys
 * (desk.test.ts) are walked the same way in their own files. Staff journeys after the sign-in
 * start with the sessions prepareSite signed in over HTTP (the sign-in itself is walked above).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from "~/modules/accounts/demo.server";
import { totpCode } from "~/modules/accounts/totp.server";
import { DESKTOP, launchBrowser, type Browser } from "../support/browser";
import { keyboardWalker, rememberUnfocused, type Stop } from "../support/focus";
import { CLOSED, CONSULTATION, ORG, STAFF, SURVEY, cookiesOf, prepareSite, type Session, type Site } from "../support/pages";
import { Client } from "../support/http";
import { projectRoot, startServer, type TestServer } from "../support/server";
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

// the browser is German; the interface's words come from the German locale files
const locale = (ns: string) => JSON.parse(readFileSync(join(projectRoot, `locales/de/${ns}.json`), "utf8"));
const moderation = locale("moderation");
const admin = locale("admin");
const barriers = locale("barriers");
const accessibility = locale("accessibility");
const staffText = locale("staff");

/** A stop on a button of the main content whose text begins with `label` (the staff bar's sign-out is a button too). */
const button = (label: string) => (s: Stop) => s.inMain && s.element.startsWith("<button") && s.element.includes(` "${label}`);
const link = (href: string) => (s: Stop) => s.href === href;
const field = (name: string) => (s: Stop) => s.name === name;
const mainText = () => page.locator("main").innerText();

/** Starts a journey with a fresh set of cookies: none, or a session prepareSite signed in. */
async function as(session: Session) {
  await browser.context.clearCookies();
  const cookies = cookiesOf(site, session);
  if (cookies.length) await browser.context.addCookies(cookies);
}

/**
 * keyboardWalker, and at every stop also: the focused element is not hidden (visibility,
 * opacity, display) and nothing else lies on top of it where it is drawn (WCAG 2.4.11 Focus Not
 * Obscured). Arrow keys move within a radio group and are checked the same way.
 */
function walker() {
  const k = keyboardWalker(page);
  const covered = async (where: string) => {
    const problem = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null; // keyboardWalker reports this already
      if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return "is hidden (display, visibility or opacity)";
      const box = Array.from(el.getClientRects()).find((r) => r.width > 0 && r.height > 0) ?? el.getBoundingClientRect();
      const clamp = (v: number, max: number) => Math.min(Math.max(v, 0), max - 1);
      const x = clamp(box.left + box.width / 2, innerWidth);
      const y = clamp(box.top + box.height / 2, innerHeight);
      const top = document.elementFromPoint(x, y);
      if (top && (top === el || el.contains(top))) return null;
      return `is covered by <${top?.tagName.toLowerCase() ?? "nothing"}${top?.getAttribute("class") ? ` class="${top.getAttribute("class")}"` : ""}> at its centre`;
    });
    if (problem) k.problems.push(`${where}: focused element ${problem}`);
  };
  const checked = async (where: string, stop: Promise<Stop>) => {
    const s = await stop;
    await covered(where);
    return s;
  };
  const tab = (where: string) => checked(where, k.tab(where));
  return {
    ...k,
    tab,
    shiftTab: (where: string) => checked(where, k.shiftTab(where)),
    /** Presses Tab (or Shift+Tab) until `wanted` has the focus, checking every stop on the way. */
    async tabUntil(where: string, wanted: (s: Stop) => boolean, { backwards = false, limit = 80 } = {}): Promise<Stop> {
      for (let i = 0; i < limit; i++) {
        const stop = await checked(where, backwards ? k.shiftTab(where) : k.tab(where));
        if (wanted(stop)) return stop;
      }
      throw new Error(`${where}: never reached the wanted element with ${backwards ? "Shift+Tab" : "Tab"}. Stops:\n${k.stops.slice(-limit).join("\n")}`);
    },
    /** Arrow keys inside a radio group: the focus moves and the choice with it. */
    async arrow(key: "ArrowDown" | "ArrowUp", where: string, times = 1): Promise<Stop> {
      for (let i = 0; i < times - 1; i++) await page.keyboard.press(key);
      await page.keyboard.press(key);
      return checked(where, k.check(where));
    },
    /** Space on a checkbox: it is ticked, the focus stays. */
    async space(where: string): Promise<Stop> {
      await page.keyboard.press("Space");
      return checked(where, k.check(where));
    },
  };
}

/**
 * The order of the day, month and year fields of the focused date input: Chromium lays them out
 * in its own user-interface language, not the page's (see desk.test.ts); its accessibility tree
 * has them as spin buttons (month up to 12, day up to 31, year above 9999).
 */
async function typeDate(iso: string) {
  const cdp = await page.context().newCDPSession(page);
  try {
    type AXNode = { nodeId: string; role?: { value?: unknown }; childIds?: string[]; properties?: { name: string; value: { value?: unknown } }[] };
    const { nodes } = (await cdp.send("Accessibility.getFullAXTree")) as { nodes: AXNode[] };
    const focusedDate = nodes.find((n) => n.properties?.some((p) => p.name === "focused" && p.value.value === true));
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
    walk(focusedDate ?? nodes[0]);
    const fields = order.slice(0, 3);
    if (new Set(fields).size !== 3) throw new Error(`cannot tell the date input's field order: ${order.join(", ") || "no spin buttons"}`);
    const [year, month, day] = iso.split("-");
    const parts = { day, month, year };
    for (const f of fields) await page.keyboard.type(parts[f]);
  } finally {
    await cdp.detach();
  }
}

const berlinDay = (d: Date) => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Berlin" }).format(d);

/** A resident sends a barrier report from the footer's accessibility statement; returns the reference number. */
async function reportBarrier(k: ReturnType<typeof walker>, description: string, email: string): Promise<string> {
  await visit(ORG);
  await k.tabUntil("home page, to the footer", link(`${ORG}/barrierefreiheit`));
  await k.pressAndLoad("Enter");
  expect(pathOf()).toBe(`${ORG}/barrierefreiheit`);
  await k.tabUntil("accessibility statement", link(`${ORG}/barrierefreiheit/melden`));
  await k.pressAndLoad("Enter");
  expect(pathOf()).toBe(`${ORG}/barrierefreiheit/melden`);
  await k.tabUntil("barrier report", field("page"));
  await k.type(`${ORG}/verfahren/radverkehrsplan-2030`);
  let stop = await k.tab("barrier report, after the page");
  expect(stop.name, `the description follows the page, not ${stop.element}`).toBe("description");
  await k.type(description);
  stop = await k.tabUntil("barrier report", field("email"));
  await k.type(email);
  await k.tabUntil("barrier report", button(accessibility.form.submit));
  await k.pressAndLoad("Enter");
  expect(pathOf(), `after sending the report: ${await mainText()}`).toBe(`${ORG}/barrierefreiheit/melden/bestaetigung`);
  const reference = ((await page.locator("#reference").innerText()) ?? "").trim();
  expect(reference, "the reference number on the confirmation").not.toBe("");
  return reference;
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

test("a resident goes from section 3.2 of the draft to the form with 3.2 chosen, and back to the section", async () => {
  await as("none");
  const k = walker();
  await visit(CONSULTATION);
  const sectionLink = `${CONSULTATION}?abschnitt=3.2#abschnitt`;
  await k.tabUntil("procedure page, to section 3.2", link(sectionLink));
  await k.pressAndLoad("Enter");
  expect(`${pathOf()}${new URL(page.url()).search}`).toBe(`${CONSULTATION}?abschnitt=3.2`);
  expect(await page.locator("#abschnitt").inputValue(), "the section is chosen").toBe("3.2");
  // the choice and right after it the way back
  await k.tabUntil("form, to the way back", link("#abschnitt-3-2"), { limit: 3 });
  await page.keyboard.press("Enter");
  await expect.poll(() => new URL(page.url()).hash).toBe("#abschnitt-3-2");
  const heading = await page.locator("#abschnitt-3-2").boundingBox();
  expect(heading && heading.y >= 0 && heading.y < (page.viewportSize()?.height ?? 0), "the section's heading is on screen").toBe(true);
  // reading on from the heading: the next Tab is the section's own link again
  const next = await k.tab("section 3.2, next stop");
  expect(next.href, `after the way back: ${next.element}`).toBe(sectionLink);

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

test("a resident reports a barrier by keyboard and gets a reference number", async () => {
  await as("none");
  const k = walker();
  const reference = await reportBarrier(k, "Das Formular lässt sich mit der Bildschirmlupe nicht bedienen.", "melderin@example.org");
  expect(await mainText(), "the confirmation says by when the answer comes").toContain(reference);
  await k.tabUntil("report confirmation", link(`${ORG}/barrierefreiheit`));
  await k.pressAndLoad("Enter");
  expect(pathOf(), "back to the accessibility statement").toBe(`${ORG}/barrierefreiheit`);

  expect(k.problems, `Tab stops:\n${k.stops.join("\n")}`).toEqual([]);
});

test("a moderator publishes, redacts, declines and answers submissions, then publishes the results, by keyboard", async () => {
  // three residents take part (over HTTP, as the browser journeys of residents are walked elsewhere)
  const texts = {
    plain: "Bitte mehr Fahrradbügel am Bahnhof, die jetzigen sind immer voll.",
    phone: "Rufen Sie mich an: 0511 7654321, dann zeige ich Ihnen die gefährliche Stelle.",
    offTopic: "Wann öffnet eigentlich das Freibad wieder?",
  };
  const id: Record<string, number> = {};
  for (const [key, text] of Object.entries(texts)) {
    const resident = new Client(server.url);
    await resident.post(`${ORG}/verfahren/radverkehrsplan-2030`, [["q1", text], ["q3", "bike"], ["q5", "4"], ["contact_email", "teilnehmerin@example.org"]]);
    await resident.post(`${ORG}/verfahren/radverkehrsplan-2030/pruefen`, "");
    id[key] = (await site.db.selectFrom("answers").select("submission_id").where("value", "=", text).executeTakeFirstOrThrow()).submission_id;
  }
  const MOD = `${STAFF}/moderation`;
  const QUEUE = `${MOD}/${site.ids.open}`;
  const stateShown = () => page.locator("dl.facts > div").filter({ has: page.locator("dt", { hasText: moderation.queue.state }) }).locator("dd").innerText();
  await as("moderator");
  const k = walker();
  await visit(STAFF);

  await k.tabUntil("dashboard", link(MOD));
  await k.pressAndLoad("Enter");
  await k.tabUntil("moderation overview", link(QUEUE));
  await k.pressAndLoad("Enter");
  expect(pathOf()).toBe(QUEUE);

  // 1. published as it is
  await k.tabUntil("queue", link(`${MOD}/beitrag/${id.plain}`));
  await k.pressAndLoad("Enter");
  await k.tabUntil("review (as it is)", button(moderation.review.publish));
  await k.pressAndLoad("Enter");
  expect(new URL(page.url()).search).toBe("?erledigt=published");
  expect(await page.locator("[role=status]").innerText()).toContain(moderation.review.done.published);
  expect(await stateShown(), "the submission shows as published").toBe(moderation.states.published);

  // 2. published with the phone number taken out (the detector's suggestion, confirmed with Space)
  await k.tabUntil("review, back to the queue", link(QUEUE));
  await k.pressAndLoad("Enter");
  await k.tabUntil("queue", link(`${MOD}/beitrag/${id.phone}`));
  await k.pressAndLoad("Enter");
  await k.tabUntil("review (redacted)", field("confirm_checked"));
  await k.space("review (redacted), ticking the confirmation");
  expect(await page.locator("input[name=confirm_checked]").isChecked(), "Space ticks the confirmation").toBe(true);
  await k.tabUntil("review (redacted)", button(moderation.review.publish));
  await k.pressAndLoad("Enter");
  expect(await stateShown(), "the submission shows as published, redacted").toBe(moderation.states.published_redacted);
  const shown = await page.locator(".review-answer p.pre").first().innerText();
  expect(shown, "the published text").not.toContain("7654321");

  // 3. not published, with a reason chosen with the arrow keys
  await k.tabUntil("review, back to the queue", link(QUEUE));
  await k.pressAndLoad("Enter");
  await k.tabUntil("queue", link(`${MOD}/beitrag/${id.offTopic}`));
  await k.pressAndLoad("Enter");
  await k.tabUntil("review (not published)", field("reason"));
  expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value), "Tab reaches the first reason").toBe("insult");
  await k.arrow("ArrowDown", "review (not published), choosing the reason", 2);
  expect(await page.locator("input[name=reason]:checked").getAttribute("value")).toBe("off_topic");
  await k.tabUntil("review (not published)", button(moderation.review.notPublish));
  await k.pressAndLoad("Enter");
  expect(await stateShown(), "the submission shows as not published, with the reason").toBe(`${moderation.states.not_published} (${moderation.reasons.off_topic})`);

  // 4. a response to the same submission
  await k.tabUntil("review (response)", field("decision"));
  await k.arrow("ArrowUp", "review (response), choosing the decision"); // from the first to the last: "noted"
  expect(await page.locator("input[name=decision]:checked").getAttribute("value")).toBe("noted");
  const decisionStop = await k.tab("review (response), after the decision");
  expect(decisionStop.name, `the text follows the decision, not ${decisionStop.element}`).toBe("response_text");
  const answer = "Danke für Ihre Frage. Das Freibad gehört nicht zum Radverkehrsplan; das Sportamt antwortet Ihnen.";
  await k.type(answer);
  await k.tabUntil("review (response)", button(moderation.review.respond));
  await k.pressAndLoad("Enter");
  expect(new URL(page.url()).search).toBe("?erledigt=responded");
  const afterResponse = await mainText();
  expect(afterResponse, "the response shows on the submission").toContain(answer);
  expect(afterResponse).toContain(moderation.decisions.noted);

  // 5. the results of the closed procedure, updated with one more sentence and published again
  await k.tabUntil("review, to the moderation overview", link(MOD));
  await k.pressAndLoad("Enter");
  await k.tabUntil("moderation overview", link(`${MOD}/${site.ids.closed}`));
  await k.pressAndLoad("Enter");
  await k.tabUntil("queue of the closed procedure", link(`${MOD}/${site.ids.closed}/ergebnisse`));
  await k.pressAndLoad("Enter");
  await k.tabUntil("results", field("summary"));
  const sentence = "Der Trinkbrunnen kommt im Sommer.";
  await k.type(`\n\n${sentence}\n\n`);
  await k.tabUntil("results", button(moderation.results.update));
  await k.pressAndLoad("Enter");
  expect(await page.locator("[role=status]").innerText()).toContain(moderation.results.done.updated);
  await k.tabUntil("results, to the public page", link(`${CLOSED}/ergebnisse`));
  await k.pressAndLoad("Enter");
  expect(pathOf()).toBe(`${CLOSED}/ergebnisse`);
  expect(await mainText(), "residents see the updated results").toContain(sentence);

  expect(k.problems, `Tab stops:\n${k.stops.join("\n")}`).toEqual([]);
});

test("an admin creates a procedure, adds questions, previews it and opens it, by keyboard", async () => {
  await as("admin");
  const k = walker();
  await visit(STAFF);
  await k.tabUntil("dashboard", link(`${STAFF}/verfahren/neu`));
  await k.pressAndLoad("Enter");

  const title = "Sitzbänke in der Altstadt";
  const fill = async (name: string, text: string) => {
    await k.tabUntil("new procedure", field(name));
    await k.type(text);
  };
  await fill("title", title);
  await fill("summary", "Wo fehlen Ihnen Bänke zum Ausruhen?");
  await fill("body", "Die Stadt stellt 2027 zwanzig neue Bänke auf.\n\nSagen Sie uns, wo.");
  await k.tabUntil("new procedure", field("kind"));
  await k.space("new procedure, choosing the kind");
  expect(await page.locator("input[name=kind]:checked").getAttribute("value"), "Space chooses the focused kind").toBe("consultation");
  await fill("responsible_office", "Fachbereich Stadtgrün");
  await fill("legal_basis", "Art. 6 Abs. 1 lit. e DSGVO");
  await k.tabUntil("new procedure", field("opens_on"));
  await typeDate(berlinDay(new Date()));
  await k.tabUntil("new procedure", field("closes_on"));
  await typeDate(berlinDay(new Date(Date.now() + 30 * 86_400_000)));
  await fill("retention_months", "6");
  await fill("publication_policy", "Die Vorschläge werden ohne Namen veröffentlicht.");
  await k.tabUntil("new procedure", button(admin.new.submit));
  await k.pressAndLoad("Enter");
  const here = pathOf();
  expect(here, `after creating the draft: ${await mainText()}`).toMatch(new RegExp(`^${STAFF}/verfahren/\\d+$`));
  expect(await page.locator("[role=status]").innerText()).toContain(admin.notices.created);

  await k.tabUntil("draft procedure", link(`${here}/fragen`));
  await k.pressAndLoad("Enter");
  // a long text (the kind a new question starts with), required
  await k.tabUntil("questions", field("kind"));
  await k.tabUntil("questions", field("label"));
  await k.type("Wo soll eine Bank stehen?");
  await k.tabUntil("questions", field("required"));
  await k.space("questions, ticking required");
  await k.tabUntil("questions", button(admin.questions.add));
  await k.pressAndLoad("Enter");
  expect(await page.locator("[role=status]").innerText()).toContain(admin.notices.added);
  // a single choice, chosen with the arrow keys, with three options
  await k.tabUntil("questions, second", field("kind"));
  await k.arrow("ArrowDown", "questions, choosing the kind");
  expect(await page.locator("#question-form input[name=kind]:checked").getAttribute("value")).toBe("single_choice");
  await k.tabUntil("questions, second", field("label"));
  await k.type("Wie oft sind Sie in der Altstadt?");
  await k.tabUntil("questions, second", field("options"));
  await k.type("Täglich\nJede Woche\nSelten");
  await k.tabUntil("questions, second", button(admin.questions.add));
  await k.pressAndLoad("Enter");
  const questions = await page.locator("main ol.list").innerText();
  expect(questions).toContain("Wo soll eine Bank stehen?");
  expect(questions).toContain("Jede Woche");

  // the page opens at the question just added; the preview link is above it
  await k.tabUntil("questions, back up to the preview link", link(`${here}/vorschau`), { backwards: true });
  await k.pressAndLoad("Enter");
  expect(await page.locator("h1").innerText()).toBe(title);
  expect(await mainText(), "the preview shows the form").toContain("Wie oft sind Sie in der Altstadt?");
  await k.tabUntil("preview, back", link(here));
  await k.pressAndLoad("Enter");

  await k.tabUntil("draft procedure", button(admin.lifecycle.open));
  await k.pressAndLoad("Enter");
  expect(await page.locator("[role=status]").innerText()).toContain(admin.notices.opened);
  expect(await page.locator("#lifecycle dl.facts dd").first().innerText(), "the procedure shows as open").toBe(staffText.status.open);
  // residents can take part now: the public address is a link
  await k.tabUntil("open procedure", (s) => s.inMain && !!s.href?.startsWith(`${ORG}/verfahren/`));
  await k.pressAndLoad("Enter");
  expect(await page.locator("h1").innerText()).toBe(title);
  expect(await mainText(), "the form residents fill in").toContain("Wo soll eine Bank stehen?");

  expect(k.problems, `Tab stops:\n${k.stops.join("\n")}`).toEqual([]);
});

test("an admin answers a barrier report and saves a procedure's English translation, by keyboard", async () => {
  await as("none");
  const k = walker();
  const reference = await reportBarrier(k, "Die Tabelle auf der Ergebnisseite hat keine Überschriften.", "melder@example.org");

  await as("admin");
  await visit(STAFF);
  await k.tabUntil("dashboard", link(`${STAFF}/barrierefreiheit`));
  await k.pressAndLoad("Enter");
  await k.tabUntil("barrier reports", (s) => s.inMain && s.element.includes(`"${reference}"`));
  await k.pressAndLoad("Enter");
  await k.tabUntil("barrier report", field("answer"));
  const answer = "Danke für Ihre Meldung. Die Tabelle hat jetzt Spalten- und Zeilenüberschriften.";
  await k.type(answer);
  await k.tabUntil("barrier report", button(barriers.report.answerSubmit));
  await k.pressAndLoad("Enter");
  expect(await page.locator("[role=status]").innerText()).toContain(barriers.report.notices.answeredMail);
  expect(await page.locator("dl.summary dd").first().innerText(), "the report shows as answered").toBe(barriers.status.answered);
  expect(await mainText()).toContain(answer);

  const survey = (await site.db.selectFrom("procedures").select("id").where("slug", "=", "buergerhaushalt-2027").executeTakeFirstOrThrow()).id;
  const editor = `${STAFF}/verfahren/${survey}/uebersetzung/en`;
  await k.tabUntil("barrier report, to the overview", link(STAFF));
  await k.pressAndLoad("Enter");
  await k.tabUntil("dashboard", link(`${STAFF}/verfahren/${survey}`));
  await k.pressAndLoad("Enter");
  await k.tabUntil("procedure", link(editor));
  await k.pressAndLoad("Enter");
  await k.tabUntil("translation", field("title"));
  const english = "Citizens' budget 2027";
  await k.type(english);
  await k.tabUntil("translation", button(admin.translations.save));
  await k.pressAndLoad("Enter");
  expect(pathOf()).toBe(editor);
  expect(await page.locator("[role=status]").innerText()).toContain(admin.translations.saved);
  expect(await page.locator("input[name=title]").inputValue(), "the saved title is in the field").toBe(english);
  await visit(`${SURVEY}?lng=en`);
  expect(await page.locator("h1").innerText(), "residents reading English see the translated title").toBe(english);

  expect(k.problems, `Tab stops:\n${k.stops.join("\n")}`).toEqual([]);
});
