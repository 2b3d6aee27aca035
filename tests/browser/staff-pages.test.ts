/**
 * Every staff page, in German and English, in a real browser: no axe-core violations of WCAG 2.2
 * A/AA (checked at desktop width), the page's language declared, no horizontal scrolling at 320 CSS
 * px (WCAG 1.4.10 Reflow), and no JavaScript shipped (staff pages may use some, but ship none today).
 * Then an admin builds a procedure with JavaScript switched off: create it, add two questions,
 * reorder them, preview it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import type { Locator, Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { createAccount, createAccountToken, redeemAccountToken } from "~/modules/accounts/accounts.server";
import { DEMO_PASSWORD } from "~/modules/accounts/demo.server";
import { berlinDay } from "~/i18n/dates";
import { saveAttachmentSettings, storeAttachment } from "~/modules/attachments/attachments.server";
import { prepareAttachment } from "~/modules/attachments/inspect.server";
import { findPublicProcedure } from "~/modules/procedures/procedures.server";
import { createSubmission } from "~/modules/submissions/submissions.server";
import { DESKTOP, NARROW, axeCheck, launchBrowser, type Browser } from "../support/browser";
import { projectRoot, startServer, type TestServer } from "../support/server";
import { DEMO, csrfOf, signIn } from "../support/staff";
import { pdfOf } from "../support/files";
import { keyboardWalker, rememberUnfocused } from "../support/focus";

const LANGUAGES = ["de", "en"] as const;
type Lng = (typeof LANGUAGES)[number];

const STAFF = "/musterstadt/verwaltung";
const DAY = 86_400_000;
/** an admin who has not set up the second factor yet */
const NEW_ADMIN = { email: "neu-admin@musterstadt.example", password: "ein langer Satz für den Test" };

/** The German skip link text: a page in another language that shows it is not translated. */
const germanSkipLink: string = JSON.parse(readFileSync(join(projectRoot, "locales/de/common.json"), "utf8")).skipToContent;

let server: TestServer;
let h: DatabaseHandle;
let browser: Browser;
let page: Page;
/** the admin's and the service staff's signed-in sessions, as cookies for the browser */
let adminCookies: { name: string; value: string; url: string }[] = [];
let staffCookies: { name: string; value: string; url: string }[] = [];
let inviteToken = "";
const ids = { open: 0, draft: 0, account: 0, closedEarly: 0, letter: 0 };

const details = (overrides: Record<string, string> = {}): [string, string][] =>
  Object.entries({
    title: "Spielplatz am Stadtpark",
    slug: "",
    summary: "Der Spielplatz wird erneuert. Was wünschen Sie sich?",
    body: "# Worum es geht\n\nDer Spielplatz ist **30 Jahre** alt.",
    kind: "survey",
    legal_basis: "Art. 6 Abs. 1 lit. e DSGVO",
    responsible_office: "Fachbereich Grün",
    opens_on: berlinDay(new Date().toISOString()),
    closes_on: berlinDay(new Date(Date.now() + 30 * DAY).toISOString()),
    retention_months: "6",
    publication_policy: "Die Ergebnisse werden als Statistik veröffentlicht.",
    contact_name: "off",
    contact_name_purpose: "",
    contact_address: "off",
    contact_address_purpose: "",
    contact_email: "optional",
    contact_email_purpose: "damit wir Ihnen das Ergebnis schicken können",
    contact_phone: "off",
    contact_phone_purpose: "",
    ...overrides,
  });

const question = (fields: Record<string, string>): [string, string][] =>
  Object.entries({ intent: "add", kind: "long_text", label: "", hint: "", max_length: "", options: "", scale_min_label: "", scale_max_label: "", ...fields });

