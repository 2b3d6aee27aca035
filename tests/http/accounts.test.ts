/**
 * Municipal staff over HTTP against the production server: an admin invites, resets, changes roles
 * and removes access; the one-time link sets a password once; staff change their own password;
 * admins edit the organisation's settings and read the audit log; `npm run org:create` makes a new
 * organisation whose first admin gets in. Bad input answers with a page and stores nothing.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { totpCode } from "~/modules/accounts/totp.server";
import { getOrganisationSettings } from "~/modules/organisations/organisations.server";
import { Client, mainOf, textOf } from "../support/http";
import { projectRoot, startServer, type TestServer } from "../support/server";
import { DEMO, csrfOf, signIn } from "../support/staff";

const ORG = "/musterstadt";
const STAFF = `${ORG}/verwaltung`;
const KONTEN = `${STAFF}/konten`;
const LINK = /https?:\/\/[^\s"<]+(\/einladung\/[A-Za-z0-9_-]{20,100})/;

describe("municipal staff accounts", () => {
  let server: TestServer;
  let h: DatabaseHandle;
  let admin: Client;
  let orgId: number;
  let sequence = 0;

  const accountByEmail = (email: string) => h.db.selectFrom("accounts").selectAll().where("email", "=", email).executeTakeFirstOrThrow();
  const auditActions = async (action: string) =>
    h.db.selectFrom("audit_log").selectAll().where("action", "=", action).orderBy("id").execute();
  const count = async (table: "accounts" | "account_tokens" | "audit_log") =>
    Number((await h.db.selectFrom(table).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);

  async function pageOf(c: Client, path: string) {
    const res = await c.get(path);
    expect(res.status, path).toBe(200);
    return res.text();
  }

  /** A form post of a staff page, with the CSRF token of that page. */
  async function staffPost(c: Client, page: string, fields: [string, string][], action = page) {
    const token = csrfOf(await pageOf(c, page));
    return c.post(action, [["_csrf", token], ...fields]);
  }

  /** The admin invites someone; returns the link's path and the account's e-mail. */
  async function invite(roles: string[] = ["staff"], name = "Nina Neu") {
    const email = `person${++sequence}@musterstadt.example`;
    const res = await staffPost(admin, KONTEN, [["intent", "invite"], ["email", email], ["name", name], ...roles.map((r): [string, string] => ["roles", r])]);
    expect(res.status).toBe(200);
    const html = await res.text();
    const m = html.match(LINK);
    expect(m, "the invitation link on the result page").not.toBeNull();
    return { email, link: m![1], html, url: m![0] };
  }

  async function choosePassword(link: string, password: string) {
    const res = await new Client(server.url).post(link, [["password", password], ["repeat", password]]);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/anmelden?hinweis=passwordSet");
  }

  /** Invited, password chosen, signed in (staff: no second factor). */
  async function newColleague(password = "ein Satz zum Anmelden 1") {
    const { email, link } = await invite(["staff"], `Kollegin ${sequence + 1}`);
    await choosePassword(link, password);
    const { client, home } = await signIn(server.url, email, { password });
    expect(home).toBe(STAFF);
    const account = await accountByEmail(email);
    return { email, password, client, id: account.id };
  }

  beforeAll(async () => {
    server = await startServer();
    h = openDatabase(server.database.url);
    orgId = (await h.db.selectFrom("organisations").select("id").where("slug", "=", "musterstadt").executeTakeFirstOrThrow()).id;
    admin = (await signIn(server.url, DEMO.admin, { db: h.db })).client;
  });
  afterAll(async () => {
    await h?.close();
    await server?.stop();
  });

  it("lets an admin invite a staff member, whose link sets a password once and who then reaches the dashboard", async () => {
    const list = await pageOf(admin, KONTEN);
    expect(list).toContain("<caption");
    for (const email of [DEMO.admin, DEMO.moderator, DEMO.staff]) expect(list).toContain(email);
    expect(list).toContain('name="intent" value="invite"');

    const before = await count("accounts");
    const res = await staffPost(admin, KONTEN, [["intent", "invite"], ["email", " Nina.Neu@Musterstadt.example "], ["name", "Nina Neu"], ["roles", "staff"]]);
    expect(res.status).toBe(200);
    const html = await res.text();
    const text = textOf(mainOf(html));
    expect(text).toContain("Einladungslink für nina.neu@musterstadt.example");
    expect(text).toContain("Schicken Sie diesen Link an die Person");
    const m = html.match(LINK)!;
    // an absolute link on the request's origin (no PUBLIC_ORIGIN here)
    expect(m[0]).toBe(`${server.url}${m[1]}`);
    expect(await count("accounts")).toBe(before + 1);
    const account = await accountByEmail("nina.neu@musterstadt.example");
    expect(account).toMatchObject({ display_name: "Nina Neu", password_hash: null, active: 1 });
    // the link is shown once: the list shows the person, not the link
    const again = await pageOf(admin, KONTEN);
    expect(again).toContain("nina.neu@musterstadt.example");
    expect(again).toContain("Einladung noch nicht angenommen");
    expect(again).not.toMatch(LINK);
    // only the token's hash is stored
    const token = m[1].split("/").pop()!;
    const stored = await h.db.selectFrom("account_tokens").selectAll().where("account_id", "=", account.id).execute();
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(token);

    const visitor = new Client(server.url);
    const form = await visitor.get(m[1]);
    expect(form.status).toBe(200);
    expect(form.headers.get("referrer-policy")).toBe("no-referrer");
    expect(form.headers.get("cache-control")).toBe("no-store");
    const formText = textOf(mainOf(await form.text()));
    expect(formText).toContain("Passwort festlegen");
    expect(formText).toContain("nina.neu@musterstadt.example");

    // the person's mistakes: a page with the errors, nothing stored
    const short = await visitor.post(m[1], [["password", "kurz"], ["repeat", "kurz"]]);
    expect(short.status).toBe(400);
    const shortHtml = await short.text();
    expect(shortHtml).toContain("data-error-summary");
    expect(textOf(shortHtml)).toContain("Das Passwort muss mindestens 12 Zeichen lang sein.");
    expect(shortHtml).not.toContain('value="kurz"');
    const mismatch = await visitor.post(m[1], [["password", "ein Satz zum Anmelden"], ["repeat", "ein anderer Satz hier"]]);
    expect(mismatch.status).toBe(400);
    expect(textOf(await mismatch.text())).toContain("Die beiden Passwörter stimmen nicht überein.");
    const common = await visitor.post(m[1], [["password", "passwort1234"], ["repeat", "passwort1234"]]);
    expect(textOf(await common.text())).toContain("zu leicht zu erraten");
    const long = await visitor.post(m[1], [["password", "x".repeat(129) + "y"], ["repeat", "x".repeat(129) + "y"]]);
    expect(long.status).toBe(400);
    expect(textOf(await long.text())).toContain("höchstens 128 Zeichen");
    expect((await visitor.post(m[1], [["password", "a"], ["extra", "b"]])).status).toBe(400);
    expect((await accountByEmail("nina.neu@musterstadt.example")).password_hash).toBeNull();

    await choosePassword(m[1], "Nina merkt sich diesen Satz");
    expect((await accountByEmail("nina.neu@musterstadt.example")).password_hash).toMatch(/^scrypt\$/);
    // a used link is gone, for reading and for posting
    for (const res2 of [await visitor.get(m[1]), await visitor.post(m[1], [["password", "ein anderer langer Satz"], ["repeat", "ein anderer langer Satz"]])]) {
      expect(res2.status).toBe(404);
      const t = textOf(mainOf(await res2.text()));
      expect(t).toContain("Dieser Link gilt nicht mehr");
      expect(t).toContain("Bitten Sie Ihre Administratorin oder Ihren Administrator um einen neuen Link.");
    }
    const english = await new Client(server.url, { "accept-language": "en" }).get(m[1]);
    expect(textOf(await english.text())).toContain("This link is no longer valid");
    // staff pages exist in German and English only: an Arabic browser gets German, declared as German
    const arabicHtml = await (await new Client(server.url, { "accept-language": "ar" }).get(m[1])).text();
    expect(textOf(arabicHtml)).toContain("Dieser Link gilt nicht mehr");
    expect(arabicHtml).toMatch(/<html lang="de" dir="ltr"/);
    expect((await visitor.get("/einladung/nicht-echt-aber-lang-genug-123")).status).toBe(404);

    // staff role: no second factor, straight to the dashboard
    const { client, home } = await signIn(server.url, "nina.neu@musterstadt.example", { password: "Nina merkt sich diesen Satz" });
    expect(home).toBe(STAFF);
    const dashboard = await pageOf(client, STAFF);
    expect(textOf(dashboard)).toContain("Angemeldet als Nina Neu");

    const invited = await auditActions("account_invited");
    expect(invited.at(-1)).toMatchObject({ organisation_id: orgId, target_type: "account", target_id: String(account.id), client_address: expect.stringMatching(/127\.0\.0\.1/) });
    expect((await auditActions("password_set")).at(-1)).toMatchObject({ account_id: account.id, target_id: String(account.id) });
  });

  it("refuses bad invitations with messages at the fields and stores nothing", async () => {
    const before = { accounts: await count("accounts"), tokens: await count("account_tokens"), audit: await count("audit_log") };
    const cases: [[string, string][], string[]][] = [
      [[["email", ""], ["name", ""]], ["Geben Sie die E-Mail-Adresse ein.", "Geben Sie den Namen ein.", "Wählen Sie mindestens eine Rolle."]],
      [[["email", "keine-adresse"], ["name", "X"], ["roles", "staff"]], ["Geben Sie eine E-Mail-Adresse in der Form name@beispiel.de ein."]],
      [[["email", DEMO.moderator.toUpperCase()], ["name", "Doppelt"], ["roles", "staff"]], ["Mit dieser E-Mail-Adresse gibt es schon ein Konto."]],
      [[["email", "lang@musterstadt.example"], ["name", "n".repeat(201)], ["roles", "admin"]], ["Höchstens 200 Zeichen. Jetzt sind es 201."]],
    ];
    for (const [fields, messages] of cases) {
      const res = await staffPost(admin, KONTEN, [["intent", "invite"], ...fields]);
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).toContain("data-error-summary");
      expect(html).toMatch(/<title>Fehler: /);
      for (const message of messages) expect(textOf(html)).toContain(message);
      expect(html).not.toMatch(LINK);
    }
    // what no form of ours sends: an error page, not a crash
    for (const fields of [
      [["intent", "invite"], ["email", "a@b.de"], ["name", "A"], ["roles", "superuser"]],
      [["intent", "invite"], ["email", "a@b.de"], ["name", "A"], ["roles", "staff"], ["roles", "staff"]],
      [["intent", "invite"], ["email", "a@b.de"], ["email", "c@d.de"], ["name", "A"], ["roles", "staff"]],
      [["intent", "zaubern"]],
      [["intent", "roles"], ["account", "999999"], ["roles", "staff"]],
      [["intent", "reset"], ["account", "abc"]],
    ] as [string, string][][]) {
      const res = await staffPost(admin, KONTEN, fields);
      expect([400, 404], JSON.stringify(fields)).toContain(res.status);
    }
    // without the session's CSRF token
    const forged = await admin.post(KONTEN, [["intent", "invite"], ["email", "x@y.de"], ["name", "X"], ["roles", "admin"]]);
    expect(forged.status).toBe(403);
    expect(textOf(mainOf(await forged.text()))).toContain("Das Formular ist nicht mehr gültig");
    const wrongToken = await admin.post(KONTEN, [["_csrf", "x".repeat(32)], ["intent", "invite"], ["email", "x@y.de"], ["name", "X"], ["roles", "admin"]]);
    expect(wrongToken.status).toBe(403);
    expect({ accounts: await count("accounts"), tokens: await count("account_tokens"), audit: await count("audit_log") }).toEqual(before);
  });

  it("lets an admin reset someone's password: a new one-time link, old sessions end, the second factor stays", async () => {
    const colleague = await newColleague("der alte Satz zum Anmelden");
    const detail = `${KONTEN}?konto=${colleague.id}`;
    const page = textOf(mainOf(await pageOf(admin, detail)));
    expect(page).toContain("Passwort zurücksetzen");
    expect(page).toContain("Zugang entziehen");
    const res = await staffPost(admin, detail, [["intent", "reset"], ["account", String(colleague.id)]]);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(textOf(html)).toContain(`Neuer Link für ${colleague.email}`);
    const link = html.match(LINK)![1];
    const visitor = new Client(server.url);
    expect(textOf(mainOf(await (await visitor.get(link)).text()))).toContain("Neues Passwort festlegen");
    // until the link is used, the person keeps working
    expect((await colleague.client.get(STAFF)).status).toBe(200);
    await choosePassword(link, "der neue Satz zum Anmelden");
    const gone = await colleague.client.get(STAFF);
    expect(gone.status).toBe(303);
    expect(gone.headers.get("location")).toMatch(/^\/anmelden/);
    expect((await new Client(server.url).post("/anmelden", [["email", colleague.email], ["password", "der alte Satz zum Anmelden"]])).status).toBe(400);
    await signIn(server.url, colleague.email, { password: "der neue Satz zum Anmelden" });
    expect((await visitor.get(link)).status).toBe(404);
    const logged = (await auditActions("password_reset_link_created")).at(-1)!;
    expect(logged).toMatchObject({ target_id: String(colleague.id), account_id: (await accountByEmail(DEMO.admin)).id });
    expect(JSON.parse(logged.details_json)).toEqual({ email: colleague.email });

    // the moderator's reset keeps their TOTP
    const moderator = await accountByEmail(DEMO.moderator);
    const modReset = await staffPost(admin, `${KONTEN}?konto=${moderator.id}`, [["intent", "reset"], ["account", String(moderator.id)]]);
    expect(modReset.status).toBe(200);
    expect((await accountByEmail(DEMO.moderator)).totp_enabled).toBe(1);
  });

  it("changes roles: the person is signed out and signs in with the new role's second factor", async () => {
    const colleague = await newColleague();
    const detail = `${KONTEN}?konto=${colleague.id}`;
    const res = await staffPost(admin, detail, [["intent", "roles"], ["account", String(colleague.id)], ["roles", "moderator"]]);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`${detail}&hinweis=rolesChanged`);
    expect(textOf(mainOf(await pageOf(admin, res.headers.get("location")!)))).toContain("Die Rollen sind gespeichert.");
    expect((await colleague.client.get(STAFF)).status).toBe(303);
    const again = await new Client(server.url).post("/anmelden", [["email", colleague.email], ["password", colleague.password]]);
    expect(again.headers.get("location")).toBe("/anmelden/einrichten");
    const logged = (await auditActions("roles_changed")).at(-1)!;
    expect(JSON.parse(logged.details_json)).toEqual({ email: colleague.email, from: "staff", to: "moderator" });
    // none at all is a mistake, not a change
    const none = await staffPost(admin, detail, [["intent", "roles"], ["account", String(colleague.id)]]);
    expect(none.status).toBe(400);
    expect(textOf(await none.text())).toContain("Wählen Sie mindestens eine Rolle.");
    expect((await h.db.selectFrom("account_roles").select("role").where("account_id", "=", colleague.id).execute()).map((r) => r.role)).toEqual(["moderator"]);
  });

  it("removes access: the person's live session ends at once; an admin cannot remove their own access or admin role", async () => {
    const colleague = await newColleague();
    expect((await colleague.client.get(STAFF)).status).toBe(200);
    const detail = `${KONTEN}?konto=${colleague.id}`;
    const res = await staffPost(admin, detail, [["intent", "remove"], ["account", String(colleague.id)]]);
    expect(res.status).toBe(303);
    const after = textOf(mainOf(await pageOf(admin, res.headers.get("location")!)));
    expect(after).toContain("Der Zugang ist entzogen.");
    expect(after).toContain("Diese Person hat keinen Zugang mehr.");
    const next = await colleague.client.get(`${STAFF}/passwort`);
    expect(next.status).toBe(303);
    expect(next.headers.get("location")).toMatch(/^\/anmelden/);
    expect((await new Client(server.url).post("/anmelden", [["email", colleague.email], ["password", colleague.password]])).status).toBe(400);
    expect((await auditActions("access_removed")).at(-1)).toMatchObject({ target_id: String(colleague.id) });

    const me = await accountByEmail(DEMO.admin);
    const own = `${KONTEN}?konto=${me.id}`;
    const ownPage = textOf(mainOf(await pageOf(admin, own)));
    expect(ownPage).toContain("Ihren eigenen Zugang können Sie nicht entziehen.");
    expect(await pageOf(admin, own)).not.toContain('name="intent" value="remove"');
    const self = await staffPost(admin, own, [["intent", "remove"], ["account", String(me.id)]]);
    expect(self.status).toBe(403);
    const demote = await staffPost(admin, own, [["intent", "roles"], ["account", String(me.id)], ["roles", "staff"]]);
    expect(demote.status).toBe(400);
    expect(textOf(await demote.text())).toContain("Ihre eigene Rolle Administration können Sie nicht abgeben.");
    expect((await accountByEmail(DEMO.admin)).active).toBe(1);
    expect((await pageOf(admin, STAFF)).length).toBeGreaterThan(0);
    const myRoles = await h.db.selectFrom("account_roles").select("role").where("account_id", "=", me.id).execute();
    expect(myRoles.map((r) => r.role)).toEqual(["admin"]);
  });

  it("lets staff change their own password: other sessions end, this one stays", async () => {
    const colleague = await newColleague("mein erster langer Satz");
    const elsewhere = (await signIn(server.url, colleague.email, { password: "mein erster langer Satz" })).client;
    const page = `${STAFF}/passwort`;
    const wrong = await staffPost(colleague.client, page, [["current", "das ist falsch geraten"], ["password", "mein zweiter langer Satz"], ["repeat", "mein zweiter langer Satz"]]);
    expect(wrong.status).toBe(400);
    expect(textOf(await wrong.text())).toContain("Das aktuelle Passwort stimmt nicht.");
    const mismatch = await staffPost(colleague.client, page, [["current", "mein erster langer Satz"], ["password", "mein zweiter langer Satz"], ["repeat", "etwas ganz anderes"]]);
    expect(mismatch.status).toBe(400);
    const same = await staffPost(colleague.client, page, [["current", "mein erster langer Satz"], ["password", "mein erster langer Satz"], ["repeat", "mein erster langer Satz"]]);
    expect(textOf(await same.text())).toContain("Das neue Passwort muss sich vom aktuellen unterscheiden.");
    const beforeHash = (await accountByEmail(colleague.email)).password_hash;

    const ok = await staffPost(colleague.client, page, [["current", "mein erster langer Satz"], ["password", "mein zweiter langer Satz"], ["repeat", "mein zweiter langer Satz"]]);
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe(`${page}?hinweis=passwordChanged`);
    expect((await accountByEmail(colleague.email)).password_hash).not.toBe(beforeHash);
    expect(textOf(mainOf(await pageOf(colleague.client, ok.headers.get("location")!)))).toContain("Ihr Passwort ist geändert.");
    expect((await colleague.client.get(STAFF)).status).toBe(200);
    expect((await elsewhere.get(STAFF)).status).toBe(303);
    expect((await new Client(server.url).post("/anmelden", [["email", colleague.email], ["password", "mein erster langer Satz"]])).status).toBe(400);
    await signIn(server.url, colleague.email, { password: "mein zweiter langer Satz" });
    expect((await auditActions("password_changed")).at(-1)).toMatchObject({ account_id: colleague.id });
    // without the CSRF token nothing changes
    expect((await colleague.client.post(page, [["current", "mein zweiter langer Satz"], ["password", "ein dritter langer Satz"], ["repeat", "ein dritter langer Satz"]])).status).toBe(403);
  });

  it("edits the organisation's settings, shown on the full privacy notice; bad input stores nothing", async () => {
    const page = `${STAFF}/einstellungen`;
    const form = await pageOf(admin, page);
    expect(form).toContain("Stadt Musterstadt");
    const current = (await getOrganisationSettings(h.db, orgId))!;
    const fields = (changes: Record<string, string>): [string, string][] => Object.entries({ ...current, ...changes });

    const empty = await staffPost(admin, page, fields({ name: "", dpo_name: "d".repeat(201) }));
    expect(empty.status).toBe(400);
    const emptyText = textOf(await empty.text());
    expect(emptyText).toContain("Füllen Sie dieses Feld aus.");
    expect(emptyText).toContain("Höchstens 200 Zeichen. Jetzt sind es 201.");
    expect(await getOrganisationSettings(h.db, orgId)).toEqual(current);
    expect((await staffPost(admin, page, [...fields({}), ["slug", "gekapert"]])).status).toBe(400);

    const res = await staffPost(admin, page, fields({ controller_name: "Stadt Musterstadt, vertreten durch Oberbürgermeisterin Erika Probe", dpo_name: "Dr. Datenschutz Daniela Wächter" }));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`${page}?hinweis=settingsSaved`);
    expect(textOf(mainOf(await pageOf(admin, res.headers.get("location")!)))).toContain("Die Einstellungen sind gespeichert.");
    const notice = textOf(mainOf(await pageOf(new Client(server.url), `${ORG}/verfahren/radverkehrsplan-2030/datenschutz`)));
    expect(notice).toContain("Oberbürgermeisterin Erika Probe");
    expect(notice).toContain("Daniela Wächter");
    const logged = (await auditActions("organisation_settings_changed")).at(-1)!;
    expect(logged).toMatchObject({ target_type: "organisation", target_id: String(orgId) });
    expect(JSON.parse(logged.details_json)).toEqual({ fields: "controller_name,dpo_name" });
  });

  it("shows admins the audit log with translated actions, page by page", async () => {
    const page = `${STAFF}/protokoll`;
    const html = await pageOf(admin, page);
    const text = textOf(mainOf(html));
    expect(html).toContain("<caption");
    for (const label of ["Person eingeladen", "Passwort über einen Link festgelegt", "Rollen geändert", "Zugang entzogen", "Eigenes Passwort geändert", "Einstellungen geändert", "Angemeldet"]) {
      expect(text).toContain(label);
    }
    expect(text).toContain(DEMO.admin);
    const english = textOf(mainOf(await pageOf(admin, `${page}?lng=en`)));
    expect(english).toContain("Invited a person");
    expect(english).toContain("Removed access");
    await pageOf(admin, `${page}?lng=de`);
    // more than one page by now (50 a page)
    for (let i = 0; i < 50; i++) await h.db.insertInto("audit_log").values({ organisation_id: orgId, account_id: null, action: "test_entry", target_type: "", target_id: "", details_json: "{}", client_address: "", occurred_at: new Date().toISOString() }).execute();
    const first = await pageOf(admin, page);
    expect(first).toContain(`href="${page}?seite=2"`);
    const second = await pageOf(admin, `${page}?seite=2`);
    expect(second).toContain(`href="${page}"`);
    expect(textOf(mainOf(first))).toContain("test_entry");
    expect(textOf(mainOf(first))).toContain("System");
    for (const odd of ["abc", "0", "-1", "99999999999", "1e3"]) expect((await admin.get(`${page}?seite=${odd}`)).status).toBe(200);
  });

  it("answers 403 to staff and moderators on accounts, settings and the audit log", async () => {
    const staff = (await signIn(server.url, DEMO.staff)).client;
    const moderator = (await signIn(server.url, DEMO.moderator, { db: h.db })).client;
    for (const c of [staff, moderator]) {
      for (const path of [KONTEN, `${STAFF}/einstellungen`, `${STAFF}/protokoll`]) {
        const res = await c.get(path);
        expect(res.status, path).toBe(403);
        expect(textOf(mainOf(await res.text()))).toContain("Keine Berechtigung");
      }
      const token = csrfOf(await pageOf(c, `${STAFF}/passwort`));
      const post = await c.post(KONTEN, [["_csrf", token], ["intent", "invite"], ["email", "x@y.de"], ["name", "X"], ["roles", "admin"]]);
      expect(post.status).toBe(403);
    }
    const nav = await pageOf(staff, STAFF);
    expect(nav).not.toContain(`href="${KONTEN}"`);
    expect(nav).toContain(`href="${STAFF}/passwort"`);
    // anonymous: sign in first
    expect((await new Client(server.url).get(KONTEN)).status).toBe(303);
  });

  it("npm run org:create makes an organisation whose first admin accepts the invitation and sets up TOTP", async () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [join(projectRoot, "node_modules/tsx/dist/cli.mjs"), "scripts/org-create.ts", ...args], {
        cwd: projectRoot,
        env: { ...process.env, DATABASE_URL: server.database.url, PUBLIC_ORIGIN: "" },
        encoding: "utf8",
        timeout: 60_000,
      });
    const created = run("--slug", "nordstadt", "--name", "Stadt Nordstadt", "--admin-email", "Kim@Nordstadt.example", "--admin-name", "Kim Admin");
    expect(created.stderr).toBe("");
    expect(created.status).toBe(0);
    const m = created.stdout.match(/http:\/\/localhost:3000(\/einladung\/[A-Za-z0-9_-]{20,100})/);
    expect(m, created.stdout).not.toBeNull();
    expect(created.stdout).toContain("72 hours");

    const taken = run("--slug", "nordstadt", "--name", "Noch eine", "--admin-email", "other@nordstadt.example", "--admin-name", "X");
    expect(taken.status).toBe(1);
    expect(taken.stderr).toContain('The slug "nordstadt" is already taken');
    const email = run("--slug", "suedstadt", "--name", "Stadt Südstadt", "--admin-email", DEMO.admin, "--admin-name", "X");
    expect(email.status).toBe(1);
    expect(email.stderr).toContain("already an account");
    const missing = run("--slug", "weststadt");
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("Missing: --name, --admin-email, --admin-name");
    expect(await h.db.selectFrom("organisations").select("slug").where("slug", "in", ["suedstadt", "weststadt"]).execute()).toEqual([]);

    await choosePassword(m![1], "Kim wählt einen langen Satz");
    const c = new Client(server.url);
    const first = await c.post("/anmelden", [["email", "kim@nordstadt.example"], ["password", "Kim wählt einen langen Satz"]]);
    expect(first.headers.get("location")).toBe("/anmelden/einrichten");
    const setup = await pageOf(c, "/anmelden/einrichten");
    const secret = setup.match(/<code class="secret" dir="ltr">([A-Z2-7 ]+)<\/code>/)![1].replace(/ /g, "");
    const done = await c.post("/anmelden/einrichten", [["code", totpCode(secret)]]);
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/nordstadt/verwaltung");
    expect(textOf(await pageOf(c, "/nordstadt/verwaltung"))).toContain("Angemeldet als Kim Admin");
    const accounts = textOf(mainOf(await pageOf(c, "/nordstadt/verwaltung/konten")));
    expect(accounts).toContain("kim@nordstadt.example");
    expect(accounts).not.toContain(DEMO.admin);
    const log = textOf(mainOf(await pageOf(c, "/nordstadt/verwaltung/protokoll")));
    expect(log).toContain("Organisation angelegt");
    expect(log).toContain("System");
    // the other municipality stays closed to them
    expect((await c.get(KONTEN)).status).toBe(404);
  });
});
