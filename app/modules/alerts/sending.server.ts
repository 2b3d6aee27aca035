/**
 * Sending alerts, through the app's SMTP transport (SMTP_URL, the result e-mails' outbox).
 *
 * 1. Notices: a procedure that has opened, or whose results were published, becomes one notice row
 *    (unique per procedure and kind) the first time the job sees it.
 * 2. Fan-out: each notice gets one delivery row per matching alert (for a new procedure: by its
 *    topics and districts, tags.server.ts) confirmed before the notice, in
 *    batches of FANOUT_BATCH; the rows and the notice's cursor move in one transaction, so a
 *    restart resumes where it stopped and the unique (alert, notice) pair never repeats anyone.
 * 3. Sending: due rows are claimed in batches (a lease: another sender skips them), each mail is
 *    written from the alert's language at send time (nothing but ids is queued), sent with the
 *    RFC 8058 one-click unsubscribe headers, then marked sent together with its privacy-log event.
 *    Memory stays bounded by the batch sizes; the rate by ALERT_MAILS_PER_SECOND.
 * Delivery is at least once only for the one mail in flight when a process is killed; a stop
 * asked for (AbortSignal) finishes and marks that mail first.
 */
import type { Kysely } from "kysely";
import type { AlertMailKind, Database, OutboxState } from "#db/schema";
import { isSupportedLanguage, type Language } from "~/i18n/config";
import { formatDate } from "~/i18n/format";
import { fixedT } from "~/i18n/i18n.server";
import { log } from "~/modules/http/log.server";
import { configuredMailer, mailErrorText, MAX_ATTEMPTS, type Mailer } from "~/modules/notifications/outbox.server";
import { CONSENT_LEGAL_BASIS } from "~/modules/privacy-log/events";
import { appendAlertEvents } from "~/modules/privacy-log/alert-log.server";
import { alertLinks, unsubscribeHeaders } from "./alerts";
import { openAlertSecrets, runAlertRetention } from "./alerts.server";
import { matchesProcedure } from "./tags.server";

/** A procedure that opened longer ago than this when first seen (e.g. before alerts existed) is not announced. */
const ANNOUNCE_WITHIN_MS = 7 * 86_400_000;
const FANOUT_BATCH = 1000;
const SEND_BATCH = 100;
const CLAIM_MS = 10 * 60 * 1000;

/** Where links in mails point: PUBLIC_ORIGIN, else the local server. */
export const mailOrigin = (env: Record<string, string | undefined> = process.env) => env.PUBLIC_ORIGIN?.trim() || `http://localhost:${env.PORT?.trim() || "3000"}`;

// ——— notices and fan-out ———

/** Create the notices of procedures that opened or published results (idempotent). */
export async function createNotices(db: Kysely<Database>, now = new Date()): Promise<number> {
  const nowIso = now.toISOString();
  const since = new Date(now.getTime() - ANNOUNCE_WITHIN_MS).toISOString();
  const missing = (kind: "procedure_opened" | "results_published") =>
    db
      .selectFrom("procedures")
      .select(["procedures.id", "procedures.organisation_id"])
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom("alert_notices").select("alert_notices.id").whereRef("alert_notices.procedure_id", "=", "procedures.id").where("alert_notices.kind", "=", kind))),
      );
  const opened = await missing("procedure_opened").where("status", "=", "open").where("opens_at", "<=", nowIso).where("opens_at", ">=", since).where("closes_at", ">", nowIso).execute();
  // results: only someone who asked for this procedure's results is told, so no age limit is needed
  const results = await missing("results_published").where("status", "=", "results_published").execute();
  const rows = [
    ...opened.map((p) => ({ organisation_id: p.organisation_id, procedure_id: p.id, kind: "procedure_opened" as const, created_at: nowIso, queued_at: null })),
    ...results.map((p) => ({ organisation_id: p.organisation_id, procedure_id: p.id, kind: "results_published" as const, created_at: nowIso, queued_at: null })),
  ];
  if (rows.length === 0) return 0;
  const inserted = await db.insertInto("alert_notices").values(rows).onConflict((oc) => oc.columns(["procedure_id", "kind"]).doNothing()).executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0);
}

