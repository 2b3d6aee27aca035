/**
 * Issue 22, the transparency log, against real databases (SQLite, and PostgreSQL when
 * TEST_DATABASE_URL is set). Proofs are checked with the independent RFC 9162 implementation in
 * tests/support/rfc9162.ts, not with the server's verifier.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { seedDemoIfEmpty } from "#db/seed";
import { appendPrivacyEvent } from "~/modules/privacy-log/privacy-log.server";
import { exportSubmission, requestErasure, withdrawSubmission } from "~/modules/privacy/rights.server";
import { findPublicProcedure } from "~/modules/procedures/procedures.server";
import type { Procedure } from "~/modules/procedures/procedure";
import { createSubmission } from "~/modules/submissions/submissions.server";
import { getSigningKey } from "~/modules/transparency-log/keys.server";
import { formatVerifierKey, openCheckpoint, parseVerifierKey } from "~/modules/transparency-log/note";
import { integrate, listCheckpoints, proveConsistency, proveInclusion, readTreeState } from "~/modules/transparency-log/tlog.server";
import { verifyTransparencyLog } from "~/modules/transparency-log/verify.server";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";
import { H_LEAF, MTH_HASHES, rootFromPath, rootsFromConsistency } from "../support/rfc9162";

let sequence = 0;
const key = getSigningKey();
const verifier = parseVerifierKey(formatVerifierKey(key));

describe.each(engines)("transparency log on %s", (engine) => {
  let testDb: TestDatabase;
  let h: DatabaseHandle;
  let procedure: Procedure;

  async function submit(contact: Record<string, string> = { name: "Anna Beispiel", email: "anna@example.org" }, db = h.db) {
    const q = procedure.questions[0];
    const result = await db.transaction().execute((trx) =>
      createSubmission(trx, {
        procedure,
        input: { answers: [{ questionId: q.id, values: ["Ein Beitrag"] }], contact, consentResults: true },
        channel: "online",
        language: "de",
        idempotencyKey: `tlog-test-${engine}-${++sequence}`,
      }),
    );
    if (!result.created) throw new Error("expected a new submission");
    return result.submissionId;
  }

  /** Every leaf hash in index order, from the stored entries. */
  async function leafHashes(): Promise<Buffer[]> {
    const rows = await h.db.selectFrom("tlog_leaves").select(["leaf_index", "entry"]).where("leaf_index", "is not", null).orderBy("leaf_index").execute();
    rows.forEach((r, i) => expect(Number(r.leaf_index)).toBe(i));
    return rows.map((r) => H_LEAF(Buffer.from(r.entry, "hex")));
  }

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    h = openDatabase(testDb.url);
    await migrateToLatest(h.db);
    await seedDemoIfEmpty(h.db);
    const orgId = (await h.db.selectFrom("organisations").select("id").executeTakeFirstOrThrow()).id;
    procedure = (await findPublicProcedure(h.db, orgId, "radverkehrsplan-2030"))!;
    await integrate(h.db, key);
  });
  afterAll(async () => {
    await h?.close();
    await testDb?.drop();
  });

  it("gives every privacy-log event a leaf in the same transaction, and none to a transaction that failed", async () => {
    const events = async () => Number((await h.db.selectFrom("privacy_events").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
    const leaves = async () => Number((await h.db.selectFrom("tlog_leaves").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
    expect(await leaves()).toBe(await events()); // the demo data's events too
    const submissionId = await submit();
    expect(await leaves()).toBe(await events());
    const before = await leaves();
    await expect(
      h.db.transaction().execute(async (trx) => {
        await appendPrivacyEvent(trx, { organisationId: procedure.organisationId, submissionId }, { type: "status_looked_up", actorRole: "resident", categories: ["content"], purpose: "data_rights", legalBasis: "x" });
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await leaves()).toBe(before);
    // the leaf holds a commitment, never the event's text
    const leaf = await h.db.selectFrom("tlog_leaves").selectAll().orderBy("id", "desc").limit(1).executeTakeFirstOrThrow();
    expect(leaf.entry).toMatch(/^[0-9a-f]{64}$/);
    expect(leaf.leaf_index).toBeNull(); // waiting for the integrator
  });

  it("integrates in order across tile boundaries, signs each checkpoint, and serves proofs the independent implementation accepts", async () => {
    const submissionId = await submit({});
    // enough events to fill more than two level-0 tiles, integrated in uneven batches
    await h.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 560; i++) {
        await appendPrivacyEvent(trx, { organisationId: procedure.organisationId, submissionId }, { type: "status_looked_up", actorRole: "resident", categories: ["content"], purpose: "data_rights", legalBasis: "x" });
      }
    });
    for (const batch of [7, 249, 1, 300, 1000]) await integrate(h.db, key, new Date(), batch);
    const hashes = await leafHashes();
    const state = await readTreeState(h.db);
    expect(state.size).toBe(hashes.length);
    expect(state.root).toEqual(MTH_HASHES(hashes));

    const checkpoints = await listCheckpoints(h.db);
    expect(checkpoints.length).toBeGreaterThanOrEqual(5);
    for (const c of checkpoints) {
      const opened = openCheckpoint(c.note, verifier);
      expect(opened.ok).toBe(true);
      if (opened.ok) expect(opened.checkpoint.root).toEqual(MTH_HASHES(hashes.slice(0, c.size)));
    }
    for (const c of checkpoints) {
      for (const index of [0, Math.floor(c.size / 2), c.size - 1, 255, 256, 511, 512]) {
        if (index >= c.size) continue;
        const proof = await proveInclusion(h.db, index, c.size);
        expect(rootFromPath(index, c.size, hashes[index], proof)).toEqual(c.root);
      }
    }
    for (let i = 0; i < checkpoints.length; i++) {
      for (let j = i; j < checkpoints.length; j++) {
        const [a, b] = [checkpoints[i], checkpoints[j]];
        const proof = await proveConsistency(h.db, a.size, b.size);
        expect(rootsFromConsistency(a.size, b.size, proof, a.root)).toEqual({ old: a.root, new: b.root });
      }
    }
    expect(await verifyTransparencyLog(h.db, verifier)).toMatchObject({ ok: true, problems: [] });
  });

  /** Runs a change an insider might make, checks what the verifier says, and undoes the change. */
  async function tampered(change: (trx: any) => Promise<void>): Promise<string[]> {
    let problems: string[] = [];
    await h.db
      .transaction()
      .execute(async (trx) => {
        await change(trx);
        problems = (await verifyTransparencyLog(trx as any, verifier)).problems;
        throw new Error("undo");
      })
      .catch((e) => {
        if ((e as Error).message !== "undo") throw e;
      });
    return problems;
  }

  it("catches a rewritten, a deleted and a truncated event, and a tree rolled back", async () => {
    await integrate(h.db, key);
    const victim = await h.db.selectFrom("privacy_events").selectAll().where("type", "=", "received").orderBy("id").limit(1).executeTakeFirstOrThrow();
    // rewritten, hash chain and all: the chain alone would not show it
    expect(
      await tampered(async (trx) => {
        const { canonicalContent, hashEvent } = await import("~/modules/privacy-log/chain");
        void canonicalContent;
        const rewritten = { ...victim, details_json: JSON.stringify({ channel: "paper" }) };
        await trx.updateTable("privacy_events").set({ details_json: rewritten.details_json, hash: hashEvent(rewritten) }).where("id", "=", victim.id).execute();
      }),
    ).toEqual(expect.arrayContaining([expect.stringMatching(/was changed after it was written/)]));
    expect(
      await tampered(async (trx) => {
        await trx.deleteFrom("privacy_events").where("id", "=", victim.id).execute();
      }),
    ).toEqual(expect.arrayContaining([expect.stringMatching(/was deleted/)]));
    // the newest events, their leaves and the tree cut back: the published checkpoints give it away
    expect(
      await tampered(async (trx) => {
        const state = await readTreeState(trx);
        const cut = state.size - 3;
        const gone = await trx.selectFrom("tlog_leaves").select("privacy_event_id").where("leaf_index", ">=", cut).execute();
        await trx.deleteFrom("tlog_leaves").where("leaf_index", ">=", cut).execute();
        await trx.deleteFrom("privacy_events").where("id", "in", gone.map((g: any) => g.privacy_event_id)).execute();
        await trx.updateTable("tlog_state").set({ tree_size: cut }).where("id", "=", 1).execute();
      }),
    ).toEqual(expect.arrayContaining([expect.stringMatching(/leaves were removed/)]));
    // an event never put in the tree
    expect(
      await tampered(async (trx) => {
        await trx.deleteFrom("tlog_leaves").where("privacy_event_id", "=", victim.id).execute();
      }),
    ).toEqual(expect.arrayContaining([expect.stringMatching(/is not in the transparency log/)]));
    expect((await verifyTransparencyLog(h.db, verifier)).ok).toBe(true);
  });

  it("keeps the tree and earlier proofs valid when personal data are erased or a submission withdrawn", async () => {
    const submissionId = await submit();
    await exportSubmission(h.db, submissionId);
    await integrate(h.db, key);
    const before = (await listCheckpoints(h.db)).at(-1)!;
    const hashesBefore = await leafHashes();
    await requestErasure(h.db, submissionId);
    await withdrawSubmission(h.db, await submit());
    await integrate(h.db, key);
    const after = (await listCheckpoints(h.db)).at(-1)!;
    expect(after.size).toBeGreaterThan(before.size);
    const proof = await proveConsistency(h.db, before.size, after.size);
    expect(rootsFromConsistency(before.size, after.size, proof, before.root)).toEqual({ old: before.root, new: after.root });
    // a leaf proven before the erasure is proven by the same path in the older checkpoint still
    const index = before.size - 1;
    expect(rootFromPath(index, before.size, hashesBefore[index], await proveInclusion(h.db, index, before.size))).toEqual(before.root);
    expect((await verifyTransparencyLog(h.db, verifier)).ok).toBe(true);
  });

  it.runIf(engine === "postgres")("lets two instances append and integrate at once without gaps or forks", async () => {
    const other = openDatabase(testDb.url);
    try {
      await Promise.all([
        ...Array.from({ length: 20 }, (_, i) => submit({}, i % 2 ? h.db : other.db)),
        integrate(h.db, key),
        integrate(other.db, key),
        integrate(other.db, key),
      ]);
      await Promise.all([integrate(h.db, key), integrate(other.db, key)]);
      await integrate(h.db, key);
      const hashes = await leafHashes();
      expect((await readTreeState(other.db)).root).toEqual(MTH_HASHES(hashes));
      const checkpoints = await listCheckpoints(h.db);
      for (let i = 1; i < checkpoints.length; i++) {
        const proof = await proveConsistency(h.db, checkpoints[i - 1].size, checkpoints[i].size);
        expect(rootsFromConsistency(checkpoints[i - 1].size, checkpoints[i].size, proof, checkpoints[i - 1].root)?.new).toEqual(checkpoints[i].root);
      }
      expect((await verifyTransparencyLog(h.db, verifier)).ok).toBe(true);
    } finally {
      await other.close();
    }
  });
});
