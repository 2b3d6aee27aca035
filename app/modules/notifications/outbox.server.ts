/**
 * Result notifications by e-mail, through an outbox. When results are published,
 * queueResultNotifications adds one row per consenting submission that left an e-mail address —
 * subject and text, never the address. The scheduled `outbox` job (sendPendingEmails) opens the
 * address at send time through openContactDetails, which records the read in the submission's
 * privacy log, and hands the mail to SMTP. So addresses stay encrypted at rest, every clear-text
 * read is logged, and contact data erased or withdrawn before sending are never used (the row is
 * cancelled). Delivery is at least once: a crash between sending and marking sends again later.
 * Addresses never reach a log line or last_error.
 */
import type { Kysely, Transaction } from "kysely";
import nodemailer from "nodemailer";
import type { Database, OutboxState, ResponseDecision } from "#db/schema";
import { formatDate } from "~/i18n/format";
import { fixedT } from "~/i18n/i18n.server";
import { HttpError } from "~/modules/http/errors";
import { log } from "~/modules/http/log.server";
import { CONSENT_LEGAL_BASIS } from "~/modules/privacy-log/events";
import { openContactDetails } from "~/modules/privacy/contact-data.server";

type Db = Kysely<Database> | Transaction<Database>;

/** Notifications are written in German, the official language (§ 23 VwVfG). */
export const NOTIFICATION_LANGUAGE = "de" as const;
/** A failed row is tried again after 2^attempts minutes, at most this many times in all. */
export const MAX_ATTEMPTS = 6;
/** A row being sent is held this long (the job's lease), so a second sender does not take it. */
const CLAIM_MS = 10 * 60 * 1000;
const QUEUE_BATCH = 200;

// ——— the text (shared with the printed letters) ———

export interface NotificationTextInput {
  organisationName: string;
  responsibleOffice: string;
  procedureTitle: string;
  resultsUrl: string;
  /** where a resident looks up the privacy log with the receipt code */
  privacyLogUrl: string;
  response: { decision: string; text: string } | null;
  /** when the contact data will be deleted, if known */
  deleteAfter: string | null;
}

/** Subject and plain text of a result notification; paragraphs are separated by a blank line. */
export function resultNotificationText(input: NotificationTextInput): { subject: string; body: string } {
  const t = fixedT(NOTIFICATION_LANGUAGE, "moderation");
  const paragraphs = [
    t("letters.mail.greeting"),
    `${t("letters.mail.intro", { title: input.procedureTitle })}\n${input.resultsUrl}`,
    input.response
      ? `${t("letters.mail.response", { decision: t(`decisions.${input.response.decision}`) })}\n${input.response.text}`
      : t("letters.mail.noResponse"),
    t("letters.mail.privacy", { url: input.privacyLogUrl }),
    ...(input.deleteAfter ? [t("letters.mail.deletion", { date: formatDate(input.deleteAfter, NOTIFICATION_LANGUAGE) })] : []),
    t("letters.mail.why"),
    [t("letters.mail.closing"), input.responsibleOffice, input.organisationName].filter(Boolean).join("\n"),
  ];
  return { subject: t("letters.mail.subject", { title: input.procedureTitle }), body: paragraphs.join("\n\n") };
}

/** The results page of a procedure (the results module's route), as an absolute URL. */
export const resultsUrlFor = (origin: string, organisationSlug: string, procedureSlug: string) =>
  `${origin.replace(/\/+$/, "")}/${organisationSlug}/verfahren/${procedureSlug}/ergebnisse`;

/** Where residents enter their receipt code to read their privacy log. */
export const privacyLogUrlFor = (origin: string, organisationSlug: string) => `${origin.replace(/\/+$/, "")}/${organisationSlug}/beitrag`;

/** The procedure and organisation a notification speaks about; 404 for another organisation's procedure. */
export async function notificationContext(db: Db, organisationId: number, procedureId: number) {
  const row = await db
    .selectFrom("procedures")
    .innerJoin("organisations", "organisations.id", "procedures.organisation_id")
    .select([
      "procedures.id",
      "procedures.title",
      "procedures.slug",
      "procedures.status",
      "procedures.responsible_office",
      "organisations.slug as organisationSlug",
      "organisations.name as organisationName",
      "organisations.postal_address as organisationAddress",
    ])
    .where("procedures.id", "=", procedureId)
    .where("procedures.organisation_id", "=", organisationId)
    .executeTakeFirst();
  if (!row) throw new HttpError(404, "not_found");
  return row;
}

/** The notification of one submission (e-mail or letter): the procedure's context, its response, when its contact data go. */
export function resultNotificationFor(
  context: Awaited<ReturnType<typeof notificationContext>>,
  submission: { decision: string | null; text: string | null; delete_after: string | null },
  resultsUrl: string,
) {
  return resultNotificationText({
    organisationName: context.organisationName,
    responsibleOffice: context.responsible_office,
    procedureTitle: context.title,
    resultsUrl,
    privacyLogUrl: privacyLogUrlFor(new URL(resultsUrl).origin, context.organisationSlug),
    response: submission.decision && submission.text !== null ? { decision: submission.decision, text: submission.text } : null,
    deleteAfter: submission.delete_after,
  });
}

