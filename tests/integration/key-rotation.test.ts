/**
 * `npm run keys:rotate` re-encrypts the contact data of barrier reports too (migration 0009), on
 * SQLite and PostgreSQL (when TEST_DATABASE_URL is set): afterwards the old key can be removed and
 * an admin still reads the e-mail address and phone number of every report; erased contact data stay
 * erased; a second run has nothing left to do.
 */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { seedDemoIfEmpty } from "#db/seed";
import { closeBarrierReport, createBarrierReport, eraseExpiredReportContacts, getBarrierReport } from "~/modules/accessibility/accessibility.server";
import { CONTACT_RETENTION_DAYS } from "~/modules/accessibility/reports";
import { generateKeySpec, parseKeyRing } from "~/modules/privacy/contact-crypto.server";
import { reencryptAll } from "~/modules/privacy/key-rotation.server";
import { resetKeyRing } from "~/modules/privacy/keys.server";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";
import { projectRoot } from "../support/server";

const DAY = 86_400_000;

describe.each(engines)("key rotation of barrier reports on %s", (engine) => {
  let testDb: TestDatabase;
  let h: DatabaseHandle;
  let orgId: number;
  let sequence = 0;
  const report = (contact: { email?: string; phone?: string }, now = new Date()) =>
    createBarrierReport(h.db, {
      organisationId: orgId,
      input: { page: "Startseite", description: "Der Kontrast der Links ist zu gering.", email: contact.email ?? "", phone: contact.phone ?? "" },
      token: `rotation-${engine}-${++sequence}-abcdefgh`,
      language: "de",
      clientKey: `rotation-client-${sequence}`,
      now,
    });
  const rowOf = (reference: string) => h.db.selectFrom("barrier_reports").selectAll().where("reference", "=", reference).executeTakeFirstOrThrow();

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    h = openDatabase(testDb.url);
    await migrateToLatest(h.db);
    await seedDemoIfEmpty(h.db);
    orgId = (await h.db.selectFrom("organisations").select("id").where("slug", "=", "musterstadt").executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => {
    await h?.close();
    await testDb?.drop();
  });

  it("re-encrypts every report's contact data with the new key; the old key can then go", async () => {
    const both = await report({ email: "rotation@example.org", phone: "0511 987654" });
    const phoneOnly = await report({ phone: "05121 2222" });
    const none = await report({});
    // a report closed long ago whose contact data the job has erased
    const old = await report({ email: "weg@example.org" }, new Date(Date.now() - (CONTACT_RETENTION_DAYS + 40) * DAY));
    const oldId = (await rowOf(old.reference)).id;
    const at = new Date().toISOString();
    const admin = await h.db
      .insertInto("accounts")
      .values({ organisation_id: orgId, email: `rotation-${engine}@musterstadt.example`, display_name: "R", password_hash: null, password_changed_at: null, totp_secret: null, totp_last_step: null, created_at: at, updated_at: at })
      .returning("id")
      .executeTakeFirstOrThrow();
    await closeBarrierReport(h.db, { organisationId: orgId, id: oldId, accountId: admin.id, now: new Date(Date.now() - (CONTACT_RETENTION_DAYS + 2) * DAY) });
    await eraseExpiredReportContacts(h.db, new Date());
    expect((await rowOf(old.reference)).contact_email).toBeNull();

    const oldSpec = process.env.CONTACT_DATA_KEYS!;
    const newSpec = generateKeySpec("rotated");
    try {
      // the operator's command, as run in production
      const cli = spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/rotate-keys.ts"], {
        cwd: projectRoot,
        env: { ...process.env, DATABASE_URL: testDb.url, CONTACT_DATA_KEYS: `${newSpec},${oldSpec}` },
        encoding: "utf8",
      });
      expect(cli.stderr).toBe("");
      expect(cli.status).toBe(0);
      expect(cli.stdout).toMatch(/Re-encrypted with key "rotated": .*\b2 barrier reports, /);

      const b = await rowOf(both.reference);
      expect(b.contact_email).toMatch(/^v1\.rotated\./);
      expect(b.contact_phone).toMatch(/^v1\.rotated\./);
      expect((await rowOf(phoneOnly.reference)).contact_phone).toMatch(/^v1\.rotated\./);
      expect((await rowOf(phoneOnly.reference)).contact_email).toBeNull();
      expect((await rowOf(none.reference)).contact_email).toBeNull();
      expect((await rowOf(old.reference)).contact_email).toBeNull();

      // only the new key left: the admin still reads the contact data
      process.env.CONTACT_DATA_KEYS = newSpec;
      resetKeyRing();
      const opened = await getBarrierReport(h.db, orgId, b.id, { reveal: true });
      expect(opened.contact).toEqual({ email: "rotation@example.org", phone: "0511 987654" });
      expect((await getBarrierReport(h.db, orgId, (await rowOf(phoneOnly.reference)).id, { reveal: true })).contact).toEqual({ email: null, phone: "05121 2222" });

      // nothing left to do the second time
      expect((await reencryptAll(h.db, parseKeyRing(newSpec))).barrierReports).toBe(0);
    } finally {
      // back under the test key for the other tests and engines
      await reencryptAll(h.db, parseKeyRing(`${oldSpec},${newSpec}`));
      process.env.CONTACT_DATA_KEYS = oldSpec;
      resetKeyRing();
    }
    expect((await getBarrierReport(h.db, orgId, (await rowOf(both.reference)).id, { reveal: true })).contact.email).toBe("rotation@example.org");
  });
});
