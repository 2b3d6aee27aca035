/**
 * Backup and restore of SQLite while residents submit: `npm run backup` runs against the live
 * server, the copy is restored with `npm run restore` into a fresh place, a server starts on it,
 * and every submission acknowledged before the backup began is there — whole, with its privacy log
 * intact and its receipt code working on the resident page — and its contact data still open with
 * the key ring (which is not in the backup).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "#db/connection.server";
import { Client } from "../support/http";
import { projectRoot } from "../support/server";
import { APP_SECRETS, auditDatabase, freePort, newStats, residentJourney, sleep, spawnApp, stopGently, type Receipt } from "./support";

const ORG = "/musterstadt";

function npmRun(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    let output = "";
    const child = spawn(join(projectRoot, "node_modules/.bin/tsx"), [`scripts/${script}.ts`, ...args], {
      cwd: projectRoot,
      env: { ...process.env, ...APP_SECRETS, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

describe("backup and restore of the SQLite database", () => {
  const dir = mkdtempSync(join(tmpdir(), "teilhabe-backup-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("copies a live database consistently; the restored copy serves every submission acknowledged before the backup", async () => {
    const live = join(dir, "live", "teilhabe.sqlite");
    const app = spawnApp({ databaseUrl: live, port: await freePort(), env: { JOBS_INTERVAL_MS: "0" } });
    let base = "";
    const stats = newStats();
    const receipts: (Receipt & { at: number })[] = [];
    let stopping = false;
    let backupStartedAt = Infinity;
    let backup: { code: number | null; output: string };
    let documentBytes = Buffer.alloc(0);
    try {
      await app.ready;
      base = `http://127.0.0.1:${app.logs().match(/"port":(\d+)/)![1]}`;
      let n = 0;
      const clients = Array.from({ length: 4 }, async (_, i) => {
        while (!stopping) {
          const r = await residentJourney(() => base, `crash-backup-${i}-${n++}`, stats, { withContact: i % 2 === 0, deadline: Date.now() + 30_000 });
          if (r) receipts.push({ ...r, at: Date.now() });
        }
      });
      // some submissions acknowledged, more under way
      for (let waited = 0; receipts.length < 8 && waited < 40_000; waited += 50) await sleep(50);
      // the seeded draft PDF as the live server serves it (documents live in the database)
      documentBytes = Buffer.from(await (await fetch(`${base}${ORG}/verfahren/radverkehrsplan-2030/dokumente/1`)).arrayBuffer());
      backupStartedAt = Date.now();
      backup = await npmRun("backup", [join(dir, "copies")], { DATABASE_URL: live });
      // the load goes on a little after the copy is taken
      await sleep(300);
      stopping = true;
      await Promise.all(clients);
    } finally {
      stopping = true;
      await stopGently(app);
    }
    expect(backup.code, backup.output).toBe(0);
    expect(backup.output).toMatch(/the keys are NOT in the backup/);
    // the draft's PDF and the plan's pictures: every stored file checked, counted again in the restored copy below
    const filesChecked = Number(backup.output.match(/\((?:.*?), (\d+) stored files intact\)/)?.[1] ?? 0);
    expect(filesChecked, backup.output).toBeGreaterThan(0);
    const files = readdirSync(join(dir, "copies"));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^teilhabe-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.sqlite$/);
    const copy = join(dir, "copies", files[0]);
    expect(statSync(copy).mode & 0o777).toBe(0o600);

    const before = receipts.filter((r) => r.at < backupStartedAt);
    const after = receipts.filter((r) => r.at >= backupStartedAt);
    expect(before.length).toBeGreaterThan(0);

    // restore into a fresh place, with the same key ring
    const restored = join(dir, "restored", "teilhabe.sqlite");
    const restore = await npmRun("restore", [copy], { DATABASE_URL: restored });
    expect(restore.code, restore.output).toBe(0);
    const handle = openDatabase(restored);
    let audit: Awaited<ReturnType<typeof auditDatabase>>;
    try {
      audit = await auditDatabase(handle.db, before);
      const stored = await handle.db.selectFrom("file_blobs").select((eb) => eb.fn.countAll<number>().as("n")).where("claimed", "=", 1).executeTakeFirstOrThrow();
      expect(Number(stored.n)).toBe(filesChecked);
    } finally {
      await handle.close();
    }
    console.log(
      `[backup] ${receipts.length} receipt codes shown, ${before.length} before the backup began, ${after.length} after; ` +
        `the restored copy holds ${audit.submissions} submissions, ${audit.receiptsFound} of the ${before.length} found, ${audit.chainsChecked} privacy logs intact; ` +
        `${backup.output.match(/"ms":(\d+)/)?.[1]} ms for the backup`,
    );
    expect(audit.problems).toEqual([]);
    expect(audit.receiptsFound).toBe(before.length);
    expect(stats.serverErrors).toEqual([]);

    // a server on the restored copy: the resident's code works, the log and the (decrypted) contact data show
    const verify = await npmRun("privacy-verify", [], { DATABASE_URL: restored });
    expect(verify.code, verify.output).toBe(0);
    const server = spawnApp({ databaseUrl: restored, port: await freePort(), env: { JOBS_INTERVAL_MS: "0" } });
    try {
      await server.ready;
      const url = `http://127.0.0.1:${server.logs().match(/"port":(\d+)/)![1]}`;
      // the document came back with the database, byte for byte
      expect(documentBytes.subarray(0, 5).toString()).toBe("%PDF-");
      const restoredDocument = await fetch(`${url}${ORG}/verfahren/radverkehrsplan-2030/dokumente/1`);
      expect(Buffer.from(await restoredDocument.arrayBuffer()).equals(documentBytes)).toBe(true);
            const withContact = before.filter((r) => r.marker.match(/^crash-backup-[02]-/)).slice(0, 2);
      for (const r of [...withContact, before[before.length - 1]]) {
        const c = new Client(url);
        const found = await c.post(`${ORG}/beitrag`, [["code", r.code]]);
        expect(found.status).toBe(303);
        expect(found.headers.get("location")).toBe(`${ORG}/beitrag/protokoll`);
        expect((await c.get(`${ORG}/beitrag/protokoll`)).status).toBe(200);
        // the Art. 15 download: the contact data decrypted with the key ring kept outside the backup
        const data = await c.post(`${ORG}/beitrag/daten`, "");
        expect(data.status).toBe(200);
        const exported = await data.text();
        expect(exported).toContain(r.marker);
        if (withContact.includes(r)) expect(exported).toContain(`${r.marker.replace(/[^a-z0-9]/gi, "")}@example.org`);
      }
    } finally {
      await stopGently(server);
    }
  });
});
