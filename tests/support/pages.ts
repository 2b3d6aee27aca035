/**
 * The one registry of pages, per role, for the accessibility proof (axe, reflow, vnu, WCAG 2.2,
 * page weight, Lighthouse). Each page says how to reach it: a path (GET), the session it needs
 * (none, a resident's draft, a resident's receipt code, a staff member signed in), and for pages
 * that are the answer to a form (error summaries, refusals) the form fields to send there.
 *
 * Adding a page is one line in RESIDENT_PAGES or STAFF_PAGES, e.g.
 *   page("accessibility statement", `${ORG}/barrierefreiheit`),
 *   staff("admin", "translation editor", (s) => `${STAFF}/verfahren/${s.ids.open}/uebersetzung/en`),
 *
 * `prepareSite(server)` creates what the pages need, over HTTP as users do (a draft, a sent
 * submission looked up with its code, the demo staff signed in with both factors, a desk entry)
 * plus published results (through the module, as the results suite does). Then:
 *   - `fetchPage(site, p, lng)` gets a page's HTML over HTTP (vnu, page weight);
 *   - `openPage(browserContext, page, site, p, lng)` loads it in Chromium with the same session
 *     (a form answer is loaded by turning the navigation into that POST).
 * Resident pages run in every language of SUPPORTED_LANGUAGES, staff pages in STAFF_LANGUAGES.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page, Response } from "playwright-core";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { STAFF_LANGUAGES, SUPPORTED_LANGUAGES } from "~/i18n/config";
import { confirmAlert, signUp } from "~/modules/alerts/alerts.server";
import { addDocument } from "~/modules/documents/documents.server";
import { publishSubmission } from "~/modules/moderation/moderation.server";
import { findPublicProcedure } from "~/modules/procedures/procedures.server";
import type { Procedure } from "~/modules/procedures/procedure";
import { publishResults } from "~/modules/results/publishing.server";
import { createSubmission } from "~/modules/submissions/submissions.server";
import { DOCX, JPEG, ODT, PNG } from "./files";
import { Client } from "./http";
import type { TestServer } from "./server";
import { DEMO, csrfOf, signIn } from "./staff";
import { berlinDay as berlinDayOf } from "~/i18n/dates";

export const ORG = "/musterstadt";
export const STAFF = `${ORG}/verwaltung`;
export const CONSULTATION = `${ORG}/verfahren/radverkehrsplan-2030`;
export const SURVEY = `${ORG}/verfahren/buergerhaushalt-2027`;
/** closed; the registry publishes its results */
export const CLOSED = `${ORG}/verfahren/marktplatz`;

export type Role = "resident" | "admin" | "moderator" | "staff";
/** whose cookies a page is loaded with */
export type Session = "none" | "draft" | "receipt" | "sent" | "admin" | "moderator" | "staff" | "newAdmin";

type Fields = [string, string][];

export interface SiteIds {
  open: number;
  draft: number;
  closed: number;
  submission: number;
  account: number;
  deskKey: string;
  receiptCode: string;
  inviteToken: string;
  question: number;
  /** a survey submission published with a redaction (choice, scale and text answers) */
  redacted: number;
  /** the link secret of a confirmed e-mail alert */
  alertToken: string;
}

export interface Site {
  url: string;
  db: DatabaseHandle["db"];
  ids: SiteIds;
  clients: Record<Session, Client>;
  close(): Promise<void>;
}

export interface RegisteredPage {
  name: string;
  role: Role;
  path: (site: Site) => string;
  session: Session;
  /** the page is the answer to this form sent to `path` */
  post?: (site: Site) => Promise<Fields> | Fields;
  /** run before each visit (e.g. forget rate-limit counters) */
  before?: (site: Site) => Promise<void>;
  status: number;
  /** what a screen reader hears here is kept as a reviewed fixture (tests/browser/a11y-snapshots) */
  key?: boolean;
}

type PathOf = string | ((site: Site) => string);
const pathFn = (p: PathOf) => (typeof p === "string" ? () => p : p);

/** A resident page. */
function page(name: string, path: PathOf, extra: Partial<Omit<RegisteredPage, "name" | "path" | "role">> = {}): RegisteredPage {
  return { name, role: "resident", path: pathFn(path), session: "none", status: 200, ...extra };
}

