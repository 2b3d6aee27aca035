/**
 * The accessibility statement and barrier reports in the database. Contact data of a report are
 * AES-256-GCM ciphertext bound to the report's reference and column; they are opened only to send
 * the answer or when an admin chooses to see them (audited by the caller), and erased
 * CONTACT_RETENTION_DAYS after the report is closed (runAccessibilityJob).
 */
import { randomInt } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { BarrierReportStatus, Database } from "#db/schema";
import { fixedT } from "~/i18n/i18n.server";
import { formatDate } from "~/i18n/format";
import { HttpError } from "~/modules/http/errors";
import { clientBucket, hitRateLimit } from "~/modules/http/rate-limit.server";
import { log } from "~/modules/http/log.server";
import { decryptField, encryptField, isEncrypted, needsReencryption, type KeyRing } from "~/modules/privacy/contact-crypto.server";
import { getKeyRing } from "~/modules/privacy/keys.server";
import { maskEmail, maskPhone } from "~/modules/privacy/masking";
import { configuredMailer, withoutAddresses, type Mailer } from "~/modules/notifications/outbox.server";
import { REPORT_RATE_LIMIT, contactDeleteAfter, dueDate, isOverdue, newReference, type ReportInput } from "./reports";
import { STANDARD_LIMITATIONS, defaultStatement, type CustomLimitation, type StandardLimitation, type Statement } from "./statement";

type Db = Kysely<Database> | Transaction<Database>;

// ——— the statement ———

export async function getStatement(db: Db, organisationId: number): Promise<Statement> {
  const org = await db.selectFrom("organisations").select(["created_at", "legal_framework"]).where("id", "=", organisationId).executeTakeFirst();
  if (!org) throw new HttpError(404, "not_found");
  const row = await db.selectFrom("accessibility_statements").selectAll().where("organisation_id", "=", organisationId).executeTakeFirst();
  if (!row) return defaultStatement(org.created_at, org.legal_framework);
  const standard = JSON.parse(row.standard_limitations) as string[];
  return {
    conformance: row.conformance,
    method: row.method,
    preparedOn: row.prepared_on,
    reviewedOn: row.reviewed_on,
    standardLimitations: STANDARD_LIMITATIONS.filter((k) => standard.includes(k)) as StandardLimitation[],
    customLimitations: JSON.parse(row.custom_limitations) as CustomLimitation[],
    legalFramework: org.legal_framework,
    federalBody: row.federal_body,
    stateBody: row.state_body,
    saved: true,
  };
}

export async function saveStatement(db: Db, organisationId: number, statement: Statement, accountId: number | null, now = new Date()): Promise<void> {
  const values = {
    conformance: statement.conformance,
    method: statement.method,
    prepared_on: statement.preparedOn,
    reviewed_on: statement.reviewedOn,
    standard_limitations: JSON.stringify(statement.standardLimitations),
    custom_limitations: JSON.stringify(statement.customLimitations),
    federal_body: statement.federalBody,
    state_body: statement.stateBody,
    updated_by: accountId,
    updated_at: now.toISOString(),
  };
  await db.updateTable("organisations").set({ legal_framework: statement.legalFramework }).where("id", "=", organisationId).execute();
  await db
    .insertInto("accessibility_statements")
    .values({ organisation_id: organisationId, ...values })
    .onConflict((oc) => oc.column("organisation_id").doUpdateSet(values))
    .execute();
}

// ——— reports from residents ———

const aad = (reference: string, column: "email" | "phone") => `barrier_reports:${reference}:${column}`;

export interface StoredReport {
  reference: string;
  receivedAt: string;
  dueAt: string;
  hasContact: boolean;
}

const findByToken = (db: Db, token: string) =>
  db
    .selectFrom("barrier_reports")
    .select(["reference", "received_at", "due_at", "contact_email", "contact_phone", "organisation_id"])
    .where("idempotency_key", "=", token)
    .executeTakeFirst();

const toStored = (r: { reference: string; received_at: string; due_at: string; contact_email: string | null; contact_phone: string | null }): StoredReport => ({
  reference: r.reference,
  receivedAt: r.received_at,
  dueAt: r.due_at,
  hasContact: Boolean(r.contact_email || r.contact_phone),
});

/**
 * Store a report (rate-limited per client). A resent form (same token) finds its first report.
 * Returns the reference to quote and the date by which the answer is due.
 */