beforeAll(async () => {
  server = await startServer();
  h = openDatabase(server.database.url);
  const db = h.db;
  const org = await db.selectFrom("organisations").select("id").where("slug", "=", "musterstadt").executeTakeFirstOrThrow();

  // the admin's real session, signed in over HTTP (each TOTP code works once: the browser only
  // ever sees the code page, it never sends a code)
  const admin = await signIn(server.url, DEMO.admin, { db });
  adminCookies = [...admin.client.cookies].map(([name, value]) => ({ name, value, url: server.url }));
  const staff = await signIn(server.url, DEMO.staff);
  staffCookies = [...staff.client.cookies].map(([name, value]) => ({ name, value, url: server.url }));

  // a draft with questions, for the edit form and the question editor
  const csrf = csrfOf(await (await admin.client.get(`${STAFF}/verfahren/neu`)).text());
  const created = await admin.client.post(`${STAFF}/verfahren/neu`, [["_csrf", csrf], ...details()]);
  expect(created.status, "creating the draft").toBe(303);
  ids.draft = Number(created.headers.get("location")!.match(/\/verfahren\/(\d+)\?/)![1]);
  for (const q of [
    question({ label: "Was wünschen Sie sich?", required: "yes" }),
    question({ kind: "single_choice", label: "Wie oft sind Sie dort?", options: "Täglich\nJede Woche\nSelten" }),
    question({ kind: "scale", label: "Wie gefällt Ihnen der Spielplatz heute?", scale_min_label: "gar nicht", scale_max_label: "sehr gut" }),
  ]) {
    expect((await admin.client.post(`${STAFF}/verfahren/${ids.draft}/fragen`, [["_csrf", csrf], ...q])).status, "adding a question").toBe(303);
  }
  // a procedure closed before its planned end (it can be reopened)
  const early = await admin.client.post(`${STAFF}/verfahren/neu`, [["_csrf", csrf], ...details({ title: "Früh beendet", slug: "frueh-beendet" })]);
  ids.closedEarly = Number(early.headers.get("location")!.match(/\/verfahren\/(\d+)\?/)![1]);
  expect((await admin.client.post(`${STAFF}/verfahren/${ids.closedEarly}/fragen`, [["_csrf", csrf], ...question({ label: "Was meinen Sie?" })])).status).toBe(303);
  for (const step of [[["intent", "open"]], [["intent", "close"], ["confirm", "yes"]]] as [string, string][][]) {
    expect((await admin.client.post(`${STAFF}/verfahren/${ids.closedEarly}`, [["_csrf", csrf], ...step])).status, `${step[0][1]} the early-closed procedure`).toBe(303);
  }
  ids.open = (await db.selectFrom("procedures").select("id").where("slug", "=", "radverkehrsplan-2030").executeTakeFirstOrThrow()).id;
  ids.account = (await db.selectFrom("accounts").select("id").where("email", "=", DEMO.moderator).executeTakeFirstOrThrow()).id;

  // issue 20: files allowed on the open procedure; a letter entered at the desk, kept with its scan
  // and a photo the writer enclosed (the moderation view shows both, the photo as a thumbnail)
  await saveAttachmentSettings(db, ids.open, { maxFiles: 3, maxBytes: 10_000_000 });
  const procedure = (await findPublicProcedure(db, org.id, "radverkehrsplan-2030"))!;
  const letter = await db.transaction().execute((trx) =>
    createSubmission(trx, { procedure, input: { answers: [{ questionId: procedure.questions[0].id, values: ["Mein Brief zum Radweg"] }], contact: {} }, channel: "letter", language: "de", idempotencyKey: "staff-pages-letter", receivedOn: berlinDay(new Date().toISOString()) }),
  );
  ids.letter = letter.submissionId;
  const spool = mkdtempSync(join(tmpdir(), "teilhabe-staff-pages-"));
  try {
    const files = [
      { bytes: pdfOf(40_000, 5), name: "Brief vom 20. November.pdf" },
      { bytes: await sharp({ create: { width: 800, height: 600, channels: 3, background: "#6a8f3c" } }).jpeg().toBuffer(), name: "Foto Radweg.jpg" },
    ];
    for (const [i, f] of files.entries()) {
      const path = join(spool, `scan-${i}`);
      writeFileSync(path, f.bytes);
      const checked = await prepareAttachment({ field: "scan", path, size: f.bytes.length, fileName: f.name, declaredType: "application/octet-stream" }, null);
      if (!checked.ok) throw new Error(`test file refused: ${checked.problem}`);
      await storeAttachment(db, checked.prepared, { organisationId: org.id, procedureId: ids.open, source: "desk", submissionId: ids.letter, legalBasis: "Art. 6 Abs. 1 lit. e DSGVO" });
      await checked.cleanup();
    }
  } finally {
    rmSync(spool, { recursive: true, force: true });
  }

  // an admin without a second factor yet, and a fresh invitation
  await createAccount(db, { organisationId: org.id, email: NEW_ADMIN.email, displayName: "Neu Admin", roles: ["admin"], password: NEW_ADMIN.password });
  const invited = await createAccount(db, { organisationId: org.id, email: "eingeladen@musterstadt.example", displayName: "Ina Eingeladen", roles: ["staff"] });
  inviteToken = await createAccountToken(db, { accountId: invited.id, purpose: "invite", createdBy: null });

  // the pages ship no JavaScript, so a JavaScript-enabled browser shows exactly what everyone gets,
  // and axe runs in the page itself
  browser = await launchBrowser({ javaScriptEnabled: true, viewport: DESKTOP });
  page = browser.page;
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

/** Clicks something that submits a form and waits until the resulting page has loaded. */
async function submitWith(button: Locator): Promise<Response> {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: "load" }), button.click()]);
  if (!response) throw new Error("the click did not load a page");
  return response;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

