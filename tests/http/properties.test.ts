/**
 * Property-based tests (fast-check) of every form action and resource route, against the real
 * production server: random and malformed input never yields a 5xx or a stack trace, an HTML answer
 * is in the language the reader asked for, and nothing invalid is stored — a refused request
 * (status ≥ 400) leaves the data exactly as it was, and after an accepted one every stored row still
 * keeps the rules of the module that owns it (lengths, enums, required fields, foreign keys).
 *
 * How a request is made: the route's own page is read first (as the person who would use it), its
 * forms are taken apart (field names, hidden values, options, buttons), and each run sends a
 * mutation of a real form — fields kept, dropped, repeated, or given arbitrary values (unicode,
 * control characters, very long strings, numbers and dates at the edges), unknown fields added, the
 * body encoded wrongly (bytes that are not UTF-8, broken % escapes), oversized, or sent with another
 * content type (multipart, JSON, text, none) or method, with random query strings and path segments.
 * Staff routes are sent with a signed-in session and its CSRF token, so the property reaches the
 * validation and not only the 403.
 *
 * Coverage — every route module with an action or a non-HTML loader (the test "knows every route"
 * fails when app/routes gains one that is not in ROUTES below):
 *   resident:  $ (not found), $org.verfahren.$slug (the form), $org.verfahren.$slug_.pruefen (send),
 *              $org.verfahren.$slug_.ergebnisse (405), $org.beitrag (receipt look-up),
 *              $org.beitrag_.abmelden, $org.beitrag_.daten (Art. 15 download), $org.beitrag_.loeschen
 *              (erasure), $org.beitrag_.zurueckziehen (withdrawal), $org.barrierefreiheit_.melden
 *              (barrier report)
 *   resource:  $org.verfahren.$slug_.daten[.]csv, $org.verfahren.$slug_.daten[.]json,
 *              $org.verfahren.$slug_.dcat[.]jsonld, $org.beitrag_.daten
 *   sign-in:   anmelden, anmelden_.code (TOTP), anmelden_.einrichten (TOTP set-up), abmelden,
 *              einladung.$token (invitation)
 *   staff:     verwaltung.passwort, .konten, .einstellungen, .entscheidungen, .verfahren.neu, .verfahren.$id,
 *              .verfahren.$id_.fragen, .verfahren.$id_.uebersetzung.$lng, .verfahren.$id_.vorschau,
 *              .schalter.$procedureId.$channel (desk entry), .schalter.suche, .schalter.finden
 *              (search without the code), .schalter.beleg.$key (receipt letter),
 *              .moderation.beitrag.$id, .moderation.$procedureId_.antwort, …_.ergebnisse, …_.briefe,
 *              …_.sammel (bulk publish / not publish), …_.abwaegung_.$format (weighing table files), .protokoll[.]csv (audit export), .verfahren.$id_.dokumente
 *              (document upload: a urlencoded body is refused), resident .verfahren.$slug_.dokumente.$id (download)
 *              .barrierefreiheit.$id (barrier reports), .barrierefreiheit.erklaerung, .verfahren.$id_.plan
 *              (the plan and its grid), resident .verfahren.$slug_.plan (pictures of the plan), .orte[.]geojson
 *
 * Reproduce: FC_SEED=<seed printed below> npx vitest run tests/http/properties.test.ts
 * More runs: FC_RUNS=200 (default 25 per route, which keeps the file around a minute on 2 cores).
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import BetterSqlite from "better-sqlite3";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLES } from "~/modules/accounts/roles";
import { REFERENCE_PATTERN, REPORT_LIMITS } from "~/modules/accessibility/reports";
import { STATEMENT_LIMITS } from "~/modules/accessibility/statement";
import { REFERENCE_MAX } from "~/modules/assisted-entry/desk.server";
import { RESPONSE_DECISIONS, NOT_PUBLISHED_REASONS } from "~/modules/moderation/moderation.server";
import { CONSIDERATION_TEXT_MAX } from "~/modules/considerations/considerations.server";
import { ORGANISATION_SETTINGS } from "~/modules/organisations/organisations.server";
import { CONTACT_MODES, MAX_LENGTH_LIMIT, PROCEDURE_KINDS, PROCEDURE_LIMITS, QUESTION_KINDS, QUESTION_LIMITS, RETENTION_MONTHS } from "~/modules/procedures/admin-rules";
import { SLUG } from "~/modules/procedures/slugs";
import { TRANSLATION_LANGUAGES } from "~/modules/procedures/translations";
import { SUMMARY_MAX } from "~/modules/results/rules";
import { CHANNELS } from "~/modules/procedures/dashboard.server";
import { SUPPORTED_LANGUAGES } from "~/i18n/config";
import { PLACE_DESCRIPTION_MAX } from "~/modules/places/place";
import { Client, textOf } from "../support/http";
import { projectRoot, startServer, type TestServer } from "../support/server";
import { DEMO, csrfOf, signIn } from "../support/staff";

const SEED = Number(process.env.FC_SEED ?? 20_260_408);
const RUNS = Number(process.env.FC_RUNS ?? 25);
const ORG = "/musterstadt";
const PROCEDURE = `${ORG}/verfahren/radverkehrsplan-2030`;
const CLOSED = `${ORG}/verfahren/marktplatz`;

// ---------------------------------------------------------------------------------------------
// The routes
// ---------------------------------------------------------------------------------------------

type Who = "anonymous" | "draft" | "receipt" | "pending" | "setup" | "admin" | "moderator" | "staff";

interface Context {
  procedureId: number;
  closedId: number;
  draftCopyId: number;
  submissionId: number;
  reportId: number;
  documentId: number;
  inviteToken: string;
  alertToken: string;
}

interface RouteSpec {
  /** the module in app/routes */
  file: string;
  who: Who;
  /** the path; `seg` (when given) replaces the route's variable segment with an arbitrary one */
  path: (c: Context, seg?: string) => string;
  /** where the form that posts here is shown, when not at `path` */
  page?: (c: Context) => string;
  /** a resource route: also GET it with random query strings */
  resource?: boolean;
  /** the action ends the session or code it runs under: a new one before each run */
  fresh?: boolean;
  /** signed out by the route itself: later runs go on without a session rather than signing in again */
  keepSession?: boolean;
  /** a page whose form only shows (the preview): every POST is a 405 */
  refuses?: boolean;
  runs?: number;
}

const seg = (s: string | undefined, real: string | number) => (s === undefined ? String(real) : s);

