/**
 * The permission matrix of the staff area, against the production server: every staff page (the
 * procedure admin pages, accounts, settings, audit log, own password, the desk with its entry and
 * receipt views, moderation with its review, group-answer, results and letters pages) and a
 * representative state-changing action of every staff route, for five kinds of visitor —
 * anonymous, staff (service), moderator, admin, and the admin of ANOTHER organisation.
 *
 *   anonymous            → 303 to /anmelden?weiter=<the path>
 *   missing role         → 403, a German "Keine Berechtigung" page without the admin navigation
 *   another organisation → 404 (it does not exist for them), on their URLs and on ours
 *
 * Every response is checked for the other organisation's data (procedure titles, names, e-mail
 * addresses), every refused POST changes nothing in the database, and a POST without the session's
 * CSRF token (missing, wrong, or another session's) is 403 and changes nothing.
 * Each role signs in once; the clients are reused for the whole file.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { createAccount } from "~/modules/accounts/accounts.server";
import { DEMO_PASSWORD } from "~/modules/accounts/demo.server";
import { berlinDay } from "~/i18n/dates";
import { getOrganisationSettings } from "~/modules/organisations/organisations.server";
import { Client, mainOf, textOf } from "../support/http";
import { startServer, type TestServer } from "../support/server";
import { DEMO, csrfOf, signIn } from "../support/staff";

const M = "/musterstadt/verwaltung";
const N = "/nachbarstadt/verwaltung";
const DAY = 86_400_000;

const OTHER = {
  email: "admin@nachbarstadt.example",
  name: "Nora Nachbar",
  password: "Nora wählt einen langen Satz",
  totpSecret: "JBSWY3DPEHPK3PXP",
  procedureTitle: "Seeufer-Promenade Ostseite",
};
const DEMO_DRAFT_TITLE = "Grünzug am Mühlbach";

/** What only the demo organisation's people may ever see. */
const DEMO_DATA = [
  "Radverkehrsplan 2030",
  "Bürgerhaushalt 2027",
  "Neugestaltung des Marktplatzes",
  DEMO_DRAFT_TITLE,
  DEMO.admin,
  DEMO.moderator,
  DEMO.staff,
  "Alex Admin",
  "Sami Service",
  // the organisation's name and contacts (URLs only ever carry the lower-case slug)
  "Musterstadt",
];
/** What only the other organisation's people may ever see. */
const OTHER_DATA = [OTHER.procedureTitle, OTHER.email, OTHER.name, "Nachbarstadt"];

/** Links only admins get in the staff navigation. */
const ADMIN_LINKS = [`${M}/verfahren`, `${M}/verfahren/neu`, `${M}/konten`, `${M}/einstellungen`, `${M}/protokoll`, `${M}/barrierefreiheit`].map((p) => `href="${p}"`);

// ---------------------------------------------------------------------------------------------
// The matrix
// ---------------------------------------------------------------------------------------------

const WHO = ["anonymous", "staff", "moderator", "admin", "otherAdmin"] as const;
type Who = (typeof WHO)[number];

/** S: 303 to sign in · F: 403 forbidden · X: 404 not found · a number: that status, the page works */
type Outcome = "S" | "F" | "X" | number | { status: number; changes: true };
const S = "S" as const;
const F = "F" as const;
const X = "X" as const;
/** the action ran and changed something */
const changes = (status: number) => ({ status, changes: true as const });

interface Ids {
  demoOpen: number;
  demoClosed: number;
  demoDraft: number;
  theirs: number;
  /** a submission to the demo's open procedure, and one to the other organisation's */
  demoSubmission: number;
  theirSubmission: number;
  /** a colleague in the demo organisation with a second factor (an admin may reset it) */
  demoTotpAccount: number;
  /** the demo's generated draft PDF, a document of demoOpen */
  demoDocument: number;
}

interface PageRow {
  page: string;
  path: (ids: Ids) => string;
  /** anonymous, staff, moderator, admin, admin of another organisation */
  expect: [Outcome, Outcome, Outcome, Outcome, Outcome];
  /** opening the page is recorded (one privacy-log and one audit entry when it answers 200); nothing else changes */
  records?: true;
}