// ——— queueing ———

/**
 * Queue the result e-mail for every submission of the procedure whose author consented to it, did
 * not withdraw it, and whose contact data still hold an e-mail address (checked without decrypting
 * anything). Idempotent: a submission is queued once, however often this runs. Returns how many
 * rows were added now. resultsUrl must be absolute (it goes into the e-mail); the privacy-log link
 * uses its origin.
 */
export async function queueResultNotifications(
  db: Db,
  args: { organisationId: number; procedureId: number; resultsUrl: string; now?: Date },
): Promise<{ queued: number }> {
  const now = (args.now ?? new Date()).toISOString();
  const context = await notificationContext(db, args.organisationId, args.procedureId);
  let queued = 0;
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom("submissions")
      .innerJoin("contact_details", "contact_details.submission_id", "submissions.id")
      .leftJoin("responses", "responses.id", "submissions.response_id")
      .select(["submissions.id", "contact_details.delete_after", "responses.decision", "responses.text"])
      .where("submissions.organisation_id", "=", args.organisationId)
      .where("submissions.procedure_id", "=", args.procedureId)
      .where("submissions.consent_results_notification", "=", 1)
      .where("submissions.withdrawn_at", "is", null)
      .where("submissions.state", "!=", "withdrawn")
      .where("contact_details.email", "is not", null)
      .where("submissions.id", ">", after)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom("outbox").select("outbox.id").whereRef("outbox.submission_id", "=", "submissions.id").where("outbox.kind", "=", "result_email"))),
      )
      .orderBy("submissions.id")
      .limit(QUEUE_BATCH)
      .execute();
    if (rows.length === 0) break;
    const values = rows.map((r) => {
      const { subject, body } = resultNotificationFor(context, r, args.resultsUrl);
      return {
        organisation_id: args.organisationId,
        submission_id: r.id,
        kind: "result_email" as const,
        subject,
        body_text: body,
        language: NOTIFICATION_LANGUAGE,
        state: "pending" as const,
        attempts: 0,
        last_error: null,
        next_attempt_at: now,
        sent_at: null,
        created_at: now,
      };
    });
    const inserted = await db
      .insertInto("outbox")
      .values(values)
      .onConflict((oc) => oc.columns(["submission_id", "kind"]).doNothing())
      .executeTakeFirst();
    queued += Number(inserted.numInsertedOrUpdatedRows ?? 0);
    after = rows[rows.length - 1].id;
  }
  return { queued };
}

// ——— sending ———

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  headers?: Record<string, string>;
}

/** What sending needs of a transport; a nodemailer transporter is one. */
export interface Mailer {
  sendMail(message: MailMessage): Promise<unknown>;
}

/**
 * An SMTP transport from SMTP_URL (smtp://user:pass@host:587, smtps://… for TLS from the start;
 * options as query parameters, e.g. ?ignoreTLS=true) with MAIL_FROM as sender. Null when SMTP_URL
 * is unset. nodemailer's own logger stays off: it would log addresses.
 */
export function createTransport(env: Record<string, string | undefined> = process.env): Mailer | null {
  const url = env.SMTP_URL?.trim();
  if (!url) return null;
  const from = env.MAIL_FROM?.trim();
  if (!from) throw new Error("MAIL_FROM must be set when SMTP_URL is set");
  return nodemailer.createTransport({ url, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000, logger: false }, { from });
}

let mailer: Mailer | null | undefined;

/** The app's transport, made once from the environment; without SMTP_URL mails stay pending (said once). */
export function configuredMailer(): Mailer | null {
  if (mailer === undefined) {
    mailer = createTransport();
    if (!mailer) log("info", "outbox_smtp_not_configured", { detail: "SMTP_URL is not set: result e-mails stay pending" });
  }
  return mailer;
}