/** A staff page, signed in as `role` unless `session` says otherwise. */
function staff(role: Exclude<Role, "resident">, name: string, path: PathOf, extra: Partial<Omit<RegisteredPage, "name" | "path" | "role">> = {}): RegisteredPage {
  return { name, role, path: pathFn(path), session: role, status: 200, ...extra };
}

/** The hidden fields (CSRF token, entry key…) of the form posting to `action` on a page as `session` sees it. */
async function hiddenFields(site: Site, session: Session, path: string): Promise<Fields> {
  const html = await (await site.clients[session].get(path)).text();
  const form = html.match(new RegExp(`<form[^>]*action="${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"[\\s\\S]*?</form>`))?.[0] ?? html;
  return [...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2].replace(/&amp;/g, "&")]);
}

export const RESIDENT_PAGES: RegisteredPage[] = [
  page("procedure list", ORG, { key: true }),
  page("consultation with form", CONSULTATION, { key: true }),
  page("consultation form sent empty (error summary)", CONSULTATION, { post: () => [], status: 400, key: true }),
  page("consultation opened at a section (Stellung nehmen zu 3.2)", `${CONSULTATION}?abschnitt=3.2`),
  page("consultation form with a section that does not exist (error summary)", CONSULTATION, { post: () => [["abschnitt", "9.9"]], status: 400 }),
  page("consultation form after a click on the plan (a point set, issue 18)", CONSULTATION, { post: () => [["place_plan.x", "150"], ["place_plan.y", "112"]] }),
  page("consultation form after a key press on the plan (no point, said so)", CONSULTATION, { post: () => [["place_cell", "C3"], ["place_plan.x", "0"], ["place_plan.y", "0"]] }),
  page("full privacy notice", `${CONSULTATION}/datenschutz`),
  page("paper form to print", `${CONSULTATION}/papier`),
  page("survey with form", SURVEY),
  page("closed procedure", CLOSED),
  page("sending to a closed procedure (403)", CLOSED, { post: () => [["q1", "zu spät"]], status: 403 }),
  page("check your answers", `${CONSULTATION}/pruefen`, { session: "draft", key: true }),
  page("confirmation with the receipt code", `${CONSULTATION}/bestaetigung`, { session: "sent", key: true }),
  page("results", `${CLOSED}/ergebnisse`, { key: true }),
  page("results not yet published (404)", `${SURVEY}/ergebnisse`, { status: 404 }),
  page("look up a submission", `${ORG}/beitrag`),
  page("look-up with a wrong code (error summary)", `${ORG}/beitrag`, {
    post: () => [["code", "K7M4-2QXP-9ABR-T"]],
    status: 400,
    // look-ups are rate-limited per address: every language tries once
    before: async (site) => void (await site.db.deleteFrom("rate_limits").execute()),
  }),
  page("privacy log", `${ORG}/beitrag/protokoll`, { session: "receipt", key: true }),
  page("erase personal data (asks first)", `${ORG}/beitrag/loeschen`, { session: "receipt" }),
  page("withdraw the submission (asks first)", `${ORG}/beitrag/zurueckziehen`, { session: "receipt" }),
  page("page not found (404)", `${ORG}/verfahren/gibt-es-nicht`, { status: 404 }),
  page("accessibility statement", `${ORG}/barrierefreiheit`),
  page("report a barrier", `${ORG}/barrierefreiheit/melden`),
  page("Leichte Sprache", `${ORG}/leichte-sprache`),
  page("public audit log (transparency log) with the export check", `${ORG}/transparenz`),
  page("export check sent without a file (error summary)", `${ORG}/transparenz`, { post: () => [], status: 400 }),
  page("alert sign-up", `${ORG}/benachrichtigung?verfahren=radverkehrsplan-2030`),
  page("alert sign-up sent empty (error summary)", `${ORG}/benachrichtigung`, { post: () => [], status: 400 }),
  page("alert: check your inbox", `${ORG}/benachrichtigung/gesendet`),
  page("alert: confirm", (s) => `${ORG}/benachrichtigung/bestaetigen/${s.ids.alertToken}`),
  page("alert: manage, with its privacy log", (s) => `${ORG}/benachrichtigung/verwalten/${s.ids.alertToken}`),
  page("alert: unsubscribe (asks first)", (s) => `${ORG}/benachrichtigung/abmelden/${s.ids.alertToken}`),
];

const NEW_ADMIN = { email: "neu-admin@musterstadt.example", password: "ein langer Satz für den Test" };