const ROUTES: RouteSpec[] = [
  // residents
  { file: "$.tsx", who: "anonymous", path: (_, s) => `${ORG}/${seg(s, "gibt-es-nicht")}/x` },
  { file: "$org.verfahren.$slug.tsx", who: "anonymous", path: (_, s) => `${ORG}/verfahren/${seg(s, "radverkehrsplan-2030")}`, runs: 2 * RUNS },
  { file: "$org.verfahren.$slug_.pruefen.tsx", who: "draft", path: (_, s) => `${ORG}/verfahren/${seg(s, "radverkehrsplan-2030")}/pruefen`, fresh: true, runs: Math.ceil(RUNS / 2) },
  { file: "$org.verfahren.$slug_.ergebnisse.tsx", who: "anonymous", path: (_, s) => `${ORG}/verfahren/${seg(s, "marktplatz")}/ergebnisse` },
  { file: "$org.verfahren.$slug_.daten[.]csv.tsx", who: "anonymous", path: (_, s) => `${ORG}/verfahren/${seg(s, "marktplatz")}/daten.csv`, resource: true },
  { file: "$org.verfahren.$slug_.daten[.]json.tsx", who: "anonymous", path: (_, s) => `${ORG}/verfahren/${seg(s, "marktplatz")}/daten.json`, resource: true },
  { file: "$org.verfahren.$slug_.dcat[.]jsonld.tsx", who: "anonymous", path: (_, s) => `${ORG}/verfahren/${seg(s, "marktplatz")}/dcat.jsonld`, resource: true },
  { file: "$org.verfahren.$slug_.plan.tsx", who: "anonymous", path: (_, s) => `${ORG}/verfahren/${seg(s, "radverkehrsplan-2030")}/plan`, resource: true },
  { file: "$org.verfahren.$slug_.dokumente.$id.tsx", who: "anonymous", path: (c, s) => `${ORG}/verfahren/radverkehrsplan-2030/dokumente/${seg(s, c.documentId)}`, resource: true },
  { file: "$org.beitrag.tsx", who: "anonymous", path: (_, s) => `/${seg(s, "musterstadt")}/beitrag` },
  { file: "$org.beitrag_.abmelden.tsx", who: "receipt", path: (_, s) => `/${seg(s, "musterstadt")}/beitrag/abmelden`, page: () => `${ORG}/beitrag/protokoll` },
  { file: "$org.beitrag_.daten.tsx", who: "receipt", path: (_, s) => `/${seg(s, "musterstadt")}/beitrag/daten`, page: () => `${ORG}/beitrag/protokoll`, resource: true },
  { file: "$org.beitrag_.loeschen.tsx", who: "receipt", path: (_, s) => `/${seg(s, "musterstadt")}/beitrag/loeschen`, fresh: true, runs: Math.ceil(RUNS / 2) },
  { file: "$org.beitrag_.zurueckziehen.tsx", who: "receipt", path: (_, s) => `/${seg(s, "musterstadt")}/beitrag/zurueckziehen`, fresh: true, runs: Math.ceil(RUNS / 2) },
  { file: "$org.barrierefreiheit_.melden.tsx", who: "anonymous", path: (_, s) => `/${seg(s, "musterstadt")}/barrierefreiheit/melden` },
  { file: "$org.benachrichtigung.tsx", who: "anonymous", path: (_, s) => `/${seg(s, "musterstadt")}/benachrichtigung`, page: () => `${ORG}/benachrichtigung?verfahren=radverkehrsplan-2030` },
  { file: "$org.benachrichtigung_.bestaetigen.$token.tsx", who: "anonymous", path: (c, s) => `${ORG}/benachrichtigung/bestaetigen/${seg(s, c.alertToken)}` },
  { file: "$org.benachrichtigung_.verwalten.$token.tsx", who: "anonymous", path: (c, s) => `${ORG}/benachrichtigung/verwalten/${seg(s, c.alertToken)}` },
  { file: "$org.benachrichtigung_.verwalten.$token_.daten.tsx", who: "anonymous", path: (c, s) => `${ORG}/benachrichtigung/verwalten/${seg(s, c.alertToken)}/daten`, page: (c) => `${ORG}/benachrichtigung/verwalten/${c.alertToken}`, resource: true },
  // last of the alert's routes: unsubscribing ends the alert the others use
  { file: "$org.benachrichtigung_.abmelden.$token.tsx", who: "anonymous", path: (c, s) => `${ORG}/benachrichtigung/abmelden/${seg(s, c.alertToken)}` },
  { file: "$org.transparenz.tsx", who: "anonymous", path: (_, s) => `/${seg(s, "musterstadt")}/transparenz` },
  { file: "$org.transparenz_.dcat[.]jsonld.tsx", who: "anonymous", path: (_, s) => `/${seg(s, "musterstadt")}/transparenz/dcat.jsonld`, resource: true },
  { file: "transparenz.$.tsx", who: "anonymous", path: (_, s) => `/transparenz/${seg(s, "checkpoint")}`, resource: true },
  { file: "$org.verfahren[.]atom.tsx", who: "anonymous", path: (_, s) => `/${seg(s, "musterstadt")}/verfahren.atom`, resource: true },
  { file: "$org.verfahren[.]ics.tsx", who: "anonymous", path: (_, s) => `/${seg(s, "musterstadt")}/verfahren.ics`, resource: true },
  { file: "$org.verfahren.$slug_.termine[.]ics.tsx", who: "anonymous", path: (_, s) => `${ORG}/verfahren/${seg(s, "radverkehrsplan-2030")}/termine.ics`, resource: true },
  // signing in
  { file: "anmelden.tsx", who: "anonymous", path: () => "/anmelden", runs: Math.ceil(RUNS / 4) },
  { file: "anmelden_.code.tsx", who: "pending", path: () => "/anmelden/code" },
  { file: "anmelden_.einrichten.tsx", who: "setup", path: () => "/anmelden/einrichten" },
  { file: "einladung.$token.tsx", who: "anonymous", path: (c, s) => `/einladung/${seg(s, c.inviteToken)}`, runs: Math.ceil(RUNS / 2) },
  // staff
  { file: "$org.verwaltung.schalter.$procedureId.$channel.tsx", who: "staff", path: (c, s) => `${ORG}/verwaltung/schalter/${seg(s, c.procedureId)}/phone`, runs: 2 * RUNS },
  { file: "$org.verwaltung.schalter.suche.tsx", who: "staff", path: () => `${ORG}/verwaltung/schalter/suche` },
  { file: "$org.verwaltung.schalter.finden.tsx", who: "staff", path: () => `${ORG}/verwaltung/schalter/finden` },
  { file: "$org.verwaltung.schalter.benachrichtigung.tsx", who: "staff", path: () => `${ORG}/verwaltung/schalter/benachrichtigung` },
  // the receipt letter: an entry key that matches nothing (the page has no form to read a token from otherwise)
  { file: "$org.verwaltung.schalter.beleg.$key.tsx", who: "staff", path: (_, s) => `${ORG}/verwaltung/schalter/beleg/${seg(s, "abcdefghijklmnopqrstuv")}`, page: () => `${ORG}/verwaltung/schalter/suche` },
  { file: "$org.verwaltung.moderation.beitrag.$id.tsx", who: "moderator", path: (c, s) => `${ORG}/verwaltung/moderation/beitrag/${seg(s, c.submissionId)}`, runs: 2 * RUNS },
  { file: "$org.verwaltung.moderation.$procedureId_.antwort.tsx", who: "moderator", path: (c, s) => `${ORG}/verwaltung/moderation/${seg(s, c.procedureId)}/antwort`, page: (c) => `${ORG}/verwaltung/moderation/${c.procedureId}` },
  { file: "$org.verwaltung.moderation.$procedureId_.ergebnisse.tsx", who: "moderator", path: (c, s) => `${ORG}/verwaltung/moderation/${seg(s, c.closedId)}/ergebnisse` },
  { file: "$org.verwaltung.moderation.$procedureId_.sammel.tsx", who: "moderator", path: (c, s) => `${ORG}/verwaltung/moderation/${seg(s, c.procedureId)}/sammel`, page: (c) => `${ORG}/verwaltung/moderation/${c.procedureId}` },
  { file: "$org.verwaltung.moderation.$procedureId_.briefe.tsx", who: "moderator", path: (c, s) => `${ORG}/verwaltung/moderation/${seg(s, c.closedId)}/briefe` },
  { file: "$org.verwaltung.moderation.$procedureId_.abwaegung_.$format.tsx", who: "moderator", path: (c, s) => `${ORG}/verwaltung/moderation/${seg(s, c.procedureId)}/abwaegung/xlsx`, page: (c) => `${ORG}/verwaltung/moderation/${c.procedureId}/abwaegung`, resource: true },
  { file: "$org.verwaltung.barrierefreiheit.$id.tsx", who: "admin", path: (c, s) => `${ORG}/verwaltung/barrierefreiheit/${seg(s, c.reportId)}` },
  { file: "$org.verwaltung.barrierefreiheit.erklaerung.tsx", who: "admin", path: () => `${ORG}/verwaltung/barrierefreiheit/erklaerung` },
  { file: "$org.verwaltung.protokoll[.]csv.tsx", who: "admin", path: () => `${ORG}/verwaltung/protokoll.csv`, page: () => `${ORG}/verwaltung/protokoll`, resource: true },
  { file: "$org.verwaltung.verfahren.$id_.dokumente.tsx", who: "admin", path: (c, s) => `${ORG}/verwaltung/verfahren/${seg(s, c.procedureId)}/dokumente` },
  { file: "$org.verwaltung.verfahren.$id_.plan.tsx", who: "admin", path: (c, s) => `${ORG}/verwaltung/verfahren/${seg(s, c.procedureId)}/plan` },
  { file: "$org.verwaltung.einstellungen.tsx", who: "admin", path: () => `${ORG}/verwaltung/einstellungen` },
  { file: "$org.verwaltung.entscheidungen.tsx", who: "admin", path: () => `${ORG}/verwaltung/entscheidungen` },
  { file: "$org.verwaltung.verfahren.neu.tsx", who: "admin", path: () => `${ORG}/verwaltung/verfahren/neu` },
  { file: "$org.verwaltung.verfahren.$id_.fragen.tsx", who: "admin", path: (c, s) => `${ORG}/verwaltung/verfahren/${seg(s, c.draftCopyId)}/fragen`, runs: 2 * RUNS },
  { file: "$org.verwaltung.verfahren.$id_.uebersetzung.$lng.tsx", who: "admin", path: (c, s) => `${ORG}/verwaltung/verfahren/${c.procedureId}/uebersetzung/${seg(s, "en")}` },
  { file: "$org.verwaltung.verfahren.$id_.vorschau.tsx", who: "admin", path: (c, s) => `${ORG}/verwaltung/verfahren/${seg(s, c.draftCopyId)}/vorschau`, refuses: true },
  { file: "$org.verwaltung.verfahren.$id.tsx", who: "admin", path: (c, s) => `${ORG}/verwaltung/verfahren/${seg(s, c.draftCopyId)}`, runs: 2 * RUNS },
  { file: "$org.verwaltung.passwort.tsx", who: "admin", path: () => `${ORG}/verwaltung/passwort`, runs: Math.ceil(RUNS / 4) },
  { file: "$org.verwaltung.verfahren.$id_.dateien.tsx", who: "admin", path: (c, s) => `${ORG}/verwaltung/verfahren/${seg(s, c.procedureId)}/dateien` },
  // last: may take roles or access away from the other demo accounts
  { file: "$org.verwaltung.konten.tsx", who: "admin", path: () => `${ORG}/verwaltung/konten` },
  { file: "abmelden.tsx", who: "moderator", path: () => "/abmelden", page: () => `${ORG}/verwaltung`, keepSession: true },
  // added after the others so that their seeds (SEED + index) stay the same; needs no session
  { file: "$org.verfahren.$slug_.orte[.]geojson.tsx", who: "anonymous", path: (_, s) => `${ORG}/verfahren/${seg(s, "marktplatz")}/orte.geojson`, resource: true },
  // files (issue 20): tokens that match nothing — the point is that no input gives a 5xx or stores anything
  { file: "$org.beitrag_.anhang.$token.tsx", who: "receipt", path: (_, s) => `${ORG}/beitrag/anhang/${seg(s, "abcdefghijklmnopqrstuv")}`, page: () => `${ORG}/beitrag/protokoll`, resource: true },
  { file: "bilder.$token.tsx", who: "anonymous", path: (_, s) => `/bilder/${seg(s, "abcdefghijklmnopqrstuv")}`, resource: true },
  { file: "$org.verwaltung.anhang.$token.tsx", who: "moderator", path: (_, s) => `${ORG}/verwaltung/anhang/${seg(s, "abcdefghijklmnopqrstuv")}`, page: (c) => `${ORG}/verwaltung/moderation/beitrag/${c.submissionId}`, resource: true },
  { file: "$org.verwaltung.anhang.$token_.vorschau.tsx", who: "moderator", path: (_, s) => `${ORG}/verwaltung/anhang/${seg(s, "abcdefghijklmnopqrstuv")}/vorschau`, page: (c) => `${ORG}/verwaltung/moderation/beitrag/${c.submissionId}`, resource: true },
  // an online entry: the scan page refuses it (404) whatever is posted
  { file: "$org.verwaltung.schalter.eintrag.$id_.scan.tsx", who: "staff", path: (c, s) => `${ORG}/verwaltung/schalter/eintrag/${seg(s, c.submissionId)}/scan`, page: () => `${ORG}/verwaltung/schalter/suche` },
  // videos with captions (decision 49): a document's captions (the seeded PDF has none: 404), the home page's sign-language video
  { file: "$org.verfahren.$slug_.dokumente.$id_.untertitel[.]vtt.tsx", who: "anonymous", path: (c, s) => `${ORG}/verfahren/radverkehrsplan-2030/dokumente/${seg(s, c.documentId)}/untertitel.vtt`, resource: true },
  { file: "$org.gebaerdensprache.video.tsx", who: "anonymous", path: (_, s) => `/${seg(s, "musterstadt")}/gebaerdensprache/video`, resource: true },
  { file: "$org.gebaerdensprache.untertitel[.]vtt.tsx", who: "anonymous", path: (_, s) => `/${seg(s, "musterstadt")}/gebaerdensprache/untertitel.vtt`, resource: true },
  { file: "$org.verwaltung.gebaerdensprache.tsx", who: "admin", path: () => `${ORG}/verwaltung/gebaerdensprache` },
];

