/**
 * Result notifications by e-mail against real databases (SQLite, and PostgreSQL when
 * TEST_DATABASE_URL is set) and a real SMTP server on 127.0.0.1 (smtp-server, started here):
 * who is queued, once; what arrives; the privacy log of each notified submission; retries with
 * backoff while the server is down; no address in any log line or outbox row.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { seedDemoIfEmpty } from "#db/seed";
import { recordConsideration } from "~/modules/considerations/considerations.server";
import { runJobs } from "~/modules/jobs/jobs.server";
import { MAX_ATTEMPTS, createTransport, queueResultNotifications, sendPendingEmails, withoutAddresses } from "~/modules/notifications/outbox.server";
import { CONSENT_LEGAL_BASIS } from "~/modules/privacy-log/events";
import { readPrivacyLog } from "~/modules/privacy-log/privacy-log.server";
import { requestErasure, withdrawSubmission } from "~/modules/privacy/rights.server";
import { findPublicProcedure } from "~/modules/procedures/procedures.server";
import type { Procedure } from "~/modules/procedures/procedure";
import { createSubmission } from "~/modules/submissions/submissions.server";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";
import { LocalSmtp } from "../support/smtp";

const MINUTE = 60_000;
const RESULTS_URL = "https://beteiligung.example/musterstadt/verfahren/radverkehrsplan-2030/ergebnisse";
const MAIL_FROM = "Stadt Musterstadt <beteiligung@musterstadt.example>";
const REJECTED = "abgelehnt@example.org";

// ——— everything the code under test logs ———

const logged = vi.hoisted(() => [] as string[]);
// the app's log lines as the code under test hands them over (before pino's redaction, which is only a second lock)
vi.mock("~/modules/http/log.server", () => ({
  log: (level: string, event: string, fields: Record<string, unknown> = {}) => void logged.push(JSON.stringify({ level, event, ...fields })),
}));
const capture = (...args: unknown[]) => void logged.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
beforeAll(() => {
  for (const method of ["log", "info", "warn", "error", "debug"] as const) vi.spyOn(console, method).mockImplementation(capture);
});
afterAll(() => vi.restoreAllMocks());

// one SMTP server for the whole file: the app's transport is made once per process from SMTP_URL
const smtp = new LocalSmtp({ rejects: [REJECTED] });
beforeAll(() => smtp.start());
afterAll(() => smtp.stop());

let sequence = 0;

describe.each(engines)("result e-mails on %s", (engine) => {
  let testDb: TestDatabase;
  let h: DatabaseHandle;
  let orgId: number;
  let procedure: Procedure;
  let other: Procedure;
  // a whole minute, now: retention (which the job also runs) must not be due yet
  const at = new Date(Math.floor(Date.now() / MINUTE) * MINUTE);
  const addresses = [`anna.${engine}@example.org`, `bert.${engine}@example.org`, `carla.${engine}@example.org`, `dora.${engine}@example.org`, `fritz.${engine}@example.org`, `gerd.${engine}@example.org`, `hanna.${engine}@example.org`, `ines.${engine}@example.org`, `otto.${engine}@example.org`, REJECTED];
  const ids: Record<string, number> = {};

  async function submit(p: Procedure, contact: Record<string, string>, consentResults?: boolean) {
    const result = await h.db.transaction().execute((trx) =>
      createSubmission(trx, {
        procedure: p,
        input: { answers: [{ questionId: p.questions[0].id, values: ["Mehr Radwege"] }], contact, consentResults },
        channel: "online",
        language: "de",
        idempotencyKey: `outbox-test-${engine}-${++sequence}`,
      }),
    );
    return result.submissionId;
  }
  const outboxRows = () => h.db.selectFrom("outbox").selectAll().orderBy("submission_id").execute();
  const rowOf = async (submissionId: number) => h.db.selectFrom("outbox").selectAll().where("submission_id", "=", submissionId).executeTakeFirstOrThrow();

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    h = openDatabase(testDb.url);
    await migrateToLatest(h.db);
    await seedDemoIfEmpty(h.db);
    orgId = (await h.db.selectFrom("organisations").select("id").executeTakeFirstOrThrow()).id;
    procedure = (await findPublicProcedure(h.db, orgId, "radverkehrsplan-2030"))!;
    other = (await findPublicProcedure(h.db, orgId, "buergerhaushalt-2027"))!;
    ids.anna = await submit(procedure, { name: "Anna Beispiel", email: addresses[0] }, true);
    ids.bert = await submit(procedure, { email: addresses[1] }, false); // refused
    ids.carla = await submit(procedure, { email: addresses[2] }, true);
    await withdrawSubmission(h.db, ids.carla);
    ids.dora = await submit(procedure, { email: addresses[3] }, true);
    await requestErasure(h.db, ids.dora);
    ids.emil = await submit(procedure, { name: "Emil Post", address: "Hauptstr. 1\n31134 Musterstadt" }, true); // a letter, not an e-mail
    ids.fritz = await submit(procedure, { name: "Fritz Antwort", email: addresses[4], address: "Am Markt 2\n31134 Musterstadt" }, true);
    ids.gerd = await submit(procedure, { email: addresses[5] }); // never asked
    ids.hanna = await submit(procedure, { email: addresses[6] }, true); // erased after queueing
    ids.otto = await submit(other, { email: addresses[8] }, true); // another procedure
    ids.anonymous = await submit(procedure, {});
    await recordConsideration(h.db, { organisationId: orgId, procedureId: procedure.id, submissionIds: [ids.fritz], moderatorId: 1, decision: "partly_accepted", text: "Der Radweg wird auf der Ostseite gebaut." });
  });
  afterAll(async () => {
    await h?.close();
    await testDb?.drop();
  });

  it("queues consenting, not withdrawn submissions that still hold an e-mail address — once", async () => {
    expect(await queueResultNotifications(h.db, { organisationId: orgId, procedureId: procedure.id, resultsUrl: RESULTS_URL, now: at })).toEqual({ queued: 3 });
    expect(await queueResultNotifications(h.db, { organisationId: orgId, procedureId: procedure.id, resultsUrl: RESULTS_URL, now: at })).toEqual({ queued: 0 });
    const rows = await outboxRows();
    expect(rows.map((r) => r.submission_id)).toEqual([ids.anna, ids.fritz, ids.hanna]);
    for (const r of rows) expect(r).toMatchObject({ organisation_id: orgId, kind: "result_email", state: "pending", attempts: 0, language: "de", next_attempt_at: at.toISOString(), sent_at: null });
    // another organisation's procedure is not found
    await expect(queueResultNotifications(h.db, { organisationId: orgId + 999, procedureId: procedure.id, resultsUrl: RESULTS_URL })).rejects.toMatchObject({ status: 404 });
    // the unique key holds even against a direct second insert
    await expect(h.db.insertInto("outbox").values({ ...rows[0], id: undefined }).execute()).rejects.toThrow();
  });

  it("writes the text in German: decision and response where there is one, the results link, the privacy log with the receipt code", async () => {
    const fritz = await rowOf(ids.fritz);
    expect(fritz.subject).toBe(`Ergebnisse veröffentlicht: ${procedure.title}`);
    expect(fritz.body_text).toContain(`am Verfahren „${procedure.title}“ beteiligt`);
    expect(fritz.body_text).toContain(RESULTS_URL);
    expect(fritz.body_text).toContain("Antwort der Verwaltung auf Ihren Beitrag: Teilweise berücksichtigt\nDer Radweg wird auf der Ostseite gebaut.");
    expect(fritz.body_text).toContain("mit Ihrem Eingangscode unter https://beteiligung.example/musterstadt/beitrag");
    expect(fritz.body_text).toMatch(/Ihre Kontaktdaten löschen wir spätestens am \d+\. \S+ \d{4}\./);
    expect(fritz.body_text).toContain(procedure.responsibleOffice);
    const anna = await rowOf(ids.anna);
    expect(anna.body_text).toContain("Eine eigene Antwort auf Ihren Beitrag gibt es nicht.");
    expect(anna.body_text).not.toContain("Antwort der Verwaltung auf Ihren Beitrag:");
    // no address (nor name) is stored in the outbox
    const stored = JSON.stringify(await outboxRows());
    for (const a of addresses) expect(stored).not.toContain(a);
    expect(stored).not.toContain("Anna Beispiel");
  });

  it("sends exactly the queued e-mails over SMTP, marks them sent and records each opening in the privacy log", async () => {
    await requestErasure(h.db, ids.hanna); // erased between queueing and sending
    const before = (await readPrivacyLog(h.db, ids.hanna)).events.length;
    smtp.received = [];
    const sendAt = new Date(at.getTime() + MINUTE);
    expect(await sendPendingEmails(h.db, smtp.transport(), { now: sendAt, batch: 10 })).toEqual({ sent: 2, failed: 0, gaveUp: 0, cancelled: 1 });

    expect(smtp.received.map((m) => m.to)).toEqual([[addresses[0]], [addresses[4]]]);
    const [toAnna, toFritz] = smtp.received;
    expect(toAnna.raw).toMatch(new RegExp(`^To: ${addresses[0].replace(/\./g, "\\.")}\\r?$`, "m"));
    expect(toAnna.raw).toMatch(/^From: Stadt Musterstadt <beteiligung@musterstadt\.example>\r?$/m);
    expect(toAnna.raw).toMatch(/^Auto-Submitted: auto-generated\r?$/m);
    expect(toAnna.text).toContain("Guten Tag,");
    expect(toAnna.text).toContain("Eine eigene Antwort auf Ihren Beitrag gibt es nicht.");
    expect(toAnna.text).toContain("mit Ihrem Eingangscode");
    expect(toFritz.text).toContain("Teilweise berücksichtigt");
    expect(toFritz.text).toContain("Der Radweg wird auf der Ostseite gebaut.");
    expect(toFritz.text).toContain(RESULTS_URL);

    for (const id of [ids.anna, ids.fritz]) {
      expect(await rowOf(id)).toMatchObject({ state: "sent", attempts: 1, sent_at: sendAt.toISOString(), next_attempt_at: null, last_error: null });
      const log = await readPrivacyLog(h.db, id);
      expect(log.check.intact).toBe(true);
      const opened = log.events.filter((e) => e.type === "personal_data_opened");
      expect(opened).toHaveLength(1);
      expect(opened[0]).toMatchObject({ actorRole: "system", purpose: "results_notification", legalBasis: CONSENT_LEGAL_BASIS, occurredAt: sendAt.toISOString() });
      expect(opened[0].categories).toContain("email");
    }
    // erased meanwhile: cancelled, nothing opened
    expect(await rowOf(ids.hanna)).toMatchObject({ state: "cancelled", next_attempt_at: null, attempts: 0 });
    expect((await readPrivacyLog(h.db, ids.hanna)).events).toHaveLength(before);
    // nothing else is due: nothing is sent twice
    expect(await sendPendingEmails(h.db, smtp.transport(), { now: new Date(sendAt.getTime() + 60 * MINUTE) })).toEqual({ sent: 0, failed: 0, gaveUp: 0, cancelled: 0 });
    expect(smtp.received).toHaveLength(2);
    // and queueing again later adds nothing for those already notified
    expect(await queueResultNotifications(h.db, { organisationId: orgId, procedureId: procedure.id, resultsUrl: RESULTS_URL })).toEqual({ queued: 0 });
  });

  it("keeps a mail that could not be sent as failed, retries it after 2^attempts minutes, and sends it once the server is back", async () => {
    const ines = await submit(procedure, { email: addresses[7] }, true);
    expect(await queueResultNotifications(h.db, { organisationId: orgId, procedureId: procedure.id, resultsUrl: RESULTS_URL, now: at })).toEqual({ queued: 1 });
    const transport = smtp.transport();
    const port = smtp.port;
    await smtp.stop();

    const t1 = new Date(at.getTime() + 10 * MINUTE);
    expect(await sendPendingEmails(h.db, transport, { now: t1 })).toEqual({ sent: 0, failed: 1, gaveUp: 0, cancelled: 0 });
    let row = await rowOf(ines);
    expect(row).toMatchObject({ state: "failed", attempts: 1, next_attempt_at: new Date(t1.getTime() + 2 * MINUTE).toISOString(), sent_at: null });
    expect(row.last_error).toMatch(/ECONNREFUSED/);
    // the opening was recorded even though the mail did not go out: it was read in clear
    expect((await readPrivacyLog(h.db, ines)).events.filter((e) => e.type === "personal_data_opened")).toHaveLength(1);

    // not due yet
    expect(await sendPendingEmails(h.db, transport, { now: new Date(t1.getTime() + MINUTE) })).toEqual({ sent: 0, failed: 0, gaveUp: 0, cancelled: 0 });
    // due, still down: the next wait doubles
    const t2 = new Date(t1.getTime() + 2 * MINUTE);
    expect(await sendPendingEmails(h.db, transport, { now: t2 })).toMatchObject({ failed: 1 });
    row = await rowOf(ines);
    expect(row).toMatchObject({ state: "failed", attempts: 2, next_attempt_at: new Date(t2.getTime() + 4 * MINUTE).toISOString() });

    // the server is back on the same port: the same transport delivers
    smtp.received = [];
    await smtp.start(port);
    const t3 = new Date(t2.getTime() + 4 * MINUTE);
    expect(await sendPendingEmails(h.db, transport, { now: t3 })).toEqual({ sent: 1, failed: 0, gaveUp: 0, cancelled: 0 });
    expect(smtp.received.map((m) => m.to)).toEqual([[addresses[7]]]);
    expect(await rowOf(ines)).toMatchObject({ state: "sent", attempts: 3, sent_at: t3.toISOString(), next_attempt_at: null, last_error: null });
  });

  it(`gives up after ${MAX_ATTEMPTS} attempts; a rejected address never reaches last_error or the logs`, async () => {
    const rejected = await submit(procedure, { email: REJECTED }, true);
    await queueResultNotifications(h.db, { organisationId: orgId, procedureId: procedure.id, resultsUrl: RESULTS_URL, now: at });
    const transport = smtp.transport();
    let now = new Date(at.getTime() + 20 * MINUTE);
    const waits: number[] = [];
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const r = await sendPendingEmails(h.db, transport, { now });
      expect(r.sent).toBe(0);
      const row = await rowOf(rejected);
      expect(row).toMatchObject({ state: "failed", attempts: attempt });
      expect(row.last_error).toContain("550");
      expect(row.last_error).not.toContain("@");
      if (row.next_attempt_at) {
        waits.push((new Date(row.next_attempt_at).getTime() - now.getTime()) / MINUTE);
        now = new Date(row.next_attempt_at);
      }
    }
    expect(waits).toEqual([2, 4, 8, 16, 32]);
    expect((await rowOf(rejected)).next_attempt_at).toBeNull();
    expect(await sendPendingEmails(h.db, transport, { now: new Date(now.getTime() + 365 * 24 * 60 * MINUTE) })).toEqual({ sent: 0, failed: 0, gaveUp: 0, cancelled: 0 });
    expect(withoutAddresses("550 <a.b+c@example.org>: no such user")).toBe("550 <[address]>: no such user");
  });

  it("runs as the scheduled outbox job when SMTP_URL is set, and cancels rows of withdrawn submissions", async () => {
    const late = await submit(procedure, { email: `spaet.${engine}@example.org` }, true);
    const withdrawnLater = await submit(procedure, { email: `weg.${engine}@example.org` }, true);
    await queueResultNotifications(h.db, { organisationId: orgId, procedureId: procedure.id, resultsUrl: RESULTS_URL, now: at });
    await withdrawSubmission(h.db, withdrawnLater);
    process.env.SMTP_URL = `smtp://127.0.0.1:${smtp.port}/?ignoreTLS=true`;
    process.env.MAIL_FROM = MAIL_FROM;
    smtp.received = [];
    const result = await runJobs(h.db, new Date(at.getTime() + 30 * MINUTE));
    expect(result.outbox).toEqual({ sent: 1, failed: 0, gaveUp: 0, cancelled: 1 });
    expect(smtp.received.map((m) => m.to)).toEqual([[`spaet.${engine}@example.org`]]);
    expect(await rowOf(late)).toMatchObject({ state: "sent" });
    expect(await rowOf(withdrawnLater)).toMatchObject({ state: "cancelled" });
  });

  it("has a transport only when SMTP_URL is set, and then needs MAIL_FROM", () => {
    expect(createTransport({})).toBeNull();
    expect(createTransport({ SMTP_URL: "  " })).toBeNull();
    expect(() => createTransport({ SMTP_URL: "smtp://127.0.0.1:25" })).toThrow("MAIL_FROM");
  });

  it("never logged an address", () => {
    expect(logged.some((line) => line.includes("outbox_send_failed"))).toBe(true);
    const all = logged.join("\n");
    for (const a of addresses) expect(all).not.toContain(a);
    expect(all).not.toContain(`spaet.${engine}@example.org`);
  });
});
