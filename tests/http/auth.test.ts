/**
 * Staff sign-in over HTTP: password and second factor, the same answer for unknown and wrong,
 * throttling, sessions (rotation, idle and absolute expiry, sign-out on the server), cookies,
 * and requests from other sites.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { createAccount, createAccountToken } from "~/modules/accounts/accounts.server";
import { base32Decode, totpCode } from "~/modules/accounts/totp.server";
import { Client, mainOf, textOf } from "../support/http";
import { startServer, type TestServer } from "../support/server";
import { DEMO, signIn } from "../support/staff";

describe("staff sign-in and sessions", () => {
  let server: TestServer;
  let h: DatabaseHandle;
  const sessions = async () => h.db.selectFrom("staff_sessions").selectAll().execute();

  beforeAll(async () => {
    server = await startServer();
    h = openDatabase(server.database.url);
  });
  afterAll(async () => {
    await h?.close();
    await server?.stop();
  });

  it("sends anonymous visitors of staff pages to sign in, and back afterwards", async () => {
    const c = new Client(server.url);
    const res = await c.get("/musterstadt/verwaltung");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/anmelden?weiter=%2Fmusterstadt%2Fverwaltung");
    const page = await c.get(res.headers.get("location")!);
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    const html = await page.text();
    expect(html).toContain('name="weiter" value="/musterstadt/verwaltung"');
    const signedIn = await c.post("/anmelden", [["email", DEMO.staff], ["password", "teilhabe-demo"], ["weiter", "/musterstadt/verwaltung"]]);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get("location")).toBe("/musterstadt/verwaltung");
    // only our own paths may follow a sign-in
    const evil = await new Client(server.url).post("/anmelden", [["email", DEMO.staff], ["password", "teilhabe-demo"], ["weiter", "//evil.example/x"]]);
    expect(evil.headers.get("location")).toBe("/musterstadt/verwaltung");
  });

  it("gives the same answer for an unknown e-mail and a wrong password, and stores no session", async () => {
    const before = (await sessions()).length;
    const unknown = await new Client(server.url).post("/anmelden", [["email", "nobody@demo.example"], ["password", "teilhabe-demo"]]);
    const wrong = await new Client(server.url).post("/anmelden", [["email", DEMO.staff], ["password", "falsch-falsch-falsch"]]);
    expect(unknown.status).toBe(400);
    expect(wrong.status).toBe(400);
    const a = textOf(mainOf(await unknown.text())).replace("nobody@demo.example", "");
    const b = textOf(mainOf(await wrong.text())).replace(DEMO.staff, "");
    expect(a).toBe(b);
    expect(a).toContain("E-Mail-Adresse oder Passwort stimmen nicht.");
    expect((await sessions()).length).toBe(before);
  });

  it("asks admins and moderators for the TOTP code; a wrong or replayed code does not sign in", async () => {
    const c = new Client(server.url);
    const res = await c.post("/anmelden", [["email", DEMO.moderator], ["password", "teilhabe-demo"]]);
    expect(res.headers.get("location")).toBe("/anmelden/code");
    // half signed in is not signed in
    expect((await c.get("/musterstadt/verwaltung")).status).toBe(303);
    const wrong = await c.post("/anmelden/code", [["code", "000000"]]);
    expect(wrong.status).toBe(400);
    expect(textOf(await wrong.text())).toContain("Der Code stimmt nicht");
    const before = c.cookies.get("teilhabe_session");
    await h.db.updateTable("accounts").set({ totp_last_step: null }).where("email", "=", DEMO.moderator).execute();
    const code = totpCode("JBSWY3DPEHPK3PXP");
    const ok = await c.post("/anmelden/code", [["code", code.slice(0, 3) + " " + code.slice(3)]]);
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/musterstadt/verwaltung");
    // the session was replaced: a new token, and the half-signed-in one no longer exists
    expect(c.cookies.get("teilhabe_session")).not.toBe(before);
    const stale = new Client(server.url);
    stale.cookies.set("teilhabe_session", before!);
    expect((await stale.get("/musterstadt/verwaltung")).status).toBe(303);
    expect((await c.get("/musterstadt/verwaltung")).status).toBe(200);
    // the same code again (another browser, same minute) is refused
    const again = new Client(server.url);
    await again.post("/anmelden", [["email", DEMO.moderator], ["password", "teilhabe-demo"]]);
    expect((await again.post("/anmelden/code", [["code", code]])).status).toBe(400);
  });

  it("walks a new admin through setting up the second factor with a QR code and a typed key", async () => {
    const org = await h.db.selectFrom("organisations").select("id").executeTakeFirstOrThrow();
    const created = await createAccount(h.db, { organisationId: org.id, email: "neu-admin@demo.example", displayName: "Neu", roles: ["admin"] });
    // the set-up follows a one-time link (invitation), not the password alone
    const token = await createAccountToken(h.db, { accountId: created.id, purpose: "invite", createdBy: null });
    await new Client(server.url).post(`/einladung/${token}`, [["password", "ein-langes-passwort-2026"], ["repeat", "ein-langes-passwort-2026"]]);
    const c = new Client(server.url);
    const res = await c.post("/anmelden", [["email", "neu-admin@demo.example"], ["password", "ein-langes-passwort-2026"]]);
    expect(res.headers.get("location")).toBe("/anmelden/einrichten");
    const page = await (await c.get("/anmelden/einrichten")).text();
    expect(page).toMatch(/<svg[^>]*role="img"/);
    const typed = page.match(/<code class="secret" dir="ltr">([A-Z2-7 ]+)<\/code>/)![1];
    const secret = typed.replace(/ /g, "");
    expect(base32Decode(secret)).toHaveLength(20);
    expect((await c.post("/anmelden/einrichten", [["code", "123456"]])).status).toBe(400);
    const done = await c.post("/anmelden/einrichten", [["code", totpCode(secret)]]);
    expect(done.status).toBe(303);
    expect((await c.get("/musterstadt/verwaltung")).status).toBe(200);
    const row = await h.db.selectFrom("accounts").select(["totp_enabled", "totp_secret"]).where("email", "=", "neu-admin@demo.example").executeTakeFirstOrThrow();
    expect(row.totp_enabled).toBe(1);
    expect(row.totp_secret).not.toContain(secret); // encrypted at rest
  });

  it("ends sessions after 30 idle minutes and after 12 hours, and at sign-out on the server", async () => {
    const { client } = await signIn(server.url, DEMO.staff);
    expect((await client.get("/musterstadt/verwaltung")).status).toBe(200);
    const idHash = async () => (await h.db.selectFrom("staff_sessions").select(["id_hash", "account_id"]).orderBy("created_at", "desc").execute())[0].id_hash;
    const id = await idHash();
    await h.db.updateTable("staff_sessions").set({ last_seen_at: new Date(Date.now() - 31 * 60_000).toISOString() }).where("id_hash", "=", id).execute();
    expect((await client.get("/musterstadt/verwaltung")).status).toBe(303);
    expect(await h.db.selectFrom("staff_sessions").select("id_hash").where("id_hash", "=", id).executeTakeFirst()).toBeUndefined();

    const second = await signIn(server.url, DEMO.staff);
    const id2 = await idHash();
    await h.db.updateTable("staff_sessions").set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where("id_hash", "=", id2).execute();
    expect((await second.client.get("/musterstadt/verwaltung")).status).toBe(303);

    const third = await signIn(server.url, DEMO.staff);
    const token = third.client.cookies.get("teilhabe_session")!;
    const out = await third.client.post("/abmelden", "");
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/anmelden?hinweis=signedOut");
    // the old cookie value is worthless now: the session is gone on the server
    const replay = new Client(server.url);
    replay.cookies.set("teilhabe_session", token);
    expect((await replay.get("/musterstadt/verwaltung")).status).toBe(303);
  });

  it("sets the session cookie HttpOnly and SameSite=Lax", async () => {
    const c = new Client(server.url);
    const res = await c.post("/anmelden", [["email", DEMO.staff], ["password", "teilhabe-demo"]]);
    const cookie = res.headers.getSetCookie().find((v) => v.startsWith("teilhabe_session=") && !v.startsWith("teilhabe_session=;"))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
  });

  it("refuses forms posted from another site", async () => {
    const { client } = await signIn(server.url, DEMO.staff);
    const crossSite: Record<string, string>[] = [{ "sec-fetch-site": "cross-site" }, { origin: "https://evil.example" }];
    for (const headers of crossSite) {
      const res = await client.fetch("/abmelden", { method: "POST", body: "", headers: { "content-type": "application/x-www-form-urlencoded", ...headers } });
      expect(res.status).toBe(403);
      expect((await client.get("/musterstadt/verwaltung")).status).toBe(200); // still signed in
      const resident = await new Client(server.url).fetch("/musterstadt/verfahren/radverkehrsplan-2030", {
        method: "POST",
        body: "q1=x&q3=bike&q5=3",
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      });
      expect(resident.status).toBe(403);
    }
    const same = await client.fetch("/abmelden", { method: "POST", body: "", headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin" } });
    expect(same.status).toBe(303);
  });

  it("slows sign-in down after failures from one client: after 10 wrong passwords even the right one waits", async () => {
    const email = "service@demo.example";
    await h.db.deleteFrom("rate_limits").execute();
    for (let i = 0; i < 10; i++) await new Client(server.url).post("/anmelden", [["email", email], ["password", `falsch-${i}-xxxxxxxx`]]);
    const res = await new Client(server.url).post("/anmelden", [["email", email], ["password", "teilhabe-demo"]]);
    expect(res.status).toBe(429);
    expect(textOf(await res.text())).toContain("Zu viele Versuche");
    await h.db.deleteFrom("rate_limits").execute();
  });

  it("writes sign-ins and failed second factors to the audit log", async () => {
    const rows = await h.db.selectFrom("audit_log").select(["action", "account_id", "client_address"]).execute();
    const actions = rows.map((r) => r.action);
    expect(actions).toContain("sign_in");
    expect(actions).toContain("second_factor_failed");
    expect(actions).toContain("second_factor_set_up");
    expect(actions).toContain("sign_out");
    expect(rows.every((r) => r.client_address.length > 0)).toBe(true);
  });
});

describe("in production behind HTTPS", () => {
  it("uses a __Host- cookie that is Secure", async () => {
    // demo accounts behind an https origin: only when demo mode is chosen explicitly
    const server = await startServer({ env: { PUBLIC_ORIGIN: "https://beteiligung.example", DEMO_MODE: "true" } });
    try {
      const res = await new Client(server.url).post("/anmelden", [["email", DEMO.staff], ["password", "teilhabe-demo"]]);
      const cookie = res.headers.getSetCookie().find((v) => v.startsWith("__Host-teilhabe_session=") && !v.startsWith("__Host-teilhabe_session=;"));
      expect(cookie).toBeDefined();
      expect(cookie).toMatch(/Secure/);
      expect(cookie).toMatch(/Path=\//);
      expect(cookie).not.toMatch(/Domain=/i);
    } finally {
      await server.stop();
    }
  });
});