/** Route modules with an action, or with a loader and no page (a resource route). */
function routesThatTakeInput(): string[] {
  const dir = join(projectRoot, "app/routes");
  return readdirSync(dir)
    .filter((f) => /\.tsx?$/.test(f))
    .filter((f) => {
      const src = readFileSync(join(dir, f), "utf8");
      const action = /export\s+(async\s+)?function\s+action\b|export\s+const\s+action\b/.test(src);
      const loader = /export\s+(async\s+)?function\s+loader\b|export\s+const\s+loader\b/.test(src);
      const page = /export\s+default\b/.test(src);
      return action || (loader && !page);
    });
}

// ---------------------------------------------------------------------------------------------
// Forms as the pages show them
// ---------------------------------------------------------------------------------------------

interface FormField {
  name: string;
  /** the values the page offers (a text field's current value, each radio/option/button value) */
  values: string[];
  /** checkboxes: any subset */
  multi: boolean;
}
interface PageForm {
  action: string;
  /** "get" for a form a browser sends as a query string (filters, file downloads) */
  method: "get" | "post";
  fields: FormField[];
}

const unescapeHtml = (s: string) =>
  s.replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&#x2F;/g, "/").replace(/&amp;/g, "&");
const attrsOf = (tag: string) => Object.fromEntries([...tag.matchAll(/([\w:-]+)="([^"]*)"/g)].map((m) => [m[1], unescapeHtml(m[2])]));

function formsOf(html: string, pagePath: string): PageForm[] {
  const forms: PageForm[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const action = (attrsOf(m[1]).action ?? pagePath).split("?")[0].split("#")[0];
    const method = attrsOf(m[1]).method?.toLowerCase() === "get" ? "get" : "post";
    const byName = new Map<string, FormField>();
    const add = (name: string | undefined, value: string, multi = false) => {
      if (!name || name === "_csrf") return;
      const f = byName.get(name) ?? { name, values: [], multi };
      if (!f.values.includes(value)) f.values.push(value);
      f.multi ||= multi;
      byName.set(name, f);
    };
    for (const t of m[2].matchAll(/<(input|button)\b([^>]*)>/g)) {
      const a = attrsOf(t[2]);
      add(a.name, a.value ?? (a.type === "checkbox" || a.type === "radio" ? "on" : ""), a.type === "checkbox");
    }
    for (const t of m[2].matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) add(attrsOf(t[1]).name, unescapeHtml(t[2]));
    for (const t of m[2].matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
      const name = attrsOf(t[1]).name;
      for (const o of t[2].matchAll(/<option\b([^>]*)>/g)) add(name, attrsOf(o[1]).value ?? "");
    }
    forms.push({ action, method, fields: [...byName.values()] });
  }
  return forms;
}

// ---------------------------------------------------------------------------------------------
// Arbitrary input
// ---------------------------------------------------------------------------------------------

const CONTROL = fc.string({ unit: fc.integer({ min: 0, max: 0x9f }).filter((n) => n < 0x20 || n >= 0x7f).map((n) => String.fromCharCode(n)), minLength: 1, maxLength: 5 });
const TRICKY = fc.constantFrom(
  "", " ", "0", "-1", "1e3", "NaN", "null", "undefined", "true", "[]", "{}", "99999999999999999999", "2147483648", "3.5",
  "2025-02-30", "9999-12-31", "0000-00-00", "1970-01-01", "2026-13-01", "<script>alert(1)</script>", "' OR 1=1 --", "\u202Eevil",
  "\uFFFD", "a\u0000b", "%00", "..", "../../etc/passwd", "yes", "no", "on", "admin", "moderator", "staff", "open", "close", "archive",
  "publish", "save", "invite", "remove", "roles", "reset", "reveal", "answer", "add", "update", "move", "remove", "copy", "details",
  "up", "down", "not_publish", "respond", "open_contact", "accepted", "noted", "insult", "full", "partial", "none", "phone", "paper",
);
const TEXT = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 2, arbitrary: TRICKY },
  { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 8 }), CONTROL, fc.string({ maxLength: 8 })).map(([a, b, c]) => a + b + c) },
  // around the limits the modules promise, and far beyond them
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(40, 60, 100, 200, 254, 300, 500, 1000, 3000, 5000, 10_000, 20_000, 50_000), fc.integer({ min: -1, max: 2 }), fc.constantFrom("x", "ä", "😀", "\n", "a\n")).map(([n, d, c]) => c.repeat(Math.max(0, n + d))) },
  { weight: 1, arbitrary: fc.integer().map(String) },
);
const NAME = fc.oneof(fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 12 }), fc.constantFrom("q1", "q99", "q0", "intent", "_csrf", "id", "account", "question_id", "public_1", "code", "contact_email", "consent_results", "entry_key", "lng", "__proto__", "constructor", "x".repeat(101)));