async function shown(locator: Locator) {
  expect(await locator.isVisible(), `${locator} is not visible on ${page.url()}`).toBe(true);
}

/** No session at all. */
async function anonymous() {
  await browser.context.clearCookies();
}

/** Signed in as the demo admin (both factors done). */
async function asAdmin() {
  await browser.context.clearCookies();
  await browser.context.addCookies(adminCookies);
}

/** The sign-in form, filled in and sent. */
async function signInWith(lng: Lng, email: string, password: string): Promise<Response> {
  await open("/anmelden", lng);
  await page.locator("input[name=email]").fill(email);
  await page.locator("input[name=password]").fill(password);
  return submitWith(page.locator('form[action="/anmelden"] button[type=submit]'));
}

/** Signed in as the demo service staff (the desk is theirs alone). */
async function asStaff() {
  await browser.context.clearCookies();
  await browser.context.addCookies(staffCookies);
}

const staffPage = (path: string) => async (lng: Lng) => {
  await asAdmin();
  return open(path, lng);
};

const deskPage = (path: () => string) => async (lng: Lng) => {
  await asStaff();
  return open(path(), lng);
};

const deskForm = () => page.locator(`main form[action^="${STAFF}/schalter/"] button[type=submit]`);

interface PageState {
  name: string;
  /** brings the page into the state to check; returns the response that produced the document */
  reach(lng: Lng): Promise<Response>;
  status: number;
  /** what shows that the intended page (not some error page) is on screen */
  shows(): Promise<void>;
  /** the main heading is content (a person's name), the same in every language */
  contentHeading?: boolean;
}

