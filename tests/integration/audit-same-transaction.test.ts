/**
 * Every staff change is written in one transaction with its audit entry: when the audit entry
 * cannot be written (here a trigger refuses every insert into audit_log), the change is not there
 * either — no procedure, question, state, account or role changes, no document, no moderation
 * decision, no published results, no barrier-report step, no session and no desk search without
 * the entry that records it. And when the log works, each change leaves exactly its one entry.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
import { createBarrierReport, getBarrierReport, getStatement } from "~/modules/accessibility/accessibility.server";
import { answerBarrierReportAs, closeBarrierReportAs, revealBarrierContact, saveStatementAs } from "~/modules/accessibility/admin-actions.server";
import { hashedPassword } from "~/modules/accounts/accounts.server";
import { changeOwnPassword, enableTotpAs } from "~/modules/accounts/credentials.server";
import { checkSecondFactorAs } from "~/modules/accounts/second-factor.server";
import { openEntryForStaffAs } from "~/modules/assisted-entry/desk-actions.server";
import { getOrganisationSettings, updateOrganisationSettingsAs } from "~/modules/organisations/organisations.server";
import { createSession, hashToken, sessionCookie } from "~/modules/accounts/sessions.server";
import { beginSession, signOut } from "~/modules/accounts/sign-in.server";
import { findWithoutCode } from "~/modules/assisted-entry/search.server";
import { addDocument, listDocuments, moveDocument, withdrawDocument } from "~/modules/documents/documents.server";
import { bulkModerateAs, doNotPublishAs, openContactDetailsAs, publishResultsAs, publishSubmissionAs, saveSummaryAs } from "~/modules/moderation/moderator-actions.server";
import { findPublicProcedure } from "~/modules/procedures/procedures.server";
import { createSubmission } from "~/modules/submissions/submissions.server";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";
import { pdfOf } from "../support/files";
import { berlinDay } from "~/i18n/dates";

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
  const count = async (table: "procedures" | "questions" | "accounts" | "audit_log" | "documents" | "privacy_events" | "staff_sessions" | "outbox") =>
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

  /** A submission to the open consultation, with contact data (for the moderation steps). */
  let sequence = 0;
  async function submission(slug = "radverkehrsplan-2030") {
    const procedure = (await findPublicProcedure(db(), admin.organisationId, slug))!;
    const result = await db().transaction().execute((trx) =>
      createSubmission(trx, {
        procedure,
        input: { answers: [{ questionId: procedure.questions[0].id, values: ["Mehr Radwege an der Bahnhofstraße"] }], contact: { name: "Anna Beispiel", email: "anna@example.org" }, consentResults: true },
        channel: "online",
        language: "de",
        idempotencyKey: `audit-test-${engine}-${++sequence}`,
      }),
    );
    if (!result.created) throw new Error("expected a new submission");
    return { procedure, id: result.submissionId };
  }
  const stateOf = async (id: number) => (await db().selectFrom("submissions").select("state").where("id", "=", id).executeTakeFirstOrThrow()).state;

  it("adds, moves and withdraws no document without the entry", async () => {
    const procedure = (await findPublicProcedure(db(), admin.organisationId, "radverkehrsplan-2030"))!;
    const dir = mkdtempSync(join(tmpdir(), "teilhabe-audit-"));
    try {
      const path = join(dir, "plan.pdf");
      const pdf = pdfOf(2000);
      writeFileSync(path, pdf);
      const upload = (title: string) => ({
        organisationId: admin.organisationId,
        procedureId: procedure.id,
        accountId: admin.accountId,
        fields: new Map([["title", [title]], ["description", [""]], ["summary", ["Der Plan in Kürze."]]]),
        file: { field: "file", path, size: pdf.length, fileName: "plan.pdf", declaredType: "" },
        fileTooLarge: false,
        actor: admin,
      });
      const first = await addDocument(db(), upload("Erster Plan"));
      const second = await addDocument(db(), upload("Zweiter Plan"));
      if (!first.ok || !second.ok) throw new Error("documents refused");
      const before = { documents: await listDocuments(db(), procedure.id), audit: await count("audit_log") };

      await refuseAuditEntries(db(), engine);
      expect(await refused(addDocument(db(), upload("Dritter Plan")))).toMatch(/audit log refused/);
      expect(await refused(moveDocument(db(), procedure.id, second.id, "up", admin))).toMatch(/audit log refused/);
      expect(await refused(withdrawDocument(db(), procedure.id, first.id, admin))).toMatch(/audit log refused/);
      await acceptAuditEntries(db(), engine);

      expect({ documents: await listDocuments(db(), procedure.id), audit: await count("audit_log") }).toEqual(before);
      await moveDocument(db(), procedure.id, second.id, "up", admin);
      const entries = await db().selectFrom("audit_log").select("action").where("target_type", "=", "document").orderBy("id").execute();
      expect(entries.map((e) => e.action)).toEqual(["document_added", "document_added", "document_moved"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("publishes nothing, refuses nothing and opens no contact data without the entry", async () => {
    const a = await submission();
    const b = await submission();
    const moderator = admin;
    const events = await count("privacy_events");
    const audits = await count("audit_log");

    await refuseAuditEntries(db(), engine);
    expect(await refused(publishSubmissionAs(db(), moderator, { submissionId: a.id, redactions: new Map(), confirmedChecked: true }))).toMatch(/audit log refused/);
    expect(await refused(doNotPublishAs(db(), moderator, { submissionId: a.id, reason: "off_topic" }))).toMatch(/audit log refused/);
    expect(await refused(bulkModerateAs(db(), moderator, { procedureId: a.procedure.id, submissionIds: [a.id, b.id], decision: { publish: false, reason: "duplicate" } }))).toMatch(/audit log refused/);
    expect(await refused(openContactDetailsAs(db(), moderator, a.id))).toMatch(/audit log refused/);
    await acceptAuditEntries(db(), engine);

    expect([await stateOf(a.id), await stateOf(b.id)]).toEqual(["received", "received"]);
    // no "published" or "personal data opened" in the submitters' privacy logs either
    expect({ events: await count("privacy_events"), audit: await count("audit_log") }).toEqual({ events, audit: audits });

    expect(await bulkModerateAs(db(), moderator, { procedureId: a.procedure.id, submissionIds: [a.id, b.id], decision: { publish: false, reason: "duplicate" } })).toEqual({ done: [a.id, b.id], left: [] });
    const entries = await db().selectFrom("audit_log").select(["action", "target_id"]).where("target_type", "=", "submission").where("target_id", "in", [String(a.id), String(b.id)]).orderBy("id").execute();
    expect(entries).toEqual([
      { action: "submission_not_published", target_id: String(a.id) },
      { action: "submission_not_published", target_id: String(b.id) },
    ]);
  });

  it("saves no results summary, publishes no results and queues no e-mail without the entry", async () => {
    const results = () => db().selectFrom("procedures").select(["id", "status", "results_summary"]).where("slug", "=", "marktplatz").executeTakeFirstOrThrow();
    const procedure = await results();
    const before = { procedure, outbox: await count("outbox"), audit: await count("audit_log") };

    await refuseAuditEntries(db(), engine);
    expect(await refused(saveSummaryAs(db(), admin, procedure.id, "Ein Entwurf der Zusammenfassung."))).toMatch(/audit log refused/);
    expect(await refused(publishResultsAs(db(), admin, { procedureId: procedure.id, summary: "Danke für die Beiträge.", resultsUrl: "https://beteiligung.example/musterstadt/verfahren/marktplatz/ergebnisse" }))).toMatch(/audit log refused/);
    await acceptAuditEntries(db(), engine);

    expect({ procedure: await results(), outbox: await count("outbox"), audit: await count("audit_log") }).toEqual(before);
  });

  it("saves no accessibility statement and answers, closes or opens no barrier report without the entry", async () => {
    const report = await createBarrierReport(db(), {
      organisationId: admin.organisationId,
      input: { page: "Radverkehrsplan 2030", description: "Die Karte hat keine Textbeschreibung.", email: "melder@example.org", phone: "" },
      token: `audit-${engine}-report-abcdefgh`,
      language: "de",
      clientKey: "audit-test",
    });
    const id = (await db().selectFrom("barrier_reports").select("id").where("reference", "=", report.reference).executeTakeFirstOrThrow()).id;
    const statement = await getStatement(db(), admin.organisationId);
    const audits = await count("audit_log");

    await refuseAuditEntries(db(), engine);
    expect(await refused(saveStatementAs(db(), admin, { ...statement, reviewedOn: "2030-01-15" }))).toMatch(/audit log refused/);
    expect(await refused(answerBarrierReportAs(db(), admin, id, "Wir ergänzen eine Textbeschreibung."))).toMatch(/audit log refused/);
    expect(await refused(closeBarrierReportAs(db(), admin, id))).toMatch(/audit log refused/);
    expect(await refused(revealBarrierContact(db(), admin, id))).toMatch(/audit log refused/);
    await acceptAuditEntries(db(), engine);

    expect((await getStatement(db(), admin.organisationId)).reviewedOn).toBe(statement.reviewedOn);
    expect(await getBarrierReport(db(), admin.organisationId, id)).toMatchObject({ status: "open", answerText: null, closedAt: null });
    expect(await count("audit_log")).toBe(audits);
  });

  it("opens and ends no session, counts no wrong code and lists nothing at the desk without the entry", async () => {
    const account = (await getAccount(db(), admin.accountId))!;
    const { token } = await createSession(db(), { accountId: account.id, organisationId: account.organisationId, secondFactorDone: true, clientAddress: "192.0.2.1" });
    const request = new Request("http://localhost/abmelden", { method: "POST", headers: { cookie: await sessionCookie().serialize(token) } });
    const { id: found } = await submission();
    const procedure = (await findPublicProcedure(db(), admin.organisationId, "radverkehrsplan-2030"))!;
    const today = berlinDay(new Date().toISOString());
    const failures = () => db().selectFrom("rate_limits").select((eb) => eb.fn.countAll().as("n")).where("key", "like", "totp-fail:%").executeTakeFirstOrThrow().then((r) => Number(r.n));
    const before = { sessions: await count("staff_sessions"), events: await count("privacy_events"), audit: await count("audit_log"), failures: await failures() };

    await refuseAuditEntries(db(), engine);
    expect(await refused(beginSession(db(), request, { ...account, roles: ["staff"] }, "192.0.2.1"))).toMatch(/audit log refused/);
    expect(await refused(signOut(db(), request, "192.0.2.1"))).toMatch(/audit log refused/);
    expect(await refused(checkSecondFactorAs(db(), account, "000000", "192.0.2.1"))).toMatch(/audit log refused/);
    const query = { procedureId: procedure.id, channel: null, from: today, to: today, words: ["bahnhofstraße"] };
    expect(await refused(findWithoutCode(db(), { organisationId: admin.organisationId, accountId: admin.accountId, query }))).toMatch(/audit log refused/);
    await acceptAuditEntries(db(), engine);

    expect({ sessions: await count("staff_sessions"), events: await count("privacy_events"), audit: await count("audit_log"), failures: await failures() }).toEqual(before);
    expect(await db().selectFrom("staff_sessions").select("account_id").where("id_hash", "=", hashToken(token)).executeTakeFirst()).toEqual({ account_id: account.id });
    // and with the log working, the search lists the submission and records it
    const outcome = await findWithoutCode(db(), { organisationId: admin.organisationId, accountId: admin.accountId, query });
    expect(outcome.kind === "found" ? outcome.hits.map((h) => h.id) : []).toContain(found);
    expect(await db().selectFrom("audit_log").select("action").orderBy("id", "desc").limit(1).executeTakeFirst()).toEqual({ action: "submissions_searched" });
  });

  it("changes no settings, no password and no second factor, and opens no desk entry without the entry", async () => {
    const settings = (await getOrganisationSettings(db(), admin.organisationId))!;
    const { id: entry } = await submission();
    const account = () => db().selectFrom("accounts").select(["password_hash", "totp_enabled"]).where("id", "=", admin.accountId).executeTakeFirstOrThrow();
    const before = { account: await account(), sessions: await count("staff_sessions"), events: await count("privacy_events"), audit: await count("audit_log") };
    const password = await hashedPassword("ein ganz neues Passwort 2030");

    await refuseAuditEntries(db(), engine);
    expect(await refused(updateOrganisationSettingsAs(db(), admin, { ...settings, open_data_phone: "05121 301-99" }))).toMatch(/audit log refused/);
    expect(await refused(changeOwnPassword(db(), { ...admin, clientAddress: "192.0.2.1" }, password))).toMatch(/audit log refused/);
    expect(await refused(enableTotpAs(db(), admin, "JBSWY3DPEHPK3PXP", 1))).toMatch(/audit log refused/);
    expect(await refused(openEntryForStaffAs(db(), admin, entry))).toMatch(/audit log refused/);
    await acceptAuditEntries(db(), engine);

    expect(await getOrganisationSettings(db(), admin.organisationId)).toEqual(settings);
    expect({ account: await account(), sessions: await count("staff_sessions"), events: await count("privacy_events"), audit: await count("audit_log") }).toEqual(before);
  });
});