/** null most of the time, the arbitrary's value one time in `oneIn` */
const rarely = <T>(arb: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T | null> => fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });

type Mutation = "keep" | "drop" | "replace" | "repeat";
const MUTATION = fc.constantFrom<Mutation>("keep", "keep", "keep", "replace", "replace", "drop", "repeat");

/** What a person would type into an empty field of that name: lets some runs get all the way through. */
function plausible(name: string): string {
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  if (/email/.test(name)) return "pruefung@post.example";
  if (/phone|telefon/.test(name)) return "0511 123456";
  if (/received_on|prepared_on|reviewed_on/.test(name)) return day(0);
  if (/opens_on/.test(name)) return day(1);
  if (/closes_on/.test(name)) return day(60);
  if (/slug/.test(name)) return `pruefung-${Date.now().toString(36)}`;
  if (/retention|months/.test(name)) return "12";
  if (/max_length/.test(name)) return "100";
  if (/password|repeat|current/.test(name)) return "Pruefung-2026-geheim";
  if (/options/.test(name)) return "Erstens\nZweitens";
  if (/page/.test(name)) return "/musterstadt";
  return "Eine Eingabe zur Prüfung";
}

const REQUEST = fc.record({
  /** one run in three sends the form as a person would fill it in, with at most one field changed */
  gentle: fc.oneof({ weight: 2, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  form: fc.nat(),
  choices: fc.array(fc.nat(), { minLength: 64, maxLength: 64 }),
  mutations: fc.array(MUTATION, { minLength: 64, maxLength: 64 }),
  values: fc.array(TEXT, { minLength: 64, maxLength: 64 }),
  extra: fc.array(fc.tuple(NAME, TEXT), { maxLength: 3 }),
  encoding: fc.constantFrom("plain", "plain", "plain", "plain", "plain", "utf8-invalid", "broken-escape", "raw-unicode", "no-equals"),
  contentType: fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom("application/x-www-form-urlencoded", "APPLICATION/X-WWW-FORM-URLENCODED; charset=UTF-8") },
    { weight: 1, arbitrary: fc.constantFrom("multipart/form-data; boundary=xyz", "application/json", "text/plain", "none") },
  ),
  method: fc.oneof({ weight: 12, arbitrary: fc.constant("POST") }, { weight: 1, arbitrary: fc.constantFrom("PUT", "DELETE", "PATCH", "GET") }),
  csrf: fc.oneof({ weight: 12, arbitrary: fc.constant("valid") }, { weight: 1, arbitrary: fc.constantFrom("missing", "wrong", "twice") }),
  segment: rarely(fc.oneof(fc.constantFrom("0", "-1", "99999999999", "2147483648", "1.5", "abc", "%00", "%FF", "..", "%2e%2e", "ä", "😀", "x".repeat(300), "musterstadt"), fc.string({ unit: "grapheme", minLength: 1, maxLength: 10 }).map(encodeURIComponent)), 8),
  query: rarely(fc.array(fc.tuple(NAME, TEXT), { minLength: 1, maxLength: 3 }), 4),
  language: fc.constantFrom(...SUPPORTED_LANGUAGES.filter((l) => l !== "de-x-ls"), "", "xx", "de-DE,de;q=0.9", "*"),
  lngParam: rarely(fc.constantFrom(...SUPPORTED_LANGUAGES), 8),
  huge: rarely(fc.constantFrom(300 * 1024, 2 * 1024 * 1024), 25),
  crossSite: rarely(fc.constant(true), 30),
});
type RequestShape = typeof REQUEST extends fc.Arbitrary<infer T> ? T : never;