const ADDRESS_LIKE = /[^\s<>()[\]"',;:]+@[^\s<>()[\]"',;:]+/g;

/** An error message fit for logs and last_error: anything that looks like an address removed. */
export function withoutAddresses(text: string): string {
  return text.replace(ADDRESS_LIKE, "[address]").slice(0, 500);
}

/** What a failed send is kept as: the SMTP code and message, never an address. */
export const mailErrorText = (error: unknown) => {
  const e = error as { code?: unknown; responseCode?: unknown; message?: unknown } | null;
  const parts = [typeof e?.code === "string" ? e.code : "", typeof e?.responseCode === "number" ? String(e.responseCode) : "", typeof e?.message === "string" ? e.message : String(error)];
  return withoutAddresses(parts.filter(Boolean).join(" "));
};

export interface SendResult {
  sent: number;
  failed: number;
  gaveUp: number;
  cancelled: number;
}

type Claim = { to: string } | { cancelled: true } | { taken: true };

/**
 * Send up to `batch` due e-mails (pending, or failed and due for a retry). Each row is claimed and
 * its address opened — and that recorded — in one short transaction; the SMTP conversation runs
 * outside any transaction; then the row is marked sent, or failed with the next try after
 * 2^attempts minutes, given up after MAX_ATTEMPTS. Rows whose contact data, e-mail address or
 * consent went meanwhile, or whose submission was withdrawn, are cancelled without opening anything.
 */
export async function sendPendingEmails(db: Kysely<Database>, transport: Mailer, options: { now?: Date; batch?: number } = {}): Promise<SendResult> {
  const now = options.now ?? new Date();
  const nowIso = now.toISOString();
  const result: SendResult = { sent: 0, failed: 0, gaveUp: 0, cancelled: 0 };
  const due = await db
    .selectFrom("outbox")
    .select(["id", "organisation_id", "submission_id", "subject", "body_text", "state", "attempts", "next_attempt_at"])
    .where("state", "in", ["pending", "failed"])
    .where("next_attempt_at", "<=", nowIso)
    .orderBy("next_attempt_at")
    .orderBy("id")
    .limit(options.batch ?? 50)
    .execute();

  for (const row of due) {
    const claim: Claim = await db.transaction().execute(async (trx) => {
      const taken = await trx
        .updateTable("outbox")
        .set({ next_attempt_at: new Date(now.getTime() + CLAIM_MS).toISOString() })
        .where("id", "=", row.id)
        .where("state", "=", row.state)
        .where("next_attempt_at", "=", row.next_attempt_at)
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) !== 1) return { taken: true };
      const current = await trx
        .selectFrom("submissions")
        .leftJoin("contact_details", "contact_details.submission_id", "submissions.id")
        .select(["submissions.consent_results_notification as consent", "submissions.withdrawn_at", "submissions.state", "contact_details.email"])
        .where("submissions.id", "=", row.submission_id)
        .executeTakeFirst();
      const stillWanted = current && current.consent === 1 && current.withdrawn_at === null && current.state !== "withdrawn" && current.email !== null;
      const opened = stillWanted
        ? await openContactDetails(
            trx,
            { organisationId: row.organisation_id, submissionId: row.submission_id },
            { role: "system" },
            { purpose: "results_notification", legalBasis: CONSENT_LEGAL_BASIS },
            now,
          )
        : null;
      if (!opened?.contact.email) {
        await trx.updateTable("outbox").set({ state: "cancelled", next_attempt_at: null }).where("id", "=", row.id).execute();
        return { cancelled: true };
      }
      return { to: opened.contact.email };
    });
    if ("taken" in claim) continue;
    if ("cancelled" in claim) {
      result.cancelled++;
      continue;
    }

    const attempts = row.attempts + 1;
    try {
      await transport.sendMail({ to: claim.to, subject: row.subject, text: row.body_text, headers: { "Auto-Submitted": "auto-generated" } });
    } catch (error) {
      const gaveUp = attempts >= MAX_ATTEMPTS;
      const lastError = mailErrorText(error);
      await db
        .updateTable("outbox")
        .set({
          state: "failed" satisfies OutboxState,
          attempts,
          last_error: lastError,
          next_attempt_at: gaveUp ? null : new Date(now.getTime() + 2 ** attempts * 60_000).toISOString(),
        })
        .where("id", "=", row.id)
        .execute();
      if (gaveUp) result.gaveUp++;
      else result.failed++;
      log("warn", "outbox_send_failed", { outboxId: row.id, attempts, gaveUp, error: lastError });
      continue;
    }
    await db
      .updateTable("outbox")
      .set({ state: "sent" satisfies OutboxState, attempts, last_error: null, next_attempt_at: null, sent_at: nowIso })
      .where("id", "=", row.id)
      .execute();
    result.sent++;
  }
  return result;
}

/** The scheduled job: send what is due, batch after batch, for at most `budgetMs` (within the job's lease). */
export async function runOutbox(db: Kysely<Database>, now: Date = new Date(), budgetMs = 5 * 60 * 1000): Promise<SendResult | { skipped: "smtp_not_configured" }> {
  const transport = configuredMailer();
  if (!transport) return { skipped: "smtp_not_configured" };
  const total: SendResult = { sent: 0, failed: 0, gaveUp: 0, cancelled: 0 };
  const started = Date.now();
  for (;;) {
    const r = await sendPendingEmails(db, transport, { now, batch: 100 });
    for (const k of Object.keys(total) as (keyof SendResult)[]) total[k] += r[k];
    if (r.sent + r.failed + r.gaveUp + r.cancelled === 0 || Date.now() - started > budgetMs) break;
  }
  return total;
}