export async function createBarrierReport(
  db: Kysely<Database>,
  args: { organisationId: number; input: ReportInput; token: string; language: string; clientKey: string; now?: Date },
): Promise<StoredReport> {
  const now = args.now ?? new Date();
  const existing = await findByToken(db, args.token);
  if (existing && existing.organisation_id === args.organisationId) return toStored(existing);
  const limit = await hitRateLimit(db, `barrier-report:${clientBucket(args.clientKey)}`, { ...REPORT_RATE_LIMIT, now });
  if (!limit.allowed) throw new HttpError(429, "too_many_attempts");
  const ring = getKeyRing();
  for (let attempt = 0; ; attempt++) {
    const reference = newReference(randomInt);
    const taken = await db.selectFrom("barrier_reports").select("id").where("reference", "=", reference).executeTakeFirst();
    if (taken && attempt < 5) continue;
    const receivedAt = now.toISOString();
    const dueAt = dueDate(now).toISOString();
    const insert = db
      .insertInto("barrier_reports")
      .values({
        organisation_id: args.organisationId,
        reference,
        // a form without a token (sent by hand) still gets one report
        idempotency_key: existing ? `${args.token}:${reference}` : args.token,
        page: args.input.page,
        description: args.input.description,
        contact_email: args.input.email ? encryptField(ring, args.input.email, aad(reference, "email")) : null,
        contact_phone: args.input.phone ? encryptField(ring, args.input.phone, aad(reference, "phone")) : null,
        language: args.language,
        received_at: receivedAt,
        due_at: dueAt,
        status: "open",
        answer_text: null,
        answered_at: null,
        answered_by: null,
        closed_at: null,
        closed_by: null,
        contact_delete_after: null,
        contact_deleted_at: null,
        mail_next_attempt_at: null,
        mail_sent_at: null,
      });
    try {
      await insert.execute();
    } catch (error) {
      // the same form sent twice at once: the other request stored it
      const first = await findByToken(db, args.token);
      if (first && first.organisation_id === args.organisationId) return toStored(first);
      throw error;
    }
    return { reference, receivedAt, dueAt, hasContact: Boolean(args.input.email || args.input.phone) };
  }
}

/** What the confirmation page shows: only the reference and dates, never the content. */
export async function findReceipt(db: Db, organisationId: number, reference: string): Promise<StoredReport | null> {
  const row = await db
    .selectFrom("barrier_reports")
    .select(["reference", "received_at", "due_at", "contact_email", "contact_phone"])
    .where("organisation_id", "=", organisationId)
    .where("reference", "=", reference)
    .executeTakeFirst();
  return row ? toStored(row) : null;
}

// ——— admins ———

export interface ReportListItem {
  id: number;
  reference: string;
  page: string;
  receivedAt: string;
  dueAt: string;
  status: BarrierReportStatus;
  overdue: boolean;
}

/** Every report of the organisation: overdue first, then open ones by due date, then the rest, newest first. */
export async function listBarrierReports(db: Db, organisationId: number, now = new Date()): Promise<ReportListItem[]> {
  const rows = await db
    .selectFrom("barrier_reports")
    .select(["id", "reference", "page", "received_at", "due_at", "status"])
    .where("organisation_id", "=", organisationId)
    .orderBy("id", "desc")
    .limit(500)
    .execute();
  const items = rows.map((r) => ({ id: r.id, reference: r.reference, page: r.page, receivedAt: r.received_at, dueAt: r.due_at, status: r.status, overdue: isOverdue(r, now) }));
  const rank = (i: ReportListItem) => (i.overdue ? 0 : i.status === "open" ? 1 : 2);
  return items.sort((a, b) => rank(a) - rank(b) || (rank(a) < 2 ? a.dueAt.localeCompare(b.dueAt) : b.receivedAt.localeCompare(a.receivedAt)));
}

/** For the dashboard: reports waiting for an answer, and how many of them are overdue. */
export async function barrierReportCounts(db: Db, organisationId: number, now = new Date()): Promise<{ open: number; overdue: number }> {
  const row = await db
    .selectFrom("barrier_reports")
    .select((eb) => [
      eb.fn.countAll<number>().as("open"),
      eb.fn.sum<number>(eb.case().when("due_at", "<", now.toISOString()).then(1).else(0).end()).as("overdue"),
    ])
    .where("organisation_id", "=", organisationId)
    .where("status", "=", "open")
    .executeTakeFirstOrThrow();
  return { open: Number(row.open ?? 0), overdue: Number(row.overdue ?? 0) };
}

export interface ReportDetail extends ReportListItem {
  description: string;
  language: string;
  answerText: string | null;
  answeredAt: string | null;
  closedAt: string | null;
  contactDeleteAfter: string | null;
  contactDeletedAt: string | null;
  /** masked unless opened */
  contact: { email: string | null; phone: string | null };
  mailState: string;
}

