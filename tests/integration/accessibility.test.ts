/**
 * Barrier reports and the accessibility statement against real databases (SQLite, and PostgreSQL
 * when TEST_DATABASE_URL is set): the due date one month after receipt, overdue reports on the
 * admins' list and counts, contact data encrypted at rest and erased once a report has been closed
 * for the retention period, the answer by e-mail, a resent form storing one report, the rate limit,
 * and the statement's defaults and saving.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { seedDemoIfEmpty } from "#db/seed";
import {
  answerBarrierReport,
  barrierReportCounts,
  closeBarrierReport,
  createBarrierReport,
  eraseExpiredReportContacts,
  getBarrierReport,
  getStatement,
  listBarrierReports,
  saveStatement,
  sendBarrierAnswers,
} from "~/modules/accessibility/accessibility.server";
import { CONTACT_RETENTION_DAYS, REPORT_RATE_LIMIT, dueDate, isOverdue } from "~/modules/accessibility/reports";
import { DEFAULT_FEDERAL_BODY, DEFAULT_STATE_BODY, STANDARD_LIMITATIONS, conciliationBody } from "~/modules/accessibility/statement";
import { createOrganisation } from "~/modules/organisations/organisations.server";
import type { MailMessage, Mailer } from "~/modules/notifications/outbox.server";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";

const DAY = 86_400_000;

describe("the answer is due one month after receipt", () => {
  it.each([
    ["2026-01-15T09:30:00.000Z", "2026-02-15T09:30:00.000Z"],
    ["2026-01-31T10:00:00.000Z", "2026-02-28T10:00:00.000Z"],
    ["2028-01-31T10:00:00.000Z", "2028-02-29T10:00:00.000Z"],
    ["2026-03-31T10:00:00.000Z", "2026-04-30T10:00:00.000Z"],
    ["2026-12-20T23:00:00.000Z", "2027-01-20T23:00:00.000Z"],
  ])("received %s → due %s", (received, due) => {
    expect(dueDate(new Date(received)).toISOString()).toBe(due);
  });

  it("is overdue only while still open after the due date", () => {
    const r = { due_at: "2026-02-15T09:30:00.000Z" };
    const after = new Date("2026-02-15T09:31:00.000Z");
    expect(isOverdue({ ...r, status: "open" }, new Date("2026-02-15T09:29:00.000Z"))).toBe(false);
    expect(isOverdue({ ...r, status: "open" }, after)).toBe(true);
    expect(isOverdue({ ...r, status: "answered" }, after)).toBe(false);
    expect(isOverdue({ ...r, status: "closed" }, after)).toBe(false);
  });
});

describe.each(engines)("barrier reports on %s", (engine) => {
  let testDb: TestDatabase;
  let h: DatabaseHandle;
  let orgId: number;
  let otherOrgId: number;
  let adminId: number;
  let sequence = 0;
  const input = (over: Partial<{ page: string; description: string; email: string; phone: string }> = {}) => ({
    page: "Radverkehrsplan 2030",
    description: "Die Karte hat keine Textbeschreibung.",
    email: "",
    phone: "",
    ...over,
  });
  const report = (over: Parameters<typeof input>[0] = {}, now = new Date(), organisationId = orgId) =>
    createBarrierReport(h.db, { organisationId, input: input(over), token: `token-${engine}-${++sequence}-abcdefgh`, language: "de", clientKey: `client-${sequence}`, now });
  const idOf = async (reference: string) => (await h.db.selectFrom("barrier_reports").select("id").where("reference", "=", reference).executeTakeFirstOrThrow()).id;

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    h = openDatabase(testDb.url);
    await migrateToLatest(h.db);
    await seedDemoIfEmpty(h.db);
    orgId = (await h.db.selectFrom("organisations").select("id").where("slug", "=", "musterstadt").executeTakeFirstOrThrow()).id;
    otherOrgId = await createOrganisation(h.db, { slug: "nachbarstadt", name: "Stadt Nachbarstadt" });
    adminId = (await h.db.selectFrom("accounts").select("id").where("email", "=", "admin@demo.example").executeTakeFirst())?.id ?? 0;
    if (!adminId) {
      adminId = (
        await h.db
          .insertInto("accounts")
          .values({ organisation_id: orgId, email: "a@musterstadt.example", display_name: "A", password_hash: null, password_changed_at: null, totp_secret: null, totp_last_step: null, created_at: new Date().toISOString(), updated_at: new Date().toISOString() })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id;
    }
  });
  afterAll(async () => {
    await h?.close();
    await testDb?.drop();
  });

  it("stores a report with its due date and keeps contact data encrypted", async () => {
    const received = new Date("2026-01-31T10:00:00.000Z");
    const stored = await report({ email: "zora@example.org", phone: "0511 123456" }, received);
    expect(stored.reference).toMatch(/^BF-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(stored.dueAt).toBe("2026-02-28T10:00:00.000Z");
    const row = await h.db.selectFrom("barrier_reports").selectAll().where("reference", "=", stored.reference).executeTakeFirstOrThrow();
    expect(row.contact_email).not.toContain("zora");
    expect(row.contact_phone).not.toContain("123456");
    const masked = await getBarrierReport(h.db, orgId, row.id);
    expect(masked.contact).toEqual({ email: "z***@example.org", phone: "********56" });
    const clear = await getBarrierReport(h.db, orgId, row.id, { reveal: true });
    expect(clear.contact).toEqual({ email: "zora@example.org", phone: "0511 123456" });
  });

  it("stores one report for a form sent twice (the same token)", async () => {
    const args = { organisationId: orgId, input: input({ page: `Doppelt ${engine}` }), token: `double-click-${engine}-0123456789`, language: "en", clientKey: "double" };
    const [a, b] = await Promise.all([createBarrierReport(h.db, args), createBarrierReport(h.db, args)]);
    const c = await createBarrierReport(h.db, args);
    expect(new Set([a.reference, b.reference, c.reference]).size).toBe(1);
    const rows = await h.db.selectFrom("barrier_reports").select("id").where("page", "=", `Doppelt ${engine}`).execute();
    expect(rows).toHaveLength(1);
  });

  it("refuses more reports than the limit from one client, and stores none of them", async () => {
    const args = (i: number) => ({ organisationId: orgId, input: input({ page: `Flut ${engine}` }), token: `flood-${engine}-${i}-0123456789`, language: "de", clientKey: `flood-${engine}` });
    for (let i = 0; i < REPORT_RATE_LIMIT.limit; i++) await createBarrierReport(h.db, args(i));
    await expect(createBarrierReport(h.db, args(99))).rejects.toMatchObject({ status: 429, reason: "too_many_attempts" });
    const rows = await h.db.selectFrom("barrier_reports").select("id").where("page", "=", `Flut ${engine}`).execute();
    expect(rows).toHaveLength(REPORT_RATE_LIMIT.limit);
  });

  it("lists overdue reports first, counts open and overdue ones, and never another organisation's", async () => {
    const now = new Date("2030-06-15T12:00:00.000Z");
    await h.db.deleteFrom("barrier_reports").execute();
    const old = await report({ page: "alt" }, new Date(now.getTime() - 40 * DAY));
    const older = await report({ page: "älter" }, new Date(now.getTime() - 60 * DAY));
    const fresh = await report({ page: "neu" }, new Date(now.getTime() - 2 * DAY));
    const answered = await report({ page: "beantwortet" }, new Date(now.getTime() - 50 * DAY));
    await answerBarrierReport(h.db, { organisationId: orgId, id: await idOf(answered.reference), text: "Behoben.", accountId: adminId, now });
    await report({ page: "fremd" }, new Date(now.getTime() - 90 * DAY), otherOrgId);

    const list = await listBarrierReports(h.db, orgId, now);
    expect(list.map((r) => [r.page, r.overdue])).toEqual([
      ["älter", true],
      ["alt", true],
      ["neu", false],
      ["beantwortet", false],
    ]);
    expect(await barrierReportCounts(h.db, orgId, now)).toEqual({ open: 3, overdue: 2 });
    expect(await barrierReportCounts(h.db, otherOrgId, now)).toEqual({ open: 1, overdue: 1 });
    await expect(getBarrierReport(h.db, otherOrgId, await idOf(fresh.reference))).rejects.toMatchObject({ status: 404 });
    expect(old.reference).not.toBe(older.reference);
  });

  it("erases contact data only once a report has been closed for the retention period", async () => {
    const now = new Date("2030-07-01T08:00:00.000Z");
    const open = await report({ email: "offen@example.org" }, new Date(now.getTime() - 200 * DAY));
    const closed = await report({ email: "zu@example.org", phone: "030 1234567" }, new Date(now.getTime() - 10 * DAY));
    const closedId = await idOf(closed.reference);
    await closeBarrierReport(h.db, { organisationId: orgId, id: closedId, accountId: adminId, now });

    // the day before: nothing goes
    expect(await eraseExpiredReportContacts(h.db, new Date(now.getTime() + (CONTACT_RETENTION_DAYS - 1) * DAY))).toBe(0);
    expect((await getBarrierReport(h.db, orgId, closedId, { reveal: true })).contact.email).toBe("zu@example.org");

    const later = new Date(now.getTime() + CONTACT_RETENTION_DAYS * DAY + 1000);
    expect(await eraseExpiredReportContacts(h.db, later)).toBe(1);
    const row = await h.db.selectFrom("barrier_reports").selectAll().where("id", "=", closedId).executeTakeFirstOrThrow();
    expect([row.contact_email, row.contact_phone]).toEqual([null, null]);
    expect(row.contact_deleted_at).toBe(later.toISOString());
    // the report itself stays (to fix the barrier and report on it)
    expect(row.description).toBe("Die Karte hat keine Textbeschreibung.");
    // an open report keeps them, however old
    expect((await getBarrierReport(h.db, orgId, await idOf(open.reference), { reveal: true })).contact.email).toBe("offen@example.org");
  });

  it("sends the answer by e-mail to the address left, once, and not after a closed report's contact data went", async () => {
    const now = new Date("2030-08-01T08:00:00.000Z");
    const withMail = await report({ email: "antwort@example.org", page: "Formular" }, now);
    const noMail = await report({ phone: "0511 999999" }, now);
    const sent: MailMessage[] = [];
    const mailer: Mailer = { sendMail: async (m) => void sent.push(m) };
    const r1 = await answerBarrierReport(h.db, { organisationId: orgId, id: await idOf(withMail.reference), text: "Wir haben die Beschriftung ergänzt.", accountId: adminId, now });
    const r2 = await answerBarrierReport(h.db, { organisationId: orgId, id: await idOf(noMail.reference), text: "Rückruf erfolgt.", accountId: adminId, now });
    expect(r1).toEqual({ ok: true, mailQueued: true });
    expect(r2).toEqual({ ok: true, mailQueued: false });
    expect(await sendBarrierAnswers(h.db, mailer, now)).toEqual({ sent: 1, failed: 0 });
    expect(await sendBarrierAnswers(h.db, mailer, new Date(now.getTime() + DAY))).toEqual({ sent: 0, failed: 0 });
    expect(sent).toHaveLength(1);
    expect(sent[0].to).toBe("antwort@example.org");
    expect(sent[0].subject).toContain(withMail.reference);
    expect(sent[0].text).toContain("Wir haben die Beschriftung ergänzt.");
    expect((await getBarrierReport(h.db, orgId, await idOf(withMail.reference))).mailState).toBe("sent");

    // a closed report cannot be answered any more
    const id = await idOf(noMail.reference);
    await closeBarrierReport(h.db, { organisationId: orgId, id, accountId: adminId, now });
    expect(await answerBarrierReport(h.db, { organisationId: orgId, id, text: "Noch etwas", accountId: adminId, now })).toEqual({ ok: false, reason: "closed" });
  });

  it("retries a failed e-mail later", async () => {
    const now = new Date("2030-09-01T08:00:00.000Z");
    const stored = await report({ email: "wackelig@example.org" }, now);
    await answerBarrierReport(h.db, { organisationId: orgId, id: await idOf(stored.reference), text: "Antwort", accountId: adminId, now });
    const failing: Mailer = { sendMail: async () => Promise.reject(new Error("421 try again to wackelig@example.org")) };
    expect(await sendBarrierAnswers(h.db, failing, now)).toEqual({ sent: 0, failed: 1 });
    const row = await h.db.selectFrom("barrier_reports").selectAll().where("reference", "=", stored.reference).executeTakeFirstOrThrow();
    expect(row.mail_state).toBe("failed");
    expect(row.mail_next_attempt_at! > now.toISOString()).toBe(true);
    const sent: MailMessage[] = [];
    expect(await sendBarrierAnswers(h.db, { sendMail: async (m) => void sent.push(m) }, new Date(now.getTime() + DAY))).toEqual({ sent: 1, failed: 0 });
    expect(sent[0].to).toBe("wackelig@example.org");
  });

  it("shows the seeded statement, defaults for an organisation without one, and saves changes", async () => {
    const demo = await getStatement(h.db, orgId);
    expect(demo.saved).toBe(true);
    expect(demo.conformance).toBe("partial");
    expect(demo.standardLimitations).toEqual([...STANDARD_LIMITATIONS]);
    expect(demo.stateBody).toContain("Niedersachsen");

    const fresh = await getStatement(h.db, otherOrgId);
    expect(fresh.saved).toBe(false);
    // a municipality is under its state's law: Lower Saxony unless set otherwise (migration 0023)
    expect(fresh.legalFramework).toBe("ni");
    expect(fresh.stateBody).toBe(DEFAULT_STATE_BODY.ni);
    expect(fresh.federalBody).toBe("");

    await saveStatement(h.db, otherOrgId, { ...fresh, conformance: "full", standardLimitations: ["charts"], customLimitations: [{ part: "Stadtplan", reason: "Grafik", alternative: "Anruf" }] }, null);
    const saved = await getStatement(h.db, otherOrgId);
    expect(saved).toMatchObject({ saved: true, conformance: "full", standardLimitations: ["charts"], customLimitations: [{ part: "Stadtplan", reason: "Grafik", alternative: "Anruf" }] });
    await saveStatement(h.db, otherOrgId, { ...saved, legalFramework: "federal", federalBody: "" }, null);
    const federal = await getStatement(h.db, otherOrgId);
    expect(federal.legalFramework).toBe("federal");
    expect(conciliationBody(federal)).toBe(DEFAULT_FEDERAL_BODY);
    const org = await h.db.selectFrom("organisations").select("legal_framework").where("id", "=", otherOrgId).executeTakeFirstOrThrow();
    expect(org.legal_framework).toBe("federal");
    // the demo organisation's statement is untouched
    expect((await getStatement(h.db, orgId)).conformance).toBe("partial");
  });
});
