/**
 * Group commit of drafts and submissions (SQLite: one transaction, one fsync, for what arrives
 * together; PostgreSQL: a transaction each). What a resident relies on: every receipt code handed
 * out belongs to a submission that another connection can already read (committed), many residents
 * sending at once each get their own submission with a complete privacy log, and one that fails
 * takes nobody else's submission with it.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { seedDemoIfEmpty } from "#db/seed";
import { findOrganisationBySlug } from "~/modules/organisations/organisations.server";
import { findPublicProcedure } from "~/modules/procedures/procedures.server";
import type { Procedure } from "~/modules/procedures/procedure";
import { readPrivacyLog } from "~/modules/privacy-log/privacy-log.server";
import { saveDraft, submitDraft } from "~/modules/submissions/drafts.server";
import { groupCommit } from "~/modules/submissions/group-commit.server";
import { parseReceiptCode } from "~/modules/submissions/receipt-code";
import { findSubmissionByReceiptCode } from "~/modules/submissions/submissions.server";
import { validateSubmission } from "~/modules/submissions/validation";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";

describe.each(engines)("group commit on %s", (engine) => {
  let testDb: TestDatabase;
  let handle: DatabaseHandle;
  /** a second connection: sees only what is committed */
  let observer: DatabaseHandle;
  let consultation: Procedure;

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    handle = openDatabase(testDb.url);
    await migrateToLatest(handle.db);
    await seedDemoIfEmpty(handle.db);
    observer = openDatabase(testDb.url);
    const org = await findOrganisationBySlug(handle.db, "musterstadt");
    consultation = (await findPublicProcedure(handle.db, org!.id, "radverkehrsplan-2030"))!;
  });
  afterAll(async () => {
    await observer?.close();
    await handle?.close();
    await testDb?.drop();
  });

  const input = (text: string) => {
    const q = consultation.questions;
    const r = validateSubmission(consultation, new Map([[`q${q[0].id}`, [text]], [`q${q[2].id}`, ["bike"]], [`q${q[4].id}`, ["3"]]]));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r.input;
  };

  it("lets drafts alone not wait for the disk on SQLite, and every other commit still does (decision 68)", async () => {
    // SQLite: synchronous is FULL (2) outside a batch of drafts; PostgreSQL commits each draft in its own transaction
    const synchronous = () => (engine === "sqlite" ? handle.readSync!<{ synchronous: number }>("pragma synchronous", [])?.synchronous : 2);
    expect(synchronous()).toBe(2);
    // a staff change started while drafts are being written commits with FULL, never in between
    const during: number[] = [];
    const drafts = Array.from({ length: 10 }, (_, i) => saveDraft(handle.db, { draftId: null, procedureId: consultation.id, input: input(`Entwurf ${i}`), language: "de" }));
    const other = handle.db.transaction().execute(async (trx) => {
      if (engine === "sqlite") during.push(Number((await sql<{ synchronous: number }>`pragma synchronous`.execute(trx)).rows[0].synchronous));
      else during.push(2);
    });
    const ids = await Promise.all(drafts);
    await other;
    expect(during).toEqual([2]);
    expect(synchronous()).toBe(2);
    // committed: another connection reads them
    const seen = await observer.db.selectFrom("submission_drafts").select("id").where("id", "in", ids).execute();
    expect(seen).toHaveLength(10);
    // a submission among drafts makes its batch durable
    const [draft] = ids;
    const [sent] = await Promise.all([
      submitDraft(handle.db, { draftId: draft, procedure: consultation }),
      saveDraft(handle.db, { draftId: null, procedureId: consultation.id, input: input("noch ein Entwurf"), language: "de" }),
    ]);
    expect(await findSubmissionByReceiptCode(observer.db, parseReceiptCode(sent.receiptCode)!)).toBeDefined();
    expect(synchronous()).toBe(2);
  });

  it("gives 40 residents sending at once 40 submissions, each committed before its receipt code is known", async () => {
    const drafts = await Promise.all(
      Array.from({ length: 40 }, (_, i) => saveDraft(handle.db, { draftId: null, procedureId: consultation.id, input: input(`Gleichzeitig ${i}`), language: "de" })),
    );
    expect(new Set(drafts).size).toBe(40);
    const seen = await Promise.all(
      drafts.map(async (draftId) => {
        const { receiptCode } = await submitDraft(handle.db, { draftId, procedure: consultation });
        // the moment the code is known, another connection finds the submission
        const row = await findSubmissionByReceiptCode(observer.db, parseReceiptCode(receiptCode)!);
        expect(row, receiptCode).toBeDefined();
        return row!.id;
      }),
    );
    expect(new Set(seen).size).toBe(40);
    for (const id of seen) {
      const { events, check } = await readPrivacyLog(observer.db, id);
      expect(events.map((e) => e.type).slice(0, 2)).toEqual(["received", "notice_shown"]);
      expect(check.intact).toBe(true);
    }
    // sending again (a double click) finds the same submissions
    const again = await Promise.all(drafts.slice(0, 5).map((draftId) => submitDraft(handle.db, { draftId, procedure: consultation })));
    const ids = await Promise.all(again.map(async (r) => (await findSubmissionByReceiptCode(observer.db, parseReceiptCode(r.receiptCode)!))!.id));
    expect(ids).toEqual(seen.slice(0, 5));
  });

  it("rolls back only the unit that fails; the others in the same commit are stored", async () => {
    const marker = `gruppe-${Date.now()}`;
    const write = (n: number) => (trx: Parameters<Parameters<typeof groupCommit>[1]>[0]) =>
      sql`insert into rate_limits (key, window_start, count) values (${`${marker}-${n}`}, ${new Date().toISOString()}, ${n})`.execute(trx);
    const outcomes = await Promise.allSettled([
      groupCommit(handle.db, write(1)),
      groupCommit(handle.db, async (trx) => {
        await write(2)(trx);
        throw new Error("this one fails after writing");
      }),
      groupCommit(handle.db, write(3)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const rows = await observer.db.selectFrom("rate_limits").select("key").where("key", "like", `${marker}-%`).orderBy("key").execute();
    expect(rows.map((r) => r.key)).toEqual([`${marker}-1`, `${marker}-3`]);
  });

  if (engine === "sqlite") {
    it("rolls back a failing unit of a large batch too, and leaves temporary storage at the default for everything else", async () => {
      // 30 units with a submission's worth of pages each: the savepoints' undo copies pass the
      // size at which SQLite would write them to a temporary file; here they stay in memory
      const marker = `gross-${Date.now()}`;
      const during: number[] = [];
      const outcomes = await Promise.allSettled(
        Array.from({ length: 30 }, (_, n) =>
          groupCommit(handle.db, async (trx) => {
            await sql`insert into rate_limits (key, window_start, count) values (${`${marker}-${String(n).padStart(2, "0")}`}, ${"x".repeat(3000)}, ${n})`.execute(trx);
            if (n === 17) throw new Error("this one fails after writing");
            if (n === 29) during.push((await sql<{ temp_store: number }>`pragma temp_store`.execute(trx)).rows[0].temp_store);
          }),
        ),
      );
      expect(outcomes.filter((o) => o.status === "rejected")).toHaveLength(1);
      const rows = await observer.db.selectFrom("rate_limits").select("key").where("key", "like", `${marker}-%`).execute();
      expect(rows).toHaveLength(29);
      expect(rows.map((r) => r.key)).not.toContain(`${marker}-17`);
      expect(during).toEqual([2]); // memory, while the batch was written
      // large sorts elsewhere (exports, results) may still spill to disk
      const { rows: setting } = await sql<{ temp_store: number }>`pragma temp_store`.execute(handle.db);
      expect(setting[0].temp_store).toBe(0);
    });
  }
});