//                                                                                          anon staff mod  admin other
const PAGES: PageRow[] = [
  { page: "dashboard",                   path: () => M,                                      expect: [S, 200, 200, 200, X] },
  { page: "verfahren",                   path: () => `${M}/verfahren`,                       expect: [S, F,   F,   200, X] },
  { page: "verfahren/neu",               path: () => `${M}/verfahren/neu`,                   expect: [S, F,   F,   200, X] },
  { page: "verfahren/<id>",              path: (i) => `${M}/verfahren/${i.demoOpen}`,        expect: [S, F,   F,   200, X] },
  { page: "verfahren/<id>/fragen",       path: (i) => `${M}/verfahren/${i.demoOpen}/fragen`, expect: [S, F,   F,   200, X] },
  { page: "verfahren/<id>/vorschau",     path: (i) => `${M}/verfahren/${i.demoOpen}/vorschau`, expect: [S, F, F,   200, X] },
  { page: "verfahren/<id>/dokumente",    path: (i) => `${M}/verfahren/${i.demoOpen}/dokumente`, expect: [S, F, F,  200, X] },
  { page: "other org URL, demo id /dokumente", path: (i) => `${N}/verfahren/${i.demoOpen}/dokumente`, expect: [S, X, X, X, X] },
  { page: "demo URL, other org's id /dokumente", path: (i) => `${M}/verfahren/${i.theirs}/dokumente`, expect: [S, F, F, X, X] },
  // translations of a procedure's content: admins only, in any state
  { page: "verfahren/<id>/uebersetzung/en", path: (i) => `${M}/verfahren/${i.demoOpen}/uebersetzung/en`, expect: [S, F, F, 200, X] },
  { page: "verfahren/<id>/uebersetzung/<unknown>", path: (i) => `${M}/verfahren/${i.demoOpen}/uebersetzung/xx`, expect: [S, F, F, X, X] },
  { page: "konten",                      path: () => `${M}/konten`,                          expect: [S, F,   F,   200, X] },
  { page: "einstellungen",               path: () => `${M}/einstellungen`,                   expect: [S, F,   F,   200, X] },
  { page: "entscheidungen",              path: () => `${M}/entscheidungen`,                  expect: [S, F,   F,   200, X] },
  { page: "protokoll",                   path: () => `${M}/protokoll`,                       expect: [S, F,   F,   200, X] },
  { page: "protokoll, filtered",         path: (i) => `${M}/protokoll?verfahren=${i.demoOpen}&aktion=procedure_closed`, expect: [S, F, F, 200, X] },
  // a file: refusals are short texts (status only), not pages
  { page: "protokoll.csv",               path: () => `${M}/protokoll.csv`,                   expect: [S, 403, 403, 200, 404] },
  // barrier reports and the accessibility statement: admins only
  { page: "barrierefreiheit",            path: () => `${M}/barrierefreiheit`,                expect: [S, F,   F,   200, X] },
  { page: "barrierefreiheit/erklaerung", path: () => `${M}/barrierefreiheit/erklaerung`,     expect: [S, F,   F,   200, X] },
  { page: "gebaerdensprache",            path: () => `${M}/gebaerdensprache`,                expect: [S, F,   F,   200, X] },
  { page: "barrierefreiheit/<no id>",    path: () => `${M}/barrierefreiheit/999999`,         expect: [S, F,   F,   X,   X] },
  { page: "other org: barrierefreiheit", path: () => `${N}/barrierefreiheit`,                expect: [S, X,   X,   X,   200] },
  { page: "passwort",                    path: () => `${M}/passwort`,                        expect: [S, 200, 200, 200, X] },
  // the desk is for the staff role alone (admins and moderators hold other roles)
  { page: "schalter",                    path: () => `${M}/schalter`,                        expect: [S, 200, F,   F,   X] },
  { page: "schalter/<id>/phone",         path: (i) => `${M}/schalter/${i.demoOpen}/phone`,   expect: [S, 200, F,   F,   X] },
  { page: "schalter/suche",              path: () => `${M}/schalter/suche`,                  expect: [S, 200, F,   F,   X] },
  { page: "schalter/finden",             path: () => `${M}/schalter/finden`,                 expect: [S, 200, F,   F,   X] },
  // moderation: moderators and admins (decision 34)
  { page: "moderation",                  path: () => `${M}/moderation`,                      expect: [S, F,   200, 200, X] },
  { page: "moderation/<id>",             path: (i) => `${M}/moderation/${i.demoOpen}`,       expect: [S, F,   200, 200, X] },
  { page: "moderation/<their id>",       path: (i) => `${M}/moderation/${i.theirs}`,         expect: [S, F,   X,   X,   X] },
  { page: "moderation/<id>/ergebnisse",  path: (i) => `${M}/moderation/${i.demoClosed}/ergebnisse`, expect: [S, F, 200, 200, X] },
  { page: "moderation/<id>/briefe",      path: (i) => `${M}/moderation/${i.demoClosed}/briefe`, expect: [S, F, 200,   200, X] },
  { page: "moderation/<id>/antwort",     path: (i) => `${M}/moderation/${i.demoOpen}/antwort?id=${i.demoSubmission}`, expect: [S, F, 200, 200, X] },
  { page: "moderation/beitrag/<id>",     path: (i) => `${M}/moderation/beitrag/${i.demoSubmission}`, expect: [S, F, 200, 200, X] },
  { page: "moderation/<id>/sammel",      path: (i) => `${M}/moderation/${i.demoOpen}/sammel?id=${i.demoSubmission}`, expect: [S, F, 200, 200, X] },
  { page: "moderation/<their id>/sammel", path: (i) => `${M}/moderation/${i.theirs}/sammel?id=${i.theirSubmission}`, expect: [S, F, X, X, X] },
  { page: "moderation/<their id>/ergebnisse", path: (i) => `${M}/moderation/${i.theirs}/ergebnisse`, expect: [S, F, X, X, X] },
  { page: "moderation/<their id>/briefe", path: (i) => `${M}/moderation/${i.theirs}/briefe`, expect: [S, F,  X,   X,   X] },
  { page: "moderation/<their id>/antwort", path: (i) => `${M}/moderation/${i.theirs}/antwort`, expect: [S, F, X,   X,   X] },
  { page: "moderation/<id>/abwaegung",   path: (i) => `${M}/moderation/${i.demoOpen}/abwaegung`, expect: [S, F, 200, 200, X] },
  { page: "moderation/<their id>/abwaegung", path: (i) => `${M}/moderation/${i.theirs}/abwaegung`, expect: [S, F, X, X, X] },
  { page: "moderation/beitrag/<their submission>", path: (i) => `${M}/moderation/beitrag/${i.theirSubmission}`, expect: [S, F, X, X, X] },
  { page: "other org URL, moderation/<demo id>/briefe", path: (i) => `${N}/moderation/${i.demoClosed}/briefe`, expect: [S, X, X, X, X] },
  { page: "other org: moderation",       path: () => `${N}/moderation`,                      expect: [S, X,   X,   X,   200] },
  // the desk's view of an entered submission and its receipt slip: the staff role alone
  { page: "schalter/eintrag/<id>",       path: (i) => `${M}/schalter/eintrag/${i.demoSubmission}`, expect: [S, 200, F, F,   X], records: true },
  { page: "schalter/eintrag/<their submission>", path: (i) => `${M}/schalter/eintrag/${i.theirSubmission}`, expect: [S, X, F, F, X] },
  { page: "schalter/beleg/<unknown key>", path: () => `${M}/schalter/beleg/abcdefghijklmnopqrstuv`, expect: [S, X, F,   F,   X] },
  // their admin may moderate their own procedures: a demo id does not exist for them
  { page: "other org URL, moderation/<demo id>", path: (i) => `${N}/moderation/${i.demoOpen}`, expect: [S, X, X,   X,   X] },
  // across organisations: the other organisation's URLs, and procedure ids of the wrong organisation
  { page: "other org: dashboard",        path: () => N,                                      expect: [S, X,   X,   X,   200] },
  { page: "other org: konten",           path: () => `${N}/konten`,                          expect: [S, X,   X,   X,   200] },
  { page: "other org: own procedure",    path: (i) => `${N}/verfahren/${i.theirs}`,          expect: [S, X,   X,   X,   200] },
  { page: "other org URL, demo id",      path: (i) => `${N}/verfahren/${i.demoOpen}`,        expect: [S, X,   X,   X,   X] },
  { page: "other org URL, demo id /fragen", path: (i) => `${N}/verfahren/${i.demoDraft}/fragen`, expect: [S, X, X,   X,   X] },
  { page: "other org URL, demo id /vorschau", path: (i) => `${N}/verfahren/${i.demoOpen}/vorschau`, expect: [S, X, X, X,   X] },
  { page: "demo URL, other org's id",    path: (i) => `${M}/verfahren/${i.theirs}`,          expect: [S, F,   F,   X,   X] },
  { page: "demo URL, other org's id /fragen", path: (i) => `${M}/verfahren/${i.theirs}/fragen`, expect: [S, F, F,   X,   X] },
  { page: "demo URL, other org's id /vorschau", path: (i) => `${M}/verfahren/${i.theirs}/vorschau`, expect: [S, F, F, X,  X] },
  { page: "demo URL, other org's id /uebersetzung", path: (i) => `${M}/verfahren/${i.theirs}/uebersetzung/tr`, expect: [S, F, F, X, X] },
  { page: "other org URL, demo id /uebersetzung", path: (i) => `${N}/verfahren/${i.demoOpen}/uebersetzung/tr`, expect: [S, X, X, X, X] },
  { page: "demo URL, other org's id: schalter", path: (i) => `${M}/schalter/${i.theirs}/paper`, expect: [S, X, F, F,   X] },
  { page: "other org URL, demo id: schalter", path: (i) => `${N}/schalter/${i.demoOpen}/paper`, expect: [S, X, X, X,   F] },
  { page: "unknown organisation",        path: () => "/gibt-es-nicht/verwaltung",            expect: [S, X,   X,   X,   X] },
];

