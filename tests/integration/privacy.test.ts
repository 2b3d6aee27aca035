/**
 * The privacy log, data rights and retention against real databases (SQLite, and PostgreSQL when
 * TEST_DATABASE_URL is set).
 */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { seedDemoIfEmpty } from "#db/seed";
import { HttpError } from "~/modules/http/errors";
import { runJobs } from "~/modules/jobs/jobs.server";
import { PRIVACY_EVENT_TYPES } from "~/modules/privacy-log/events";
import { appendPrivacyEvent, readPrivacyLog, verifyAllChains } from "~/modules/privacy-log/privacy-log.server";
import { generateKeySpec, parseKeyRing } from "~/modules/privacy/contact-crypto.server";
import { openContactDetails } from "~/modules/privacy/contact-data.server";
import { reencryptAll } from "~/modules/privacy/key-rotation.server";
import { getKeyRing, resetKeyRing } from "~/modules/privacy/keys.server";
import { countOverdue, runRetention } from "~/modules/privacy/retention.server";
import { describeSubmission, exportSubmission, lookupByReceiptCode, requestErasure, withdrawSubmission } from "~/modules/privacy/rights.server";
import { findPublicProcedure } from "~/modules/procedures/procedures.server";
import type { Procedure } from "~/modules/procedures/procedure";
import { createSubmission } from "~/modules/submissions/submissions.server";
import { formatReceiptCode } from "~/modules/submissions/receipt-code";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";
import { projectRoot } from "../support/server";

const YEAR = 365 * 86400_000;
let sequence = 0;