/** The body as bytes: pairs of a real form, mutated, then encoded (or broken) as the run says. */
function buildBody(r: RequestShape, form: PageForm | undefined, csrf: string | null): { pairs: [string, string][]; bytes: Buffer } {
  const pairs: [string, string][] = [];
  (form?.fields ?? []).forEach((f, i) => {
    const pick = r.choices[i % 64];
    let valid: string[] = f.multi ? f.values.filter((_, j) => (pick >> j) & 1) : [f.values[pick % f.values.length] ?? ""];
    if (r.gentle && valid.length === 1 && valid[0] === "" && f.values.length === 1) valid = [plausible(f.name)];
    const mutation = r.gentle ? (i === r.form % Math.max(1, form!.fields.length * 2) ? r.mutations[i % 64] : "keep") : r.mutations[i % 64];
    switch (mutation) {
      case "keep":
        for (const v of valid) pairs.push([f.name, v]);
        break;
      case "replace":
        pairs.push([f.name, r.values[i % 64]]);
        break;
      case "repeat":
        for (const v of [...valid, ...valid, r.values[i % 64]]) pairs.push([f.name, v]);
        break;
      case "drop":
        break;
    }
  });
  if (!r.gentle) pairs.push(...r.extra);
  if (csrf !== null) {
    if (r.csrf === "valid") pairs.unshift(["_csrf", csrf]);
    else if (r.csrf === "wrong") pairs.unshift(["_csrf", csrf.slice(0, -2) + "xx"]);
    else if (r.csrf === "twice") pairs.unshift(["_csrf", csrf], ["_csrf", csrf]);
  }
  let text: string;
  switch (r.encoding) {
    case "raw-unicode":
      text = pairs.map(([k, v]) => `${k.replace(/[&=%+]/g, "")}=${v.replace(/[&=%+]/g, "")}`).join("&");
      break;
    case "no-equals":
      text = pairs.map(([k]) => encodeURIComponent(k)).join("&");
      break;
    case "broken-escape":
      text = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&") + "&x=%G1%";
      break;
    default:
      text = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
  }
  let bytes = Buffer.from(text, "utf8");
  if (r.encoding === "utf8-invalid") bytes = Buffer.concat([bytes, Buffer.from("&q1="), Buffer.from([0xff, 0xc3, 0x28, 0xed, 0xa0, 0x80]), Buffer.from("%C3%28")]);
  if (r.huge) bytes = Buffer.concat([bytes, Buffer.from("&pad="), Buffer.alloc(r.huge, 0x78)]);
  if (r.contentType === "application/json") bytes = Buffer.from(JSON.stringify(Object.fromEntries(pairs)));
  if (r.contentType.startsWith("multipart/")) {
    bytes = Buffer.from(pairs.map(([k, v]) => `--xyz\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join("") + "--xyz--\r\n");
  }
  return { pairs, bytes };
}

// ---------------------------------------------------------------------------------------------
// The database: what a refused request must leave alone, and the rules every stored row keeps
// ---------------------------------------------------------------------------------------------

/** Changed by refused requests by design: rate-limit counters, the staff audit log, session times, job leases. */
/** Written by the server's timers while requests run (the transparency log's checkpoints, the alerts' job), not by a request. */
const VOLATILE = new Set(["rate_limits", "audit_log", "staff_sessions", "job_leases", "results_snapshots", "tlog_tiles", "tlog_checkpoints", "tlog_state", "alert_notices", "alert_deliveries"]);
/** Rows updated by a refused sign-in (the last TOTP step), or given their index by the transparency log's timer: only their number must stay. */
const COUNTED = new Set(["accounts", "tlog_leaves"]);

function fingerprint(sqlite: BetterSqlite.Database): Record<string, string> {
  const tables = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%' ORDER BY name").all() as { name: string }[];
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    if (VOLATILE.has(name)) continue;
    if (COUNTED.has(name)) out[name] = String((sqlite.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n);
    else out[name] = createHash("sha1").update(JSON.stringify(sqlite.prepare(`SELECT * FROM "${name}"`).raw().all())).digest("hex");
  }
  return out;
}

const STORED_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFD\u202A-\u202E\u2066-\u2069]/;
const EMAIL = /^[^\s@<>()\[\],;:"]+@[^\s@<>()\[\],;:"]+\.[^\s@<>()\[\],;:".]{2,}$/;
const len = (s: string | null | undefined) => Array.from(s ?? "").length;
const STATUSES = ["draft", "open", "closed", "in_evaluation", "results_published", "archived"];

/** Every stored row keeps the owning module's rules. Returns what is wrong (empty when nothing). */
function invalidRows(sqlite: BetterSqlite.Database): string[] {
  const problems: string[] = [];
  const all = <T>(q: string) => sqlite.prepare(q).all() as T[];
  const check = (ok: boolean, what: string) => {
    if (!ok && problems.length < 20) problems.push(what);
  };
  for (const fk of all<Record<string, unknown>>("PRAGMA foreign_key_check")) check(false, `foreign key: ${JSON.stringify(fk)}`);
  // no table holds control characters anywhere (tab and line breaks aside)
  for (const { name } of all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")) {
    for (const row of sqlite.prepare(`SELECT * FROM "${name}"`).raw().all() as unknown[][]) {
      for (const v of row) if (typeof v === "string" && STORED_CONTROL.test(v)) check(false, `${name}: control character in ${JSON.stringify(v.slice(0, 80))}`);
    }
  }
  for (const p of all<Record<string, any>>("SELECT * FROM procedures")) {
    const at = `procedure ${p.id}`;
    check(STATUSES.includes(p.status), `${at}: status ${p.status}`);
    check((PROCEDURE_KINDS as readonly string[]).includes(p.kind), `${at}: kind ${p.kind}`);
    check(SLUG.test(p.slug) && len(p.slug) <= PROCEDURE_LIMITS.slug, `${at}: slug ${p.slug}`);
    check(len(p.title) > 0 && len(p.title) <= PROCEDURE_LIMITS.title && !FORBIDDEN.test(p.title), `${at}: title`);
    check(len(p.summary) <= PROCEDURE_LIMITS.summary && len(p.body) <= PROCEDURE_LIMITS.body, `${at}: summary/body length`);
    check(len(p.legal_basis) <= PROCEDURE_LIMITS.legal_basis && len(p.responsible_office) <= PROCEDURE_LIMITS.responsible_office, `${at}: legal basis/office length`);
    check(len(p.publication_policy) <= PROCEDURE_LIMITS.publication_policy, `${at}: publication policy length`);
    check(Number.isInteger(p.retention_months) && p.retention_months >= RETENTION_MONTHS.min && p.retention_months <= RETENTION_MONTHS.max, `${at}: retention ${p.retention_months}`);
    check(p.opens_at < p.closes_at, `${at}: opens ${p.opens_at} after closing ${p.closes_at}`);
    check(len(p.results_summary) <= SUMMARY_MAX, `${at}: results summary length`);
    for (const k of ["name", "address", "email", "phone"]) {
      check(CONTACT_MODES.includes(p[`contact_${k}`]), `${at}: contact mode ${k}`);
      check(len(p[`contact_${k}_purpose`]) <= PROCEDURE_LIMITS.purpose, `${at}: purpose ${k} length`);
    }
  }
  const questions = new Map<number, Record<string, any>>();
  for (const q of all<Record<string, any>>("SELECT * FROM questions")) {
    questions.set(q.id, q);
    const at = `question ${q.id}`;
    check(QUESTION_KINDS.includes(q.kind), `${at}: kind ${q.kind}`);
    check(len(q.label) > 0 && len(q.label) <= QUESTION_LIMITS.label && !FORBIDDEN.test(q.label), `${at}: label`);
    check(len(q.hint) <= QUESTION_LIMITS.hint, `${at}: hint length`);
    check(q.required === 0 || q.required === 1, `${at}: required ${q.required}`);
    if (q.kind === "short_text" || q.kind === "long_text") check(q.max_length >= 1 && q.max_length <= MAX_LENGTH_LIMIT[q.kind as "short_text"], `${at}: max length ${q.max_length}`);
    let options: unknown;
    try {
      options = JSON.parse(q.options_json);
    } catch {
      check(false, `${at}: options are not JSON`);
    }
    if (q.kind === "single_choice" || q.kind === "multiple_choice") {
      const list = Array.isArray(options) ? options : [];
      check(list.length >= QUESTION_LIMITS.minOptions && list.length <= QUESTION_LIMITS.maxOptions, `${at}: ${list.length} options`);
    }
  }
  for (const r of all<{ procedure_id: number; n: number }>("SELECT procedure_id, count(*) AS n FROM questions GROUP BY procedure_id")) {
    check(r.n <= QUESTION_LIMITS.perProcedure, `procedure ${r.procedure_id}: ${r.n} questions`);
  }
  for (const s of all<Record<string, any>>("SELECT * FROM submissions")) {
    const at = `submission ${s.id}`;
    check(CHANNELS.includes(s.channel), `${at}: channel ${s.channel}`);
    check((SUPPORTED_LANGUAGES as readonly string[]).includes(s.language), `${at}: language ${s.language}`);
    check(len(s.source_reference) <= REFERENCE_MAX, `${at}: source reference length`);
    check(s.not_published_reason === null || (NOT_PUBLISHED_REASONS as readonly string[]).includes(s.not_published_reason), `${at}: reason ${s.not_published_reason}`);
  }
  for (const a of all<Record<string, any>>("SELECT a.*, s.procedure_id AS submission_procedure FROM answers a JOIN submissions s ON s.id = a.submission_id")) {
    const q = questions.get(a.question_id);
    const at = `answer ${a.id}`;
    check(q !== undefined && q.procedure_id === a.submission_procedure, `${at}: question of another procedure`);
    if (!q) continue;
    if (q.kind === "short_text" || q.kind === "long_text") {
      check(len(a.value) > 0 && len(a.value) <= q.max_length && !FORBIDDEN.test(a.value), `${at}: text breaks the question's rules`);
      if (q.kind === "short_text") check(!/[\n\t]/.test(a.value), `${at}: line break in a short answer`);
    }
  }
  for (const r of all<Record<string, any>>("SELECT * FROM responses")) {
    check(RESPONSE_DECISIONS.includes(r.decision), `response ${r.id}: decision ${r.decision}`);
    check(len(r.text) > 0 && len(r.text) <= CONSIDERATION_TEXT_MAX, `response ${r.id}: text length`);
  }
  // a place (issue 18): words within their limit, a real cell, a point inside the plan or none
  for (const p of all<Record<string, any>>("SELECT * FROM submission_places")) {
    const at = `place of submission ${p.submission_id}`;
    check(p.description === null || (len(p.description) > 0 && len(p.description) <= PLACE_DESCRIPTION_MAX && !FORBIDDEN.test(p.description)), `${at}: description`);
    check(p.grid_cell === null || /^[A-L]([1-9]|1[0-2])$/.test(p.grid_cell), `${at}: cell ${p.grid_cell}`);
    check((p.x === null) === (p.y === null), `${at}: half a point`);
    check(p.x === null || (Number.isInteger(p.x) && p.x >= 0 && p.x <= 10000 && p.y >= 0 && p.y <= 10000), `${at}: point ${p.x},${p.y}`);
    check(p.description !== null || p.grid_cell !== null || p.x !== null, `${at}: empty`);
  }
  for (const p of all<Record<string, any>>("SELECT * FROM procedure_plans")) {
    const at = `plan of procedure ${p.procedure_id}`;
    check(len(p.alt_text) > 0 && len(p.alt_text) <= 1000, `${at}: alternative text`);
    check(p.grid_columns >= 2 && p.grid_columns <= 12 && p.grid_rows >= 2 && p.grid_rows <= 12, `${at}: grid ${p.grid_columns}×${p.grid_rows}`);
    const corners = [p.north_udeg, p.west_udeg, p.south_udeg, p.east_udeg];
    check(corners.every((c) => c === null) || (corners.every((c) => c !== null) && p.north_udeg > p.south_udeg && p.east_udeg > p.west_udeg), `${at}: georeference`);
  }
  for (const r of all<Record<string, any>>("SELECT * FROM answer_redactions")) check(len(r.public_value) <= 10_000, `redaction of answer ${r.answer_id}: length`);
  for (const a of all<Record<string, any>>("SELECT * FROM accounts")) {
    check(EMAIL.test(a.email) && len(a.email) <= 254, `account ${a.id}: e-mail ${a.email}`);
    check(len(a.display_name) > 0 && len(a.display_name) <= 200 && !FORBIDDEN.test(a.display_name), `account ${a.id}: name`);
  }
  for (const r of all<Record<string, any>>("SELECT * FROM account_roles")) check(ROLES.includes(r.role), `account ${r.account_id}: role ${r.role}`);
  for (const o of all<Record<string, any>>("SELECT * FROM organisations")) {
    for (const f of ORGANISATION_SETTINGS) {
      const v = o[f.key] ?? "";
      check(len(v) <= f.max && !FORBIDDEN.test(v) && (!f.required || v !== ""), `organisation ${o.id}: ${f.key}`);
    }
  }
  for (const b of all<Record<string, any>>("SELECT * FROM barrier_reports")) {
    const at = `barrier report ${b.id}`;
    check(REFERENCE_PATTERN.test(b.reference), `${at}: reference ${b.reference}`);
    check(["open", "answered", "closed"].includes(b.status), `${at}: status ${b.status}`);
    check(len(b.page) > 0 && len(b.page) <= REPORT_LIMITS.page && len(b.description) > 0 && len(b.description) <= REPORT_LIMITS.description, `${at}: page/description`);
    // contact_email and contact_phone are stored encrypted: their limits are the validation's (unit tests)
    check(len(b.answer_text) <= REPORT_LIMITS.answer, `${at}: answer length`);
  }
  for (const t of all<Record<string, any>>("SELECT * FROM procedure_translations")) {
    const at = `translation ${t.procedure_id}/${t.language}`;
    check((TRANSLATION_LANGUAGES as readonly string[]).includes(t.language), `${at}: language`);
    check(len(t.title) <= PROCEDURE_LIMITS.title && len(t.summary) <= PROCEDURE_LIMITS.summary && len(t.body) <= PROCEDURE_LIMITS.body, `${at}: length`);
    try {
      JSON.parse(t.questions_json);
    } catch {
      check(false, `${at}: questions are not JSON`);
    }
  }
  for (const s of all<Record<string, any>>("SELECT * FROM accessibility_statements")) {
    check(["full", "partial", "none"].includes(s.conformance), `statement ${s.organisation_id}: conformance ${s.conformance}`);
    let custom: unknown = [];
    try {
      custom = JSON.parse(s.custom_limitations);
    } catch {
      check(false, `statement ${s.organisation_id}: custom limitations are not JSON`);
    }
    check(Array.isArray(custom) && custom.length <= STATEMENT_LIMITS.customCount, `statement ${s.organisation_id}: ${Array.isArray(custom) ? custom.length : "?"} custom limitations`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The test
// ---------------------------------------------------------------------------------------------

const STAFF_PATH = /^\/(?:[^/]+\/verwaltung|anmelden|abmelden|einladung)(?:\/|$)/;
/**
 * A stack frame, a JavaScript or database error's name, Remix's bare 500 text. (A page title may
 * begin "Error: " — the GOV.UK pattern for a form with errors — so that word alone is no leak.)
 */
const LEAK = /\n\s+at \S|\bat (?:file:\/\/|\/|node:)\S+:\d+|\b(?:Type|Reference|Range|Syntax|Sqlite|URI|Database|Internal)Error\b|Unexpected Server Error|node_modules/;

describe("random and malformed input to every form action and resource route", () => {
  let server: TestServer;
  let sqlite: BetterSqlite.Database;
  let ctx: Context;
  const clients = new Map<Who, Client>();
  const csrf = new Map<Who, string>();

  const write = (fn: (w: BetterSqlite.Database) => void) => {
    const w = new BetterSqlite(server.database.url);
    try {
      fn(w);
    } finally {
      w.close();
    }
  };

  async function participate(): Promise<{ client: Client; code: string }> {
    const c = new Client(server.url);
    expect((await c.post(PROCEDURE, [["q1", "Mehr Fahrradbügel am Bahnhof."], ["q3", "bike"], ["q5", "4"], ["contact_email", "eigenschaft@post.example"]])).status).toBe(303);
    expect((await c.post(`${PROCEDURE}/pruefen`, "")).status).toBe(303);
    const code = textOf(await (await c.get(`${PROCEDURE}/bestaetigung`)).text()).match(/[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]/)![0];
    return { client: c, code };
  }

  /** A client in the state the route needs, with the CSRF token of its pages where it has one. */
  async function clientFor(who: Who): Promise<Client> {
    switch (who) {
      case "anonymous":
        return new Client(server.url);
      case "draft": {
        const c = new Client(server.url);
        expect((await c.post(PROCEDURE, [["q1", "Ein Entwurf."], ["q3", "foot"], ["q5", "2"]])).status).toBe(303);
        return c;
      }
      case "receipt": {
        const { code } = await participate();
        const c = new Client(server.url);
        // the look-up is limited per address: clear the counter as if the window had passed
        write((w) => w.exec("DELETE FROM rate_limits"));
        const res = await c.post(`${ORG}/beitrag`, [["code", code]]);
        expect(res.status).toBe(303);
        return c;
      }
      case "pending": {
        const c = new Client(server.url);
        const res = await c.post("/anmelden", [["email", DEMO.admin], ["password", "teilhabe-demo"]]);
        expect(res.headers.get("location")).toMatch(/^\/anmelden\/code/);
        return c;
      }
      case "setup": {
        // setting up a second factor follows a one-time link: the used link is claimed by one sign-in,
        // so each session here gets a freshly used one (as if the admin had just chosen the password)
        write((w) => {
          const now = new Date().toISOString();
          w.prepare(
            "INSERT INTO account_tokens (token_hash, account_id, purpose, expires_at, used_at, created_by, created_at) " +
              "SELECT ?, id, 'invite', ?, ?, NULL, ? FROM accounts WHERE email = 'eigenschaft-admin@demo.example'",
          ).run(`setup-${Math.random()}`, now, now, now);
        });
        const c = new Client(server.url);
        const res = await c.post("/anmelden", [["email", "eigenschaft-admin@demo.example"], ["password", "Eigenschaft-2026-geheim"]]);
        expect(res.headers.get("location")).toMatch(/^\/anmelden\/einrichten/);
        return c;
      }
      default: {
        const email = who === "admin" ? DEMO.admin : who === "moderator" ? DEMO.moderator : DEMO.staff;
        // signing in again within 30 s: as if the time step had passed, and the sign-in limit's window
        write((w) => {
          w.exec("DELETE FROM rate_limits");
          w.prepare("UPDATE accounts SET totp_last_step = NULL WHERE email = ?").run(email);
        });
        return (await signIn(server.url, email)).client;
      }
    }
  }

  async function sessionFor(who: Who, fresh: boolean): Promise<Client> {
    let c = clients.get(who);
    if (!c || fresh) {
      c = await clientFor(who);
      clients.set(who, c);
    }
    return c;
  }
  /** The route's page as its user sees it, read again only when the session is new. */
  const pages = new Map<string, { client: Client; html: string }>();
  async function pageFor(route: RouteSpec, client: Client): Promise<string> {
    const path = (route.page ?? route.path)(ctx);
    const known = pages.get(route.file);
    if (known && known.client === client) return known.html;
    const res = await client.fetch(path, { headers: { "accept-language": "de" } });
    const html = res.headers.get("content-type")?.includes("text/html") ? await res.text() : "";
    pages.set(route.file, { client, html });
    return html;
  }

  beforeAll(async () => {
    console.log(`[properties] fast-check seed ${SEED} (FC_SEED=${SEED} reproduces), ${RUNS} runs per route`);
    server = await startServer({ env: { JOBS_INTERVAL_MS: "0" } });
    sqlite = new BetterSqlite(server.database.url, { readonly: true });
    const id = (slug: string) => (sqlite.prepare("SELECT id FROM procedures WHERE slug = ?").get(slug) as { id: number }).id;
    const admin = await sessionFor("admin", false);
    const moderator = await sessionFor("moderator", false);
    // a draft copy of the procedure with every question kind: every field of the editor is open
    const fragen = `${ORG}/verwaltung/verfahren/${id("radverkehrsplan-2030")}/fragen`;
    const copied = await admin.post(fragen, [["_csrf", csrfOf(await (await admin.get(fragen)).text())], ["intent", "copy"]]);
    expect(copied.status).toBe(303);
    const draftCopyId = Number(copied.headers.get("location")!.match(/verfahren\/(\d+)\//)![1]);
    // a submission to moderate
    await participate();
    const submissionId = (sqlite.prepare("SELECT max(id) AS id FROM submissions").get() as { id: number }).id;
    // a barrier report to answer
    const melden = `${ORG}/barrierefreiheit/melden`;
    const form = await (await new Client(server.url).get(melden)).text();
    const token = form.match(/name="token" value="([^"]+)"/)![1];
    expect((await new Client(server.url).post(melden, [["token", token], ["page", "/musterstadt"], ["description", "Der Kontrast ist zu schwach."], ["email", ""], ["phone", ""]])).status).toBe(303);
    const reportId = (sqlite.prepare("SELECT max(id) AS id FROM barrier_reports").get() as { id: number }).id;
    // results published for the closed procedure: the open-data files exist
    const results = `${ORG}/verwaltung/moderation/${id("marktplatz")}/ergebnisse`;
    const published = await moderator.post(results, [["_csrf", csrfOf(await (await moderator.get(results)).text())], ["intent", "publish"], ["summary", "Viele gute Ideen für den Marktplatz."]]);
    expect(published.status).toBe(303);
    // an invitation to redeem, and an admin account that has a password but no second factor yet
    const konten = `${ORG}/verwaltung/konten`;
    const invite = async (email: string) => {
      const res = await admin.post(konten, [["_csrf", csrfOf(await (await admin.get(konten)).text())], ["intent", "invite"], ["email", email], ["name", "Eigenschaft Test"], ["roles", "admin"]]);
      expect(res.status).toBe(200);
      return (await res.text()).match(/\/einladung\/([A-Za-z0-9_-]+)/)![1];
    };
    const inviteToken = await invite("eigenschaft-einladung@demo.example");
    const setupToken = await invite("eigenschaft-admin@demo.example");
    expect((await new Client(server.url).post(`/einladung/${setupToken}`, [["password", "Eigenschaft-2026-geheim"], ["repeat", "Eigenschaft-2026-geheim"]])).status).toBe(303);
    const documentId = (sqlite.prepare("SELECT min(id) AS id FROM documents").get() as { id: number }).id;
    // a confirmed e-mail alert (its secret link comes by mail; here straight from the module)
    const { openDatabase } = await import("#db/connection.server");
    const { confirmAlert, signUp } = await import("~/modules/alerts/alerts.server");
    const handle = openDatabase(server.database.url);
    const orgId = (sqlite.prepare("SELECT id FROM organisations WHERE slug = 'musterstadt'").get() as { id: number }).id;
    const alert = await signUp(handle.db, { organisationId: orgId, input: { email: "eigenschaft-alert@post.example", topics: ["new_procedures"], procedure: "" }, language: "de", clientKey: null });
    if (!alert.stored) throw new Error("alert not stored");
    await confirmAlert(handle.db, orgId, alert.token);
    await handle.close();
    ctx = { procedureId: id("radverkehrsplan-2030"), closedId: id("marktplatz"), draftCopyId, submissionId, reportId, documentId, inviteToken, alertToken: alert.token };
    expect(invalidRows(sqlite)).toEqual([]);
  });

  afterAll(async () => {
    sqlite?.close();
    await server?.stop();
  });

  it("knows every route that takes input (a new action or resource route must be added to ROUTES)", () => {
    const listed = ROUTES.map((r) => r.file).sort();
    expect(listed.filter((f) => !routesThatTakeInput().includes(f))).toEqual([]);
    expect(routesThatTakeInput().filter((f) => !listed.includes(f))).toEqual([]);
  });

  async function settle(): Promise<Record<string, string>> {
    // work a request started in the background (the results job) finishes before the next run
    let last = fingerprint(sqlite);
    for (let i = 0; i < 40; i++) {
      await new Promise((r) => setTimeout(r, 25));
      const now = fingerprint(sqlite);
      if (JSON.stringify(now) === JSON.stringify(last)) return now;
      last = now;
    }
    return last;
  }

  ROUTES.forEach((route, index) => {
    // each run is a real request and a look at the database: minutes on a busy machine, not seconds
    it(`${route.file}: never a 5xx, a page in the reader's language, nothing invalid stored`, { timeout: 300_000 }, async () => {
      const seed = SEED + index;
      const statuses = new Set<number>();
      let formFound = false;
      const details = await fc.check(
        fc.asyncProperty(REQUEST, async (r) => {
          const client = await sessionFor(route.who, route.fresh ?? false);
          const pagePath = (route.page ?? route.path)(ctx);
          const html = await pageFor(route, client);
          const target = route.path(ctx);
          const forms = formsOf(html, pagePath).filter((f) => f.action === target);
          const token = ["admin", "moderator", "staff"].includes(route.who) ? (html.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? "") : null;
          const form = forms.length ? forms[r.form % forms.length] : undefined;
          formFound ||= form !== undefined;

          // a browser sends a method="get" form (a file download) as a query string: so does a POST run here,
          // otherwise such a route would only ever see the rare GET run without its fields and answer 405
          const asQuery = form?.method === "get" && r.method === "POST";
          const method = asQuery ? "GET" : r.method === "GET" && !route.resource ? "POST" : r.method;
          let path = route.path(ctx, r.segment ?? undefined);
          const query = new URLSearchParams();
          const { pairs, bytes } = buildBody(r, form, asQuery ? null : token);
          if (asQuery) for (const [k, v] of pairs) if (k !== "lng") query.append(k, v);
          for (const [k, v] of r.query ?? []) if (k !== "lng") query.append(k, v);
          if (r.lngParam) query.set("lng", r.lngParam);
          if ([...query].length) path += `?${query}`;
          const headers: Record<string, string> = {};
          if (r.language) headers["accept-language"] = r.language;
          if (r.crossSite) headers["sec-fetch-site"] = "cross-site";
          if (method !== "GET" && r.contentType !== "none") headers["content-type"] = r.contentType;
          // the language cookie a response may have set would outvote Accept-Language
          client.cookies.delete("lng");

          const before = fingerprint(sqlite);
          let res: Response;
          try {
            res = await client.fetch(path, { method, headers, body: method === "GET" ? undefined : new Uint8Array(bytes) });
          } catch (error) {
            // the server may close the connection on a body it refused without reading (413)
            if (r.huge) return;
            throw error;
          }
          const body = await res.text();
          // signed out or the roles changed under it (the sign-out route, the accounts page): a new session next run
          if (res.status === 303 && !route.keepSession && /^\/anmelden(\?|$)/.test(res.headers.get("location") ?? "")) clients.delete(route.who);
          statuses.add(res.status);
          const shown = `${method} ${path.slice(0, 200)} → ${res.status}`;
          expect(res.status, shown).toBeLessThan(500);
          const leak = body.match(LEAK);
          expect(leak && body.slice(Math.max(0, leak.index! - 200), leak.index! + 200), `${shown}: an error's details in the answer`).toBeNull();
          if ((res.headers.get("content-type") ?? "").includes("text/html") && res.status !== 304) {
            const asked = r.lngParam ?? (SUPPORTED_LANGUAGES as readonly string[]).find((l) => r.language === l) ?? (r.language.startsWith("de") || !r.language || r.language === "xx" || r.language === "*" ? "de" : undefined);
            const staffPage = STAFF_PATH.test(path.split("?")[0]);
            const expected = asked === undefined ? undefined : staffPage && asked !== "de" && asked !== "en" ? "de" : asked;
            const lang = body.match(/<html lang="([^"]+)"/)?.[1];
            expect(lang, `${shown}: an HTML page`).toBeDefined();
            if (expected) expect(lang, `${shown}: page language`).toBe(expected);
          }
          if (res.status >= 400) {
            expect(fingerprint(sqlite), `${shown}: a refused request stored something`).toEqual(before);
          } else {
            await settle();
            const broken = invalidRows(sqlite);
            expect(broken, `${shown}: stored rows break the rules: ${broken.join("; ")}`).toEqual([]);
          }
        }),
        // no shrinking: each run changes the server's state, so a shrunk run would not be the same request
        { seed, numRuns: route.runs ?? RUNS, endOnFailure: true },
      );
      const seen = [...statuses].sort().join(", ");
      console.log(`[properties] ${route.file} (seed ${seed}): ${details.numRuns} runs, statuses ${seen}`);
      if (details.failed) {
        const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
        // the counterexample can hold megabytes of text: its beginning is enough to reproduce with the seed
        throw new Error(`${error.slice(0, 1500)}\n(seed ${seed}, run ${details.numRuns}; counterexample begins ${JSON.stringify(details.counterexample).slice(0, 800)})`);
      }
      // a form route was reached past its gates (CSRF, method, size, media type) in some run
      if (formFound && !route.refuses) expect([...statuses].filter((s) => ![403, 405, 413, 415, 431].includes(s)), `statuses ${seen}`).not.toEqual([]);
    });
  });

  // what the properties found, kept as plain examples so they stay fixed whatever the seed
  it.each([
    ["POST", "/m%C3%BCnster%E2%80%93nord/beitrag/abmelden", 404],
    ["GET", "/m%C3%BCnster%E2%80%93nord/beitrag/abmelden", 404],
    ["GET", "/m%C3%BCnster%E2%80%93nord/beitrag/daten", 404],
    ["GET", "/musterstadt/verfahren/%FF", 404],
    ["DELETE", "/musterstadt/verwaltung/verfahren/%FF", 405],
    ["POST", "/musterstadt/beitrag/%C3%28", 404],
  ])("%s %s → %i in the reader's language, not a 500 or Express's English page", async (method, path, status) => {
    for (const lang of ["en", "de"]) {
      const client = path.includes("verwaltung") ? await sessionFor("admin", false) : new Client(server.url);
      // the fuzzed runs before may have left a language chosen with ?lng= in the session's cookies
      client.cookies.delete("lng");
      const res = await client.fetch(path, { method, headers: { "accept-language": lang, "content-type": "application/x-www-form-urlencoded" }, body: method === "GET" ? undefined : "" });
      expect(res.status).toBe(status);
      const body = await res.text();
      if (res.headers.get("content-type")?.includes("text/html")) expect(body).toContain(`<html lang="${lang}"`);
      else expect(body).toMatch(lang === "de" ? /nicht gefunden/i : /not found|cannot find|could not find/i);
      expect(body).not.toMatch(LEAK);
    }
  });

  it("logged no error and no stack trace for any of it", () => {
    const logs = server.logs();
    expect(logs).not.toMatch(/"level":"error"/);
    expect(logs).not.toMatch(/\n\s+at /);
    expect(invalidRows(sqlite)).toEqual([]);
  });
});