/** Add delivery rows for every notice not yet fully queued, FANOUT_BATCH alerts per transaction. */
export async function fanOut(db: Kysely<Database>, now = new Date(), signal?: AbortSignal): Promise<number> {
  const nowIso = now.toISOString();
  let queued = 0;
  const notices = await db.selectFrom("alert_notices").selectAll().where("queued_at", "is", null).orderBy("id").execute();
  for (const notice of notices) {
    for (;;) {
      if (signal?.aborted) return queued;
      const done = await db.transaction().execute(async (trx) => {
        const current = await trx.selectFrom("alert_notices").select(["queued_through", "queued_at"]).where("id", "=", notice.id).executeTakeFirstOrThrow();
        if (current.queued_at) return true;
        let q = trx
          .selectFrom("alerts")
          .select("id")
          .where("organisation_id", "=", notice.organisation_id)
          .where("state", "=", "confirmed")
          .where("confirmed_at", "<=", notice.created_at)
          .where("id", ">", current.queued_through);
        q = notice.kind === "procedure_opened" ? q.where("new_procedures", "=", 1).where(matchesProcedure(notice.procedure_id)) : q.where("procedure_id", "=", notice.procedure_id);
        const alerts = await q.orderBy("id").limit(FANOUT_BATCH).execute();
        if (alerts.length === 0) {
          await trx.updateTable("alert_notices").set({ queued_at: nowIso }).where("id", "=", notice.id).execute();
          return true;
        }
        const inserted = await trx
          .insertInto("alert_deliveries")
          .values(
            alerts.map((a) => ({
              organisation_id: notice.organisation_id,
              alert_id: a.id,
              notice_id: notice.id,
              kind: notice.kind,
              state: "pending" as const,
              last_error: null,
              next_attempt_at: nowIso,
              sent_at: null,
              created_at: nowIso,
            })),
          )
          .onConflict((oc) => oc.columns(["alert_id", "notice_id"]).doNothing())
          .executeTakeFirst();
        queued += Number(inserted.numInsertedOrUpdatedRows ?? 0);
        await trx.updateTable("alert_notices").set({ queued_through: alerts[alerts.length - 1].id }).where("id", "=", notice.id).execute();
        return false;
      });
      if (done) break;
    }
  }
  return queued;
}

// ——— the mails ———

export interface MailContext {
  kind: AlertMailKind;
  language: Language;
  organisationName: string;
  links: ReturnType<typeof alertLinks>;
  procedure: { title: string; url: string; closesAt: string } | null;
  deleteAfter: string | null;
}

/** Subject and text of one alert mail in the alert's language; paragraphs separated by a blank line. */
export function alertMailText(c: MailContext): { subject: string; text: string } {
  const t = fixedT(c.language, "alerts");
  const p = c.procedure;
  const body: string[] = [t("mail.greeting")];
  let subject: string;
  if (c.kind === "confirmation") {
    subject = t("mail.confirmation.subject", { organisation: c.organisationName });
    body.push(t("mail.confirmation.intro", { organisation: c.organisationName }), `${t("mail.confirmation.action")}\n${c.links.confirm}`, t("mail.confirmation.notYou"));
  } else if (c.kind === "reminder") {
    subject = t("mail.reminder.subject", { organisation: c.organisationName });
    body.push(
      t("mail.reminder.intro", { organisation: c.organisationName, date: c.deleteAfter ? formatDate(c.deleteAfter, c.language) : "" }),
      `${t("mail.reminder.action")}\n${c.links.confirm}`,
    );
  } else if (c.kind === "procedure_opened") {
    subject = t("mail.opened.subject", { title: p?.title ?? "" });
    body.push(t("mail.opened.intro", { organisation: c.organisationName, title: p?.title ?? "", date: p ? formatDate(p.closesAt, c.language) : "" }), p?.url ?? "");
  } else {
    subject = t("mail.results.subject", { title: p?.title ?? "" });
    body.push(t("mail.results.intro", { title: p?.title ?? "" }), p?.url ?? "");
  }
  body.push(`${t("mail.manage")}\n${c.links.manage}`, `${t("mail.unsubscribe")}\n${c.links.unsubscribe}`, [t("mail.closing"), c.organisationName].join("\n"));
  return { subject, text: body.join("\n\n") };
}

