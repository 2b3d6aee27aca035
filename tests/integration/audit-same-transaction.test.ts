/**
 * Every staff change is written in one transaction with its audit entry: when the audit entry
 * cannot be written (here a trigger refuses every insert into audit_log), the change is not there
 * either — no procedure, question, state, account or role changes without the entry that records it.
 * And when the log works, each change leaves exactly its one entry.
 */
import { sql, type Kysely } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import type { Database } from "#db/schema";
import { seedDemoIfEmpty } from "#db/seed";
import { changeRoles, inviteAccount, removeAccess } from "~/modules/accounts/administration.server";
import { createAccount, getAccount } from "~/modules/accounts/accounts.server";
import { findOrganisationBySlug } from "~/modules/organisations/organisations.server";
import { changeProcedure, changeQuestions, createProcedureAs, type ProcedureAdmin } from "~/modules/procedures/admin-actions.server";
import { getProcedureForAdmin } from "~/modules/procedures/admin-procedures.server";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";

const form = (fields: Record<string, string | string[]>) => new Map(Object.entries(fields).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));

const details = {
  title: "Neue Bänke am Marktplatz",
  slug: "",
  summary: "Wo sollen die neuen Bänke stehen?",
  body: "Der Marktplatz bekommt zwölf neue Bänke.",
  kind: "survey",
  legal_basis: "Art. 6 Abs. 1 lit. e DSGVO",
  responsible_office: "Fachbereich Grün",
  opens_on: "2030-03-01",
  closes_on: "2030-04-30",
  retention_months: "6",
  publication_policy: "Die Ergebnisse werden als Statistik veröffentlicht.",
  contact_name: "off",
  contact_name_purpose: "",
  contact_address: "off",
  contact_address_purpose: "",
  contact_email: "off",
  contact_email_purpose: "",
  contact_phone: "off",
  contact_phone_purpose: "",
};
const question = { kind: "long_text", label: "Wo fehlt eine Bank?", hint: "", max_length: "", options: "", scale_min_label: "", scale_max_label: "" };

async function refuseAuditEntries(db: Kysely<Database>, engine: "sqlite" | "postgres") {
  if (engine === "sqlite") {
    await sql`CREATE TRIGGER audit_refused BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log refused'); END`.execute(db);
  } else {
    await sql`CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit log refused'; END $$`.execute(db);
    await sql`CREATE TRIGGER audit_refused BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_audit()`.execute(db);
  }
}

async function acceptAuditEntries(db: Kysely<Database>, engine: "sqlite" | "postgres") {
  await sql`DROP TRIGGER IF EXISTS audit_refused${sql.raw(engine === "postgres" ? " ON audit_log" : "")}`.execute(db);
  if (engine === "postgres") await sql`DROP FUNCTION IF EXISTS refuse_audit()`.execute(db);
}

describe.each(engines)("audit entries in the change's transaction on %s", (engine) => {
  let testDb: TestDatabase;
  let handle: DatabaseHandle;
  let admin: ProcedureAdmin;
  const db = () => handle.db;
  const count = async (table: "procedures" | "questions" | "accounts" | "audit_log") =>
    Number((await db().selectFrom(table).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
  const refused = (p: Promise<unknown>) => p.then(() => "written", (e: unknown) => String(e));

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    handle = openDatabase(testDb.url);
    await migrateToLatest(handle.db);
    await seedDemoIfEmpty(handle.db);
    const organisationId = (await findOrganisationBySlug(handle.db, "musterstadt"))!.id;
    const me = await createAccount(handle.db, { organisationId, email: "admin-audit@example.org", displayName: "Ada Admin", roles: ["admin"] });
    admin = { organisationId, accountId: me.id, clientAddress: "192.0.2.1" };
  });

  afterEach(async () => acceptAuditEntries(db(), engine));

  afterAll(async () => {
    await handle?.close();
    await testDb?.drop();
  });

  it("creates no procedure, changes no details, adds no question, opens nothing and copies nothing without the entry", async () => {
    const draft = await createProcedureAs(db(), admin, form(details));
    if (!draft.ok) throw new Error(JSON.stringify(draft.errors));
    await changeQuestions(db(), admin, draft.id, "add", form(question));
    const before = { procedures: await count("procedures"), questions: await count("questions"), audit: await count("audit_log") };

    await refuseAuditEntries(db(), engine);
    expect(await refused(createProcedureAs(db(), admin, form({ ...details, title: "Noch ein Verfahren" })))).toMatch(/audit log refused/);
    expect(await refused(changeProcedure(db(), admin, draft.id, "details", form({ ...details, title: "Anderer Titel" })))).toMatch(/audit log refused/);
    expect(await refused(changeQuestions(db(), admin, draft.id, "add", form({ ...question, label: "Noch eine Frage" })))).toMatch(/audit log refused/);
    expect(await refused(changeProcedure(db(), admin, draft.id, "open", form({})))).toMatch(/audit log refused/);
    expect(await refused(changeQuestions(db(), admin, draft.id, "copy", form({})))).toMatch(/audit log refused/);

    const p = (await getProcedureForAdmin(db(), admin.organisationId, draft.id))!;
    expect(p.title).toBe(details.title);
    expect(p.status).toBe("draft");
    expect(p.questions.map((q) => q.label)).toEqual([question.label]);
    expect({ procedures: await count("procedures"), questions: await count("questions"), audit: await count("audit_log") }).toEqual(before);
  });

  it("invites nobody, changes no roles and removes no access without the entry", async () => {
    const colleague = await createAccount(db(), { organisationId: admin.organisationId, email: "kollegin@example.org", displayName: "Kim Kollegin", roles: ["staff"] });
    const accounts = await count("accounts");

    await refuseAuditEntries(db(), engine);
    expect(await refused(inviteAccount(db(), admin, form({ intent: "invite", email: "neu@example.org", name: "Neu Person", roles: ["staff"] })))).toMatch(/audit log refused/);
    expect(await refused(changeRoles(db(), admin, form({ intent: "roles", account: String(colleague.id), roles: ["staff", "moderator"] })))).toMatch(/audit log refused/);
    expect(await refused(removeAccess(db(), admin, form({ intent: "remove", account: String(colleague.id) })))).toMatch(/audit log refused/);

    expect(await count("accounts")).toBe(accounts);
    expect(await getAccount(db(), colleague.id)).toMatchObject({ active: true, roles: ["staff"] });
  });

  it("writes exactly one entry per change when the log works, none for a change that changed nothing", async () => {
    const draft = await createProcedureAs(db(), admin, form({ ...details, title: "Ein Spielplatz" }));
    if (!draft.ok) throw new Error(JSON.stringify(draft.errors));
    const saved = await changeProcedure(db(), admin, draft.id, "details", form({ ...details, title: "Ein Spielplatz" }));
    expect(saved).toEqual({ ok: true, notice: "unchanged" });
    const entries = await db().selectFrom("audit_log").select(["action", "target_id", "client_address"]).where("target_type", "=", "procedure").where("target_id", "=", String(draft.id)).execute();
    expect(entries).toEqual([{ action: "procedure_created", target_id: String(draft.id), client_address: "192.0.2.1" }]);
  });
});
