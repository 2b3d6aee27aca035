/**
 * Two app instances on one database serve the same documents (decision 42: files live in the
 * database): a document uploaded through one instance is listed and downloaded, whole and in byte
 * ranges, from the other at once (the page cache of the other sees the content version change), and
 * a replacement through the second is what the first serves next. The scale-out engine is PostgreSQL
 * (TEST_DATABASE_URL); without it the same runs on one SQLite file.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";
import { pdfOf } from "../support/files";
import { Client, mainOf, textOf } from "../support/http";
import { csrfOf, DEMO, signIn } from "../support/staff";
import { freePort, spawnApp, stopGently, type AppProcess } from "../crash/support";

const PUBLIC = "/musterstadt/verfahren/radverkehrsplan-2030";

describe.each(engines)("documents on two instances on one %s database", (engine) => {
  let database: TestDatabase;
  let apps: AppProcess[] = [];
  let urls: string[];
  let h: DatabaseHandle;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    const ports = [await freePort(), await freePort()];
    const env = { JOBS_INTERVAL_MS: "0" };
    apps = [spawnApp({ databaseUrl: database.url, port: ports[0], env })];
    await apps[0].ready; // the first prepares the database
    apps.push(spawnApp({ databaseUrl: database.url, port: ports[1], env }));
    await apps[1].ready;
    urls = ports.map((p) => `http://127.0.0.1:${p}`);
    h = openDatabase(database.url);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    for (const app of apps) await stopGently(app);
    await database?.drop();
  });

  async function uploadOrReplace(base: string, admin: Client, fields: [string, string][], bytes: Buffer) {
    const procedure = await h.db.selectFrom("procedures").select("id").where("slug", "=", "radverkehrsplan-2030").executeTakeFirstOrThrow();
    const page = `/musterstadt/verwaltung/verfahren/${procedure.id}/dokumente`;
    const form = new FormData();
    form.append("_csrf", csrfOf(await (await admin.get(page)).text()));
    for (const [k, v] of fields) form.append(k, v);
    form.append("file", new Blob([new Uint8Array(bytes)]), "zaehlung.pdf");
    const res = await admin.fetch(page, { method: "POST", body: form });
    expect(res.status).toBe(303);
    return Number(/dokument-(\d+)/.exec(res.headers.get("location") ?? "")?.[1]);
  }

  it("an upload through one instance is served by the other, and a replacement through the other by the first", async () => {
    const [a, b] = urls;
    // the page is cached on B before the upload
    expect(textOf(mainOf(await (await new Client(b).get(PUBLIC)).text()))).not.toContain("Zählstellen 2026");
    const admin = (await signIn(a, DEMO.admin)).client;
    const file = pdfOf(1_200_000, 3);
    const id = await uploadOrReplace(a, admin, [["intent", "add"], ["title", "Zählstellen 2026"], ["summary", "Wo gezählt wird."]], file);

    expect(textOf(mainOf(await (await new Client(b).get(PUBLIC)).text()))).toContain("Zählstellen 2026");
    const whole = await new Client(b).get(`${PUBLIC}/dokumente/${id}`);
    expect(Buffer.from(await whole.arrayBuffer()).equals(file)).toBe(true);
    const piece = await new Client(b).get(`${PUBLIC}/dokumente/${id}`, { range: "bytes=600000-600999" });
    expect(piece.status).toBe(206);
    expect(Buffer.from(await piece.arrayBuffer()).equals(file.subarray(600000, 601000))).toBe(true);

    // the session is valid on both instances: replace through B, download from A
    const adminOnB = new Client(b);
    adminOnB.cookies = admin.cookies;
    const next = pdfOf(300_000, 4);
    await uploadOrReplace(b, adminOnB, [["intent", "replace"], ["document_id", String(id)]], next);
    const fromA = await new Client(a).get(`${PUBLIC}/dokumente/${id}`, { "if-none-match": whole.headers.get("etag")! });
    expect(fromA.status).toBe(200);
    expect(Buffer.from(await fromA.arrayBuffer()).equals(next)).toBe(true);
    expect(textOf(mainOf(await (await new Client(a).get(PUBLIC)).text()))).toContain("PDF, 300 kB");
  });
});