// ——— sending ———

export interface AlertSendResult {
  sent: number;
  failed: number;
  gaveUp: number;
  cancelled: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface SendOptions {
  now?: () => Date;
  /** mails per second at most; 0: as fast as the transport takes them */
  ratePerSecond?: number;
  /** stop after this many mails (a job's share) */
  maxMails?: number;
  signal?: AbortSignal;
  origin?: string;
}

/**
 * Send due alert mails until none is due, `maxMails` went out or `signal` asks to stop. Each
 * claimed batch is one short write; each mail is sent outside any transaction and then marked sent
 * with its "mail sent" event in one transaction.
 */
export async function sendAlertMails(db: Kysely<Database>, transport: Mailer, options: SendOptions = {}): Promise<AlertSendResult> {
  const clock = options.now ?? (() => new Date());
  const origin = options.origin ?? mailOrigin();
  const result: AlertSendResult = { sent: 0, failed: 0, gaveUp: 0, cancelled: 0 };
  const interval = options.ratePerSecond ? 1000 / options.ratePerSecond : 0;
  let nextSlot = Date.now();
  const organisations = new Map<number, { name: string; slug: string }>();
  const procedures = new Map<number, { title: string; slug: string; closes_at: string; status: string }>();

  for (;;) {
    if (options.signal?.aborted) break;
    if (options.maxMails !== undefined && result.sent + result.failed + result.gaveUp >= options.maxMails) break;
    const now = clock();
    const nowIso = now.toISOString();
    const due = await db
      .selectFrom("alert_deliveries")
      .select(["id", "state", "next_attempt_at"])
      .where("state", "in", ["pending", "failed"])
      .where("next_attempt_at", "<=", nowIso)
      .orderBy("next_attempt_at")
      .orderBy("id")
      .limit(SEND_BATCH)
      .execute();
    if (due.length === 0) break;
    const leaseUntil = new Date(now.getTime() + CLAIM_MS).toISOString();
    const claimed = await db
      .updateTable("alert_deliveries")
      .set({ next_attempt_at: leaseUntil })
      .where("id", "in", due.map((d) => d.id))
      .where("state", "in", ["pending", "failed"])
      .where("next_attempt_at", "<=", nowIso)
      .returning("id")
      .execute();
    if (claimed.length === 0) continue;
    const rows = await db
      .selectFrom("alert_deliveries")
      .innerJoin("alerts", "alerts.id", "alert_deliveries.alert_id")
      .leftJoin("alert_notices", "alert_notices.id", "alert_deliveries.notice_id")
      .select([
        "alert_deliveries.id",
        "alert_deliveries.kind",
        "alert_deliveries.attempts",
        "alert_deliveries.organisation_id",
        "alert_deliveries.notice_id",
        "alert_notices.procedure_id",
        "alerts.id as alertId",
        "alerts.state as alertState",
        "alerts.language",
        "alerts.token_digest",
        "alerts.token_sealed",
        "alerts.email",
        "alerts.delete_after",
      ])
      .where("alert_deliveries.id", "in", claimed.map((c) => Number(c.id)))
      .orderBy("alert_deliveries.id")
      .execute();

    for (const row of rows) {
      const wanted = row.kind === "confirmation" ? row.alertState === "pending" : row.alertState === "confirmed";
      const secrets = wanted ? openAlertSecrets(row) : null;
      if (!secrets) {
        await db.updateTable("alert_deliveries").set({ state: "cancelled", next_attempt_at: null }).where("id", "=", row.id).execute();
        result.cancelled++;
        continue;
      }
      let organisation = organisations.get(row.organisation_id);
      if (!organisation) {
        organisation = await db.selectFrom("organisations").select(["name", "slug"]).where("id", "=", row.organisation_id).executeTakeFirstOrThrow();
        organisations.set(row.organisation_id, organisation);
      }
      let procedure = row.procedure_id ? procedures.get(row.procedure_id) : undefined;
      if (row.procedure_id && !procedure) {
        procedure = await db.selectFrom("procedures").select(["title", "slug", "closes_at", "status"]).where("id", "=", row.procedure_id).executeTakeFirstOrThrow();
        procedures.set(row.procedure_id, procedure);
      }
      const language: Language = isSupportedLanguage(row.language) ? row.language : "de";
      const links = alertLinks(origin, organisation.slug, secrets.token);
      const procedureUrl = procedure ? `${origin.replace(/\/+$/, "")}/${organisation.slug}/verfahren/${procedure.slug}${row.kind === "results_published" ? "/ergebnisse" : ""}` : "";
      const { subject, text } = alertMailText({
        kind: row.kind,
        language,
        organisationName: organisation.name,
        links,
        procedure: procedure ? { title: procedure.title, url: procedureUrl, closesAt: procedure.closes_at } : null,
        deleteAfter: row.delete_after,
      });

      if (interval) {
        const wait = nextSlot - Date.now();
        if (wait > 0) await sleep(wait);
        nextSlot = Math.max(nextSlot, Date.now()) + interval;
      }
      const attempts = row.attempts + 1;
      try {
        await transport.sendMail({
          to: secrets.email,
          subject,
          text,
          headers: { "Auto-Submitted": "auto-generated", ...(row.kind === "confirmation" ? {} : unsubscribeHeaders(links.unsubscribe)) },
        });
      } catch (error) {
        const gaveUp = attempts >= MAX_ATTEMPTS;
        const lastError = mailErrorText(error);
        await db
          .updateTable("alert_deliveries")
          .set({ state: "failed" satisfies OutboxState, attempts, last_error: lastError, next_attempt_at: gaveUp ? null : new Date(clock().getTime() + 2 ** attempts * 60_000).toISOString() })
          .where("id", "=", row.id)
          .execute();
        if (gaveUp) result.gaveUp++;
        else result.failed++;
        log("warn", "alert_send_failed", { deliveryId: row.id, attempts, gaveUp, error: lastError });
        continue;
      }
      const sentAt = clock();
      await db.transaction().execute(async (trx) => {
        await trx.updateTable("alert_deliveries").set({ state: "sent", attempts, last_error: null, next_attempt_at: null, sent_at: sentAt.toISOString() }).where("id", "=", row.id).execute();
        await appendAlertEvents(trx, { organisationId: row.organisation_id, alertId: row.alertId }, [
          {
            type: row.kind === "confirmation" ? "confirmation_sent" : row.kind === "reminder" ? "reminder_sent" : "mail_sent",
            actorRole: "system",
            categories: ["email"],
            legalBasis: CONSENT_LEGAL_BASIS,
            details: { kind: row.kind, procedure: procedure?.title ?? null },
            occurredAt: sentAt,
          },
        ]);
      });
      result.sent++;
      if (options.signal?.aborted) break;
    }
    // rows claimed but left for a stop: free them at once for the next run
    if (options.signal?.aborted) {
      await db
        .updateTable("alert_deliveries")
        .set({ next_attempt_at: nowIso })
        .where("id", "in", claimed.map((c) => Number(c.id)))
        .where("state", "in", ["pending", "failed"])
        .where("next_attempt_at", "=", leaseUntil)
        .execute();
      break;
    }
  }
  return result;
}

/** Mails per second the job sends at most (ALERT_MAILS_PER_SECOND, default 10): a steady rate the mail server accepts. */
export const configuredRate = (env: Record<string, string | undefined> = process.env) => {
  const n = Number(env.ALERT_MAILS_PER_SECOND ?? 10);
  return Number.isFinite(n) && n >= 0 ? n : 10;
};

/** The scheduled job: retention, notices, fan-out, then sending for at most `budgetMs`. */
export async function runAlertsJob(db: Kysely<Database>, now: Date = new Date(), budgetMs = 5 * 60 * 1000) {
  const retention = await runAlertRetention(db, now);
  const notices = await createNotices(db, now);
  const queued = await fanOut(db, now);
  const transport = configuredMailer();
  if (!transport) return { ...retention, notices, queued, skipped: "smtp_not_configured" as const };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), budgetMs);
  try {
    const sent = await sendAlertMails(db, transport, { ratePerSecond: configuredRate(), signal: controller.signal });
    return { ...retention, notices, queued, ...sent };
  } finally {
    clearTimeout(timer);
  }
}
