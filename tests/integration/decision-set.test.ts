/**
 * The admin's decision set for considerations against real databases (SQLite, and PostgreSQL when
 * TEST_DATABASE_URL is set): add, rename, reorder, retire and offer again, each with its audit entry
 * in the same transaction; a retired decision is no longer offered to moderators but stays readable
 * on the statements that carry it (resident's view, weighing table); wrong changes store nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { seedDemoIfEmpty } from "#db/seed";
import { recordConsideration } from "~/modules/considerations/considerations.server";
import { changeDecisionSet, parseDecisionSetChange, type DecisionSetChange } from "~/modules/considerations/decision-set.server";
import { activeDecisions, decisionSet } from "~/modules/considerations/decisions.server";
import { printableWeighingTable } from "~/modules/considerations/printable.server";
import { procedureForModeration } from "~/modules/moderation/moderation.server";
import { describeSubmission } from "~/modules/privacy/rights.server";
import { createSubmission } from "~/modules/submissions/submissions.server";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";

const form = (pairs: [string, string][]) => {
  const fields = new Map<string, string[]>();
  for (const [k, v] of pairs) fields.set(k, [...(fields.get(k) ?? []), v]);
  return fields;
};

describe.each(engines)("the decision set on %s", (engine) => {
  let t: TestDatabase;
  let h: DatabaseHandle;
  let orgId: number;
  let adminId: number;
  const change = (c: DecisionSetChange) => changeDecisionSet(h.db, { organisationId: orgId, accountId: adminId, change: c });
  const offered = async () => activeDecisions(await decisionSet(h.db, orgId)).map((d) => d.key);
  const audits = async () =>
    (await h.db.selectFrom("audit_log").select(["details_json", "account_id", "target_type"]).where("action", "=", "consideration_decisions_changed").orderBy("id").execute()).map((r) => ({
      ...JSON.parse(r.details_json),
      account: r.account_id,
      target: r.target_type,
    }));

  beforeAll(async () => {
    t = await createTestDatabase(engine);
    h = openDatabase(t.url);
    await migrateToLatest(h.db);
    await seedDemoIfEmpty(h.db);
    orgId = (await h.db.selectFrom("organisations").select("id").where("slug", "=", "musterstadt").executeTakeFirstOrThrow()).id;
    const now = new Date().toISOString();
    adminId = (
      await h.db
        .insertInto("accounts")
        .values({ organisation_id: orgId, email: `admin-${engine}@example.org`, display_name: "Ada Admin", password_hash: null, password_changed_at: null, totp_secret: null, totp_last_step: null, created_at: now, updated_at: now })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(async () => {
    await h?.close();
    await t?.drop();
  });

  it("adds a decision of its own, renames, reorders and retires one; each change audited", async () => {
    expect(await offered()).toEqual(["accepted", "partly_accepted", "not_accepted", "noted"]);
    expect(await change({ intent: "add", label: { de: "Zurückgestellt", en: "Deferred" } })).toEqual({ ok: true, changed: true, key: "own_1" });
    expect(await change({ intent: "rename", key: "noted", label: { de: "Hinweis aufgenommen", en: "" } })).toMatchObject({ ok: true, changed: true });
    expect(await change({ intent: "move", key: "own_1", direction: "up" })).toMatchObject({ ok: true, changed: true });
    expect(await offered()).toEqual(["accepted", "partly_accepted", "not_accepted", "own_1", "noted"]);
    const set = await decisionSet(h.db, orgId);
    expect(set.find((d) => d.key === "noted")!.label).toEqual({ de: "Hinweis aufgenommen", en: "Hinweis aufgenommen" });
    expect(set.find((d) => d.key === "accepted")!.label).toBeNull();
    // moving the first one up changes nothing and records nothing
    expect(await change({ intent: "move", key: "accepted", direction: "up" })).toMatchObject({ ok: true, changed: false });
    expect(await audits()).toEqual([
      { change: "add", key: "own_1", label_de: "Zurückgestellt", label_en: "Deferred", account: adminId, target: "organisation" },
      { change: "rename", key: "noted", label_de: "Hinweis aufgenommen", label_en: "", account: adminId, target: "organisation" },
      { change: "move", key: "own_1", direction: "up", account: adminId, target: "organisation" },
    ]);
  });

  it("a retired decision is no longer offered, stays readable on the statement that carries it, and can be offered again", async () => {
    const p = await h.db.selectFrom("procedures").select("id").where("slug", "=", "radverkehrsplan-2030").executeTakeFirstOrThrow();
    const procedure = await procedureForModeration(h.db, orgId, p.id);
    const q = procedure.questions.find((x) => x.kind === "long_text")!;
    const made = await h.db.transaction().execute((trx) =>
      createSubmission(trx, { procedure, input: { answers: [{ questionId: q.id, values: ["Die Ampel am Markt ist zu kurz grün."] }], contact: {} }, channel: "online", language: "de", idempotencyKey: `set-${engine}` }),
    );
    if (!made.created) throw new Error("expected a new submission");
    await recordConsideration(h.db, { organisationId: orgId, procedureId: p.id, submissionIds: [made.submissionId], moderatorId: adminId, decision: "own_1", text: "Wird mit dem Ampelprogramm 2028 entschieden." });
    expect(await change({ intent: "retire", key: "own_1" })).toMatchObject({ ok: true, changed: true });
    expect(await offered()).not.toContain("own_1");
    await expect(recordConsideration(h.db, { organisationId: orgId, procedureId: p.id, submissionIds: [made.submissionId], moderatorId: adminId, decision: "own_1", text: "x" })).rejects.toMatchObject({ status: 400 });
    // the resident (with the receipt code) and the council's table still read its label
    expect((await describeSubmission(h.db, made.submissionId)).response).toMatchObject({ decision: "own_1", ownLabel: "Zurückgestellt" });
    const table = await printableWeighingTable(h.db, procedure, adminId);
    expect(table.rows.find((r) => r[0] === made.submissionId)![table.columns.findIndex((c) => c.key === "decision")]).toBe("Zurückgestellt");
    expect(await change({ intent: "restore", key: "own_1" })).toMatchObject({ ok: true, changed: true });
    expect((await offered()).at(-1)).toBe("own_1");
    expect((await audits()).slice(-2).map((a) => a.change)).toEqual(["retire", "restore"]);
  });

  it("refuses the last offered decision's retirement, a duplicate label, more than twelve and unknown keys, storing nothing", async () => {
    const before = (await audits()).length;
    // the standard decision's German wording counts as its label
    expect(await change({ intent: "add", label: { de: "berücksichtigt", en: "" } })).toMatchObject({ ok: false, errors: [{ message: "decisionSet.errors.duplicate" }] });
    expect(await change({ intent: "add", label: { de: "Zurückgestellt", en: "" } })).toEqual({ ok: false, errors: [{ field: "label_de", message: "decisionSet.errors.duplicate" }] });
    expect(await change({ intent: "rename", key: "accepted", label: { de: "ZURÜCKGESTELLT", en: "" } })).toMatchObject({ ok: false, errors: [{ message: "decisionSet.errors.duplicate" }] });
    await expect(change({ intent: "retire", key: "unknown" })).rejects.toMatchObject({ status: 404 });
    for (let i = (await offered()).length; i < 12; i++) await change({ intent: "add", label: { de: `Entscheidung ${i}`, en: "" } });
    expect(await change({ intent: "add", label: { de: "Dreizehn", en: "" } })).toMatchObject({ ok: false, errors: [{ message: "decisionSet.errors.tooMany", params: { max: 12 } }] });
    const n = (await audits()).length;
    for (const key of (await offered()).slice(1)) await change({ intent: "retire", key });
    expect(await offered()).toEqual(["accepted"]);
    expect(await change({ intent: "retire", key: "accepted" })).toEqual({ ok: false, errors: [{ field: "retire-accepted", message: "decisionSet.errors.lastOne" }] });
    expect(await offered()).toEqual(["accepted"]);
    expect((await audits()).length).toBe(n + 11);
    expect(n - before).toBe(7);
  });

  it("reads a form post: person's mistakes as field errors, forms we never send as 400", () => {
    expect(parseDecisionSetChange(form([["intent", "add"], ["label_de", "  Vertagt "], ["label_en", ""]]))).toEqual({ ok: true, change: { intent: "add", label: { de: "Vertagt", en: "" } } });
    expect(parseDecisionSetChange(form([["intent", "add"], ["label_de", ""], ["label_en", "Deferred"]]))).toMatchObject({ ok: false, errors: [{ field: "label_de", message: "decisionSet.errors.labelRequired" }] });
    expect(parseDecisionSetChange(form([["intent", "add"], ["label_de", "x".repeat(81)]]))).toMatchObject({ ok: false, errors: [{ field: "label_de", message: "errors.tooLong" }] });
    expect(parseDecisionSetChange(form([["intent", "rename"], ["key", "noted"], ["label_de-noted", ""], ["label_en-noted", ""]]))).toEqual({ ok: true, change: { intent: "rename", key: "noted", label: null } });
    expect(parseDecisionSetChange(form([["intent", "rename"], ["key", "own_1"], ["label_de-own_1", ""], ["label_en-own_1", ""]]))).toMatchObject({ ok: false, errors: [{ field: "label_de-own_1" }] });
    expect(parseDecisionSetChange(form([["intent", "rename"], ["key", "noted"], ["label_de-noted", ""], ["label_en-noted", "Noted"]]))).toMatchObject({ ok: false, errors: [{ message: "decisionSet.errors.germanFirst" }] });
    expect(parseDecisionSetChange(form([["intent", "move"], ["key", "noted"], ["direction", "down"]]))).toEqual({ ok: true, change: { intent: "move", key: "noted", direction: "down" } });
    for (const pairs of [
      [["intent", "delete"], ["key", "noted"]],
      [["intent", "retire"], ["key", "Noted!"]],
      [["intent", "retire"], ["key", "noted"], ["key", "accepted"]],
      [["intent", "retire"], ["key", "noted"], ["extra", "1"]],
      [["intent", "move"], ["key", "noted"], ["direction", "sideways"]],
      [["intent", "add"], ["label_de", "a"], ["label_de", "b"]],
      [["intent", "rename"], ["key", "noted"], ["label_de-accepted", "x"]],
    ] as [string, string][][]) {
      expect(() => parseDecisionSetChange(form(pairs)), JSON.stringify(pairs)).toThrow(expect.objectContaining({ status: 400 }));
    }
  });
});
