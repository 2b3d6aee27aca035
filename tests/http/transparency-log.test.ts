/**
 * Issue 22 over HTTP against the production server: the published checkpoint, key, tiles and
 * proofs; a resident's export verified offline (independent RFC 9162 code here, the standalone
 * `npm run privacy:verify-export`, the upload page); the outsider's `npm run privacy:monitor`
 * catching a rollback and a fork; erasure leaving an earlier export verifiable.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { Client, mainOf, textOf } from "../support/http";
import { H_LEAF, MTH_HASHES, rootFromPath } from "../support/rfc9162";
import { projectRoot, startServer, type TestServer } from "../support/server";
import { jsonLdTriples, readGraphs, validate } from "../support/shacl";

const ORG = "/musterstadt";
const PROCEDURE = `${ORG}/verfahren/radverkehrsplan-2030`;

/** The leaf entry, written here from the decision's words (not imported from the app). */
function commitment(event: any, salt: string): Buffer {
  const details = JSON.stringify(Object.fromEntries(Object.entries(event.details).sort(([a], [b]) => (a < b ? -1 : 1))));
  const canonical = JSON.stringify([event.seq, event.occurredAt, event.type, event.actorRole, JSON.stringify(event.categories), event.purpose, event.legalBasis, details, event.hash]);
  return createHash("sha256").update("teilhabe/privacy-event/v1\n").update(Buffer.from(salt, "hex")).update(canonical).digest();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs a command-line script as a user would (not spawnSync: the server's output must keep flowing meanwhile). */
function cli(script: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", script, ...args], { cwd: projectRoot, env: { ...process.env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe("the transparency log over HTTP", () => {
  let server: TestServer;
  let db: DatabaseHandle;
  let dir: string;

  async function participate(): Promise<Client> {
    const c = new Client(server.url, { "accept-language": "de" });
    expect((await c.post(PROCEDURE, [["q1", "Mehr Bänke am Marktplatz."], ["q3", "bike"], ["q5", "5"], ["contact_email", "bank@example.org"]])).status).toBe(303);
    expect((await c.post(`${PROCEDURE}/pruefen`, "")).status).toBe(303);
    const code = textOf(await (await c.get(`${PROCEDURE}/bestaetigung`)).text()).match(/[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]/)![0];
    expect((await c.post(`${ORG}/beitrag`, [["code", code]])).status).toBe(303);
    return c;
  }

  /** Waits until the published checkpoint covers every leaf written so far. */
  async function settled(): Promise<{ size: number; note: string }> {
    for (let i = 0; i < 100; i++) {
      const waiting = await db.db.selectFrom("tlog_leaves").select("id").where("leaf_index", "is", null).limit(1).execute();
      const res = await fetch(`${server.url}/transparenz/checkpoint`);
      if (waiting.length === 0 && res.status === 200) {
        const note = await res.text();
        return { size: Number(note.split("\n")[1]), note };
      }
      await sleep(200);
    }
    throw new Error("no checkpoint");
  }

  beforeAll(async () => {
    server = await startServer({ env: { TLOG_INTERVAL_MS: "300" } });
    db = openDatabase(server.database.url);
    dir = mkdtempSync(join(tmpdir(), "teilhabe-tlog-"));
  });
  afterAll(async () => {
    await db?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("publishes the signed checkpoint, the key, the history, tiles and proofs as plain cacheable files", async () => {
    await participate();
    const { size, note } = await settled();
    const res = await fetch(`${server.url}/transparenz/checkpoint`);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(res.headers.get("cache-control")).toMatch(/public/);
    const [origin, sizeLine, rootLine, blank, signature] = note.split("\n");
    expect(origin).toBe("test.teilhabe.invalid/transparenz");
    expect(Number(sizeLine)).toBe(size);
    expect(blank).toBe("");
    expect(signature).toMatch(/^— test\.teilhabe\.invalid\/transparenz [A-Za-z0-9+/]+=*$/);
    expect(await (await fetch(`${server.url}/transparenz/key`)).text()).toMatch(/^test\.teilhabe\.invalid\/transparenz\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*\n$/);
    expect(await (await fetch(`${server.url}/transparenz/checkpoint/${size}`)).text()).toBe(note);
    expect(await (await fetch(`${server.url}/transparenz/checkpoints`)).text()).toContain(`${size} `);

    // the entries and the level-0 tile agree with the root, computed here
    const bundle = Buffer.from(await (await fetch(`${server.url}/transparenz/tile/entries/000.p/${size}`)).arrayBuffer());
    const entries: Buffer[] = [];
    for (let at = 0; at < bundle.length; ) {
      const length = bundle.readUInt16BE(at);
      entries.push(bundle.subarray(at + 2, at + 2 + length));
      at += 2 + length;
    }
    expect(entries).toHaveLength(size);
    const tile = Buffer.from(await (await fetch(`${server.url}/transparenz/tile/0/000.p/${size}`)).arrayBuffer());
    expect(tile.length).toBe(size * 32);
    const hashes = entries.map(H_LEAF);
    expect(Buffer.concat(hashes)).toEqual(tile);
    expect(MTH_HASHES(hashes).toString("base64")).toBe(rootLine);
    const proof = (await (await fetch(`${server.url}/transparenz/proof/inclusion?index=1&size=${size}`)).text()).split("\n").filter(Boolean).map((l) => Buffer.from(l, "base64"));
    expect(rootFromPath(1, size, hashes[1], proof)?.toString("base64")).toBe(rootLine);

    // nonsense is a 404 in words, never a 500
    for (const path of ["/transparenz/checkpoint/99999999", "/transparenz/proof/inclusion?index=5&size=2", "/transparenz/proof/inclusion?index=x", "/transparenz/tile/0/7", "/transparenz/tile/9/000", "/transparenz/nichts", `/transparenz/tile/entries/000.p/${size + 1}`]) {
      const r = await fetch(`${server.url}${path}`);
      expect(r.status, path).toBe(404);
    }
  });

  it("gives the resident an export that proves every event, checked here, by the standalone verifier and by the upload page", async () => {
    const c = await participate();
    await settled();
    const log = textOf(mainOf(await (await c.get(`${ORG}/beitrag/protokoll`)).text()));
    expect(log).toMatch(/Dieses Protokoll ist Teil des öffentlichen Prüfprotokolls: Prüfpunkt \d+, unterschrieben am/);
    const exported = await (await c.post(`${ORG}/beitrag/daten`, "")).json();
    const t = exported.transparencyLog;
    const size = Number(t.checkpoint.split("\n")[1]);
    const root = Buffer.from(t.checkpoint.split("\n")[2], "base64");
    let proven = 0;
    for (const event of exported.privacyLog) {
      const p = t.events.find((e: any) => e.seq === event.seq);
      if (p.leafIndex === null) continue; // the export itself: in the next checkpoint
      const leaf = H_LEAF(commitment(event, p.salt));
      expect(rootFromPath(p.leafIndex, size, leaf, p.inclusionProof.map((h: string) => Buffer.from(h, "base64")))).toEqual(root);
      proven++;
    }
    expect(proven).toBeGreaterThanOrEqual(3);

    const file = join(dir, "export.json");
    writeFileSync(file, JSON.stringify(exported));
    const ok = await cli("scripts/privacy-verify-export.ts", [file, "--site", server.url]);
    expect(ok.out).toContain("VERIFIED");
    expect(ok.out).toContain("signature valid");
    expect(ok.code).toBe(0);

    // one event's words changed: caught
    const forged = structuredClone(exported);
    forged.privacyLog[0].details = { channel: "paper" };
    const forgedFile = join(dir, "forged.json");
    writeFileSync(forgedFile, JSON.stringify(forged));
    const bad = await cli("scripts/privacy-verify-export.ts", [forgedFile, "--site", server.url]);
    expect(bad.out).toMatch(/event 1 is not in the checkpoint/);
    expect(bad.out).toContain("NOT VERIFIED");
    expect(bad.code).toBe(1);

    // the upload page, without JavaScript
    const upload = async (name: string, bytes: Buffer | string) => {
      const form = new FormData();
      form.append("export", new Blob([typeof bytes === "string" ? bytes : new Uint8Array(bytes)], { type: "application/json" }), name);
      const r = await fetch(`${server.url}${ORG}/transparenz`, { method: "POST", body: form, headers: { origin: server.url, "accept-language": "de" } });
      return { status: r.status, text: textOf(mainOf(await r.text())) };
    };
    const good = await upload("export.json", readFileSync(file));
    expect(good.status).toBe(200);
    expect(good.text).toContain("Geprüft: Ihr Protokoll ist unverändert");
    expect(good.text).toMatch(/Das Prüfprotokoll von heute \(Prüfpunkt \d+\) enthält Ihren Prüfpunkt unverändert/);
    const wrong = await upload("forged.json", readFileSync(forgedFile));
    expect(wrong.text).toContain("Nicht bestätigt");
    expect(wrong.text).toContain("Eintrag 1 steht so nicht im Prüfpunkt");
    const junk = await upload("x.json", "kein json");
    expect(junk.status).toBe(400);
    expect(junk.text).toContain("Die Datei ist keine JSON-Datei");
    const none = await fetch(`${server.url}${ORG}/transparenz`, { method: "POST", body: new FormData(), headers: { origin: server.url } });
    expect(none.status).toBe(400);

    // erasure afterwards: the earlier export still verifies against today's log
    expect((await c.post(`${ORG}/beitrag/loeschen`, "")).status).toBe(303);
    await participate();
    await settled();
    const later = await cli("scripts/privacy-verify-export.ts", [file, "--site", server.url]);
    expect(later.out).toMatch(/extends the export's checkpoint/);
    expect(later.code).toBe(0);
  });

  it("lists the checkpoints, their history and the key in the open-data catalogue (DCAT-AP.de, checked with the project's SHACL shapes)", async () => {
    await participate();
    await settled();
    const res = await fetch(`${server.url}${ORG}/transparenz/dcat.jsonld`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/ld+json; charset=utf-8");
    const text = await res.text();
    const doc = JSON.parse(text);
    const files = doc["dcat:distribution"].map((d: any) => d["dcat:downloadURL"]["@id"]);
    expect(files).toEqual(["/transparenz/checkpoint", "/transparenz/checkpoints", "/transparenz/key"]);
    for (const file of files) expect((await fetch(`${server.url}${file}`)).status).toBe(200);
    // the transparency page links the catalogue and the files it lists
    const page = await (await fetch(`${server.url}${ORG}/transparenz`, { headers: { "accept-language": "en" } })).text();
    const links = [...page.matchAll(/<a href="([^"]+)"[^>]*>([^<]+)</g)].map((m) => [m[1], m[2]]);
    for (const file of [...files, `${ORG}/transparenz/dcat.jsonld`]) expect(links.map(([href]) => href)).toContain(file);
    expect(links).toContainEqual([`${ORG}/transparenz/dcat.jsonld`, "Description of these files for open-data portals (DCAT, JSON-LD)"]);
    const report = await validate(await jsonLdTriples(text, `${server.url}${ORG}/transparenz/dcat.jsonld`), await readGraphs([join(projectRoot, "tests/fixtures/dcat-ap-de/teilhabe-shapes.ttl")]));
    expect(report.results).toEqual([]);
  });

  it("counts the e-mail alerts that hold an address, confirmed and not yet, with their deletion rules, on the transparency page", async () => {
    const counts = async (language: string) => {
      const text = textOf(await (await fetch(`${server.url}${ORG}/transparenz`, { headers: { "accept-language": language } })).text());
      return text;
    };
    const numbers = (text: string) => ({ confirmed: Number(/Confirmed alerts: (\d+)\./.exec(text)![1]), pending: Number(/Sign-ups not yet confirmed: (\d+)\./.exec(text)![1]) });
    const before = numbers(await counts("en"));
    const signUp = await new Client(server.url).post(`${ORG}/benachrichtigung`, [["email", "zaehlen@example.org"], ["topics", "new_procedures"]]);
    expect(signUp.status).toBe(303);
    const pending = await counts("en");
    expect(numbers(pending)).toEqual({ confirmed: before.confirmed, pending: before.pending + 1 });
    expect(pending).toContain("We delete them after 48 hours.");
    expect(pending).toContain("We delete the address 2 years after the last confirmation");
    await db.db.updateTable("alerts").set({ state: "confirmed", confirmed_at: new Date().toISOString() }).where("state", "=", "pending").execute();
    expect(numbers(await counts("en"))).toEqual({ confirmed: before.confirmed + before.pending + 1, pending: 0 });
    expect(await counts("de-x-ls")).toMatch(/So viele Menschen haben noch nicht Ja gesagt: 0\./);
  });

  it("lets an outsider's monitor follow the log and catch a rollback and a fork", async () => {
    const state = join(dir, "monitor.json");
    const first = await cli("scripts/privacy-monitor.ts", [server.url, "--state", state]);
    expect(first.out).toContain("first checkpoint seen");
    expect(first.code).toBe(0);
    await participate();
    await settled();
    const grew = await cli("scripts/privacy-monitor.ts", [server.url, "--state", state]);
    expect(grew.out).toMatch(/consistent: \d+ → \d+ entries/);
    expect(grew.code).toBe(0);
    const saved = readFileSync(state, "utf8");

    // an insider cuts off the newest entries and their checkpoints
    const { size } = await settled();
    await db.db.transaction().execute(async (trx) => {
      const cut = size - 2;
      await trx.deleteFrom("tlog_leaves").where("leaf_index", ">=", cut).execute();
      await trx.deleteFrom("tlog_checkpoints").where("tree_size", ">", cut).execute();
      await trx.updateTable("tlog_state").set({ tree_size: cut }).where("id", "=", 1).execute();
    });
    const rolledBack = await cli("scripts/privacy-monitor.ts", [server.url, "--state", state]);
    expect(rolledBack.out).toContain("ROLLBACK");
    expect(rolledBack.code).toBe(1);

    // an insider rewrites an old entry and rebuilds the whole tree from scratch
    writeFileSync(state, saved);
    await db.db.transaction().execute(async (trx) => {
      await trx.updateTable("tlog_leaves").set({ leaf_index: null }).execute();
      await trx.updateTable("tlog_leaves").set({ entry: "00".repeat(32) }).where("id", "=", 1).execute();
      await trx.deleteFrom("tlog_tiles").execute();
      await trx.deleteFrom("tlog_checkpoints").execute();
      await trx.updateTable("tlog_state").set({ tree_size: 0, root_hash: createHash("sha256").digest("hex") }).where("id", "=", 1).execute();
    });
    await participate();
    await settled();
    const forked = await cli("scripts/privacy-monitor.ts", [server.url, "--state", state]);
    expect(forked.out).toContain("FORK");
    expect(forked.code).toBe(1);
  });
});
