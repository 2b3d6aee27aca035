/**
 * How a submission is written, on SQLite and PostgreSQL: the unique indexes (not look-ups before
 * the insert) keep one submission per idempotency key and one per receipt code, and the first
 * privacy-log events go in together — exactly the rows single appends would have written.
 */
import type { Transaction } from "kysely";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { isUniqueViolation, openDatabase, type DatabaseHandle } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import type { Database } from "#db/schema";
import { seedDemoIfEmpty } from "#db/seed";
import { findOrganisationBySlug } from "~/modules/organisations/organisations.server";
import { findPublicProcedure } from "~/modules/procedures/procedures.server";
import type { Procedure } from "~/modules/procedures/procedure";
import type { NewPrivacyEvent } from "~/modules/privacy-log/events";
import { appendPrivacyEvent, appendPrivacyEvents, readPrivacyLog, verifyAllChains } from "~/modules/privacy-log/privacy-log.server";
import { saveDraft, submitDraft } from "~/modules/submissions/drafts.server";
import { generateReceiptCode } from "~/modules/submissions/receipt-code";
import { createSubmission, findSubmissionByReceiptCode, type NewSubmissionInput } from "~/modules/submissions/submissions.server";
import { validateSubmission, type SubmissionInput } from "~/modules/submissions/validation";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";

// receipt codes the next submissions draw, to make one come up twice (60 random bits never would)
const drawn = vi.hoisted(() => ({ next: [] as string[] }));
vi.mock("~/modules/submissions/receipt-code", async (importOriginal) => {
  const actual = await importOriginal<typeof import("~/modules/submissions/receipt-code")>();
  return { ...actual, generateReceiptCode: () => drawn.next.shift() ?? actual.generateReceiptCode() };
});

let sequence = 0;

