/**
 * The procedure context every resident page and form starts from (organisation, procedure,
 * questions), remembered per process while the organisation's content version stays the same
 * (SQLite, PostgreSQL): a change an admin makes — from this instance or another — is seen by the
 * next request, never a request later.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { seedDemoIfEmpty } from "#db/seed";
import { closeDatabase } from "~/db.server";
import { loadProcedureContext } from "~/modules/procedures/context.server";
import { acceptanceState } from "~/modules/procedures/procedure";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";

describe.each(engines)("procedure context on %s", (engine) => {
  let testDb: TestDatabase;
  /** another instance on the same database: the admin's */
  let admin: DatabaseHandle;
  const params = { org: "musterstadt", slug: "radverkehrsplan-2030" };
  const load = () => loadProcedureContext(new Request("http://localhost/musterstadt/verfahren/radverkehrsplan-2030"), params);

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    admin = openDatabase(testDb.url);
    await migrateToLatest(admin.db);
    await seedDemoIfEmpty(admin.db);
    process.env.DATABASE_URL = testDb.url;
  });
  afterAll(async () => {
    await closeDatabase();
    delete process.env.DATABASE_URL;
    await admin?.close();
    await testDb?.drop();
  });

  it("shows a changed question, a new title and a closed procedure at the next request", async () => {
    const first = await load();
    expect((await load()).procedure).toEqual(first.procedure);
    const question = first.procedure.questions[0];

    await admin.db.updateTable("questions").set({ label: "Was fehlt Ihnen am meisten?" }).where("id", "=", question.id).execute();
    expect((await load()).procedure.questions[0].label).toBe("Was fehlt Ihnen am meisten?");

    await admin.db.updateTable("procedures").set({ title: "Radverkehrsplan 2031" }).where("id", "=", first.procedure.id).execute();
    expect((await load()).procedure.title).toBe("Radverkehrsplan 2031");

    // closed: the form refuses from now on
    const yesterday = new Date(Date.now() - 86_400_000).toISOString();
    expect(acceptanceState((await load()).procedure)).toBe("open");
    await admin.db.updateTable("procedures").set({ closes_at: yesterday }).where("id", "=", first.procedure.id).execute();
    expect(acceptanceState((await load()).procedure)).toBe("closed");
  });

  it("answers an unknown procedure or municipality with not found", async () => {
    await expect(loadProcedureContext(new Request("http://localhost/"), { org: "musterstadt", slug: "gibt-es-nicht" })).rejects.toMatchObject({ status: 404 });
    await expect(loadProcedureContext(new Request("http://localhost/"), { org: "nirgendwo", slug: "radverkehrsplan-2030" })).rejects.toMatchObject({ status: 404 });
  });

  it("takes away a procedure that goes back to draft at the next request", async () => {
    const { procedure } = await load();
    await admin.db.updateTable("procedures").set({ status: "draft" }).where("id", "=", procedure.id).execute();
    await expect(load()).rejects.toMatchObject({ status: 404, reason: "procedure_not_found" });
  });
});