async function reportRow(db: Db, organisationId: number, id: number) {
  const row = await db.selectFrom("barrier_reports").selectAll().where("id", "=", id).where("organisation_id", "=", organisationId).executeTakeFirst();
  if (!row) throw new HttpError(404, "not_found");
  return row;
}

function openContact(row: { reference: string; contact_email: string | null; contact_phone: string | null }) {
  const ring = getKeyRing();
  return {
    email: row.contact_email ? decryptField(ring, row.contact_email, aad(row.reference, "email")) : null,
    phone: row.contact_phone ? decryptField(ring, row.contact_phone, aad(row.reference, "phone")) : null,
  };
}

/**
 * Key rotation (`npm run keys:rotate`): seals every report's contact data that is not yet under the
 * ring's current key with it (decrypted with whichever key sealed it). Returns the reports changed.
 */
export async function reencryptBarrierContacts(db: Kysely<Database>, ring: KeyRing): Promise<number> {
  const rows = await db
    .selectFrom("barrier_reports")
    .select(["id", "reference", "contact_email", "contact_phone"])
    .where((eb) => eb.or([eb("contact_email", "is not", null), eb("contact_phone", "is not", null)]))
    .orderBy("id")
    .execute();
  let changed = 0;
  for (const row of rows) {
    const update: { contact_email?: string; contact_phone?: string } = {};
    for (const [column, key] of [["contact_email", "email"], ["contact_phone", "phone"]] as const) {
      const stored = row[column];
      if (!stored || !needsReencryption(ring, stored)) continue;
      const plain = isEncrypted(stored) ? decryptField(ring, stored, aad(row.reference, key)) : stored;
      update[column] = encryptField(ring, plain, aad(row.reference, key));
    }
    if (Object.keys(update).length === 0) continue;
    // only if still as read: a report erased meanwhile stays erased
    let q = db.updateTable("barrier_reports").set(update).where("id", "=", row.id);
    for (const column of ["contact_email", "contact_phone"] as const) q = row[column] === null ? q.where(column, "is", null) : q.where(column, "=", row[column]);
    const result = await q.executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) changed++;
  }
  return changed;
}

/** One report for the admin page; the contact data masked, or in clear when `reveal` (the caller audits it). */
export async function getBarrierReport(db: Db, organisationId: number, id: number, { reveal = false, now = new Date() } = {}): Promise<ReportDetail> {
  const row = await reportRow(db, organisationId, id);
  const clear = openContact(row);
  return {
    id: row.id,
    reference: row.reference,
    page: row.page,
    receivedAt: row.received_at,
    dueAt: row.due_at,
    status: row.status,
    overdue: isOverdue(row, now),
    description: row.description,
    language: row.language,
    answerText: row.answer_text,
    answeredAt: row.answered_at,
    closedAt: row.closed_at,
    contactDeleteAfter: row.contact_delete_after,
    contactDeletedAt: row.contact_deleted_at,
    contact: reveal ? clear : { email: clear.email ? maskEmail(clear.email) : null, phone: clear.phone ? maskPhone(clear.phone) : null },
    mailState: row.mail_state,
  };
}

/**
 * Record the answer. When the reporter left an e-mail address, the answer is queued to be sent
 * (runAccessibilityJob); otherwise staff call back or it simply stands recorded.
 */
export async function answerBarrierReport(
  db: Db,
  args: { organisationId: number; id: number; text: string; accountId: number; now?: Date },
): Promise<{ ok: true; mailQueued: boolean } | { ok: false; reason: "closed" }> {
  const now = (args.now ?? new Date()).toISOString();
  const row = await reportRow(db, args.organisationId, args.id);
  if (row.status === "closed") return { ok: false, reason: "closed" };
  const mailQueued = row.contact_email !== null;
  await db
    .updateTable("barrier_reports")
    .set({
      status: "answered",
      answer_text: args.text,
      answered_at: now,
      answered_by: args.accountId,
      mail_state: mailQueued ? "pending" : "none",
      mail_attempts: 0,
      mail_next_attempt_at: mailQueued ? now : null,
      mail_sent_at: null,
    })
    .where("id", "=", row.id)
    .execute();
  return { ok: true, mailQueued };
}

/** Close a report (answered, or nothing more to do); its contact data go after the retention period. */
export async function closeBarrierReport(db: Db, args: { organisationId: number; id: number; accountId: number; now?: Date }): Promise<void> {
  const now = args.now ?? new Date();
  const row = await reportRow(db, args.organisationId, args.id);
  if (row.status === "closed") return;
  await db
    .updateTable("barrier_reports")
    .set({ status: "closed", closed_at: now.toISOString(), closed_by: args.accountId, contact_delete_after: contactDeleteAfter(now).toISOString() })
    .where("id", "=", row.id)
    .execute();
}