const details = (overrides: Record<string, string> = {}): [string, string][] =>
  Object.entries({
    title: "Neuer Spielplatz",
    slug: "",
    summary: "Kurz gesagt.",
    body: "Worum es geht.",
    kind: "survey",
    legal_basis: "Art. 6 Abs. 1 lit. e DSGVO",
    responsible_office: "Fachbereich Grün",
    opens_on: berlinDay(new Date().toISOString()),
    closes_on: berlinDay(new Date(Date.now() + 30 * DAY).toISOString()),
    retention_months: "6",
    publication_policy: "Statistik.",
    contact_name: "off",
    contact_name_purpose: "",
    contact_address: "off",
    contact_address_purpose: "",
    contact_email: "off",
    contact_email_purpose: "",
    contact_phone: "off",
    contact_phone_purpose: "",
    ...overrides,
  });

const question = (label: string): [string, string][] =>
  Object.entries({ intent: "add", kind: "short_text", label, hint: "", max_length: "", options: "", scale_min_label: "", scale_max_label: "" });

interface ActionContext {
  ids: Ids;
  who: Who;
  settings: [string, string][];
}

interface ActionRow {
  action: string;
  path: (ids: Ids) => string;
  /** the page whose form posts here (the CSRF token is read from it when the role may open it) */
  form?: (ids: Ids) => string;
  fields: (c: ActionContext) => [string, string][];
  /** anonymous, staff, moderator, admin, admin of another organisation */
  expect: [Outcome, Outcome, Outcome, Outcome, Outcome];
}

