/**
 * Issue 13, stored secrets (SQLite, and PostgreSQL when TEST_DATABASE_URL is set):
 * - key rotation covers every encrypted value: after rotating and removing the old key, a staff
 *   member signs in with TOTP, contact data, drafts and receipt codes still open, every chain holds;
 * - two keys made on one day never share an id;
 * - receipt codes are stored keyed (not a plain SHA-256 anyone can search) and never in plain text,
 *   also not in the draft that shows the confirmation page;
 * - the jobs remove expired rate-limit rows.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { seedDemoIfEmpty } from "#db/seed";
import { checkTotp, createAccount } from "~/modules/accounts/accounts.server";
import { totpCode } from "~/modules/accounts/totp.server";
import { runJobs } from "~/modules/jobs/jobs.server";
import { verifyAllChains } from "~/modules/privacy-log/privacy-log.server";
import { generateKeySpec, parseKeyRing } from "~/modules/privacy/contact-crypto.server";
import { openContactDetails } from "~/modules/privacy/contact-data.server";
import { reencryptAll } from "~/modules/privacy/key-rotation.server";
import { getKeyRing, resetKeyRing } from "~/modules/privacy/keys.server";
import { lookupByReceiptCode } from "~/modules/privacy/rights.server";
import { findPublicProcedure } from "~/modules/procedures/procedures.server";
import type { Procedure } from "~/modules/procedures/procedure";
import { readDraft, saveDraft, submitDraft } from "~/modules/submissions/drafts.server";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";

const SECRET = "JBSWY3DPEHPK3PXP";
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

describe.each(engines)("stored secrets on %s", (engine) => {
  let testDb: TestDatabase;
  let h: DatabaseHandle;
  let orgId: number;
  let consultation: Procedure;
  let sequence = 0;

  async function sendOnline(contact = { name: "Rita Rotation", email: "rita@example.org" }) {
    const q = consultation.questions[0];
    const draftId = await saveDraft(h.db, {
      draftId: null,
      procedureId: consultation.id,
      input: { answers: [{ questionId: q.id, values: [`Beitrag ${engine} ${++sequence}`] }, { questionId: consultation.questions[2].id, values: ["bike"] }, { questionId: consultation.questions[4].id, values: ["4"] }], contact },
      language: "de",
    });
    const sent = await submitDraft(h.db, { draftId, procedure: consultation });
    return { draftId, ...sent };
  }

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    h = openDatabase(testDb.url);
    await migrateToLatest(h.db);
    await seedDemoIfEmpty(h.db);
    orgId = (await h.db.selectFrom("organisations").select("id").executeTakeFirstOrThrow()).id;
    consultation = (await findPublicProcedure(h.db, orgId, "radverkehrsplan-2030"))!;
  });
  afterAll(async () => {
    resetKeyRing();
    await h?.close();
    await testDb?.drop();
  });

  it("gives two keys made on the same day different ids", () => {
    const day = [generateKeySpec(), generateKeySpec()].map((spec) => spec.split(":")[0]);
    expect(day[0]).not.toBe(day[1]);
    // both in one ring: no "key id appears more than once"
    expect(() => parseKeyRing(`${generateKeySpec()},${generateKeySpec()}`)).not.toThrow();
  });

  it("stores a receipt code keyed, never as its plain SHA-256 or in plain text (also not in the confirmation's draft)", async () => {
    const { draftId, receiptCode, submissionId } = await sendOnline();
    const row = await h.db.selectFrom("submissions").select("receipt_code_hash").where("id", "=", submissionId).executeTakeFirstOrThrow();
    expect(row.receipt_code_hash).not.toBe(sha256(receiptCode));
    expect(row.receipt_code_hash).not.toContain(receiptCode);
    // whoever has only the database cannot find the submission by trying codes
    expect(await h.db.selectFrom("submissions").select("id").where("receipt_code_hash", "=", sha256(receiptCode)).executeTakeFirst()).toBeUndefined();
    const draft = await h.db.selectFrom("submission_drafts").select("receipt_code").where("id", "=", draftId).executeTakeFirstOrThrow();
    expect(draft.receipt_code).not.toBeNull();
    expect(draft.receipt_code).not.toContain(receiptCode);
    // the confirmation page still shows it, and the code still finds the submission
    expect(await readDraft(h.db, draftId, consultation.id)).toMatchObject({ state: "submitted", receiptCode });
    expect(await lookupByReceiptCode(h.db, { organisationId: orgId, code: receiptCode, clientKey: `storage-${engine}-1` })).toBe(submissionId);
  });

  it("rotates every encrypted value: with only the new key, TOTP sign-in, contact data, drafts and receipt codes work and every chain holds", async () => {
    const account = await createAccount(h.db, { organisationId: orgId, email: `rotation-totp-${engine}@musterstadt.example`, displayName: "R", roles: ["admin"], totpSecret: SECRET });
    const sent = await sendOnline({ name: "Karl Key", email: "karl@example.org" });
    const q = consultation.questions[0];
    const pending = await saveDraft(h.db, { draftId: null, procedureId: consultation.id, input: { answers: [{ questionId: q.id, values: ["noch nicht gesendet"] }], contact: { email: "draft@example.org" } }, language: "de" });
    // a second factor being set up in a half-signed-in session
    const at = new Date().toISOString();
    await h.db
      .insertInto("staff_sessions")
      .values({ id_hash: `rotation-${engine}`, account_id: account.id, organisation_id: orgId, csrf_token: "x", second_factor_done: 0, created_at: at, last_seen_at: at, expires_at: at, client_address: "x", pending_totp_secret: null, may_enrol: 1 })
      .execute();
    const { pendingTotpSecret } = await import("~/modules/accounts/second-factor.server");
    const pendingSecret = await pendingTotpSecret(h.db, { id_hash: `rotation-${engine}`, pending_totp_secret: null });

    const oldSpec = process.env.CONTACT_DATA_KEYS!;
    // the day's second key: a fresh id, not the one the first key got
    const newSpec = generateKeySpec();
    try {
      process.env.CONTACT_DATA_KEYS = `${newSpec},${oldSpec}`;
      resetKeyRing();
      const result = await reencryptAll(h.db, getKeyRing());
      expect(result.totpSecrets).toBeGreaterThanOrEqual(2);
      expect(result.serverKeys).toBe(1);
      expect(result.draftCodes).toBeGreaterThanOrEqual(1);

      // the old key removed, as the README's last step says
      process.env.CONTACT_DATA_KEYS = newSpec;
      resetKeyRing();
      expect(await checkTotp(h.db, account.id, totpCode(SECRET))).toBe(true);
      const session = await h.db.selectFrom("staff_sessions").select(["id_hash", "pending_totp_secret"]).where("id_hash", "=", `rotation-${engine}`).executeTakeFirstOrThrow();
      expect(await pendingTotpSecret(h.db, session)).toBe(pendingSecret);
      const opened = await h.db
        .transaction()
        .execute((trx) => openContactDetails(trx, { organisationId: orgId, submissionId: sent.submissionId }, { role: "resident" }, { purpose: "data_rights", legalBasis: "Art. 15 DSGVO" }));
      expect(opened?.contact).toMatchObject({ name: "Karl Key", email: "karl@example.org" });
      expect(await readDraft(h.db, pending, consultation.id)).toMatchObject({ state: "pending", input: { contact: { email: "draft@example.org" } } });
      expect(await readDraft(h.db, sent.draftId, consultation.id)).toMatchObject({ state: "submitted", receiptCode: sent.receiptCode });
      expect(await lookupByReceiptCode(h.db, { organisationId: orgId, code: sent.receiptCode, clientKey: `storage-${engine}-2` })).toBe(sent.submissionId);
      const chains = await verifyAllChains(h.db);
      expect(chains.checked).toBeGreaterThan(1);
      expect(chains.broken).toEqual([]);
      // nothing is left sealed with the old key
      const oldId = oldSpec.split(":")[0];
      const sealed = [
        ...(await h.db.selectFrom("accounts").select("totp_secret as v").execute()),
        ...(await h.db.selectFrom("staff_sessions").select("pending_totp_secret as v").execute()),
        ...(await h.db.selectFrom("server_keys").select("sealed as v").execute()),
        ...(await h.db.selectFrom("submission_drafts").select("receipt_code as v").execute()),
        ...(await h.db.selectFrom("submission_drafts").select("payload_json as v").execute()),
        ...(await h.db.selectFrom("contact_details").select("email as v").execute()),
      ].map((r) => r.v ?? "");
      expect(sealed.filter((v) => v.startsWith(`v1.${oldId}.`))).toEqual([]);
    } finally {
      process.env.CONTACT_DATA_KEYS = oldSpec;
      resetKeyRing();
    }
  });

  it("removes rate-limit rows no limit can use any more when the jobs run", async () => {
    const old = new Date(Date.now() - 3 * 86_400_000).toISOString();
    await h.db.insertInto("rate_limits").values([
      { key: `purge-old-${engine}`, window_start: old, count: 3 },
      { key: `purge-fresh-${engine}`, window_start: new Date().toISOString(), count: 1 },
    ]).execute();
    await h.db.deleteFrom("job_leases").execute();
    await runJobs(h.db);
    const keys = (await h.db.selectFrom("rate_limits").select("key").where("key", "like", `purge-%-${engine}`).execute()).map((r) => r.key);
    expect(keys).toEqual([`purge-fresh-${engine}`]);
  });
});