// ——— the scheduled job: erase contact data that are due, send answers ———

/** Erase the contact data of reports closed longer than the retention period. */
export async function eraseExpiredReportContacts(db: Kysely<Database>, now = new Date()): Promise<number> {
  const result = await db
    .updateTable("barrier_reports")
    .set({ contact_email: null, contact_phone: null, contact_deleted_at: now.toISOString() })
    .where("status", "=", "closed")
    .where("contact_delete_after", "<=", now.toISOString())
    .where("contact_deleted_at", "is", null)
    .executeTakeFirst();
  // a mail still waiting has nobody to go to any more
  await db.updateTable("barrier_reports").set({ mail_state: "cancelled", mail_next_attempt_at: null }).where("contact_email", "is", null).where("mail_state", "in", ["pending", "failed"]).execute();
  return Number(result.numUpdatedRows);
}

const MAIL_MAX_ATTEMPTS = 6;
const MAIL_CLAIM_MS = 10 * 60 * 1000;

/** The answer e-mail, in German (the official language, § 23 VwVfG), with the reference and what the report was about. */
export function answerMailText(args: { organisationName: string; reference: string; receivedAt: string; page: string; answer: string }) {
  const t = fixedT("de", "barriers");
  return {
    subject: t("mail.subject", { reference: args.reference, organisation: args.organisationName }),
    body: [
      t("mail.greeting"),
      t("mail.intro", { date: formatDate(args.receivedAt, "de"), reference: args.reference, page: args.page }),
      args.answer,
      t("mail.privacy"),
      [t("mail.closing"), args.organisationName].join("\n"),
    ].join("\n\n"),
  };
}

/** Send answers that are due, through the same SMTP transport as the result e-mails. */
export async function sendBarrierAnswers(db: Kysely<Database>, transport: Mailer, now = new Date()): Promise<{ sent: number; failed: number }> {
  const nowIso = now.toISOString();
  const due = await db
    .selectFrom("barrier_reports")
    .innerJoin("organisations", "organisations.id", "barrier_reports.organisation_id")
    .select(["barrier_reports.id", "reference", "received_at", "page", "answer_text", "contact_email", "contact_phone", "mail_state", "mail_attempts", "mail_next_attempt_at", "organisations.name as organisationName"])
    .where("mail_state", "in", ["pending", "failed"])
    .where("mail_next_attempt_at", "<=", nowIso)
    .orderBy("barrier_reports.id")
    .limit(100)
    .execute();
  const result = { sent: 0, failed: 0 };
  for (const row of due) {
    const taken = await db
      .updateTable("barrier_reports")
      .set({ mail_next_attempt_at: new Date(now.getTime() + MAIL_CLAIM_MS).toISOString() })
      .where("id", "=", row.id)
      .where("mail_state", "=", row.mail_state)
      .where("mail_next_attempt_at", "=", row.mail_next_attempt_at)
      .executeTakeFirst();
    if (Number(taken.numUpdatedRows) !== 1 || !row.contact_email || !row.answer_text) continue;
    const to = openContact(row).email!;
    const { subject, body } = answerMailText({ organisationName: row.organisationName, reference: row.reference, receivedAt: row.received_at, page: row.page, answer: row.answer_text });
    const attempts = row.mail_attempts + 1;
    try {
      await transport.sendMail({ to, subject, text: body, headers: { "Auto-Submitted": "auto-replied" } });
    } catch (error) {
      const gaveUp = attempts >= MAIL_MAX_ATTEMPTS;
      await db
        .updateTable("barrier_reports")
        .set({ mail_state: "failed", mail_attempts: attempts, mail_next_attempt_at: gaveUp ? null : new Date(now.getTime() + 2 ** attempts * 60_000).toISOString() })
        .where("id", "=", row.id)
        .execute();
      log("warn", "barrier_answer_send_failed", { reportId: row.id, attempts, gaveUp, error: withoutAddresses(error instanceof Error ? error.message : String(error)) });
      result.failed++;
      continue;
    }
    await db.updateTable("barrier_reports").set({ mail_state: "sent", mail_attempts: attempts, mail_next_attempt_at: null, mail_sent_at: nowIso }).where("id", "=", row.id).execute();
    result.sent++;
  }
  return result;
}

/** The scheduled job (jobs.server.ts): erase what is due, then send answers when SMTP is configured. */
export async function runAccessibilityJob(db: Kysely<Database>, now = new Date()) {
  const erased = await eraseExpiredReportContacts(db, now);
  const transport = configuredMailer();
  const mail = transport ? await sendBarrierAnswers(db, transport, now) : "smtp_not_configured";
  return { erased, mail };
}