//                                                                                          anon staff mod  admin        other
const ACTIONS: ActionRow[] = [
  {
    action: "create a procedure (verfahren/neu)",
    path: () => `${M}/verfahren/neu`,
    fields: (c) => details({ title: `Von ${c.who}`, slug: `matrix-${c.who.toLowerCase()}` }),
    expect:                                                                                 [S, F,   F,   changes(303), X],
  },
  {
    action: "archive a closed procedure (verfahren/<id>)",
    path: (i) => `${M}/verfahren/${i.demoClosed}`,
    fields: () => [["intent", "archive"]],
    expect:                                                                                 [S, F,   F,   changes(303), X],
  },
  {
    // a day in the past: the reopening runs and answers 400 (the matrix's procedures stay as they are)
    action: "reopen a closed procedure (verfahren/<id>)",
    path: (i) => `${M}/verfahren/${i.demoClosed}`,
    fields: () => [["intent", "reopen"], ["reopen_on", "2001-01-01"]],
    expect:                                                                                 [S, F,   F,   400,          X],
  },
  {
    action: "add a question (verfahren/<id>/fragen)",
    path: (i) => `${M}/verfahren/${i.demoDraft}/fragen`,
    fields: (c) => question(`Frage von ${c.who}`),
    expect:                                                                                 [S, F,   F,   changes(303), X],
  },
  {
    action: "send the preview form (verfahren/<id>/vorschau)",
    path: (i) => `${M}/verfahren/${i.demoOpen}/vorschau`,
    // the preview's form has no token (it sends nothing); the procedure page has one
    form: (i) => `${M}/verfahren/${i.demoOpen}`,
    fields: () => [["q1", "Test"]],
    expect:                                                                                 [S, F,   F,   405,          X],
  },
  {
    action: "save a translation (verfahren/<id>/uebersetzung/uk)",
    path: (i) => `${M}/verfahren/${i.demoOpen}/uebersetzung/uk`,
    fields: () => [["title", "Назва"]],
    expect:                                                                                 [S, F,   F,   changes(303), X],
  },
  {
    action: "withdraw a document (verfahren/<id>/dokumente)",
    path: (i) => `${M}/verfahren/${i.demoOpen}/dokumente`,
    fields: (c) => [["intent", "withdraw"], ["document_id", String(c.ids.demoDocument)]],
    expect:                                                                                 [S, F,   F,   changes(303), X],
  },
  {
    action: "invite a person (konten)",
    path: () => `${M}/konten`,
    fields: (c) => [["intent", "invite"], ["email", `matrix-${c.who.toLowerCase()}@musterstadt.example`], ["name", "Matrix Person"], ["roles", "admin"]],
    expect:                                                                                 [S, F,   F,   changes(200), X],
  },
  {
    action: "reset a colleague's second factor (konten)",
    path: () => `${M}/konten`,
    fields: (c) => [["intent", "second_factor_reset"], ["account", String(c.ids.demoTotpAccount)]],
    expect:                                                                                 [S, F,   F,   changes(200), X],
  },
  {
    action: "change the organisation's settings (einstellungen)",
    path: () => `${M}/einstellungen`,
    fields: (c) => c.settings.map(([k, v]): [string, string] => [k, k === "accessibility_contact" ? `barrierefrei-${c.who}@musterstadt.example` : v]),
    expect:                                                                                 [S, F,   F,   changes(303), X],
  },
  {
    action: "rename a consideration decision (entscheidungen)",
    path: () => `${M}/entscheidungen`,
    fields: (c) => [["intent", "rename"], ["key", "noted"], ["label_de-noted", `Zur Kenntnis (${c.who})`], ["label_en-noted", ""]],
    expect:                                                                                 [S, F,   F,   changes(303), X],
  },
  {
    // the right current password, the repeat does not match: the action runs and answers 400
    action: "change one's own password (passwort)",
    path: () => `${M}/passwort`,
    fields: () => [["current", DEMO_PASSWORD], ["password", "ein ganz neuer langer Satz"], ["repeat", "ein anderer langer Satz"]],
    expect:                                                                                 [S, 400, 400, 400,          X],
  },
  {
    // a receipt code that does not exist: the look-up runs and answers 400
    action: "look up a caller's submission (schalter/suche)",
    path: () => `${M}/schalter/suche`,
    fields: () => [["code", "K7M4-2QXP-9ABR-T"]],
    expect:                                                                                 [S, 400, F,   F,            X],
  },
  {
    // no words: the search runs and answers 400 (nothing searched, nothing recorded)
    action: "find a caller's submission without the code (schalter/finden)",
    path: () => `${M}/schalter/finden`,
    fields: () => [["procedure", "1"], ["from", "2026-01-01"], ["to", "2026-01-31"], ["words", ""]],
    expect:                                                                                 [S, 400, F,   F,            X],
  },
  {
    // nothing filled in: the entry form runs and answers 400
    action: "enter a submission by phone (schalter/<id>/phone)",
    path: (i) => `${M}/schalter/${i.demoOpen}/phone`,
    fields: () => [],
    expect:                                                                                 [S, 400, F,   F,            X],
  },
  {
    // an entry key that does not exist: nothing to open, 404 for the desk, refused to the others
    action: "receipt letter with the address (schalter/beleg/<unknown key>)",
    path: () => `${M}/schalter/beleg/abcdefghijklmnopqrstuv`,
    fields: () => [],
    expect:                                                                                 [S, X,   F,   F,            X],
  },
  {
    // no reason given: the bulk step runs and answers 400, nothing changes
    action: "not publish several without a reason (moderation/<id>/sammel)",
    path: (i) => `${M}/moderation/${i.demoOpen}/sammel`,
    form: (i) => `${M}/moderation/beitrag/${i.demoSubmission}`,
    fields: (c) => [["id", String(c.ids.demoSubmission)], ["intent", "not_publish"]],
    expect:                                                                                 [S, F,   400, 400,          X],
  },
  {
    // nothing redacted: nothing to open, nothing recorded
    action: "open the original text (moderation/beitrag/<id>)",
    path: (i) => `${M}/moderation/beitrag/${i.demoSubmission}`,
    fields: () => [["intent", "open_original"]],
    expect:                                                                                 [S, F,   200, 200,          X],
  },
  // across organisations
  {
    action: "demo URL: enter a submission for the other org's procedure",
    path: (i) => `${M}/schalter/${i.theirs}/paper`,
    fields: () => [],
    expect:                                                                                 [S, X,   F,   F,            X],
  },
  {
    action: "other org URL: add a question to a demo draft",
    path: (i) => `${N}/verfahren/${i.demoDraft}/fragen`,
    fields: () => question("Übernommen"),
    expect:                                                                                 [S, X,   X,   X,            X],
  },
  {
    action: "other org URL: close a demo procedure",
    path: (i) => `${N}/verfahren/${i.demoOpen}`,
    fields: () => [["intent", "close"]],
    expect:                                                                                 [S, X,   X,   X,            X],
  },
  {
    action: "demo URL: rename the other org's procedure",
    path: (i) => `${M}/verfahren/${i.theirs}`,
    fields: () => [["intent", "details"], ...details({ title: "Übernommen", slug: "uebernommen" })],
    expect:                                                                                 [S, F,   F,   X,            X],
  },
  {
    action: "demo URL: copy the other org's procedure",
    path: (i) => `${M}/verfahren/${i.theirs}/fragen`,
    fields: () => [["intent", "copy"]],
    expect:                                                                                 [S, F,   F,   X,            X],
  },
];

