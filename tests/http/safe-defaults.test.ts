/**
 * Issue 13, "safe by default in production", over HTTP against the production server: demo data
 * only in demo mode, production refuses to start without its secrets or with demo accounts,
 * redirects after sign-in stay on the site, bad requests are 4xx (never a 5xx or a logged error),
 * pages with a receipt code or personal data are not cached, the privacy log counts only the
 * resident's own views, limits are fair (sign-in, IPv6 /64, submissions), the second factor is set
 * up only after a one-time link, error pages link only on the site.
 */
import { spawn } from "node:child_process";
import { connect } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { seedDemo } from "#db/seed";
import { createAccount, createAccountToken } from "~/modules/accounts/accounts.server";
import { seedDemoAccounts } from "~/modules/accounts/demo.server";
import { Client, mainOf, textOf } from "../support/http";
import { createTestDatabase } from "../support/databases";
import { SERVER_SCRIPT, projectRoot, startServer, type TestServer } from "../support/server";
import { DEMO, csrfOf, signIn } from "../support/staff";

const ORG = "/musterstadt";
const PROCEDURE = `${ORG}/verfahren/radverkehrsplan-2030`;
const SECRETS = { SESSION_SECRET: "safe-defaults-test-session-secret-0123456789", CONTACT_DATA_KEYS: process.env.CONTACT_DATA_KEYS!, TLOG_SIGNING_KEY: process.env.TLOG_SIGNING_KEY! };

/** the compiled server with this environment: its port once it listens, or its exit code and output. */
function run(env: Record<string, string>): Promise<{ port?: number; code?: number | null; output: string; logs: () => string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [SERVER_SCRIPT], {
    cwd: projectRoot,
    env: { ...process.env, PORT: "0", NODE_ENV: "production", JOBS_INTERVAL_MS: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`neither listening nor exited:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = output.match(/"event":"listening","port":(\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve({ port: Number(m[1]), output, logs: () => output, stop });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output, logs: () => output, stop });
    });
  });
}

/** A raw HTTP/1.1 request (anything a client could send); the status code of the answer, 0 when the connection closed without one. */
function raw(port: number, request: string): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let answer = "";
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on("data", (d) => {
      answer += d.toString("latin1");
      if (/^HTTP\/1\.1 \d{3}/.test(answer)) socket.destroy();
    });
    socket.on("close", () => resolve(Number(answer.match(/^HTTP\/1\.1 (\d{3})/)?.[1] ?? 0)));
    socket.on("error", () => {});
    socket.write(request, "latin1");
  });
}

describe("demo only when asked for, or when it cannot reach anyone", () => {
  it("refuses to start in production without its secrets, naming each setting and the command that makes it", async () => {
    const database = await createTestDatabase("sqlite");
    try {
      const started = await run({ DATABASE_URL: database.url, HOST: "127.0.0.1", PUBLIC_ORIGIN: "https://beteiligung.example", SESSION_SECRET: "", CONTACT_DATA_KEYS: "", TLOG_SIGNING_KEY: "" });
      await started.stop();
      expect(started.port).toBeUndefined();
      expect(started.code).toBe(1);
      expect(started.output).toContain("SESSION_SECRET");
      expect(started.output).toContain("CONTACT_DATA_KEYS");
      expect(started.output).toContain("npm run keys:rotate -- --new");
      expect(started.output).toContain("TLOG_SIGNING_KEY");
      expect(started.output).toContain("npm run tlog:keygen");
      expect(started.output).not.toMatch(/\n\s+at /); // a message, not a stack trace
    } finally {
      await database.drop();
    }
  });

  it("gives a production database no demo data and no demo accounts, and says how to create the first municipality", async () => {
    const database = await createTestDatabase("sqlite");
    try {
      const started = await run({ DATABASE_URL: database.url, HOST: "127.0.0.1", PUBLIC_ORIGIN: "https://beteiligung.example", ...SECRETS });
      try {
        expect(started.port).toBeGreaterThan(0);
        // info lines are written together after the turn that logged them
        for (let i = 0; i < 40 && !started.logs().includes("org:create"); i++) await new Promise((r) => setTimeout(r, 50));
        expect(started.logs()).toContain("npm run org:create");
        const admin = await new Client(`http://127.0.0.1:${started.port}`).post("/anmelden", [["email", DEMO.admin], ["password", "teilhabe-demo"]]);
        expect(admin.status).toBe(400);
        expect((await new Client(`http://127.0.0.1:${started.port}`).get(ORG)).status).toBe(404);
      } finally {
        await started.stop();
      }
      const h = openDatabase(database.url);
      try {
        expect(await h.db.selectFrom("organisations").select("id").execute()).toEqual([]);
        expect(await h.db.selectFrom("accounts").select("id").execute()).toEqual([]);
      } finally {
        await h.close();
      }
    } finally {
      await database.drop();
    }
  });

  it("refuses to start in production on a database that holds the demo accounts, and says so", async () => {
    const database = await createTestDatabase("sqlite");
    try {
      const h = openDatabase(database.url);
      await migrateToLatest(h.db);
      await seedDemo(h.db);
      await seedDemoAccounts(h.db);
      await h.close();
      const started = await run({ DATABASE_URL: database.url, HOST: "0.0.0.0", PUBLIC_ORIGIN: "https://beteiligung.example", ...SECRETS });
      await started.stop();
      expect(started.code).toBe(1);
      expect(started.output).toContain("demo accounts");
    } finally {
      await database.drop();
    }
  });

  it("opens the demo on loopback without PUBLIC_ORIGIN, as npm start does", async () => {
    const database = await createTestDatabase("sqlite");
    try {
      // no HOST: it listens on loopback only, and that is demo mode
      const started = await run({ DATABASE_URL: database.url, HOST: "", PUBLIC_ORIGIN: "" });
      try {
        expect(started.output).toMatch(/"seeded":true,"demo":true/);
        expect((await new Client(`http://127.0.0.1:${started.port}`).get(ORG)).status).toBe(200);
      } finally {
        await started.stop();
      }
    } finally {
      await database.drop();
    }
  });
});

