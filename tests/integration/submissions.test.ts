/**
 * The data layer against real databases: SQLite always, PostgreSQL when TEST_DATABASE_URL is set.
 * The same suite runs on both.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { seedDemoIfEmpty } from "#db/seed";
import { HttpError } from "~/modules/http/errors";
import { findOrganisationBySlug } from "~/modules/organisations/organisations.server";
import { findPublicProcedure, listPublicProcedures } from "~/modules/procedures/procedures.server";
import type { Procedure } from "~/modules/procedures/procedure";
import { readDraft, saveDraft, submitDraft } from "~/modules/submissions/drafts.server";
import { openContactDetails } from "~/modules/privacy/contact-data.server";
import { encryptField } from "~/modules/privacy/contact-crypto.server";
import { getKeyRing } from "~/modules/privacy/keys.server";
import { readPrivacyLog } from "~/modules/privacy-log/privacy-log.server";
import { parseReceiptCode } from "~/modules/submissions/receipt-code";
import { countSubmissions, findSubmissionByReceiptCode } from "~/modules/submissions/submissions.server";
import { validateSubmission, type SubmissionInput } from "~/modules/submissions/validation";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";

describe.each(engines)("submissions on %s", (engine) => {
  let testDb: TestDatabase;
  let handle: DatabaseHandle;
  let organisationId: number;
  let consultation: Procedure;
  let closed: Procedure;

  const validInput = (): SubmissionInput => {
    const q = consultation.questions;
    const r = validateSubmission(
      consultation,
      new Map([
        [`q${q[0].id}`, ["Mehr Radwege am Bahnhof, bitte."]],
        [`q${q[2].id}`, ["bike"]],
        [`q${q[3].id}`, ["safety", "lighting"]],
        [`q${q[4].id}`, ["4"]],
        ["contact_name", ["Anna Beispiel"]],
        ["contact_email", ["anna@example.org"]],
      ]),
    );
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r.input;
  };

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    handle = openDatabase(testDb.url);
    expect(handle.engine).toBe(engine);
    await migrateToLatest(handle.db);
    await migrateToLatest(handle.db); // running twice changes nothing
    expect(await seedDemoIfEmpty(handle.db)).toBe(true);
    expect(await seedDemoIfEmpty(handle.db)).toBe(false);
    const org = await findOrganisationBySlug(handle.db, "musterstadt");
    organisationId = org!.id;
    consultation = (await findPublicProcedure(handle.db, organisationId, "radverkehrsplan-2030"))!;
    closed = (await findPublicProcedure(handle.db, organisationId, "marktplatz"))!;
  });

  afterAll(async () => {
    await handle?.close();
    await testDb?.drop();
  });

  it("lists open procedures first (closing soonest first), then closed ones", async () => {
    const list = await listPublicProcedures(handle.db, organisationId);
    expect(list.open.map((p) => p.slug)).toEqual(["buergerhaushalt-2027", "radverkehrsplan-2030"]);
    expect(list.closed.map((p) => p.slug)).toEqual(["marktplatz"]);
  });

  it("loads a procedure with its questions in order and its contact block", async () => {
    expect(consultation.questions.map((q) => q.kind)).toEqual([
      "long_text",
      "short_text",
      "single_choice",
      "multiple_choice",
      "scale",
      "yes_no",
    ]);
    expect(consultation.contactFields.map((c) => `${c.key}:${c.mode}`)).toEqual(["name:optional", "address:optional", "email:optional"]);
    expect(await findPublicProcedure(handle.db, organisationId, "gibt-es-nicht")).toBeUndefined();
    expect(await findPublicProcedure(handle.db, organisationId, "../../etc")).toBeUndefined();
  });

  it("stores a submission with answers apart from contact data, found again by its receipt code", async () => {
    const draftId = await saveDraft(handle.db, { draftId: null, procedureId: consultation.id, input: validInput(), language: "de" });
    const { receiptCode, submissionId } = await submitDraft(handle.db, { draftId, procedure: consultation });
    expect(parseReceiptCode(receiptCode)).toBe(receiptCode);

    const stored = await findSubmissionByReceiptCode(handle.db, receiptCode);
    expect(stored).toMatchObject({ id: submissionId, channel: "online", state: "received", notice_version: "2026-11-01", language: "de" });
    // the code itself is not stored, only its hash
    const raw = JSON.stringify(await handle.db.selectFrom("submissions").selectAll().where("id", "=", submissionId).execute());
    expect(raw).not.toContain(receiptCode);

    const answers = await handle.db.selectFrom("answers").select(["question_id", "value"]).where("submission_id", "=", submissionId).orderBy("id").execute();
    expect(answers.map((a) => a.value)).toEqual(["Mehr Radwege am Bahnhof, bitte.", "bike", "safety", "lighting", "4"]);
    expect(JSON.stringify(answers)).not.toContain("anna@example.org");
    // contact data are ciphertext at rest, readable only through openContactDetails, which logs the access
    const contact = await handle.db.selectFrom("contact_details").selectAll().where("submission_id", "=", submissionId).executeTakeFirstOrThrow();
    expect(contact.name).toMatch(/^v1\./);
    expect(JSON.stringify(contact)).not.toMatch(/Anna|example\.org/);
    expect(contact.postal_address).toBeNull();
    const opened = await handle.db.transaction().execute((trx) =>
      openContactDetails(trx, { organisationId, submissionId }, { role: "moderator", accountId: 7 }, { purpose: "reply", legalBasis: "Art. 6" }),
    );
    expect(opened?.contact).toEqual({ name: "Anna Beispiel", email: "anna@example.org" });
    const log = await readPrivacyLog(handle.db, submissionId);
    expect(log.events.map((e) => e.type)).toEqual(["received", "notice_shown", "personal_data_stored", "consent_refused", "personal_data_opened"]);
    expect(log.events[4]).toMatchObject({ actorRole: "moderator", categories: ["name", "email"] });
    expect(log.check.intact).toBe(true);

    // once submitted, the draft holds no answers any more
    const draft = await handle.db.selectFrom("submission_drafts").selectAll().where("id", "=", draftId).executeTakeFirstOrThrow();
    expect(draft.payload_json).toBeNull();
    expect(draft.submission_id).toBe(submissionId);
  });

  it("creates one submission however often the same draft is sent, also all at once", async () => {
    const before = await countSubmissions(handle.db, consultation.id);
    const draftId = await saveDraft(handle.db, { draftId: null, procedureId: consultation.id, input: validInput(), language: "en" });
    const results = await Promise.all(Array.from({ length: 8 }, () => submitDraft(handle.db, { draftId, procedure: consultation })));
    const again = await submitDraft(handle.db, { draftId, procedure: consultation });
    expect(new Set([...results, again].map((r) => r.receiptCode)).size).toBe(1);
    expect(new Set([...results, again].map((r) => r.submissionId)).size).toBe(1);
    expect(await countSubmissions(handle.db, consultation.id)).toBe(before + 1);
  });

  // Two app instances on one PostgreSQL. (Two SQLite connections in one thread would block each
  // other synchronously; SQLite across processes is covered by the server tests.)
  if (engine === "postgres") it("also holds when two app instances (two connection pools) race for the same draft", async () => {
    const other = openDatabase(testDb.url);
    try {
      const before = await countSubmissions(handle.db, consultation.id);
      const draftId = await saveDraft(handle.db, { draftId: null, procedureId: consultation.id, input: validInput(), language: "de" });
      const results = await Promise.all([
        submitDraft(handle.db, { draftId, procedure: consultation }),
        submitDraft(other.db, { draftId, procedure: consultation }),
        submitDraft(handle.db, { draftId, procedure: consultation }),
        submitDraft(other.db, { draftId, procedure: consultation }),
      ]);
      expect(new Set(results.map((r) => r.receiptCode)).size).toBe(1);
      expect(await countSubmissions(handle.db, consultation.id)).toBe(before + 1);
    } finally {
      await other.close();
    }
  });

  it("updates a draft in place when answers change before sending", async () => {
    const first = await saveDraft(handle.db, { draftId: null, procedureId: consultation.id, input: validInput(), language: "de" });
    const changed = { ...validInput(), contact: {} };
    const second = await saveDraft(handle.db, { draftId: first, procedureId: consultation.id, input: changed, language: "de" });
    expect(second).toBe(first);
    const state = await readDraft(handle.db, first, consultation.id);
    expect(state.state === "pending" && state.input.contact).toEqual({});
    // a draft belongs to its procedure only
    expect((await readDraft(handle.db, first, closed.id)).state).toBe("missing");
  });

  it("reads a draft as stored when another instance changed it after this one sealed it (decision 68)", async () => {
    const draftId = await saveDraft(handle.db, { draftId: null, procedureId: consultation.id, input: validInput(), language: "de" });
    // another instance (or a key rotation) writes the draft anew: this process did not seal what is stored now
    const changed = { ...validInput(), contact: { email: "anders@example.org" } };
    const sealed = encryptField(getKeyRing(), JSON.stringify(changed), `submission_drafts:${draftId}`);
    await handle.db.updateTable("submission_drafts").set({ payload_json: sealed }).where("id", "=", draftId).execute();
    const state = await readDraft(handle.db, draftId, consultation.id);
    expect(state.state === "pending" && state.input.contact).toEqual({ email: "anders@example.org" });
    const { submissionId } = await submitDraft(handle.db, { draftId, procedure: consultation });
    // the submission stores what was stored in the draft, not what this process once sealed
    const opened = await handle.db.transaction().execute((trx) =>
      openContactDetails(trx, { organisationId, submissionId }, { role: "moderator", accountId: 7 }, { purpose: "reply", legalBasis: "Art. 6" }),
    );
    expect(opened?.contact).toEqual({ email: "anders@example.org" });
  });

  it("gives a new draft the id the server made for it, never one a browser sent", async () => {
    const made = "0000000000aaServerMadeKeyForTest";
    expect(await saveDraft(handle.db, { draftId: null, newId: made + engine, procedureId: consultation.id, input: validInput(), language: "de" })).toBe(made + engine);
    // a stale id from a cookie: a fresh id, neither the cookie's nor the offered one
    const fresh = await saveDraft(handle.db, { draftId: "0000000000aaStaleCookieDraftId", newId: "0000000000aaOfferedButNotUsed", procedureId: consultation.id, input: validInput(), language: "de" });
    expect(fresh).not.toBe("0000000000aaStaleCookieDraftId");
    expect(fresh).not.toBe("0000000000aaOfferedButNotUsed");
  });

  it("forgets drafts after 24 hours", async () => {
    const now = new Date();
    const draftId = await saveDraft(handle.db, { draftId: null, procedureId: consultation.id, input: validInput(), language: "de", now });
    const tomorrow = new Date(now.getTime() + 25 * 60 * 60 * 1000);
    expect((await readDraft(handle.db, draftId, consultation.id, tomorrow)).state).toBe("missing");
    await expect(submitDraft(handle.db, { draftId, procedure: consultation, now: tomorrow })).rejects.toMatchObject({ status: 404, reason: "draft_missing" });
    // the next draft saved removes expired ones, with their personal data
    await saveDraft(handle.db, { draftId: null, procedureId: consultation.id, input: validInput(), language: "de", now: tomorrow });
    expect(await handle.db.selectFrom("submission_drafts").select("id").where("id", "=", draftId).executeTakeFirst()).toBeUndefined();
  });

  it("refuses submissions to a closed procedure and stores nothing", async () => {
    const before = await countSubmissions(handle.db, closed.id);
    const input = validateSubmission(closed, new Map([[`q${closed.questions[0].id}`, ["Eine Idee"]]]));
    if (!input.ok) throw new Error("expected valid");
    const draftId = await saveDraft(handle.db, { draftId: null, procedureId: closed.id, input: input.input, language: "de" });
    const error = await submitDraft(handle.db, { draftId, procedure: closed }).catch((e) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 403, reason: "procedure_closed" });
    expect(await countSubmissions(handle.db, closed.id)).toBe(before);
  });
});