export const STAFF_PAGES: RegisteredPage[] = [
  staff("admin", "sign-in", "/anmelden", { session: "none", key: true }),
  staff("admin", "sign-in with a wrong password (error summary)", "/anmelden", {
    session: "none",
    post: () => [["email", "niemand@musterstadt.example"], ["password", "das ist nicht das Passwort"]],
    status: 400,
  }),
  staff("admin", "second factor: setting it up", "/anmelden/einrichten", { session: "newAdmin" }),
  staff("admin", "invitation: choose a password", (s) => `/einladung/${s.ids.inviteToken}`, { session: "none" }),
  staff("admin", "dashboard", STAFF, { key: true }),
  staff("admin", "procedures list", `${STAFF}/verfahren`),
  staff("admin", "moderation queue, opened by an admin", (s) => `${STAFF}/moderation/${s.ids.open}`),
  staff("admin", "new procedure", `${STAFF}/verfahren/neu`),
  staff("admin", "new procedure sent empty (error summary)", `${STAFF}/verfahren/neu`, {
    post: (s) => hiddenFields(s, "admin", `${STAFF}/verfahren/neu`),
    status: 400,
  }),
  staff("admin", "open procedure", (s) => `${STAFF}/verfahren/${s.ids.open}`),
  staff("admin", "closing early asks first", (s) => `${STAFF}/verfahren/${s.ids.open}`, {
    post: async (s) => [...(await hiddenFields(s, "admin", `${STAFF}/verfahren/${s.ids.open}`)).filter(([k]) => k === "_csrf"), ["intent", "close"]],
  }),
  staff("admin", "draft procedure (edit form)", (s) => `${STAFF}/verfahren/${s.ids.draft}`),
  staff("admin", "question editor of a draft", (s) => `${STAFF}/verfahren/${s.ids.draft}/fragen`),
  staff("admin", "question editor, editing a question", (s) => `${STAFF}/verfahren/${s.ids.draft}/fragen?frage=${s.ids.question}`),
  staff("admin", "questions of an open procedure (frozen)", (s) => `${STAFF}/verfahren/${s.ids.open}/fragen`),
  staff("admin", "preview", (s) => `${STAFF}/verfahren/${s.ids.open}/vorschau`),
  staff("admin", "documents of a procedure", (s) => `${STAFF}/verfahren/${s.ids.open}/dokumente`),
  staff("admin", "plan and grid of a procedure", (s) => `${STAFF}/verfahren/${s.ids.open}/plan`),
  staff("admin", "attachment settings of a procedure", (s) => `${STAFF}/verfahren/${s.ids.open}/dateien`),
  staff("admin", "accounts", `${STAFF}/konten`),
  staff("admin", "one account", (s) => `${STAFF}/konten?konto=${s.ids.account}`),
  staff("admin", "settings", `${STAFF}/einstellungen`),
  staff("admin", "decisions of the consideration", `${STAFF}/entscheidungen`),
  staff("admin", "decisions: adding one sent empty (error summary)", `${STAFF}/entscheidungen`, {
    post: async (s) => [...(await hiddenFields(s, "admin", `${STAFF}/entscheidungen`)).filter(([k]) => k === "_csrf"), ["intent", "add"], ["label_de", ""], ["label_en", ""]],
    status: 400,
  }),
  staff("admin", "audit log", `${STAFF}/protokoll`),
  staff("admin", "audit log, filtered by procedure and day", (s) => `${STAFF}/protokoll?verfahren=${s.ids.open}&von=2026-01-01`),
  staff("admin", "own password", `${STAFF}/passwort`),
  staff("admin", "the desk refused to an admin (403)", `${STAFF}/schalter`, { status: 403 }),
  staff("admin", "content translation editor", (s) => `${STAFF}/verfahren/${s.ids.open}/uebersetzung/en`),
  staff("admin", "barrier reports", `${STAFF}/barrierefreiheit`),
  staff("admin", "accessibility statement editor", `${STAFF}/barrierefreiheit/erklaerung`),
  staff("moderator", "moderation: procedures", `${STAFF}/moderation`),
  staff("moderator", "moderation queue", (s) => `${STAFF}/moderation/${s.ids.open}`, { key: true }),
  staff("moderator", "moderation queue searched", (s) => `${STAFF}/moderation/${s.ids.open}?suche=Radweg+Br%C3%BCcke`),
  staff("moderator", "moderation queue by section, counted by section", (s) => `${STAFF}/moderation/${s.ids.open}?abschnitt=3.2&gruppen=abschnitt`),
  staff("moderator", "moderation: places on the plan (issue 18)", (s) => `${STAFF}/moderation/${s.ids.open}/plan`),
  staff("moderator", "moderation: one submission", (s) => `${STAFF}/moderation/beitrag/${s.ids.submission}`),
  staff("moderator", "moderation: a submission published redacted", (s) => `${STAFF}/moderation/beitrag/${s.ids.redacted}`),
  staff("moderator", "moderation: its original text opened", (s) => `${STAFF}/moderation/beitrag/${s.ids.redacted}`, {
    post: async (s) => [["_csrf", csrfOf(await (await s.clients.moderator.get(`${STAFF}/moderation/beitrag/${s.ids.redacted}`)).text())], ["intent", "open_original"]],
  }),
  staff("moderator", "moderation: several at once", (s) => `${STAFF}/moderation/${s.ids.open}/sammel?id=${s.ids.submission}`),
  staff("moderator", "moderation: respond", (s) => `${STAFF}/moderation/${s.ids.open}/antwort?id=${s.ids.submission}`),
  staff("moderator", "moderation: result letters", (s) => `${STAFF}/moderation/${s.ids.closed}/briefe`),
  staff("moderator", "moderation: weighing table", (s) => `${STAFF}/moderation/${s.ids.open}/abwaegung`),
  staff("moderator", "moderation: results", (s) => `${STAFF}/moderation/${s.ids.closed}/ergebnisse`),
  staff("moderator", "moderation: results summary drafted while open", (s) => `${STAFF}/moderation/${s.ids.open}/ergebnisse`),
  staff("staff", "desk", `${STAFF}/schalter`),
  staff("staff", "desk: entry by phone", (s) => `${STAFF}/schalter/${s.ids.open}/phone`),
  staff("staff", "desk: entry by phone sent empty (error summary)", (s) => `${STAFF}/schalter/${s.ids.open}/phone`, {
    post: (s) => hiddenFields(s, "staff", `${STAFF}/schalter/${s.ids.open}/phone`),
    status: 400,
  }),
  staff("staff", "desk: entry of a paper form", (s) => `${STAFF}/schalter/${s.ids.open}/paper`),
  staff("staff", "desk: letter for a closed procedure", (s) => `${STAFF}/schalter/${s.ids.closed}/letter`),
  staff("staff", "desk: result page with the receipt code", (s) => `${STAFF}/schalter/beleg/${s.ids.deskKey}`),
  staff("staff", "desk: look up a caller's submission", `${STAFF}/schalter/suche`),
  staff("staff", "desk: a submission as staff see it", (s) => `${STAFF}/schalter/eintrag/${s.ids.submission}`),
  staff("staff", "desk: find a submission without the code", `${STAFF}/schalter/finden`),
  staff("staff", "desk: e-mail alert for a caller", `${STAFF}/schalter/benachrichtigung`),
  staff("staff", "desk: find without the code, one found", `${STAFF}/schalter/finden`, {
    post: async (s) => {
      const today = berlinDay(new Date());
      return [...(await hiddenFields(s, "staff", `${STAFF}/schalter/finden`)), ["procedure", String(s.ids.open)], ["channel", "phone"], ["from", today], ["to", today], ["words", "Licht im Park"]];
    },
  }),
  staff("staff", "desk: find without the code sent empty (error summary)", `${STAFF}/schalter/finden`, {
    post: (s) => hiddenFields(s, "staff", `${STAFF}/schalter/finden`),
    status: 400,
  }),
];

