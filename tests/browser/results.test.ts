/**
 * The results pages in a real browser, in German, English and Arabic: the public results page (both
 * pages of submissions, and the "not yet" page) and the moderators' page that publishes them (also
 * with an error summary) — no axe-core violations of WCAG 2.2 A/AA, nothing to scroll sideways at
 * 320 CSS px (the charts included), and no script on the public pages.
 */
import type { Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { STAFF_LANGUAGES, SUPPORTED_LANGUAGES, directionOf } from "~/i18n/config";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { recordConsideration } from "~/modules/considerations/considerations.server";
import { publishSubmission } from "~/modules/moderation/moderation.server";
import { findPublicProcedure } from "~/modules/procedures/procedures.server";
import type { Procedure } from "~/modules/procedures/procedure";
import { createSubmission } from "~/modules/submissions/submissions.server";
import { DESKTOP, NARROW, axeCheck, launchBrowser, type Browser } from "../support/browser";
import { startServer, type TestServer } from "../support/server";
import { DEMO, signIn } from "../support/staff";

// resident pages in every shipped language; the staff pages among them in German and English only
const LANGUAGES = SUPPORTED_LANGUAGES;
type Lng = (typeof LANGUAGES)[number];

const ORG = "/musterstadt";
const RESULTS = `${ORG}/verfahren/radverkehrsplan-2030/ergebnisse`;
const NOT_YET = `${ORG}/verfahren/marktplatz/ergebnisse`;

let server: TestServer;
let h: DatabaseHandle;
let browser: Browser;
let page: Page;
let staffPage = "";
let moderatorCookies: { name: string; value: string; url: string }[] = [];

const TEXTS = [
  "Der Radweg an der Bahnhofstraße ist zwischen Markt und Bahnhof viel zu schmal; Fußgängerinnen, Kinderwagen und Lastenräder kommen sich dort ständig in die Quere.",
  "An der Kreuzung beim Schulzentrum fehlt eine eigene Ampelphase für Radfahrende. Morgens zwischen halb acht und acht ist es dort wirklich gefährlich.",
  "Bitte mehr überdachte Abstellplätze am Bahnhof und an der Stadtbibliothek.",
  "Donaudampfschifffahrtsgesellschaftskapitänsmützenabstellplatzverordnung – lange Wörter müssen auch auf dem Telefon umbrechen.",
];

beforeAll(async () => {
  server = await startServer({ env: { JOBS_INTERVAL_MS: "0" } });
  h = openDatabase(server.database.url);
  const db = h.db;
  const org = await db.selectFrom("organisations").select("id").where("slug", "=", "musterstadt").executeTakeFirstOrThrow();
  const procedure = (await findPublicProcedure(db, org.id, "radverkehrsplan-2030")) as Procedure;
  const [text, place, mode, wishes, grade, kids] = procedure.questions;
  const moderator = await db.selectFrom("accounts").select("id").where("email", "=", DEMO.moderator).executeTakeFirstOrThrow();
  const modes = ["bike", "foot", "bike", "bus", "bike", "foot", "bike", "car", "bike", "foot"];
  const ids: number[] = [];
  for (let i = 0; i < 26; i++) {
    const created = await db.transaction().execute((trx) =>
      createSubmission(trx, {
        procedure,
        input: {
          answers: [
            { questionId: text.id, values: [`${TEXTS[i % TEXTS.length]} (Nr. ${i + 1})`] },
            ...(i % 3 === 0 ? [{ questionId: place.id, values: ["Bahnhofstraße"] }] : []),
            { questionId: mode.id, values: [modes[i % modes.length]] },
            { questionId: wishes.id, values: i % 2 ? ["safety", "width"] : ["parking"] },
            { questionId: grade.id, values: [String((i % 5) + 1)] },
            { questionId: kids.id, values: [i % 4 ? "yes" : "no"] },
          ],
          contact: { name: "Anna Beispiel", email: "anna@example.org" },
        },
        channel: i % 6 === 5 ? "phone" : "online",
        language: "de",
        idempotencyKey: `browser-results-${i}`,
      }),
    );
    ids.push(created.submissionId);
  }
  for (const id of ids.slice(0, 23)) {
    await publishSubmission(db, { organisationId: org.id, submissionId: id, moderatorId: moderator.id, redactions: new Map(), confirmedChecked: true });
  }
  await recordConsideration(db, {
    organisationId: org.id,
    procedureId: procedure.id,
    submissionIds: ids.slice(0, 12),
    moderatorId: moderator.id,
    decision: "partly_accepted",
    text: "Die Stadt verbreitert den Radweg an der Bahnhofstraße 2027. Eine eigene Ampelphase am Schulzentrum wird geprüft.",
  });
  await db.updateTable("procedures").set({ status: "closed" }).where("id", "=", procedure.id).execute();
  staffPage = `${ORG}/verwaltung/moderation/${procedure.id}/ergebnisse`;

  const signedIn = await signIn(server.url, DEMO.moderator, { db });
  moderatorCookies = [...signedIn.client.cookies].map(([name, value]) => ({ name, value, url: server.url }));

  browser = await launchBrowser({ javaScriptEnabled: true, viewport: DESKTOP });
  page = browser.page;

  // the moderator publishes the results through the page itself
  await browser.context.addCookies(moderatorCookies);
  await page.goto(`${server.url}${staffPage}?lng=de`);
  await page.getByLabel(/Zusammenfassung der Ergebnisse/).fill("# Überblick\n\nViele **Rückmeldungen** zur Bahnhofstraße.\n\n- Radweg wird breiter\n- Ampel wird geprüft");
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.getByRole("button", { name: "Ergebnisse veröffentlichen" }).click()]);
  expect(new URL(page.url()).search).toBe("?erledigt=published");
  await browser.context.clearCookies();
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
  await server?.stop();
});