const PAGES: PageState[] = [
  {
    name: "sign-in",
    reach: async (lng) => {
      await anonymous();
      return open("/anmelden", lng);
    },
    status: 200,
    shows: async () => {
      await shown(page.locator("main input[name=email]"));
      await shown(page.locator("main input[name=password]"));
    },
  },
  {
    name: "sign-in after a wrong password (error summary)",
    reach: async (lng) => {
      await anonymous();
      return signInWith(lng, DEMO.staff, "das ist nicht das Passwort");
    },
    status: 400,
    shows: async () => {
      await shown(page.locator(".error-summary"));
      await shown(page.locator(".error-summary a").first());
      await shown(page.locator("#email-error"));
    },
  },
  {
    name: "second factor: the code",
    reach: async (lng) => {
      await anonymous();
      return signInWith(lng, DEMO.admin, DEMO_PASSWORD);
    },
    status: 200,
    shows: async () => {
      expect(new URL(page.url()).pathname).toBe("/anmelden/code");
      await shown(page.locator("main input[name=code]"));
    },
  },
  {
    name: "second factor: setting it up",
    reach: async (lng) => {
      await anonymous();
      // set-up follows a one-time link: each visit here uses a fresh one, as a new admin would
      const account = await h.db.selectFrom("accounts").select("id").where("email", "=", NEW_ADMIN.email).executeTakeFirstOrThrow();
      await redeemAccountToken(h.db, await createAccountToken(h.db, { accountId: account.id, purpose: "reset", createdBy: null }), NEW_ADMIN.password);
      return signInWith(lng, NEW_ADMIN.email, NEW_ADMIN.password);
    },
    status: 200,
    shows: async () => {
      expect(new URL(page.url()).pathname).toBe("/anmelden/einrichten");
      await shown(page.locator("main .qr svg"));
      await shown(page.locator("main code.secret"));
      await shown(page.locator("main input[name=code]"));
    },
  },
  {
    name: "dashboard",
    reach: staffPage(STAFF),
    status: 200,
    shows: async () => {
      await shown(page.locator(`main table a[href="${STAFF}/verfahren/${ids.open}"]`));
      await shown(page.locator("nav.staff-nav"));
    },
  },
  {
    // issue 14, point 19: admins find the procedures and moderation in their navigation
    name: "procedures list",
    reach: staffPage(`${STAFF}/verfahren`),
    status: 200,
    shows: async () => {
      await shown(page.locator(`main table a[href="${STAFF}/verfahren/${ids.open}"]`));
      await shown(page.locator(`main table a[href="${STAFF}/moderation/${ids.open}"]`));
      await shown(page.locator(`nav.staff-nav a[href="${STAFF}/verfahren"][aria-current="page"]`));
      await shown(page.locator(`nav.staff-nav a[href="${STAFF}/moderation"]`));
    },
  },
  {
    name: "moderation queue, opened by an admin",
    reach: (lng) => staffPage(`${STAFF}/moderation/${ids.open}`)(lng),
    status: 200,
    shows: async () => {
      await shown(page.locator("main h1"));
      await shown(page.locator(`nav.staff-nav a[href="${STAFF}/verfahren"]`));
    },
  },
  {
    name: "weighing table (printable), opened by an admin",
    reach: (lng) => staffPage(`${STAFF}/moderation/${ids.open}/abwaegung`)(lng),
    status: 200,
    shows: async () => {
      await shown(page.locator("main table.weighing caption"));
      await shown(page.locator(`main form[action="${STAFF}/moderation/${ids.open}/abwaegung/xlsx"] button[formaction="${STAFF}/moderation/${ids.open}/abwaegung/odt"]`));
    },
  },
  {
    name: "decisions of the weighing (the municipality's set)",
    reach: (lng) => staffPage(`${STAFF}/entscheidungen`)(lng),
    status: 200,
    shows: async () => {
      await shown(page.locator("main h1"));
      await shown(page.locator("main input[name=label_de]").first());
    },
  },
  {
    name: "new procedure",
    reach: staffPage(`${STAFF}/verfahren/neu`),
    status: 200,
    shows: async () => {
      await shown(page.locator(`form[action="${STAFF}/verfahren/neu"] input[name=title]`));
    },
  },
  {
    name: "new procedure sent empty (error summary)",
    reach: async (lng) => {
      await asAdmin();
      await open(`${STAFF}/verfahren/neu`, lng);
      return submitWith(page.locator(`form[action="${STAFF}/verfahren/neu"] button[type=submit]`));
    },
    status: 400,
    shows: async () => {
      await shown(page.locator(".error-summary"));
      await shown(page.locator(".error-summary a").first());
      await shown(page.locator("#title-error"));
    },
  },
  {
    name: "open procedure",
    reach: (lng) => staffPage(`${STAFF}/verfahren/${ids.open}`)(lng),
    status: 200,
    shows: async () => {
      await shown(page.locator("main h1"));
      await shown(page.locator("#lifecycle"));
    },
  },
  {
    name: "the plan of a procedure (grid, corners, three control points)",
    reach: (lng) => staffPage(`${STAFF}/verfahren/${ids.open}/plan`)(lng),
    status: 200,
    shows: async () => {
      await shown(page.locator("main figure img"));
      await shown(page.locator("input[name=p3_lat]"));
    },
  },
  {
    name: "the plan with control points on one line (error summary)",
    reach: async (lng) => {
      await asAdmin();
      await open(`${STAFF}/verfahren/${ids.open}/plan`, lng);
      for (const name of ["north", "west", "south", "east"]) await page.fill(`input[name=${name}]`, "");
      const points = [
        ["10", "10", "9.72", "52.38"],
        ["20", "20", "9.73", "52.37"],
        ["30", "30", "9.74", "52.36"],
      ];
      for (const [i, values] of points.entries()) for (const [j, axis] of ["x", "y", "lon", "lat"].entries()) await page.fill(`input[name=p${i + 1}_${axis}]`, values[j]);
      return submitWith(page.locator(`form:has(input[name=intent][value=save]) button[type=submit]`));
    },
    status: 400,
    shows: async () => {
      await shown(page.locator(".error-summary a").first());
      await shown(page.locator("#p3_x-error"));
    },
  },
  {
    // issue 14, point 13: closing before the planned end asks first, naming that date
    name: "closing early asks first",
    reach: async (lng) => {
      await asAdmin();
      await open(`${STAFF}/verfahren/${ids.open}`, lng);
      return submitWith(page.locator(`#lifecycle form:has(input[name=intent][value=close]) button[type=submit]`));
    },
    status: 200,
    shows: async () => {
      await shown(page.locator("#lifecycle [role=alert] input[name=confirm][value=yes] ~ button, #lifecycle [role=alert] button").first());
      await shown(page.locator(`#lifecycle [role=alert] a[href="${STAFF}/verfahren/${ids.open}"]`));
    },
  },
  {
    name: "closed early: reopen",
    reach: (lng) => staffPage(`${STAFF}/verfahren/${ids.closedEarly}`)(lng),
    status: 200,
    shows: async () => {
      await shown(page.locator("#lifecycle input[name=reopen_on]"));
      expect(await page.locator("#lifecycle input[name=reopen_on]").inputValue(), "the planned end is offered").toBe(berlinDay(new Date(Date.now() + 30 * DAY).toISOString()));
    },
  },
  {
    name: "draft procedure (edit form)",
    reach: (lng) => staffPage(`${STAFF}/verfahren/${ids.draft}`)(lng),
    status: 200,
    shows: async () => {
      await shown(page.locator("main input[name=title]"));
    },
  },
  {
    name: "question editor of a draft",
    reach: (lng) => staffPage(`${STAFF}/verfahren/${ids.draft}/fragen`)(lng),
    status: 200,
    shows: async () => {
      await shown(page.locator("#question-form"));
      await shown(page.locator("main ol.list > li").nth(2));
    },
  },
  {
    name: "question editor, editing a question",
    reach: async (lng) => {
      const first = await h.db.selectFrom("questions").select("id").where("procedure_id", "=", ids.draft).orderBy("position").executeTakeFirstOrThrow();
      return staffPage(`${STAFF}/verfahren/${ids.draft}/fragen?frage=${first.id}`)(lng);
    },
    status: 200,
    shows: async () => {
      await shown(page.locator("#question-form"));
      expect(await page.locator('#question-form input[name=intent][value="update"]').count(), "the form edits a question").toBe(1);
    },
  },
  {
    name: "questions of an open procedure (frozen)",
    reach: (lng) => staffPage(`${STAFF}/verfahren/${ids.open}/fragen`)(lng),
    status: 200,
    shows: async () => {
      await shown(page.locator("#questions"));
      expect(await page.locator("#question-form").count(), "a question form on a frozen procedure").toBe(0);
    },
  },
  {
    name: "preview",
    reach: (lng) => staffPage(`${STAFF}/verfahren/${ids.open}/vorschau`)(lng),
    status: 200,
    shows: async () => {
      await shown(page.locator(`main form[action="${STAFF}/verfahren/${ids.open}/vorschau"]`));
    },
  },
  {
    name: "accounts",
    reach: staffPage(`${STAFF}/konten`),
    status: 200,
    shows: async () => {
      await shown(page.locator("main table"));
      await shown(page.locator("main input[name=email]"));
    },
  },
  {
    name: "one account",
    reach: (lng) => staffPage(`${STAFF}/konten?konto=${ids.account}`)(lng),
    status: 200,
    contentHeading: true,
    shows: async () => {
      await shown(page.locator('main input[name=roles][value="moderator"]'));
    },
  },
  {
    name: "settings",
    reach: staffPage(`${STAFF}/einstellungen`),
    status: 200,
    shows: async () => {
      await shown(page.locator("main input[name=name]"));
    },
  },
  {
    name: "audit log",
    reach: staffPage(`${STAFF}/protokoll`),
    status: 200,
    shows: async () => {
      await shown(page.locator("main table"));
    },
  },
  {
    name: "own password",
    reach: staffPage(`${STAFF}/passwort`),
    status: 200,
    shows: async () => {
      await shown(page.locator("main input[name=current]"));
    },
  },
  {
    name: "desk",
    reach: deskPage(() => `${STAFF}/schalter`),
    status: 200,
    shows: async () => {
      await shown(page.locator(`main a[href="${STAFF}/schalter/${ids.open}/phone"]`));
    },
  },
  {
    name: "desk: entry by phone",
    reach: deskPage(() => `${STAFF}/schalter/${ids.open}/phone`),
    status: 200,
    shows: async () => {
      await shown(deskForm());
    },
  },
  {
    name: "desk: entry by phone sent empty (error summary)",
    reach: async (lng) => {
      await deskPage(() => `${STAFF}/schalter/${ids.open}/phone`)(lng);
      return submitWith(deskForm());
    },
    status: 400,
    shows: async () => {
      await shown(page.locator(".error-summary"));
      await shown(page.locator(".error-summary a").first());
    },
  },
  {
    name: "desk: entry of a paper form",
    reach: deskPage(() => `${STAFF}/schalter/${ids.open}/paper`),
    status: 200,
    shows: async () => {
      await shown(deskForm());
    },
  },
  {
    name: "desk: look up a caller's submission",
    reach: deskPage(() => `${STAFF}/schalter/suche`),
    status: 200,
    shows: async () => {
      await shown(page.locator("main input[name=code]"));
    },
  },
  {
    name: "desk: find a submission without the code",
    reach: deskPage(() => `${STAFF}/schalter/finden`),
    status: 200,
    shows: async () => {
      await shown(page.locator("main input[name=words]"));
      await shown(deskForm());
    },
  },
  {
    name: "desk: find without the code sent empty (error summary)",
    reach: async (lng) => {
      await deskPage(() => `${STAFF}/schalter/finden`)(lng);
      return submitWith(deskForm());
    },
    status: 400,
    shows: async () => {
      await shown(page.locator(".error-summary"));
    },
  },
  {
    // issue 20: the admin allows files on a procedure
    name: "files of a procedure (setting)",
    reach: (lng) => staffPage(`${STAFF}/verfahren/${ids.open}/dateien`)(lng),
    status: 200,
    shows: async () => {
      await shown(page.locator(`form[action="${STAFF}/verfahren/${ids.open}/dateien"] input[name=max_files]`));
      await shown(page.locator(`form[action="${STAFF}/verfahren/${ids.open}/dateien"] button[type=submit]`));
    },
  },
  {
    name: "files of a procedure sent with numbers out of range (error summary)",
    reach: async (lng) => {
      await asAdmin();
      await open(`${STAFF}/verfahren/${ids.open}/dateien`, lng);
      await page.locator("main input[name=max_files]").fill("99");
      return submitWith(page.locator(`form[action="${STAFF}/verfahren/${ids.open}/dateien"] button[type=submit]`));
    },
    status: 400,
    shows: async () => {
      await shown(page.locator(".error-summary"));
      await shown(page.locator(".error-summary a").first());
    },
  },
  {
    name: "desk: attach the scan of a letter",
    reach: deskPage(() => `${STAFF}/schalter/eintrag/${ids.letter}/scan`),
    status: 200,
    shows: async () => {
      await shown(page.locator("main input[type=file][name=scan]"));
      await shown(page.locator(`main form[action="${STAFF}/schalter/eintrag/${ids.letter}/scan"] button[type=submit]`));
    },
  },
  {
    name: "desk: scan sent without a file (error summary)",
    reach: async (lng) => {
      await deskPage(() => `${STAFF}/schalter/eintrag/${ids.letter}/scan`)(lng);
      return submitWith(page.locator(`main form[action="${STAFF}/schalter/eintrag/${ids.letter}/scan"] button[type=submit]`));
    },
    status: 400,
    shows: async () => {
      await shown(page.locator(".error-summary"));
      await shown(page.locator(".error-summary a").first());
    },
  },
  {
    name: "moderation: a letter with its scan and a photo (attachments)",
    reach: (lng) => staffPage(`${STAFF}/moderation/beitrag/${ids.letter}`)(lng),
    status: 200,
    shows: async () => {
      // the thumbnail loads lazily: scrolled to, it is drawn from the server's re-encoded copy
      const thumbnail = page.locator(`main img[src^="${STAFF}/anhang/"][src$="/vorschau"]`).first();
      await thumbnail.scrollIntoViewIfNeeded();
      await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
      await shown(thumbnail);
      await shown(page.locator(`main a[href^="${STAFF}/anhang/"]`).first());
      await shown(page.locator("main input[name=intent][value=publish_attachment] ~ button, main form:has(input[value=publish_attachment]) button").first());
    },
  },
  {
    name: "invitation: choose a password",
    reach: async (lng) => {
      await anonymous();
      return open(`/einladung/${inviteToken}`, lng);
    },
    status: 200,
    shows: async () => {
      await shown(page.locator("main input[name=password]"));
      await shown(page.locator("main input[name=repeat]"));
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

/** The German main heading of each page (unless it is procedure content), to spot untranslated pages. */
const germanHeadings = new Map<string, string>();

describe.each(LANGUAGES)("staff pages in %s", (lng) => {
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
    expect.soft(root.dir, "<html dir>").toBe("ltr");
    const heading = page.locator("main h1").first();
    const ownLanguage = !state.contentHeading && (await heading.getAttribute("lang")) === null;
    const headingText = ((await heading.textContent()) ?? "").trim();
    if (lng === "de" && ownLanguage) germanHeadings.set(state.name, headingText);
    if (lng !== "de") {
      expect
        .soft(await page.locator(".skip-link").textContent(), `the skip link is still German on a page declared lang="${lng}"`)
        .not.toBe(germanSkipLink);
      if (ownLanguage && germanHeadings.has(state.name)) {
        expect.soft(headingText, `the main heading is still German on a page declared lang="${lng}"`).not.toBe(germanHeadings.get(state.name));
      }
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

describe("without JavaScript", () => {
  let noJs: Browser;

  afterAll(async () => {
    await noJs?.close();
  });

  test("an admin creates a procedure, adds two questions, moves the second up and sees both in the preview", async () => {
    noJs = await launchBrowser({ javaScriptEnabled: false });
    const p = noJs.page;
    await noJs.context.addCookies(adminCookies);
    const loads = async (action: () => Promise<unknown>): Promise<Response> => {
      const [response] = await Promise.all([p.waitForNavigation({ waitUntil: "load" }), action()]);
      if (!response) throw new Error(`no new page loaded (still at ${p.url()})`);
      return response;
    };
    const okStatus = (response: Response | null, what: string) =>
      expect(response?.status(), `${what} (${p.url()}); server log:\n${server.logs().slice(-2000)}`).toBe(200);

    // the navigation leads to the form
    okStatus(await p.goto(`${server.url}${STAFF}?lng=de`, { waitUntil: "load" }), "dashboard");
    okStatus(await loads(() => p.getByRole("navigation", { name: "Verwaltung" }).getByRole("link", { name: "Verfahren anlegen" }).click()), "new procedure form");
    expect(new URL(p.url()).pathname).toBe(`${STAFF}/verfahren/neu`);

    const title = "Neue Bänke am Mühlenteich";
    await p.getByLabel(/^Titel/).fill(title);
    await p.getByLabel(/^Kurzbeschreibung/).fill("Wo sollen die neuen Bänke stehen?");
    await p.getByLabel(/^Beschreibung/).fill("Am Mühlenteich stellen wir zehn neue Bänke auf.");
    await p.getByRole("group", { name: /^Art des Verfahrens/ }).getByLabel("Umfrage").check();
    await p.getByLabel(/^Zuständige Stelle/).fill("Fachbereich Grün");
    await p.getByLabel(/^Rechtsgrundlage/).fill("Art. 6 Abs. 1 lit. e DSGVO");
    await p.getByLabel(/^Beginn/).fill(berlinDay(new Date().toISOString()));
    await p.getByLabel(/^Ende/).fill(berlinDay(new Date(Date.now() + 14 * DAY).toISOString()));
    await p.getByLabel(/^Aufbewahrung/).fill("3");
    await p.getByLabel(/^Was veröffentlicht wird/).fill("Eine Karte mit den Standorten.");
    okStatus(await loads(() => p.getByRole("button", { name: "Entwurf anlegen" }).click()), "after creating");
    const procedurePath = new URL(p.url()).pathname;
    expect(procedurePath).toMatch(new RegExp(`^${STAFF}/verfahren/\\d+$`));
    expect(await p.getByRole("status").first().textContent()).toContain("Der Entwurf ist angelegt");
    expect(await p.locator("main h1").textContent()).toBe(title);

    // the question editor: a short text, then a single choice with one option per line
    okStatus(await loads(() => p.getByRole("link", { name: "Fragen bearbeiten" }).click()), "question editor");
    const first = "Wo fehlt eine Bank?";
    const second = "Wie oft sind Sie am Mühlenteich?";
    const addForm = p.locator("#question-form");
    await addForm.getByRole("group", { name: /^Art der Frage/ }).getByLabel("Kurzer Text").check();
    await addForm.getByLabel(/^Frage\s/).fill(first);
    okStatus(await loads(() => addForm.getByRole("button", { name: "Frage hinzufügen" }).click()), "after adding the first question");
    await addForm.getByRole("group", { name: /^Art der Frage/ }).getByLabel("Auswahl: eine Antwort").check();
    await addForm.getByLabel(/^Frage\s/).fill(second);
    await addForm.getByLabel(/^Antwortmöglichkeiten/).fill("Jeden Tag\nJede Woche\nSelten");
    okStatus(await loads(() => addForm.getByRole("button", { name: "Frage hinzufügen" }).click()), "after adding the second question");
    const listed = () => p.locator("main ol.list > li > h2").allTextContents();
    expect(await listed()).toEqual([first, second]);

    // the second moves up
    // (the button's name: "Nach oben", then the question in visually hidden text)
    okStatus(await loads(() => p.getByRole("button", { name: new RegExp(`^Nach oben\\s*:\\s*${escapeRegExp(second)}$`) }).click()), "after moving");
    expect(await p.getByRole("status").first().textContent()).toContain("Die Reihenfolge ist gespeichert.");
    expect(await listed()).toEqual([second, first]);

    // the preview shows both, in the new order, as residents will see them
    okStatus(await loads(() => p.getByRole("link", { name: "Vorschau ansehen" }).click()), "preview");
    expect(new URL(p.url()).pathname).toBe(`${procedurePath}/vorschau`);
    const choice = p.getByRole("group", { name: new RegExp(escapeRegExp(second)) });
    await shown(choice);
    for (const option of ["Jeden Tag", "Jede Woche", "Selten"]) expect(await choice.getByLabel(option).isVisible(), option).toBe(true);
    expect(await p.getByLabel(new RegExp(`^${escapeRegExp(first)}`)).isVisible(), first).toBe(true);
    const text = (await p.locator("main").textContent()) ?? "";
    expect(text.indexOf(second)).toBeGreaterThan(-1);
    expect(text.indexOf(second)).toBeLessThan(text.indexOf(first));

    // and it all happened in the database, as drafts do
    const id = Number(procedurePath.split("/").pop());
    expect(await h.db.selectFrom("procedures").select(["title", "status"]).where("id", "=", id).executeTakeFirst()).toEqual({ title, status: "draft" });
    const questions = await h.db.selectFrom("questions").select(["label", "kind", "position"]).where("procedure_id", "=", id).orderBy("position").execute();
    expect(questions.map((q) => [q.label, q.kind])).toEqual([
      [second, "single_choice"],
      [first, "short_text"],
    ]);
  });
});

/**
 * The pages of issues 19 and 20 by keyboard alone, in German and English: Tab walks every control of
 * the main content, each stop on screen with a visible focus indicator of 3:1 contrast, and reaches
 * what the page is for (the weighing table's variant, text and download buttons, the decision set's
 * label fields, the files setting's fields and its button, the scan's file field and its button, the
 * moderator's file downloads and the publish button of the photo).
 */
describe.each(LANGUAGES)("the weighing and files pages by keyboard (%s)", (lng) => {
  const walks: { name: string; reach(): Promise<Response>; reaches: { what: string; is(s: import("../support/focus").Stop): boolean }[] }[] = [
    {
      name: "weighing table: variant, text and the two downloads",
      reach: () => staffPage(`${STAFF}/moderation/${ids.open}/abwaegung`)(lng),
      reaches: [
        { what: "the variant (named or anonymised)", is: (s) => s.name === "variante" },
        { what: "the text (original or redacted)", is: (s) => s.name === "text" },
        { what: "the XLSX download button", is: (s) => s.inMain && s.type === "submit" && !s.element.includes("secondary") },
        { what: "the ODT download button", is: (s) => s.inMain && s.type === "submit" && s.element.includes("secondary") },
      ],
    },
    {
      name: "decisions of the weighing (the municipality's set)",
      reach: () => staffPage(`${STAFF}/entscheidungen`)(lng),
      reaches: [
        { what: "a decision's German label", is: (s) => (s.name ?? "").startsWith("label_de") },
        { what: "a decision's English label", is: (s) => (s.name ?? "").startsWith("label_en") },
        { what: "a save or add button", is: (s) => s.inMain && s.type === "submit" },
      ],
    },
    {
      name: "files of a procedure (setting)",
      reach: () => staffPage(`${STAFF}/verfahren/${ids.open}/dateien`)(lng),
      reaches: [
        { what: "the checkbox that allows files", is: (s) => s.name === "enabled" },
        { what: "the number of files", is: (s) => s.name === "max_files" },
        { what: "the size per file", is: (s) => s.name === "max_megabytes" },
        { what: "the save button", is: (s) => s.inMain && s.type === "submit" },
      ],
    },
    {
      name: "desk: attach the scan of a letter",
      reach: () => deskPage(() => `${STAFF}/schalter/eintrag/${ids.letter}/scan`)(lng),
      reaches: [
        { what: "the file field", is: (s) => s.name === "scan" },
        { what: "the upload button", is: (s) => s.inMain && s.type === "submit" },
      ],
    },
    {
      name: "moderation: a letter with its scan and a photo",
      reach: () => staffPage(`${STAFF}/moderation/beitrag/${ids.letter}`)(lng),
      reaches: [
        { what: "a file's download link", is: (s) => (s.href ?? "").includes("/verwaltung/anhang/") && !(s.href ?? "").endsWith("/vorschau") },
        { what: "the photo's description for publishing", is: (s) => (s.name ?? "").startsWith("alt_") },
      ],
    },
  ];

  test.each(walks)("$name", async (walk) => {
    await page.setViewportSize(DESKTOP);
    const response = await walk.reach();
    expect(response.status(), page.url()).toBe(200);
    await rememberUnfocused(page);
    const k = keyboardWalker(page);
    const seen: import("../support/focus").Stop[] = [];
    // from the top of the page through the main content, until the focus leaves it again
    for (let i = 0; i < 120; i++) {
      const stop = await k.tab(walk.name);
      if (seen.some((s) => s.inMain) && !stop.inMain) break;
      seen.push(stop);
    }
    for (const wanted of walk.reaches) expect(seen.some(wanted.is), `Tab never reached ${wanted.what}. Stops:\n${k.stops.join("\n")}`).toBe(true);
    expect(k.problems).toEqual([]);
  });
});