export const ALL_PAGES = [...RESIDENT_PAGES, ...STAFF_PAGES];

/** The languages a page is checked in: resident pages in every shipped language, staff pages in de and en. */
export const languagesOf = (p: RegisteredPage): readonly string[] => (p.role === "resident" ? SUPPORTED_LANGUAGES : STAFF_LANGUAGES);

/** [page, language] for every registered page in each of its languages. */
export function visits(pages: RegisteredPage[] = ALL_PAGES, only?: readonly string[]): [RegisteredPage, string][] {
  return pages.flatMap((p) => languagesOf(p).filter((l) => !only || only.includes(l)).map((l) => [p, l] as [RegisteredPage, string]));
}

export const withLanguage = (path: string, lng: string) => `${path}${path.includes("?") ? "&" : "?"}lng=${lng}`;

const DAY = 86_400_000;
const berlinDay = (d: Date) => berlinDayOf(d.toISOString());

/** Four documents of the other kinds, as an admin would upload them. */
async function addExampleDocuments(db: DatabaseHandle["db"], organisationId: number, procedureId: number) {
  const dir = mkdtempSync(join(tmpdir(), "teilhabe-pages-"));
  try {
    const examples: [string, Buffer, string, string][] = [
      ["Verkehrszählung 2025 (Tabellen)", ODT, "zaehlung.odt", "An 40 Zählstellen wurden im Mai 2025 an drei Werktagen Radfahrende gezählt. Die meisten fuhren auf der Bahnhofstraße."],
      ["Stellungnahme des Seniorenbeirats", DOCX, "seniorenbeirat.docx", "Der Seniorenbeirat wünscht breitere Gehwege neben den Radwegen und längere Grünphasen an Ampeln."],
      ["Karte: Hauptrouten", PNG, "hauptrouten.png", "Die Karte zeigt sechs Hauptrouten vom Stadtrand in die Innenstadt und die Lücken auf diesen Routen."],
      ["Foto: Kreuzung am Bahnhof", JPEG, "kreuzung.jpg", "Das Foto zeigt die Kreuzung am Bahnhof von Norden: zwei Fahrspuren, kein Radweg, ein Zebrastreifen."],
    ];
    for (const [title, bytes, fileName, summary] of examples) {
      const path = join(dir, fileName);
      writeFileSync(path, bytes);
      const fields = new Map([["title", [title]], ["description", [""]], ["summary", [summary]]]);
      const result = await addDocument(db, { organisationId, procedureId, accountId: null, fields, file: { field: "file", path, size: bytes.length, fileName, declaredType: "" }, fileTooLarge: false });
      if (!result.ok) throw new Error(`example document refused: ${JSON.stringify(result.errors)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Creates the sessions and records every registered page needs, on a freshly started server. */
export async function prepareSite(server: TestServer): Promise<Site> {
  const h = openDatabase(server.database.url);
  const db = h.db;
  const url = server.url;
  const org = await db.selectFrom("organisations").select("id").where("slug", "=", "musterstadt").executeTakeFirstOrThrow();
  const idOf = async (slug: string) => (await db.selectFrom("procedures").select("id").where("slug", "=", slug).executeTakeFirstOrThrow()).id;
  const ids: SiteIds = { open: await idOf("radverkehrsplan-2030"), closed: await idOf("marktplatz"), draft: 0, submission: 0, account: 0, deskKey: "", receiptCode: "", inviteToken: "", question: 0, redacted: 0, alertToken: "" };
  const answers: Fields = [
    ["q1", "Die Kreuzung am Bahnhof braucht eine sichere Querung."],
    ["q3", "bike"],
    ["q4", "safety"],
    ["q5", "4"],
    ["contact_name", "Erika Mustermann"],
    ["contact_email", "erika@example.org"],
  ];

  // the consultation with five documents (the seeded PDF and four more): the page-weight budget holds with them
  await addExampleDocuments(db, org.id, ids.open);

  // a resident with a draft (check your answers)
  const draft = new Client(url);
  expect303(await draft.post(CONSULTATION, answers), "saving the draft");
  // a resident who sent it, then looked it up with the receipt code
  const sent = new Client(url);
  expect303(await sent.post(CONSULTATION, answers), "saving the second draft");
  expect303(await sent.post(`${CONSULTATION}/pruefen`, ""), "sending");
  const confirmation = await (await sent.get(`${CONSULTATION}/bestaetigung`)).text();
  ids.receiptCode = confirmation.match(/id="receipt-code"[^>]*>(?:<strong>)?([^<]+)</)?.[1]?.trim() ?? "";
  if (!ids.receiptCode) throw new Error("no receipt code on the confirmation page");
  const receipt = new Client(url);
  expect303(await receipt.post(`${ORG}/beitrag`, [["code", ids.receiptCode]]), "looking the submission up");
  ids.submission = (await db.selectFrom("submissions").select("id").orderBy("id", "desc").executeTakeFirstOrThrow()).id;

  const admin = (await signIn(url, DEMO.admin, { db })).client;
  const moderator = (await signIn(url, DEMO.moderator, { db })).client;
  const staffClient = (await signIn(url, DEMO.staff, { db })).client;

  // a draft procedure with questions
  const csrf = csrfOf(await (await admin.get(`${STAFF}/verfahren/neu`)).text());
  const details: Fields = Object.entries({
    title: "Spielplatz am Stadtpark",
    slug: "",
    summary: "Der Spielplatz wird erneuert. Was wünschen Sie sich?",
    body: "# Worum es geht\n\nDer Spielplatz ist **30 Jahre** alt.",
    kind: "survey",
    legal_basis: "Art. 6 Abs. 1 lit. e DSGVO",
    responsible_office: "Fachbereich Grün",
    opens_on: berlinDay(new Date()),
    closes_on: berlinDay(new Date(Date.now() + 30 * DAY)),
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
  });
  const created = await admin.post(`${STAFF}/verfahren/neu`, [["_csrf", csrf], ...details]);
  expect303(created, "creating a draft procedure");
  ids.draft = Number(created.headers.get("location")!.match(/\/verfahren\/(\d+)/)![1]);
  const question = (fields: Record<string, string>): Fields =>
    Object.entries({ intent: "add", kind: "long_text", label: "", hint: "", max_length: "", options: "", scale_min_label: "", scale_max_label: "", ...fields });
  for (const q of [
    question({ label: "Was wünschen Sie sich?", required: "yes" }),
    question({ kind: "single_choice", label: "Wie oft sind Sie dort?", options: "Täglich\nJede Woche\nSelten" }),
  ]) {
    expect303(await admin.post(`${STAFF}/verfahren/${ids.draft}/fragen`, [["_csrf", csrf], ...q]), "adding a question");
  }
  ids.question = (await db.selectFrom("questions").select("id").where("procedure_id", "=", ids.draft).orderBy("position").executeTakeFirstOrThrow()).id;
  ids.account = (await db.selectFrom("accounts").select("id").where("email", "=", DEMO.moderator).executeTakeFirstOrThrow()).id;

  // an admin without a second factor yet, half signed in; an invitation
  const { createAccount, createAccountToken, redeemAccountToken } = await import("~/modules/accounts/accounts.server");
  const newAdminAccount = await createAccount(db, { organisationId: org.id, email: NEW_ADMIN.email, displayName: "Neu Admin", roles: ["admin"] });
  // the second factor is set up in the first sign-in after a one-time link
  await redeemAccountToken(db, await createAccountToken(db, { accountId: newAdminAccount.id, purpose: "invite", createdBy: null }), NEW_ADMIN.password);
  const newAdmin = new Client(url);
  expect303(await newAdmin.post("/anmelden", [["email", NEW_ADMIN.email], ["password", NEW_ADMIN.password]]), "signing in without a second factor");
  const invited = await createAccount(db, { organisationId: org.id, email: "eingeladen@musterstadt.example", displayName: "Ina Eingeladen", roles: ["staff"] });
  ids.inviteToken = await createAccountToken(db, { accountId: invited.id, purpose: "invite", createdBy: null });

  // a desk entry by phone (its result page)
  const phone = `${STAFF}/schalter/${ids.open}/phone`;
  const phoneHidden = await hiddenFields({ url, db, ids, clients: { staff: staffClient } as Record<Session, Client>, close: async () => {} }, "staff", phone);
  const entered = await staffClient.post(phone, [...phoneHidden, ["notice_read", "yes"], ["q1", "Am Telefon: mehr Licht im Park."], ["q3", "bus"], ["q5", "3"]]);
  expect303(entered, "a desk entry by phone");
  ids.deskKey = entered.headers.get("location")!.split("/").pop()!;

  // published results for the closed procedure
  const closed = (await findPublicProcedure(db, org.id, "marktplatz")) as Procedure;
  const moderatorId = (await db.selectFrom("accounts").select("id").where("email", "=", DEMO.moderator).executeTakeFirstOrThrow()).id;
  const ideas = ["Mehr Bäume und Schatten am Markt.", "Bänke ohne Konsumzwang.", "Ein Trinkbrunnen.", "Weniger Parkplätze, mehr Platz für Märkte.", "Fahrradbügel am Rand.", "Spielgeräte für Kinder."];
  for (const [i, idea] of ideas.entries()) {
    const { submissionId } = await db.transaction().execute((trx) =>
      createSubmission(trx, {
        procedure: closed,
        input: { answers: [{ questionId: closed.questions[0].id, values: [idea] }], contact: {} },
        channel: i % 3 === 2 ? "paper" : "online",
        language: "de",
        idempotencyKey: `registry-results-${i}`,
      } as Parameters<typeof createSubmission>[1]),
    );
    await publishSubmission(db, { organisationId: org.id, submissionId, moderatorId, redactions: new Map(), confirmedChecked: true });
  }
  // a survey submission published redacted: its review shows choice and scale answers as residents
  // saw them, and the original text is opened on purpose
  const survey = (await findPublicProcedure(db, org.id, "buergerhaushalt-2027")) as Procedure;
  const kind = (k: string) => survey.questions.find((q) => q.kind === k)!;
  const surveyAnswers = [
    { questionId: kind("single_choice").id, values: [kind("single_choice").options[0].value] },
    { questionId: kind("scale").id, values: [String(kind("scale").scale!.max)] },
    { questionId: kind("short_text").id, values: ["Rufen Sie mich an: 0511 7654321"] },
  ];
  const { submissionId: redactedId } = await db.transaction().execute((trx) =>
    createSubmission(trx, { procedure: survey, input: { answers: surveyAnswers, contact: {} }, channel: "online", language: "de", idempotencyKey: "registry-redacted" } as Parameters<typeof createSubmission>[1]),
  );
  const textAnswer = await db.selectFrom("answers").select("id").where("submission_id", "=", redactedId).where("question_id", "=", kind("short_text").id).executeTakeFirstOrThrow();
  await publishSubmission(db, { organisationId: org.id, submissionId: redactedId, moderatorId, redactions: new Map([[textAnswer.id, "Rufen Sie mich an: [Telefonnummer entfernt]"]]), confirmedChecked: true });
  ids.redacted = redactedId;

  // a confirmed e-mail alert (its links: confirm, manage with the log, unsubscribe)
  const alert = await signUp(db, { organisationId: org.id, input: { email: "alina@example.org", topics: ["new_procedures", "results"], procedure: "radverkehrsplan-2030" }, language: "de", clientKey: null });
  if (!alert.stored) throw new Error("the registry's alert was not stored");
  await confirmAlert(db, org.id, alert.token);
  ids.alertToken = alert.token;

  const published = await publishResults(db, { organisationId: org.id, procedureId: ids.closed, moderatorId, summary: "# Überblick\n\nViele Ideen für **mehr Grün** am Markt." });
  if (!published.ok) throw new Error(`publishing the results failed: ${JSON.stringify(published)}`);

  return {
    url,
    db,
    ids,
    clients: { none: new Client(url), draft, sent, receipt, admin, moderator, staff: staffClient, newAdmin },
    close: () => h.close(),
  };
}

function expect303(res: { status: number }, what: string) {
  if (res.status !== 303) throw new Error(`${what}: expected 303, got ${res.status}`);
}

const encode = (fields: Fields) => new URLSearchParams(fields).toString();

/** The page's HTML as the server sends it, with the page's session (a fresh copy of its cookies). */
export async function fetchPage(site: Site, p: RegisteredPage, lng: string): Promise<{ status: number; html: string; url: string }> {
  await p.before?.(site);
  const client = new Client(site.url);
  client.cookies = new Map(site.clients[p.session].cookies);
  const path = withLanguage(p.path(site), lng);
  const res = p.post ? await client.post(path, encode(await p.post(site))) : await client.get(path);
  return { status: res.status, html: await res.text(), url: site.url + path };
}

/** The cookies of a session, for a browser context. */
export function cookiesOf(site: Site, session: Session) {
  return [...site.clients[session].cookies].map(([name, value]) => ({ name, value, url: site.url }));
}

/** Loads the page in the browser tab with its session (only its cookies); a form answer is loaded as that POST. */
export async function openPage(context: BrowserContext, tab: Page, site: Site, p: RegisteredPage, lng: string): Promise<Response> {
  await p.before?.(site);
  await context.clearCookies();
  const cookies = cookiesOf(site, p.session);
  if (cookies.length) await context.addCookies(cookies);
  const target = site.url + withLanguage(p.path(site), lng);
  if (p.post) {
    const body = encode(await p.post(site));
    await tab.route(
      (u) => u.href === target,
      (route) =>
        route.continue({ method: "POST", postData: body, headers: { ...route.request().headers(), "content-type": "application/x-www-form-urlencoded", origin: site.url } }),
      { times: 1 },
    );
  }
  const response = await tab.goto(target, { waitUntil: "load" });
  if (!response) throw new Error(`no response for ${target}`);
  return response;
}