// ---------------------------------------------------------------------------------------------

const describeOutcome = (o: Outcome) =>
  o === S ? "303 to sign in" : o === F ? "403" : o === X ? "404" : typeof o === "number" ? String(o) : `${o.status}, changes data`;

describe("the staff permission matrix", () => {
  let server: TestServer;
  let h: DatabaseHandle;
  const ids = {} as Ids;
  const clients = {} as Record<Who, Client>;
  let settings: [string, string][] = [];

  /** Everything a staff action could change (sessions and rate limits aside). */
  /** Everything staff could change, as one string; `without` leaves the named parts out. */
  async function snapshot(without: string[] = []) {
    return JSON.stringify(await snapshotParts(), (key, value) => (without.includes(key) ? undefined : value));
  }
  async function snapshotParts() {
    const db = h.db;
    return {
      organisations: await db.selectFrom("organisations").selectAll().orderBy("id").execute(),
      procedures: await db.selectFrom("procedures").selectAll().orderBy("id").execute(),
      questions: await db.selectFrom("questions").selectAll().orderBy("id").execute(),
      accounts: await db.selectFrom("accounts").selectAll().orderBy("id").execute(),
      roles: await db.selectFrom("account_roles").selectAll().orderBy("account_id").orderBy("role").execute(),
      tokens: await db.selectFrom("account_tokens").selectAll().orderBy("token_hash").execute(),
      audit: await db.selectFrom("audit_log").selectAll().orderBy("id").execute(),
      submissions: await db.selectFrom("submissions").selectAll().orderBy("id").execute(),
      answers: await db.selectFrom("answers").selectAll().orderBy("id").execute(),
      contacts: await db.selectFrom("contact_details").selectAll().orderBy("submission_id").execute(),
      privacyEvents: await db.selectFrom("privacy_events").selectAll().orderBy("id").execute(),
      translations: await db.selectFrom("procedure_translations").selectAll().orderBy("procedure_id").orderBy("language").execute(),
      documents: await db.selectFrom("documents").selectAll().orderBy("id").execute(),
      blobs: await db.selectFrom("file_blobs").selectAll().orderBy("id").execute(),
    };
  }
  const recordCounts = async () => ({
    audit: (await h.db.selectFrom("audit_log").select("id").execute()).length,
    privacyEvents: (await h.db.selectFrom("privacy_events").select("id").execute()).length,
  });

  /** The session's CSRF token, read from a page this person may open. */
  async function tokenFor(who: Who, page: string, pageOutcome: Outcome | undefined): Promise<string> {
    if (who === "anonymous") return "a".repeat(43);
    const readable = typeof pageOutcome === "number" ? page : who === "otherAdmin" ? `${N}/passwort` : `${M}/passwort`;
    const res = await clients[who].get(readable);
    expect(res.status, `GET ${readable} for the CSRF token`).toBe(200);
    return csrfOf(await res.text());
  }

  /** The checks every answer gets, whatever its status. */
  function checkAnswer(who: Who, label: string, res: Response, html: string, outcome: Outcome, path: string) {
    const status = typeof outcome === "object" ? outcome.status : outcome === S ? 303 : outcome === F ? 403 : outcome === X ? 404 : outcome;
    expect(res.status, `${label}: ${who}; server log:\n${server.logs().slice(-1500)}`).toBe(status);
    if (outcome === S) {
      expect(res.headers.get("location"), label).toBe(`/anmelden?weiter=${encodeURIComponent(path)}`);
    }
    if (outcome === F) {
      // a clear page in German, about the missing permission
      expect(html, label).toMatch(/<html lang="de"/);
      const main = textOf(mainOf(html));
      expect(main, label).toContain("Keine Berechtigung");
      expect(main, label).toContain("Mit Ihrem Konto dürfen Sie diese Seite nicht öffnen.");
    }
    if (outcome === X) {
      expect(textOf(mainOf(html)), label).toMatch(/nicht gefunden/);
    }
    // staff and moderators never see the admin navigation: not on their pages, not on a 403 (whose
    // only link to an admin page may be "reload", to the address asked for)
    if (who === "staff" || who === "moderator") {
      const nav = html.match(/<nav[^>]*class="staff-nav"[\s\S]*?<\/nav>/)?.[0] ?? "";
      if (outcome === 200) expect(nav, `${label}: the staff navigation`).not.toBe("");
      const elsewhere = html.split(`href="${path}"`).join("");
      for (const link of ADMIN_LINKS) expect(elsewhere, `${label}: ${who} sees ${link}`).not.toContain(link);
    }
    // nobody sees another organisation's data
    const foreign = who === "otherAdmin" ? DEMO_DATA : who === "anonymous" ? [...DEMO_DATA, ...OTHER_DATA] : OTHER_DATA;
    const text = textOf(html);
    for (const secret of foreign) {
      expect(html.includes(secret) || text.includes(secret), `${label}: ${who} sees "${secret}"`).toBe(false);
    }
  }

  beforeAll(async () => {
    server = await startServer();
    h = openDatabase(server.database.url);
    const db = h.db;
    const now = new Date().toISOString();

    const demo = await db.selectFrom("organisations").selectAll().where("slug", "=", "musterstadt").executeTakeFirstOrThrow();
    // the other organisation: the demo organisation's columns, renamed
    const { id: demoOrgId, ...columns } = demo;
    const renamed = Object.fromEntries(
      Object.entries(columns).map(([k, v]) => [k, typeof v === "string" ? v.replace(/Musterstadt/g, "Nachbarstadt").replace(/musterstadt/g, "nachbarstadt") : v]),
    ) as typeof columns;
    const other = await db.insertInto("organisations").values({ ...renamed, slug: "nachbarstadt", name: "Stadt Nachbarstadt", created_at: now }).returning("id").executeTakeFirstOrThrow();
    await createAccount(db, { organisationId: other.id, email: OTHER.email, displayName: OTHER.name, roles: ["admin"], password: OTHER.password, totpSecret: OTHER.totpSecret });

    const procedure = (organisationId: number, slug: string, title: string, status: "draft" | "open") => ({
      organisation_id: organisationId,
      slug,
      title,
      summary: `${title}: worum es geht`,
      body: "",
      kind: "survey",
      legal_basis: "Art. 6 Abs. 1 lit. e DSGVO",
      responsible_office: "Fachbereich Grün",
      opens_at: now,
      closes_at: new Date(Date.now() + 30 * DAY).toISOString(),
      status,
      retention_months: 6,
      publication_policy: "",
      notice_version: "1",
      contact_name: "off" as const,
      contact_name_purpose: "",
      contact_address: "off" as const,
      contact_address_purpose: "",
      contact_email: "off" as const,
      contact_email_purpose: "",
      contact_phone: "off" as const,
      contact_phone_purpose: "",
      created_at: now,
      updated_at: now,
      derived_from_id: null,
    });
    ids.theirs = (await db.insertInto("procedures").values(procedure(other.id, "seeufer", OTHER.procedureTitle, "open")).returning("id").executeTakeFirstOrThrow()).id;
    await db.insertInto("questions").values({ procedure_id: ids.theirs, position: 1, kind: "short_text", label: "Was fehlt am Seeufer?", hint: "", required: 0, max_length: null, options_json: "[]" }).execute();
    ids.demoDraft = (await db.insertInto("procedures").values(procedure(demoOrgId, "gruenzug", DEMO_DRAFT_TITLE, "draft")).returning("id").executeTakeFirstOrThrow()).id;
    const bySlug = async (slug: string) => (await db.selectFrom("procedures").select("id").where("organisation_id", "=", demoOrgId).where("slug", "=", slug).executeTakeFirstOrThrow()).id;
    ids.demoOpen = await bySlug("radverkehrsplan-2030");
    ids.demoClosed = await bySlug("marktplatz");
    ids.demoDocument = (await db.selectFrom("documents").select("id").where("procedure_id", "=", ids.demoOpen).executeTakeFirstOrThrow()).id;
    // one submission each (the moderation and desk pages of a single submission)
    const submission = (organisationId: number, procedureId: number, key: string) => ({
      organisation_id: organisationId,
      procedure_id: procedureId,
      receipt_code_hash: `matrix-${key}`,
      channel: "online" as const,
      entered_by_account_id: null,
      source_reference: null,
      received_on: null,
      notice_version: "1",
      language: "de",
      state: "received",
      response_state: "pending",
      idempotency_key: `matrix-${key}`,
      created_at: now,
      consent_results_notification: null,
      erasure_requested_at: null,
      personal_data_deleted_at: null,
      withdrawn_at: null,
    });
    ids.demoSubmission = (await db.insertInto("submissions").values(submission(demoOrgId, ids.demoOpen, "demo")).returning("id").executeTakeFirstOrThrow()).id;
    ids.theirSubmission = (await db.insertInto("submissions").values(submission(other.id, ids.theirs, "theirs")).returning("id").executeTakeFirstOrThrow()).id;
    ids.demoTotpAccount = (await createAccount(db, { organisationId: demoOrgId, email: "zweiter-faktor@musterstadt.example", displayName: "Matrix TOTP", roles: ["moderator"], totpSecret: OTHER.totpSecret })).id;
    settings = Object.entries((await getOrganisationSettings(db, demoOrgId))!);

    // each role signs in once; TOTP replay protection is reset through the database
    clients.anonymous = new Client(server.url);
    clients.staff = (await signIn(server.url, DEMO.staff)).client;
    clients.moderator = (await signIn(server.url, DEMO.moderator, { db })).client;
    clients.admin = (await signIn(server.url, DEMO.admin, { db })).client;
    clients.otherAdmin = (await signIn(server.url, OTHER.email, { password: OTHER.password, totpSecret: OTHER.totpSecret, db })).client;
  });

  afterAll(async () => {
    await h?.close();
    await server?.stop();
  });

  it("checks for foreign data that really is there for the right people (the negative checks are not vacuous)", async () => {
    const demoDashboard = await (await clients.admin.get(M)).text();
    for (const title of ["Radverkehrsplan 2030", "Bürgerhaushalt 2027", "Neugestaltung des Marktplatzes", DEMO_DRAFT_TITLE]) expect(demoDashboard).toContain(title);
    const theirDashboard = await (await clients.otherAdmin.get(N)).text();
    expect(theirDashboard).toContain(OTHER.procedureTitle);
    expect(theirDashboard).toContain("Stadt Nachbarstadt");
    expect(await (await clients.otherAdmin.get(`${N}/konten`)).text()).toContain(OTHER.email);
    expect(await (await clients.admin.get(`${M}/konten`)).text()).toContain(DEMO.staff);
    // the admin's navigation is there for admins (so its absence for others means something)
    for (const link of ADMIN_LINKS) expect(demoDashboard).toContain(link);
  });

  describe.each(PAGES)("GET $page", (row) => {
    it.each(WHO.map((who, i) => ({ who, outcome: row.expect[i], label: describeOutcome(row.expect[i]) })))("$who → $label", async ({ who, outcome }) => {
      const path = row.path(ids);
      const recorded = row.records ? ["audit", "privacyEvents"] : [];
      const before = await snapshot(recorded);
      const counts = await recordCounts();
      const res = await clients[who].get(path);
      const html = await res.text();
      checkAnswer(who, `GET ${path}`, res, html, outcome, path);
      if (outcome === 200 && who === "otherAdmin" && path.startsWith(`${N}/verfahren/`)) expect(html).toContain(OTHER.procedureTitle);
      // reading changes nothing (a recorded page: one entry in each log, and only when it is shown)
      expect(await snapshot(recorded), `GET ${path} changed data`).toBe(before);
      if (row.records) {
        const n = outcome === 200 ? 1 : 0;
        expect(await recordCounts(), `GET ${path}: recorded`).toEqual({ audit: counts.audit + n, privacyEvents: counts.privacyEvents + n });
      }
    });
  });

  describe.each(ACTIONS)("POST: $action", (row) => {
    it.each(WHO.map((who, i) => ({ who, outcome: row.expect[i], label: describeOutcome(row.expect[i]) })))("$who → $label", async ({ who, outcome }) => {
      const path = row.path(ids);
      const form = row.form?.(ids) ?? path;
      const pageOutcome = PAGES.find((p) => p.path(ids) === form)?.expect[WHO.indexOf(who)];
      const token = await tokenFor(who, form, pageOutcome);
      const before = await snapshot();
      const res = await clients[who].post(path, [["_csrf", token], ...row.fields({ ids, who, settings })]);
      const html = await res.text();
      checkAnswer(who, `POST ${path}`, res, html, outcome, path);
      const after = await snapshot();
      if (typeof outcome === "object") expect(after, `POST ${path} by ${who} should have changed data`).not.toBe(before);
      else expect(after, `POST ${path} by ${who} changed data`).toBe(before);
    });
  });

  it("left the other organisation's procedure and the demo procedures alone", async () => {
    const theirs = await h.db.selectFrom("procedures").select(["title", "status"]).where("id", "=", ids.theirs).executeTakeFirstOrThrow();
    expect(theirs).toEqual({ title: OTHER.procedureTitle, status: "open" });
    expect(await h.db.selectFrom("procedures").select("id").where("derived_from_id", "=", ids.theirs).execute()).toEqual([]);
    expect((await h.db.selectFrom("procedures").select("status").where("id", "=", ids.demoOpen).executeTakeFirstOrThrow()).status).toBe("open");
    // only the admin's question was added to the demo draft
    const labels = (await h.db.selectFrom("questions").select("label").where("procedure_id", "=", ids.demoDraft).execute()).map((q) => q.label);
    expect(labels).toEqual(["Frage von admin"]);
    // only the admin's procedure was created, and only the demo admin's invitation exists
    const created = (await h.db.selectFrom("procedures").select("slug").where("slug", "like", "matrix-%").execute()).map((p) => p.slug);
    expect(created).toEqual(["matrix-admin"]);
    const invited = (await h.db.selectFrom("accounts").select("email").where("email", "like", "matrix-%").execute()).map((a) => a.email);
    expect(invited).toEqual(["matrix-admin@musterstadt.example"]);
  });

  describe("CSRF", () => {
    it.each([
      { how: "missing", csrf: (): [string, string][] => [] },
      { how: "empty", csrf: (): [string, string][] => [["_csrf", ""]] },
      { how: "wrong", csrf: (): [string, string][] => [["_csrf", "falsch"]] },
      { how: "of the right length but wrong", csrf: (valid: string): [string, string][] => [["_csrf", valid.replace(/./g, (c) => (c === "a" ? "b" : "a"))]] },
      { how: "of another session (the moderator's)", csrf: (_valid: string, moderator: string): [string, string][] => [["_csrf", moderator]] },
      { how: "sent twice", csrf: (valid: string): [string, string][] => [["_csrf", valid], ["_csrf", valid]] },
    ])("refuses every admin action with a token $how (403) and changes nothing", async ({ how, csrf }) => {
      const valid = csrfOf(await (await clients.admin.get(`${M}/passwort`)).text());
      const moderator = csrfOf(await (await clients.moderator.get(`${M}/passwort`)).text());
      expect(valid).not.toBe(moderator);
      let checked = 0;
      for (const row of ACTIONS) {
        const outcome = row.expect[WHO.indexOf("admin")];
        // only actions the admin may take (elsewhere the 403 or 404 comes before the token matters),
        // and not the preview, which takes no action at all
        if (typeof outcome !== "object" && outcome !== 400) continue;
        const path = row.path(ids);
        const before = await snapshot();
        const res = await clients.admin.post(path, [...csrf(valid, moderator), ...row.fields({ ids, who: "admin", settings })]);
        expect(res.status, `POST ${path} with a token ${how}`).toBe(403);
        const html = await res.text();
        expect(textOf(mainOf(html)), path).toContain("Das Formular ist nicht mehr gültig");
        for (const secret of OTHER_DATA) expect(html).not.toContain(secret);
        expect(await snapshot(), `POST ${path} with a token ${how} changed data`).toBe(before);
        checked++;
      }
      // every admin action of ACTIONS (admins may moderate since decision 34; resetting a second factor, decision 29)
      expect(checked).toBe(12);
      // the admin is still signed in: a forged form does not end the session
      expect((await clients.admin.get(M)).status).toBe(200);
    });

    it("refuses staff changing their own password without the token, and the password stays", async () => {
      const before = await snapshot();
      for (const body of [
        [["current", DEMO_PASSWORD], ["password", "ein ganz neuer langer Satz"], ["repeat", "ein ganz neuer langer Satz"]],
        [["_csrf", "falsch"], ["current", DEMO_PASSWORD], ["password", "ein ganz neuer langer Satz"], ["repeat", "ein ganz neuer langer Satz"]],
      ] as [string, string][][]) {
        const res = await clients.staff.post(`${M}/passwort`, body);
        expect(res.status).toBe(403);
        expect(textOf(mainOf(await res.text()))).toContain("Das Formular ist nicht mehr gültig");
      }
      expect(await snapshot()).toBe(before);
      expect((await clients.staff.get(M)).status).toBe(200);
    });
  });
});