async function open(path: string, lng: Lng): Promise<Response> {
  const response = await page.goto(`${server.url}${path}${path.includes("?") ? "&" : "?"}lng=${lng}`, { waitUntil: "load" });
  if (!response) throw new Error(`no response for ${path}`);
  return response;
}

/** Elements sticking out of a 320 px viewport on the scrolling side. */
function overflowingElements(): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const rtl = getComputedStyle(document.documentElement).direction === "rtl";
    const out: string[] = [];
    for (const el of Array.from(document.body.querySelectorAll("*"))) {
      const r = el.getBoundingClientRect();
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
  reach(lng: Lng): Promise<Response>;
  status: number;
  shows(): Promise<void>;
  /** resident pages ship no script at all */
  resident: boolean;
}

const publicPage = (path: string) => async (lng: Lng) => {
  await browser.context.clearCookies();
  return open(path, lng);
};
const asModerator = (path: () => string) => async (lng: Lng) => {
  await browser.context.clearCookies();
  await browser.context.addCookies(moderatorCookies);
  return open(path(), lng);
};

const PAGES: PageState[] = [
  {
    name: "results, first page",
    reach: publicPage(RESULTS),
    status: 200,
    resident: true,
    shows: async () => {
      expect(await page.locator("main svg[role=img]").count()).toBe(4);
      // the charts' tables and the channels, and the published statements per section of the draft
      expect(await page.locator("main table").count()).toBe(6);
      expect(await page.locator("main li.card").count()).toBe(20);
    },
  },
  {
    name: "results, second page",
    reach: publicPage(`${RESULTS}?seite=2`),
    status: 200,
    resident: true,
    shows: async () => {
      expect(await page.locator("main li.card").count()).toBe(3);
    },
  },
  {
    name: "results not published yet",
    reach: publicPage(NOT_YET),
    status: 404,
    resident: true,
    shows: async () => {
      expect(await page.locator(`main a[href="${ORG}/verfahren/marktplatz"]`).count()).toBe(1);
    },
  },
  {
    name: "staff: publish results",
    reach: asModerator(() => staffPage),
    status: 200,
    resident: false,
    shows: async () => {
      expect(await page.locator("main textarea[name=summary]").count()).toBe(1);
      expect(await page.locator('main button[value="publish"]').count()).toBe(1);
    },
  },
  {
    name: "staff: publish results with an empty summary (error summary)",
    reach: async (lng) => {
      await asModerator(() => staffPage)(lng);
      await page.locator("main textarea[name=summary]").fill("");
      const [response] = await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.locator('main button[value="publish"]').click()]);
      if (!response) throw new Error("no response");
      return response;
    },
    status: 400,
    resident: false,
    shows: async () => {
      expect(await page.locator(".error-summary a[href='#summary']").count()).toBe(1);
    },
  },
];

describe.each(LANGUAGES)("results pages in %s", (lng) => {
  test.each(PAGES.filter((p) => p.resident || (STAFF_LANGUAGES as readonly string[]).includes(lng)))("$name", async (state) => {
    await page.setViewportSize(DESKTOP);
    const response = await state.reach(lng);
    expect(response.status(), `HTTP status of ${page.url()}; server log:\n${server.logs().slice(-3000)}`).toBe(state.status);
    await state.shows();

    const root = await page.evaluate(() => ({ lang: document.documentElement.getAttribute("lang"), dir: document.documentElement.getAttribute("dir") }));
    expect.soft(root).toEqual({ lang: lng, dir: directionOf(lng) });

    if (state.resident) {
      const html = await response.text();
      expect.soft(html, "the HTML as sent contains a <script> element").not.toMatch(/<script/i);
      expect.soft(await page.evaluate(() => document.scripts.length), "document.scripts.length").toBe(0);
    }

    expect.soft(await axeCheck(page), `axe-core violations on ${page.url()} (${lng})`).toEqual([]);

    await page.setViewportSize(NARROW);
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    const overflowing = scrollWidth > NARROW.width ? await overflowingElements() : [];
    expect.soft(scrollWidth, `horizontal scrolling at 320 px on ${page.url()} (${lng}); sticking out:\n${overflowing.join("\n")}`).toBeLessThanOrEqual(NARROW.width);
    if (state.name.startsWith("results,")) {
      // the charts fit the column and their text stays readable (no shrinking viewBox)
      const charts = await page.evaluate(() =>
        Array.from(document.querySelectorAll("main svg[role=img]")).map((svg) => {
          const r = svg.getBoundingClientRect();
          const text = svg.querySelector("text");
          return { left: r.left, right: r.right, font: text ? parseFloat(getComputedStyle(text).fontSize) : 0 };
        }),
      );
      for (const c of charts) {
        expect.soft(c.left).toBeGreaterThanOrEqual(0);
        expect.soft(c.right).toBeLessThanOrEqual(NARROW.width);
        expect.soft(c.font).toBeGreaterThanOrEqual(16);
      }
    }
    await page.setViewportSize(DESKTOP);
  });
});