describe("one server in demo mode behind a trusted proxy", () => {
  let server: TestServer;
  let h: DatabaseHandle;
  let port: number;
  const from = (address: string) => ({ "x-forwarded-for": address });

  async function participate(address: string, lng = "de") {
    const c = new Client(server.url, { "accept-language": lng, ...from(address) });
    const sent = await c.post(PROCEDURE, [["q1", `Beitrag von ${address}`], ["q3", "bike"], ["q5", "4"], ["contact_email", "rest@example.org"]]);
    expect(sent.status).toBe(303);
    const form = await c.get(PROCEDURE);
    const checked = await c.post(`${PROCEDURE}/pruefen`, "");
    return { c, form, checked };
  }

  beforeAll(async () => {
    server = await startServer({ env: { TRUST_PROXY: "loopback", SUBMISSIONS_PER_HOUR: "3", JOBS_INTERVAL_MS: "0" } });
    h = openDatabase(server.database.url);
    port = Number(new URL(server.url).port);
  });
  afterAll(async () => {
    await h?.close();
    await server?.stop();
  });

  describe("redirects after sign-in", () => {
    it("follow only our own paths: a tab or line break in `weiter` cannot lead to another site, and never answers 5xx", async () => {
      for (const evil of ["/\t/evil.example", "/\n/evil.example", "/\\evil.example", "//evil.example"]) {
        const res = await new Client(server.url, from("198.51.100.1")).post("/anmelden", [["email", DEMO.staff], ["password", "teilhabe-demo"], ["weiter", evil]]);
        expect(res.status, JSON.stringify(evil)).toBe(303);
        expect(res.headers.get("location")).toBe(`${ORG}/verwaltung`);
      }
      const page = await (await new Client(server.url).get("/anmelden?weiter=%2F%09%2Fevil.example")).text();
      expect(page).not.toContain('name="weiter"');
    });
  });

  describe("bad requests are 4xx", () => {
    it("answers a malformed Host with 400", async () => {
      for (const host of ["a b", "[::1", "x:99999", "x/y", "a@b"]) {
        expect(await raw(port, `GET ${ORG} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`), host).toBe(400);
        expect(await raw(port, `POST ${ORG}/beitrag HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 6\r\nConnection: close\r\n\r\ncode=x`), host).toBe(400);
      }
    });

    it("answers a POST whose Origin is not this site with 403 and the usual page", async () => {
      const cases: Record<string, string>[] = [
        { origin: "http://evil.example" },
        { origin: "http://evil.example", "sec-fetch-site": "same-origin" },
        { origin: "http://[", "sec-fetch-site": "same-origin" },
        // behind the trusted proxy the forwarded host is the site's own name: the origin must match it
        { origin: server.url, "x-forwarded-host": "evil.example" },
        { origin: server.url, "x-forwarded-host": "evil.example", "sec-fetch-site": "same-origin" },
      ];
      for (const headers of cases) {
        const res = await new Client(server.url).post(`${ORG}/beitrag`, [["code", "K7M4-2QXP-9ABR-T"]], headers);
        expect(res.status, JSON.stringify(headers)).toBe(403);
        expect(textOf(mainOf(await res.text()))).toContain("Anfrage von einer anderen Website");
      }
    });

    it("does not log a POST to a page without a form (405) as an error", async () => {
      const res = await new Client(server.url).post(`${ORG}/leichte-sprache`, "x=1");
      expect(res.status).toBe(405);
      await new Promise((r) => setTimeout(r, 200));
      expect(server.logs()).not.toMatch(/"level":"error"[^\n]*leichte-sprache/);
    });

    it("fuzz: raw requests with odd hosts, origins, methods and chunking never get a 5xx", { timeout: 240_000 }, async () => {
      const token = fc.stringMatching(/^[\x21-\x7e]{0,20}$/);
      const request = fc.record({
        method: fc.constantFrom("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO", "M-SEARCH"),
        path: fc.constantFrom("/", ORG, `${ORG}/beitrag`, PROCEDURE, `${PROCEDURE}/pruefen`, "/anmelden", "/anmelden/code", `${ORG}/verwaltung`, "/%2F%2Fevil", `${ORG}/beitrag/protokoll`),
        host: fc.oneof(fc.constant(`127.0.0.1:${port}`), token, fc.constantFrom("", "[::1", "a b", "x:99999", "[::1]:80", "ü.example", "x:0")),
        origin: fc.option(fc.oneof(token, fc.constantFrom("null", "http://evil.example", `http://127.0.0.1:${port}`, "http://[", "file://"))),
        forwardedHost: fc.option(token),
        site: fc.option(fc.constantFrom("same-origin", "cross-site", "same-site", "none", "bogus")),
        body: fc.oneof(
          fc.record({ kind: fc.constant("length" as const), text: fc.stringMatching(/^[\x20-\x7e]{0,40}$/) }),
          fc.record({ kind: fc.constant("chunked" as const), chunks: fc.array(fc.stringMatching(/^[a-z=&]{0,10}$/), { maxLength: 3 }), badSize: fc.boolean() }),
        ),
      });
      const statuses: number[] = [];
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          const lines = [`${r.method} ${r.path} HTTP/1.1`];
          if (r.host !== "") lines.push(`Host: ${r.host}`);
          if (r.origin !== null) lines.push(`Origin: ${r.origin}`);
          if (r.forwardedHost !== null) lines.push(`X-Forwarded-Host: ${r.forwardedHost}`);
          if (r.site !== null) lines.push(`Sec-Fetch-Site: ${r.site}`);
          lines.push("Content-Type: application/x-www-form-urlencoded", "Connection: close");
          let body = "";
          if (r.body.kind === "length") {
            lines.push(`Content-Length: ${Buffer.byteLength(r.body.text)}`);
            body = r.body.text;
          } else {
            lines.push("Transfer-Encoding: chunked");
            body = r.body.chunks.map((c) => `${r.body.kind === "chunked" && r.body.badSize ? "zz" : c.length.toString(16)}\r\n${c}\r\n`).join("") + "0\r\n\r\n";
          }
          const status = await raw(port, `${lines.join("\r\n")}\r\n\r\n${body}`);
          statuses.push(status);
          expect(status, lines.join(" | ")).toBeLessThan(500);
        }),
        { numRuns: 150 },
      );
      expect(statuses.filter((s) => s >= 200).length).toBeGreaterThan(100);
      expect(server.logs()).not.toMatch(/"level":"error"/);
    });
  });

  describe("receipt codes and personal data", () => {
    it("sends Cache-Control: no-store with every page that shows a receipt code or what the resident entered", async () => {
      const { c, form, checked } = await participate("192.0.2.10");
      expect(form.headers.get("cache-control")).toBe("no-store"); // the form filled with the draft
      expect(checked.status).toBe(303);
      const confirmation = await c.get(`${PROCEDURE}/bestaetigung`);
      expect(confirmation.status).toBe(200);
      expect(confirmation.headers.get("cache-control")).toBe("no-store");
      const code = textOf(await confirmation.text()).match(/[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]/)![0];
      const lookup = new Client(server.url, from("192.0.2.11"));
      expect((await lookup.get(`${ORG}/beitrag`)).headers.get("cache-control")).toBe("no-store");
      const found = await lookup.post(`${ORG}/beitrag`, [["code", code]]);
      expect(found.status).toBe(303);
      expect(found.headers.get("cache-control")).toBe("no-store");
      // an unchanged public page stays cacheable
      expect(await new Client(server.url).get(PROCEDURE).then((r) => r.headers.get("cache-control"))).not.toBe("no-store");
    });

    it("writes 'personal data viewed' into the log only when the resident opened it, not when another site sent the browser there", async () => {
      const { c } = await participate("192.0.2.20");
      const code = textOf(await (await c.get(`${PROCEDURE}/bestaetigung`)).text()).match(/[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]/)![0];
      const resident = new Client(server.url, from("192.0.2.21"));
      expect((await resident.post(`${ORG}/beitrag`, [["code", code]], { "sec-fetch-site": "same-origin" })).status).toBe(303);
      const views = async () => (await h.db.selectFrom("privacy_events").select("type").where("type", "=", "personal_data_opened").execute()).length;
      const before = await views();
      const own = await resident.get(`${ORG}/beitrag/protokoll`, { "sec-fetch-site": "same-origin" });
      expect(own.status).toBe(200);
      expect(await views()).toBe(before + 1);
      for (const site of ["cross-site", "same-site"]) {
        const fromElsewhere = await resident.get(`${ORG}/beitrag/protokoll`, { "sec-fetch-site": site });
        expect(fromElsewhere.status).toBe(303);
        expect(fromElsewhere.headers.get("location")).toBe(`${ORG}/beitrag`);
        const download = await resident.get(`${ORG}/beitrag/daten`, { "sec-fetch-site": site });
        expect(download.status).toBe(303);
      }
      expect(await views()).toBe(before + 1);
    });
  });

  describe("fair limits", () => {
    it("does not count successful sign-ins", async () => {
      for (let i = 0; i < 12; i++) {
        const res = await new Client(server.url, from("198.51.100.20")).post("/anmelden", [["email", DEMO.staff], ["password", "teilhabe-demo"]]);
        expect(res.status, `sign-in ${i + 1}`).toBe(303);
      }
    });

    it("slows failed sign-ins down per client; a stranger's failures never lock the owner out", async () => {
      const stranger = (i: number) => new Client(server.url, from(`203.0.113.${(i % 3) + 1}`));
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await new Client(server.url, from("203.0.113.9")).post("/anmelden", [["email", DEMO.staff], ["password", `falsch-${i}-xxxxxxxx`]])).status);
      expect(statuses.slice(0, 5)).toEqual(Array(5).fill(400));
      expect(statuses.slice(5)).toEqual(Array(7).fill(429));
      const wait = await new Client(server.url, from("203.0.113.9")).post("/anmelden", [["email", DEMO.staff], ["password", "teilhabe-demo"]]);
      expect(wait.status).toBe(429); // the slowed client waits, right password or not
      expect(Number(wait.headers.get("retry-after"))).toBeGreaterThan(0);
      for (let i = 0; i < 15; i++) await stranger(i).post("/anmelden", [["email", DEMO.staff], ["password", `falsch-${i}-yyyyyyyy`]]);
      // the owner, from their own address
      const owner = await new Client(server.url, from("198.51.100.30")).post("/anmelden", [["email", DEMO.staff], ["password", "teilhabe-demo"]]);
      expect(owner.status).toBe(303);
    });

    it("slows wrong second-factor codes down, and never counts right ones", async () => {
      const org = await h.db.selectFrom("organisations").select("id").executeTakeFirstOrThrow();
      const SECRET = "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U";
      await createAccount(h.db, { organisationId: org.id, email: "code-bremse@demo.example", displayName: "C", roles: ["moderator"], password: "Codes bremsen 2026", totpSecret: SECRET });
      for (let round = 0; round < 3; round++) {
        // a right code, again and again (as if each were in a new time step)
        await h.db.updateTable("accounts").set({ totp_last_step: null }).where("email", "=", "code-bremse@demo.example").execute();
        const ok = await signIn(server.url, "code-bremse@demo.example", { password: "Codes bremsen 2026", totpSecret: SECRET });
        expect(ok.home).toBe(`${ORG}/verwaltung`);
      }
      const c = new Client(server.url, from("198.51.100.60"));
      await c.post("/anmelden", [["email", "code-bremse@demo.example"], ["password", "Codes bremsen 2026"]]);
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await c.post("/anmelden/code", [["code", "000000"]])).status);
      expect(statuses).toEqual([400, 400, 400, 400, 400, 429, 429]);
    });

    it("counts an IPv6 client per /64: new addresses in the same network share one limit", async () => {
      const statuses: number[] = [];
      for (let i = 1; i <= 12; i++) statuses.push((await new Client(server.url, from(`2001:db8:13:13::${i.toString(16)}`)).post(`${ORG}/beitrag`, [["code", "K7M4-2QXP-9ABR-T"]])).status);
      expect(statuses.slice(0, 10)).toEqual(Array(10).fill(400));
      expect(statuses.slice(10)).toEqual([429, 429]);
      // another /64 is another client
      expect((await new Client(server.url, from("2001:db8:13:14::1")).post(`${ORG}/beitrag`, [["code", "K7M4-2QXP-9ABR-T"]])).status).toBe(400);
    });

    it("limits submissions per client and procedure (SUBMISSIONS_PER_HOUR) with a friendly page in the resident's language", async () => {
      for (let i = 0; i < 3; i++) expect((await participate("192.0.2.30")).checked.status).toBe(303);
      const fourth = await participate("192.0.2.30", "en");
      expect(fourth.checked.status).toBe(429);
      const text = textOf(mainOf(await fourth.checked.text()));
      expect(text).toContain("Too many responses from this connection");
      expect(text).toContain("your answers are still saved");
      // another client is not affected
      expect((await participate("192.0.2.31")).checked.status).toBe(303);
    });
  });

  describe("second factor set-up", () => {
    it("needs a one-time link: with the password alone an admin cannot set up a second factor", async () => {
      const org = await h.db.selectFrom("organisations").select("id").executeTakeFirstOrThrow();
      await createAccount(h.db, { organisationId: org.id, email: "nur-passwort@demo.example", displayName: "P", roles: ["admin"], password: "ein-langes-passwort-2026" });
      const c = new Client(server.url, from("198.51.100.40"));
      const res = await c.post("/anmelden", [["email", "nur-passwort@demo.example"], ["password", "ein-langes-passwort-2026"]]);
      expect(res.headers.get("location")).toBe("/anmelden/einrichten");
      const setup = await c.get("/anmelden/einrichten");
      expect(setup.status).toBe(403);
      expect(textOf(mainOf(await setup.text()))).toContain("neuen Link");
      expect((await c.post("/anmelden/einrichten", [["code", "123456"]])).status).toBe(403);
    });

    it("after the link: the first sign-in sets it up, with a secret of its own session, none on the account", async () => {
      const org = await h.db.selectFrom("organisations").select("id").executeTakeFirstOrThrow();
      const account = await createAccount(h.db, { organisationId: org.id, email: "mit-link@demo.example", displayName: "L", roles: ["admin"] });
      const token = await createAccountToken(h.db, { accountId: account.id, purpose: "invite", createdBy: null });
      const chosen = await new Client(server.url).post(`/einladung/${token}`, [["password", "Ein langer Satz 2026"], ["repeat", "Ein langer Satz 2026"]]);
      expect(chosen.status).toBe(303);
      const first = new Client(server.url, from("198.51.100.41"));
      expect((await first.post("/anmelden", [["email", "mit-link@demo.example"], ["password", "Ein langer Satz 2026"]])).headers.get("location")).toBe("/anmelden/einrichten");
      const page = await first.get("/anmelden/einrichten");
      expect(page.status).toBe(200);
      const secret = (await page.text()).match(/<code class="secret" dir="ltr">([A-Z2-7 ]+)<\/code>/)![1];
      const row = await h.db.selectFrom("accounts").select(["totp_secret", "totp_enabled"]).where("id", "=", account.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ totp_secret: null, totp_enabled: 0 });
      // a second sign-in with the same password (someone who learnt it) cannot set one up
      const second = new Client(server.url, from("198.51.100.42"));
      await second.post("/anmelden", [["email", "mit-link@demo.example"], ["password", "Ein langer Satz 2026"]]);
      const other = await second.get("/anmelden/einrichten");
      expect(other.status).toBe(403);
      expect(await other.text()).not.toContain(secret);
    });

    it("an admin's reset of someone's second factor is audited, ends their sessions and makes them set it up again through the link", async () => {
      const org = await h.db.selectFrom("organisations").select("id").executeTakeFirstOrThrow();
      const SECRET = "KRUGS4ZANFZSAYJANZSXOIDTMVRXEZLU";
      const colleague = await createAccount(h.db, { organisationId: org.id, email: "verloren@demo.example", displayName: "V", roles: ["moderator"], password: "Telefon verloren 2026", totpSecret: SECRET });
      const signedIn = await signIn(server.url, "verloren@demo.example", { password: "Telefon verloren 2026", totpSecret: SECRET });
      expect((await signedIn.client.get(`${ORG}/verwaltung`)).status).toBe(200);
      const admin = (await signIn(server.url, DEMO.admin, { db: h.db })).client;
      const detail = `${ORG}/verwaltung/konten?konto=${colleague.id}`;
      const csrf = csrfOf(await (await admin.get(detail)).text());
      const res = await admin.post(detail, [["_csrf", csrf], ["intent", "second_factor_reset"], ["account", String(colleague.id)]]);
      expect(res.status).toBe(200);
      const link = (await res.text()).match(/(\/einladung\/[A-Za-z0-9_-]{20,100})/)![1];
      expect((await signedIn.client.get(`${ORG}/verwaltung`)).status).toBe(303);
      expect(await h.db.selectFrom("accounts").select(["totp_secret", "totp_enabled"]).where("id", "=", colleague.id).executeTakeFirstOrThrow()).toEqual({ totp_secret: null, totp_enabled: 0 });
      const audited = await h.db.selectFrom("audit_log").select(["action", "target_id"]).where("action", "=", "second_factor_reset").execute();
      expect(audited).toEqual([{ action: "second_factor_reset", target_id: String(colleague.id) }]);
      // with the old password alone no new factor can be set up; with the link it can
      const old = new Client(server.url, from("198.51.100.50"));
      expect((await old.post("/anmelden", [["email", "verloren@demo.example"], ["password", "Telefon verloren 2026"]])).headers.get("location")).toBe("/anmelden/einrichten");
      expect((await old.get("/anmelden/einrichten")).status).toBe(403);
      expect((await new Client(server.url).post(link, [["password", "Neues Telefon 2026 ok"], ["repeat", "Neues Telefon 2026 ok"]])).status).toBe(303);
      const fresh = new Client(server.url, from("198.51.100.51"));
      await fresh.post("/anmelden", [["email", "verloren@demo.example"], ["password", "Neues Telefon 2026 ok"]]);
      expect((await fresh.get("/anmelden/einrichten")).status).toBe(200);
    });
  });

  describe("error pages", () => {
    it("link only to paths on this site, whatever the address held (%2F)", async () => {
      for (const path of ["/%2Fevil.example/verfahren/x", "/%2F%2Fevil.example/beitrag", "/%5Cevil.example/verfahren/x"]) {
        const get = await new Client(server.url).get(path);
        const post = await new Client(server.url).post(path.replace(/verfahren\/x$/, "beitrag"), [["code", "x"]], { "sec-fetch-site": "same-origin" });
        for (const res of [get, post]) {
          expect(res.status, path).toBeLessThan(500);
          const hrefs = [...(await res.text()).matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
          expect(hrefs.filter((href) => href.startsWith("//") || href.startsWith("/\\") || /^(?!data:)[a-z]+:/i.test(href)), path).toEqual([]);
        }
      }
    });
  });
});