describe.each(engines)("writing submissions on %s", (engine) => {
  let testDb: TestDatabase;
  let h: DatabaseHandle;
  let consultation: Procedure;

  const input = (text: string, contact: SubmissionInput["contact"] = {}, consentResults?: boolean): SubmissionInput => {
    const q = consultation.questions;
    const r = validateSubmission(consultation, new Map([[`q${q[0].id}`, [text]], [`q${q[2].id}`, ["bike"]], [`q${q[4].id}`, ["3"]]]));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return { ...r.input, contact, consentResults };
  };
  const submission = (over: Partial<NewSubmissionInput> = {}): NewSubmissionInput => ({
    procedure: consultation,
    input: input("Ein Beitrag"),
    channel: "online",
    language: "de",
    idempotencyKey: `writes-${engine}-${++sequence}`,
    ...over,
  });
  const count = async () => Number((await h.db.selectFrom("submissions").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    h = openDatabase(testDb.url);
    await migrateToLatest(h.db);
    await seedDemoIfEmpty(h.db);
    const org = await findOrganisationBySlug(h.db, "musterstadt");
    consultation = (await findPublicProcedure(h.db, org!.id, "radverkehrsplan-2030"))!;
  });
  afterAll(async () => {
    await h?.close();
    await testDb?.drop();
  });

  it("gives a resident a fresh receipt code when the one drawn was given before; the first keeps its own", async () => {
    const code = generateReceiptCode();
    drawn.next = [code];
    const send = async (text: string) =>
      submitDraft(h.db, { draftId: await saveDraft(h.db, { draftId: null, procedureId: consultation.id, input: input(text), language: "de" }), procedure: consultation });
    const first = await send("Erster");
    expect(first.receiptCode).toBe(code);
    drawn.next = [code];
    const second = await send("Zweiter");
    expect(second.receiptCode).not.toBe(code);
    expect(second.submissionId).not.toBe(first.submissionId);
    // each code opens its own submission, with its own complete log
    expect((await findSubmissionByReceiptCode(h.db, first.receiptCode))?.id).toBe(first.submissionId);
    expect((await findSubmissionByReceiptCode(h.db, second.receiptCode))?.id).toBe(second.submissionId);
    for (const s of [first, second]) expect((await readPrivacyLog(h.db, s.submissionId)).check).toEqual({ intact: true, events: 2 });
  });

  it("answers the same idempotency key with the first submission, in the same transaction or a later one", async () => {
    const before = await count();
    const s = submission();
    const [a, b] = await h.db.transaction().execute(async (trx) => [await createSubmission(trx, s), await createSubmission(trx, s)]);
    const c = await h.db.transaction().execute((trx) => createSubmission(trx, { ...s, input: input("Anders") }));
    expect(a.created).toBe(true);
    expect(b).toEqual({ created: false, submissionId: a.submissionId });
    expect(c).toEqual({ created: false, submissionId: a.submissionId });
    expect(await count()).toBe(before + 1);
    expect((await readPrivacyLog(h.db, a.submissionId)).events.map((e) => e.type)).toEqual(["received", "notice_shown"]);
  });

  it("still refuses the same paper reference twice in a procedure with a unique violation (the desk reports it)", async () => {
    await h.db.transaction().execute((trx) => createSubmission(trx, submission({ channel: "paper", sourceReference: `P-${engine}-1` })));
    const before = await count();
    const error = await h.db
      .transaction()
      .execute((trx) => createSubmission(trx, submission({ channel: "paper", sourceReference: `P-${engine}-1` })))
      .catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
    expect(await count()).toBe(before);
  });

  it("stores the consent answer with the submission, and none without contact data", async () => {
    const consentOf = async (i: SubmissionInput) => {
      const r = await h.db.transaction().execute((trx) => createSubmission(trx, submission({ input: i })));
      const row = await h.db.selectFrom("submissions").select("consent_results_notification").where("id", "=", r.submissionId).executeTakeFirstOrThrow();
      return { consent: row.consent_results_notification, log: (await readPrivacyLog(h.db, r.submissionId)).events.map((e) => e.type) };
    };
    expect(await consentOf(input("Ja", { email: "ja@example.org" }, true))).toEqual({ consent: 1, log: ["received", "notice_shown", "personal_data_stored", "consent_given"] });
    expect(await consentOf(input("Nein", { email: "nein@example.org" }, false))).toEqual({ consent: 0, log: ["received", "notice_shown", "personal_data_stored", "consent_refused"] });
    expect(await consentOf(input("Anonym", {}, true))).toEqual({ consent: null, log: ["received", "notice_shown"] });
  });

  it("appends several events to an existing chain as exactly the rows single appends write", async () => {
    const { submissionId } = await h.db.transaction().execute((trx) => createSubmission(trx, submission({ input: input("Kette", { name: "Anna Beispiel" }) })));
    const target = { organisationId: consultation.organisationId, submissionId };
    const at = new Date("2026-12-01T10:00:00.000Z");
    const events: NewPrivacyEvent[] = [
      { type: "personal_data_opened", actorRole: "moderator", actorAccountId: 7, categories: ["name"], purpose: "reply", legalBasis: "Art. 6", occurredAt: at },
      { type: "published", actorRole: "moderator", actorAccountId: 7, categories: ["content"], purpose: "publication", legalBasis: "Art. 6", details: { redacted: true, version: 2 }, occurredAt: at },
      { type: "response_given", actorRole: "moderator", categories: ["content"], purpose: "reply", legalBasis: "Art. 6", occurredAt: at },
    ];
    const columns = ["seq", "occurred_at", "type", "actor_role", "actor_account_id", "data_categories", "purpose", "legal_basis", "details_json", "prev_hash", "hash"] as const;
    const rows = (db: typeof h.db | Transaction<Database> = h.db) => db.selectFrom("privacy_events").select(columns).where("submission_id", "=", submissionId).orderBy("seq").execute();
    class Undo extends Error {}
    let single: Awaited<ReturnType<typeof rows>> = [];
    await h.db
      .transaction()
      .execute(async (trx) => {
        for (const e of events) await appendPrivacyEvent(trx, target, e);
        single = await rows(trx);
        throw new Undo();
      })
      .catch((e) => {
        if (!(e instanceof Undo)) throw e;
      });
    expect(await rows()).toHaveLength(3);
    const returned = await h.db.transaction().execute((trx) => appendPrivacyEvents(trx, target, events));
    expect(await rows()).toEqual(single);
    expect(returned.map((e) => [e.seq, e.type])).toEqual([[4, "personal_data_opened"], [5, "published"], [6, "response_given"]]);
    // and the chain goes on from there
    await h.db.transaction().execute((trx) => appendPrivacyEvents(trx, target, [events[2], events[2]]));
    expect((await readPrivacyLog(h.db, submissionId)).check).toEqual({ intact: true, events: 8 });
    expect((await verifyAllChains(h.db)).broken).toEqual([]);
  });
});
