/**
 * Paper form numbers and letter references, on SQLite and PostgreSQL: the same form typed as
 * `f1-b2ecpq`, `F1-B2ECPQ` or `F1 B2ECPQ` is one submission — refused by the desk's check and by
 * the database itself — and migration 0019 gives the rows that exist their keys without losing
 * any of them when two already collide.
 */
import { Migrator } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isUniqueViolation, openDatabase, type DatabaseHandle } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { migrations } from "#db/migrations/index";
import { seedDemoIfEmpty } from "#db/seed";
import { createAccount } from "~/modules/accounts/accounts.server";
import { saveDeskSubmission } from "~/modules/assisted-entry/desk.server";
import { findOrganisationBySlug } from "~/modules/organisations/organisations.server";
import type { Procedure } from "~/modules/procedures/procedure";
import { findPublicProcedure } from "~/modules/procedures/procedures.server";
import { sourceReferenceKey } from "~/modules/submissions/source-reference";
import { validateSubmission } from "~/modules/submissions/validation";
import { bulkSubmissionRow } from "../support/fixtures";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";

const MIGRATION = "0019-source-reference-keys";

describe("the key a reference is compared by", () => {
  it("ignores case, spaces and separators, and nothing else", () => {
    const key = sourceReferenceKey("F1-B2ECPQ");
    for (const typed of ["f1-b2ecpq", "F1 B2ECPQ", " f1_b2ecpq ", "F1.B2ECPQ", "F1/B2ECPQ", "F1–B2ECPQ", "Ｆ１-Ｂ２ＥＣＰＱ", "f1b2ecpq"]) {
      expect(sourceReferenceKey(typed), typed).toBe(key);
    }
    expect(sourceReferenceKey("F1-B2ECPR")).not.toBe(key);
    expect(sourceReferenceKey("Az 61.2/77")).not.toBe(sourceReferenceKey("Az 61.2/78"));
    expect(sourceReferenceKey("Straße-ä")).toBe(sourceReferenceKey("STRASSE ä".replace("SS", "ß")).toUpperCase());
  });
});

describe.each(engines)("paper references on %s", (engine) => {
  let testDb: TestDatabase;
  let h: DatabaseHandle;
  let procedure: Procedure;
  let organisationId: number;
  let accountId: number;
  let sequence = 0;

  const row = (reference: string) => ({
    ...bulkSubmissionRow({ organisation_id: organisationId, procedure_id: procedure.id, state: "received", created_at: new Date().toISOString(), key: `ref-${engine}-${++sequence}`, channel: "paper" }),
    source_reference: reference,
  });

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    h = openDatabase(testDb.url);
    // the database as it was before 0019: every other migration, the demo data, and paper entries
    // typed twice in different ways (which the exact index let through)
    const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name !== MIGRATION));
    const migrator = new Migrator({ db: h.db, provider: { getMigrations: async () => before }, allowUnorderedMigrations: true });
    const { error } = await migrator.migrateToLatest();
    if (error) throw error;
    await seedDemoIfEmpty(h.db);
    const org = await findOrganisationBySlug(h.db, "musterstadt");
    organisationId = org!.id;
    procedure = (await findPublicProcedure(h.db, organisationId, "radverkehrsplan-2030"))!;
    accountId = (await createAccount(h.db, { organisationId, email: `desk-${engine}@example.org`, displayName: "Desk", roles: ["staff"] })).id;
    for (const reference of ["f1-b2ecpq", "F1-B2ECPQ", "F1 B2ECPQ", "F1-OTHER1"]) {
      await h.db.insertInto("submissions").values(row(reference)).execute();
    }
    await migrateToLatest(h.db);
  });
  afterAll(async () => {
    await h?.close();
    await testDb?.drop();
  });

  it("migration: every existing reference gets its key, the oldest of a colliding group keeps it, none is lost", async () => {
    const rows = await h.db.selectFrom("submissions").select(["id", "source_reference", "source_reference_key"]).where("source_reference", "is not", null).orderBy("id").execute();
    expect(rows.map((r) => r.source_reference)).toEqual(["f1-b2ecpq", "F1-B2ECPQ", "F1 B2ECPQ", "F1-OTHER1"]);
    expect(rows.map((r) => r.source_reference_key)).toEqual(["F1B2ECPQ", `F1B2ECPQ#${rows[1].id}`, `F1B2ECPQ#${rows[2].id}`, "F1OTHER1"]);
  });

  it("the database refuses the same reference typed differently, and a reference without its key", async () => {
    const twice = h.db.insertInto("submissions").values({ ...row("F1.b2ecpq"), source_reference_key: sourceReferenceKey("F1.b2ecpq") }).execute();
    await expect(twice).rejects.toSatisfy(isUniqueViolation);
    await expect(h.db.insertInto("submissions").values({ ...row("F9-NOKEY1"), source_reference_key: null }).execute()).rejects.toThrow();
    await expect(h.db.insertInto("submissions").values({ ...row("F9-KEYED1"), source_reference_key: "F9KEYED1" }).execute()).resolves.toBeDefined();
  });

  it("the desk finds the first entry whichever way the number is typed", async () => {
    const q = procedure.questions;
    const checked = validateSubmission(procedure, new Map([[`q${q[0].id}`, ["Auf Papier"]], [`q${q[2].id}`, ["bus"]], [`q${q[4].id}`, ["2"]]]));
    if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
    const first = await h.db.selectFrom("submissions").select("id").where("source_reference", "=", "f1-b2ecpq").executeTakeFirstOrThrow();
    const save = (reference: string) =>
      saveDeskSubmission(h.db, {
        procedure,
        channel: "paper",
        input: checked.input,
        meta: { entryKey: `desk-ref-${engine}-${++sequence}-aaaaaaaaaa`, noticeRead: false, sourceReference: reference, receivedOn: new Date().toISOString().slice(0, 10) },
        accountId,
        language: "de",
      });
    for (const typed of ["F1-B2ECPQ", "f1 b2ecpq", "F1/B2ECPQ"]) expect(await save(typed)).toEqual({ saved: false, duplicateOf: first.id });
    expect(await save("F1-NEW001")).toMatchObject({ saved: true });
    expect(await h.db.selectFrom("submissions").select("source_reference_key").where("source_reference", "=", "F1-NEW001").executeTakeFirstOrThrow()).toEqual({ source_reference_key: "F1NEW001" });
  });
});