describe.each(engines)("privacy on %s", (engine) => {
  let testDb: TestDatabase;
  let h: DatabaseHandle;
  let orgId: number;
  let consultation: Procedure;

  async function submit(procedure: Procedure, contact: Record<string, string> = { name: "Anna Beispiel", email: "anna@example.org" }, consentResults?: boolean) {
    const q = procedure.questions[0];
    const result = await h.db.transaction().execute((trx) =>
      createSubmission(trx, {
        procedure,
        input: { answers: [{ questionId: q.id, values: ["Ein Beitrag"] }], contact, consentResults },
        channel: "online",
        language: "de",
        idempotencyKey: `privacy-test-${engine}-${++sequence}`,
      }),
    );
    if (!result.created) throw new Error("expected a new submission");
    return result;
  }

  const eventTypes = async (submissionId: number) => (await readPrivacyLog(h.db, submissionId)).events.map((e) => e.type);

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    h = openDatabase(testDb.url);
    await migrateToLatest(h.db);
    await seedDemoIfEmpty(h.db);
    orgId = (await h.db.selectFrom("organisations").select("id").executeTakeFirstOrThrow()).id;
    consultation = (await findPublicProcedure(h.db, orgId, "radverkehrsplan-2030"))!;
  });
  afterAll(async () => {
    await h?.close();
    await testDb?.drop();
  });

  it("records receipt, notice, stored data and consent in the same transaction as the submission", async () => {
    const { submissionId } = await submit(consultation, { email: "anna@example.org" }, true);
    const log = await readPrivacyLog(h.db, submissionId);
    expect(log.events.map((e) => e.type)).toEqual(["received", "notice_shown", "personal_data_stored", "consent_given"]);
    expect(log.events[0]).toMatchObject({ actorRole: "resident", details: { channel: "online" }, categories: ["content"] });
    expect(log.events[1].details).toEqual({ version: "2026-11-01" });
    expect(log.events[2]).toMatchObject({ categories: ["email"], purpose: "reply", legalBasis: consultation.legalBasis });
    expect(log.events[3]).toMatchObject({ purpose: "results_notification", legalBasis: "Art. 6 Abs. 1 lit. a DSGVO" });
    expect(log.check).toEqual({ intact: true, events: 4 });
    const refused = await submit(consultation, { email: "b@example.org" }, false);
    expect(await eventTypes(refused.submissionId)).toContain("consent_refused");
    const anonymous = await submit(consultation, {});
    expect(await eventTypes(anonymous.submissionId)).toEqual(["received", "notice_shown"]);
  });

  it("leaves no event behind when the change it records fails", async () => {
    const before = Number((await h.db.selectFrom("privacy_events").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
    const { submissionId } = await submit(consultation);
    await expect(
      h.db.transaction().execute(async (trx) => {
        await appendPrivacyEvent(trx, { organisationId: orgId, submissionId }, { type: "published", actorRole: "moderator", categories: ["content"], purpose: "publication", legalBasis: "x" });
        throw new Error("the publication failed");
      }),
    ).rejects.toThrow("the publication failed");
    const after = Number((await h.db.selectFrom("privacy_events").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
    expect(after).toBe(before + 3); // only the submission's own three events
  });

  it("chains every event type and detects any change, removal or reordering", async () => {
    const { submissionId } = await submit(consultation);
    await h.db.transaction().execute(async (trx) => {
      for (const type of PRIVACY_EVENT_TYPES) {
        await appendPrivacyEvent(trx, { organisationId: orgId, submissionId }, { type, actorRole: "system", categories: ["content"], purpose: "participation", legalBasis: "Art. 6", details: { n: 1 } });
      }
    });
    const log = await readPrivacyLog(h.db, submissionId);
    expect(log.check).toEqual({ intact: true, events: 3 + PRIVACY_EVENT_TYPES.length });
    expect((await verifyAllChains(h.db)).broken).toEqual([]);

    // someone edits the database by hand
    const target = log.events[4];
    await h.db.updateTable("privacy_events").set({ details_json: '{"n":2}' }).where("submission_id", "=", submissionId).where("seq", "=", target.seq).execute();
    let verdict = await verifyAllChains(h.db);
    expect(verdict.broken).toEqual([{ subjectId: submissionId, check: expect.objectContaining({ intact: false, brokenAt: target.seq }) }]);
    expect((await describeSubmission(h.db, submissionId)).chainIntact).toBe(false);

    // the command-line check names it and fails
    if (engine === "sqlite") {
      const cli = spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/privacy-verify.ts"], {
        cwd: projectRoot,
        env: { ...process.env, DATABASE_URL: testDb.url },
        encoding: "utf8",
      });
      expect(cli.status).toBe(1);
      expect(cli.stderr).toContain(`BROKEN: submission ${submissionId}, event ${target.seq}`);
    }

    await h.db.updateTable("privacy_events").set({ details_json: '{"n":1}' }).where("submission_id", "=", submissionId).where("seq", "=", target.seq).execute();
    expect((await verifyAllChains(h.db)).broken).toEqual([]);
    await h.db.deleteFrom("privacy_events").where("submission_id", "=", submissionId).where("seq", "=", 5).execute();
    verdict = await verifyAllChains(h.db);
    expect(verdict.broken.map((b) => b.subjectId)).toEqual([submissionId]);
    // leave the database clean for the other tests
    await h.db.deleteFrom("privacy_events").where("submission_id", "=", submissionId).execute();
  });

  it("records every staff read of contact data; a resident's own views once per half hour", async () => {
    const { submissionId } = await submit(consultation);
    const target = { organisationId: orgId, submissionId };
    const why = { purpose: "reply" as const, legalBasis: "Art. 6" };
    await h.db.transaction().execute((trx) => openContactDetails(trx, target, { role: "staff", accountId: 3 }, why));
    await h.db.transaction().execute((trx) => openContactDetails(trx, target, { role: "staff", accountId: 3 }, why));
    const t0 = new Date();
    await describeSubmission(h.db, submissionId, t0);
    await describeSubmission(h.db, submissionId, new Date(t0.getTime() + 60_000));
    await describeSubmission(h.db, submissionId, new Date(t0.getTime() + 31 * 60_000));
    const opened = (await readPrivacyLog(h.db, submissionId)).events.filter((e) => e.type === "personal_data_opened");
    expect(opened.map((e) => e.actorRole)).toEqual(["staff", "staff", "resident", "resident"]);
    // the internal account is kept for audits, never in what the resident reads
    const row = await h.db.selectFrom("privacy_events").select("actor_account_id").where("submission_id", "=", submissionId).where("type", "=", "personal_data_opened").executeTakeFirstOrThrow();
    expect(row.actor_account_id).toBe(3);
    expect(JSON.stringify((await readPrivacyLog(h.db, submissionId)).events)).not.toContain("actor_account_id");
  });

  it("finds a submission by its receipt code only, the same way for wrong and malformed codes, and limits attempts", async () => {
    const { submissionId, receiptCode } = await submit(consultation);
    const look = (code: string, client = `client-${engine}-1`) => lookupByReceiptCode(h.db, { organisationId: orgId, code, clientKey: client });
    expect(await look(formatReceiptCode(receiptCode).toLowerCase())).toBe(submissionId);
    expect(await look(receiptCode.slice(0, 12) + (receiptCode[12] === "A" ? "B" : "A"))).toBeNull();
    expect(await look("nonsense")).toBeNull();
    expect(await lookupByReceiptCode(h.db, { organisationId: orgId + 999, code: receiptCode, clientKey: "x" })).toBeNull();
    for (let i = 0; i < 7; i++) await look("wrong"); // the 11th attempt in 15 minutes
    const error = await look(receiptCode).catch((e) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 429, reason: "too_many_attempts" });
    // another client is not affected
    expect(await look(receiptCode, `client-${engine}-2`)).toBe(submissionId);
  });

  it("exports everything held, unmasked, and records the export", async () => {
    const { submissionId } = await submit(consultation, { name: "Anna Beispiel", address: "Hauptstr. 1\n31134 Musterstadt", email: "anna@example.org" }, true);
    const exported = await exportSubmission(h.db, submissionId);
    expect(exported.personalData).toEqual({ name: "Anna Beispiel", address: "Hauptstr. 1\n31134 Musterstadt", email: "anna@example.org" });
    expect(exported.answers).toEqual([{ question: consultation.questions[0].label, answer: ["Ein Beitrag"] }]);
    expect(exported.consentToResultsNotification).toBe(true);
    expect(exported.privacyLog.at(-1)?.type).toBe("data_exported");
    expect(exported.privacyLogIntact).toBe(true);
    const overview = await describeSubmission(h.db, submissionId);
    expect(overview.personalData).toEqual([
      { key: "name", masked: "A*** B***" },
      { key: "address", masked: "H*** 1***, 3*** M***" },
      { key: "email", masked: "a***@example.org" },
    ]);
  });

  it("erases personal data at once where the law allows; the content stays", async () => {
    const { submissionId } = await submit(consultation);
    expect(await requestErasure(h.db, submissionId)).toEqual({ outcome: "deleted" });
    expect(await h.db.selectFrom("contact_details").selectAll().where("submission_id", "=", submissionId).executeTakeFirst()).toBeUndefined();
    expect(await h.db.selectFrom("answers").select("value").where("submission_id", "=", submissionId).execute()).toEqual([{ value: "Ein Beitrag" }]);
    const log = await readPrivacyLog(h.db, submissionId);
    expect(log.events.slice(-2).map((e) => [e.type, e.details.reason ?? null])).toEqual([
      ["erasure_requested", null],
      ["personal_data_deleted", "request"],
    ]);
    expect(log.check.intact).toBe(true);
    expect(await requestErasure(h.db, submissionId)).toEqual({ outcome: "nothing_to_delete" });
  });

  it("keeps personal data under a legal hold until the procedure is concluded, then erases them", async () => {
    await h.db.updateTable("procedures").set({ erasure_hold: 1, erasure_hold_reason: "§ 3 Abs. 2 BauGB" }).where("id", "=", consultation.id).execute();
    const held = (await findPublicProcedure(h.db, orgId, consultation.slug))!;
    const { submissionId } = await submit(held);
    expect(await requestErasure(h.db, submissionId)).toEqual({ outcome: "held", reason: "§ 3 Abs. 2 BauGB" });
    expect(await h.db.selectFrom("contact_details").select("submission_id").where("submission_id", "=", submissionId).executeTakeFirst()).toBeDefined();
    expect((await readPrivacyLog(h.db, submissionId)).events.at(-1)).toMatchObject({ type: "erasure_requested", details: { held: true } });
    await runRetention(h.db);
    expect(await h.db.selectFrom("contact_details").select("submission_id").where("submission_id", "=", submissionId).executeTakeFirst()).toBeDefined();

    await h.db.updateTable("procedures").set({ status: "results_published" }).where("id", "=", consultation.id).execute();
    const result = await runRetention(h.db);
    expect(result.deletedOnRequest).toBeGreaterThanOrEqual(1);
    expect(await h.db.selectFrom("contact_details").select("submission_id").where("submission_id", "=", submissionId).executeTakeFirst()).toBeUndefined();
    expect((await readPrivacyLog(h.db, submissionId)).events.at(-1)).toMatchObject({ type: "personal_data_deleted", actorRole: "system", details: { reason: "request" } });
    await h.db.updateTable("procedures").set({ status: "open", erasure_hold: 0, erasure_hold_reason: "" }).where("id", "=", consultation.id).execute();
  });

  it("withdraws a submission while the procedure is open: answers and personal data go, the log stays", async () => {
    const { submissionId } = await submit(consultation);
    await withdrawSubmission(h.db, submissionId);
    expect(await h.db.selectFrom("answers").select("id").where("submission_id", "=", submissionId).execute()).toEqual([]);
    expect(await h.db.selectFrom("contact_details").select("submission_id").where("submission_id", "=", submissionId).executeTakeFirst()).toBeUndefined();
    const overview = await describeSubmission(h.db, submissionId);
    expect(overview).toMatchObject({ withdrawn: true, state: "withdrawn", canWithdraw: false, chainIntact: true });
    expect(overview.events.map((e) => e.type).slice(-2)).toEqual(["submission_withdrawn", "personal_data_deleted"]);
    await expect(withdrawSubmission(h.db, submissionId)).rejects.toMatchObject({ status: 409 });
    const closed = (await findPublicProcedure(h.db, orgId, "marktplatz"))!;
    const late = await h.db.transaction().execute((trx) =>
      createSubmission(trx, { procedure: closed, input: { answers: [{ questionId: closed.questions[0].id, values: ["x"] }], contact: {} }, channel: "paper", language: "de", idempotencyKey: `late-${engine}` }),
    );
    await expect(withdrawSubmission(h.db, late.submissionId)).rejects.toMatchObject({ status: 409, reason: "withdraw_not_possible" });
    expect((await readPrivacyLog(h.db, late.submissionId)).events[0]).toMatchObject({ actorRole: "staff", details: { channel: "paper" } });
  });

  it("deletes everything due when the clock moves past the retention date: 0 overdue afterwards", async () => {
    for (let i = 0; i < 5; i++) await submit(consultation);
    const later = new Date(Date.now() + 2 * YEAR);
    expect(await countOverdue(h.db, later)).toBeGreaterThanOrEqual(5);
    expect(await countOverdue(h.db, new Date())).toBe(0);
    const result = await runRetention(h.db, later);
    expect(result.deletedByRetention).toBeGreaterThanOrEqual(5);
    expect(await countOverdue(h.db, later)).toBe(0);
    const deletions = await h.db.selectFrom("privacy_events").select("details_json").where("type", "=", "personal_data_deleted").where("actor_role", "=", "system").execute();
    expect(deletions.filter((d) => d.details_json.includes("retention")).length).toBe(result.deletedByRetention);
    expect((await verifyAllChains(h.db)).broken).toEqual([]);
  });

  it("runs a scheduled job on one instance at a time", async () => {
    const other = openDatabase(testDb.url);
    try {
      const now = new Date(Date.now() + 3 * YEAR);
      // two instances on the same schedule: one runs, the other finds the job taken
      const [a, b] = await Promise.all([runJobs(h.db, now), runJobs(other.db, now)]);
      expect([a.retention, b.retention].filter((r) => r === "skipped")).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it("re-encrypts every contact record when the key is rotated; the old key is then no longer needed", async () => {
    const { submissionId } = await submit(consultation, { name: "Rotation Test", phone: "0511 123456" });
    const oldSpec = process.env.CONTACT_DATA_KEYS!;
    const newSpec = generateKeySpec("rotated");
    try {
      const ring = parseKeyRing(`${newSpec},${oldSpec}`);
      const { contactRows } = await reencryptAll(h.db, ring);
      expect(contactRows).toBeGreaterThanOrEqual(1);
      const row = await h.db.selectFrom("contact_details").selectAll().where("submission_id", "=", submissionId).executeTakeFirstOrThrow();
      expect(row.name).toMatch(/^v1\.rotated\./);
      process.env.CONTACT_DATA_KEYS = newSpec; // the old key is gone
      resetKeyRing();
      const opened = await h.db.transaction().execute((trx) => openContactDetails(trx, { organisationId: orgId, submissionId }, { role: "admin" }, { purpose: "reply", legalBasis: "x" }));
      expect(opened?.contact).toEqual({ name: "Rotation Test", phone: "0511 123456" });
      expect(getKeyRing().current.id).toBe("rotated");
    } finally {
      process.env.CONTACT_DATA_KEYS = oldSpec;
      resetKeyRing();
      // put the database back under the test key for the other engines' runs
      await reencryptAll(h.db, parseKeyRing(`${oldSpec},${newSpec}`));
    }
  });
});
