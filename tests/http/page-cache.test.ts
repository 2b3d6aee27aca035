/**
 * The rendered-page cache against the production server: a page served from the cache (it carries
 * an ETag, precompressed) is byte for byte what Remix renders for the same reader; an edit — in the
 * database by any path, a translation saved by an admin, results published by a moderator — shows
 * at once, also on a second instance on the same database; the language follows ?lng=, the cookie
 * and Accept-Language; and a reader with a draft, a receipt-code session or a staff sign-in always
 * gets a page rendered for them.
 */
import { brotliDecompressSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { Client, mainOf, rawGet, textOf } from "../support/http";
import { startServer, type TestServer } from "../support/server";
import { DEMO, csrfOf, signIn } from "../support/staff";

const PROCEDURE = "/musterstadt/verfahren/radverkehrsplan-2030";
const CLOSED = "/musterstadt/verfahren/marktplatz";
const BUDGET = "/musterstadt/verfahren/buergerhaushalt-2027";

describe("rendered-page cache", () => {
  let server: TestServer;
  let second: TestServer | undefined;
  let db: DatabaseHandle;
  const idOf = async (slug: string) => (await db.db.selectFrom("procedures").select("id").where("slug", "=", slug).executeTakeFirstOrThrow()).id;
  /** a GET as a browser makes it (gzip), twice: the second answer must come from the cache */
  async function cached(base: string, path: string, headers: Record<string, string> = {}) {
    await rawGet(base + path, headers);
    const res = await rawGet(base + path, headers);
    expect(res.status).toBe(200);
    expect(res.headers.etag, `${path} served from the cache`).toBeTruthy();
    return res;
  }

  beforeAll(async () => {
    server = await startServer({ env: { JOBS_INTERVAL_MS: "0" } });
    db = openDatabase(server.database.url);
  });
  afterAll(async () => {
    await db?.close();
    await second?.stop();
    await server?.stop();
  });

  it("serves a cached page byte-identical to an uncached render, precompressed, with its headers and a 304 for its ETag", async () => {
    for (const path of ["/musterstadt", PROCEDURE, `${PROCEDURE}/datenschutz`]) {
      const hit = await cached(server.url, path);
      expect(hit.headers["content-encoding"]).toBe("gzip");
      // a cookie the page does not know makes it bypass the cache: Remix renders it afresh
      const fresh = await rawGet(server.url + path, { cookie: "unrelated=1" });
      expect(fresh.headers.etag).toBeUndefined();
      expect(hit.text, path).toBe(fresh.text);
      for (const name of ["content-type", "content-language", "content-security-policy", "x-frame-options", "referrer-policy"]) {
        expect(hit.headers[name], `${path} ${name}`).toBe(fresh.headers[name]);
      }
      expect(hit.headers.vary).toMatch(/Cookie, Accept-Language/);
      expect(hit.headers.vary).toMatch(/Accept-Encoding/);

      const again = await rawGet(server.url + path, { "if-none-match": String(hit.headers.etag) });
      expect(again.status).toBe(304);
      expect(again.wire.length).toBe(0);
    }
    // the paper form is never cached: every print has its own form number
    const numberOf = async () => (await rawGet(`${server.url}${PROCEDURE}/papier`)).text.match(/paper__number[^>]*>[\s\S]*?<strong>([^<]+)/)![1];
    const [one, two] = [await numberOf(), await numberOf()];
    expect(one).not.toBe(two);
    // brotli once it is ready (compressed off the request path), the same page again
    let br = await rawGet(server.url + PROCEDURE, { "accept-encoding": "br, gzip" });
    for (let i = 0; i < 50 && br.headers["content-encoding"] !== "br"; i++) {
      await new Promise((r) => setTimeout(r, 50));
      br = await rawGet(server.url + PROCEDURE, { "accept-encoding": "br, gzip" });
    }
    expect(br.headers["content-encoding"]).toBe("br");
    expect(brotliDecompressSync(br.wire).toString("utf8")).toBe((await rawGet(server.url + PROCEDURE, { cookie: "unrelated=1" })).text);
    // and uncompressed for a client that takes neither
    const plain = await rawGet(server.url + PROCEDURE, { "accept-encoding": "identity" });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.wire.toString("utf8")).toBe(br.wire.length ? brotliDecompressSync(br.wire).toString("utf8") : "");
  });

  it("shows an edit of the procedure at once, whichever way it reached the database", async () => {
    const before = await cached(server.url, PROCEDURE);
    expect(textOf(mainOf(before.text))).not.toContain("Neu: Abschnitt Schulwege");
    const id = await idOf("radverkehrsplan-2030");
    const { summary } = await db.db.selectFrom("procedures").select("summary").where("id", "=", id).executeTakeFirstOrThrow();
    await db.db.updateTable("procedures").set({ summary: `${summary} Neu: Abschnitt Schulwege.` }).where("id", "=", id).execute();
    const after = await rawGet(server.url + PROCEDURE);
    expect(textOf(mainOf(after.text))).toContain("Neu: Abschnitt Schulwege");
    expect(after.headers.etag).not.toBe(before.headers.etag);
    // the home page lists the procedure: its cached copy is gone too
    const home = await cached(server.url, "/musterstadt");
    await db.db.updateTable("procedures").set({ title: "Bürgerhaushalt 2027 (verlängert)" }).where("slug", "=", "buergerhaushalt-2027").execute();
    expect(textOf(mainOf((await rawGet(server.url + "/musterstadt")).text))).toContain("Bürgerhaushalt 2027 (verlängert)");
    expect(textOf(mainOf(home.text))).not.toContain("(verlängert)");
  });

  it("follows the language: Accept-Language, the cookie and ?lng= (which sets the cookie and is not served from the cache)", async () => {
    const de = await cached(server.url, PROCEDURE, { "accept-language": "de-DE" });
    const en = await cached(server.url, PROCEDURE, { "accept-language": "en-GB,en;q=0.9" });
    expect(de.headers["content-language"]).toBe("de");
    expect(en.headers["content-language"]).toBe("en");
    expect(en.text).toContain('<html lang="en"');
    expect(en.text).not.toBe(de.text);

    const chosen = await rawGet(`${server.url}${PROCEDURE}?lng=tr`, { "accept-language": "en" });
    expect(chosen.headers["content-language"]).toBe("tr");
    expect(chosen.headers.etag).toBeUndefined();
    const cookie = String(chosen.headers["set-cookie"]).split(";")[0];
    expect(cookie).toMatch(/^lng=/);
    // with the cookie: Turkish from the cache, even though the browser asks for English
    const tr = await cached(server.url, PROCEDURE, { cookie, "accept-language": "en" });
    expect(tr.headers["content-language"]).toBe("tr");
    expect(tr.headers["set-cookie"]).toBeUndefined();
    expect(tr.text).toBe(chosen.text);
  });

  it("shows a translation saved by an admin at once, in that language only", async () => {
    const before = await cached(server.url, BUDGET, { "accept-language": "en" });
    const german = await cached(server.url, BUDGET, { "accept-language": "de" });
    const { client } = await signIn(server.url, DEMO.admin, { db: db.db });
    const id = await idOf("buergerhaushalt-2027");
    const editor = `/musterstadt/verwaltung/verfahren/${id}/uebersetzung/en`;
    const csrf = csrfOf(await (await client.get(editor)).text());
    const saved = await client.post(editor, [["_csrf", csrf], ["title", "Citizens' budget 2027: your priorities"]]);
    expect(saved.status).toBe(303);
    const after = await rawGet(server.url + BUDGET, { "accept-language": "en" });
    expect(textOf(mainOf(after.text))).toContain("Citizens' budget 2027: your priorities");
    expect(textOf(mainOf(before.text))).not.toContain("your priorities");
    const stillGerman = await rawGet(server.url + BUDGET, { "accept-language": "de" });
    expect(textOf(mainOf(stillGerman.text))).toBe(textOf(mainOf(german.text)));
  });

  it("shows results published by a moderator at once (the closed procedure's page links them)", async () => {
    const before = await cached(server.url, CLOSED);
    expect(before.text).not.toContain(`${CLOSED}/ergebnisse`);
    expect((await rawGet(`${server.url}${CLOSED}/ergebnisse`)).status).toBe(404);
    const { client } = await signIn(server.url, DEMO.moderator, { db: db.db });
    const page = `/musterstadt/verwaltung/moderation/${await idOf("marktplatz")}/ergebnisse`;
    const csrf = csrfOf(await (await client.get(page)).text());
    const published = await client.post(page, [["_csrf", csrf], ["intent", "publish"], ["summary", "Mehr Bäume und Bänke auf dem Marktplatz."]]);
    expect(published.status).toBe(303);
    const after = await rawGet(server.url + CLOSED);
    expect(after.text).toContain(`${CLOSED}/ergebnisse`);
    const results = await cached(server.url, `${CLOSED}/ergebnisse`);
    expect(textOf(mainOf(results.text))).toContain("Mehr Bäume und Bänke auf dem Marktplatz.");
  });

  it("never serves a draft, a receipt-code session or a staff sign-in from the cache, nor their page to others", async () => {
    const resident = new Client(server.url);
    const answers: [string, string][] = [
      ["q1", "Mein eigener Entwurf: Fahrradstraße am Schulzentrum."],
      ["q2", "Schulzentrum"],
      ["q3", "bike"],
      ["q4", "safety"],
      ["q5", "4"],
      ["q6", "yes"],
      ["contact_email", "entwurf@example.org"],
    ];
    const posted = await resident.post(PROCEDURE, answers);
    expect(posted.status).toBe(303);
    const mine = await resident.get(PROCEDURE, { "accept-encoding": "gzip" });
    expect(mine.headers.get("etag")).toBeNull();
    expect(await mine.text()).toContain("Mein eigener Entwurf");
    // everyone else still gets the shared page, without the draft
    const shared = await cached(server.url, PROCEDURE);
    expect(shared.text).not.toContain("Mein eigener Entwurf");

    // sent: the receipt-code session (and the draft cookie) keep this reader off the cache
    expect((await resident.post(`${PROCEDURE}/pruefen`, "")).status).toBe(303);
    expect([...resident.cookies.keys()].length).toBeGreaterThan(0);
    for (const path of [PROCEDURE, "/musterstadt", `${PROCEDURE}/datenschutz`]) {
      expect((await resident.get(path)).headers.get("etag"), path).toBeNull();
    }

    const { client: staff } = await signIn(server.url, DEMO.staff, { db: db.db });
    for (const path of [PROCEDURE, "/musterstadt"]) {
      const res = await staff.get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get("etag"), path).toBeNull();
    }
    // staff pages themselves are never cached
    expect((await staff.get("/musterstadt/verwaltung")).headers.get("etag")).toBeNull();
  });

  it("never serves a stale page on a second instance after an edit through the first", async () => {
    second = await startServer({ env: { DATABASE_URL: server.database.url, JOBS_INTERVAL_MS: "0" } });
    const before = await cached(second.url, `${PROCEDURE}/datenschutz`);
    await cached(server.url, `${PROCEDURE}/datenschutz`);
    // an admin of the first instance changes the procedure's English translation…
    const { client } = await signIn(server.url, DEMO.admin, { db: db.db });
    const id = await idOf("radverkehrsplan-2030");
    const editor = `/musterstadt/verwaltung/verfahren/${id}/uebersetzung/en`;
    const csrf = csrfOf(await (await client.get(editor)).text());
    const enBefore = await cached(second.url, PROCEDURE, { "accept-language": "en" });
    const saved = await client.post(editor, [["_csrf", csrf], ["title", "Cycling plan 2030 – second draft"]]);
    expect(saved.status).toBe(303);
    // …and the second instance shows it on its very next answer
    const enAfter = await rawGet(second.url + PROCEDURE, { "accept-language": "en" });
    expect(textOf(mainOf(enAfter.text))).toContain("Cycling plan 2030 – second draft");
    expect(textOf(mainOf(enBefore.text))).not.toContain("second draft");
    // an edit in the database (any code path) reaches the second instance as well
    await db.db.updateTable("procedures").set({ publication_policy: "Veröffentlicht werden alle Beiträge ohne Namen (geändert)." }).where("id", "=", id).execute();
    const after = await rawGet(`${second.url}${PROCEDURE}/datenschutz`);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(after.text).toBe((await rawGet(`${server.url}${PROCEDURE}/datenschutz`, { cookie: "unrelated=1" })).text);
  });
});
