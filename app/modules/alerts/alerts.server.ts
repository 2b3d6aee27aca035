/**
 * E-mail alerts in the database: sign-up (online or at the desk), confirmation, unsubscribing,
 * erasure, what the manage page shows, and the alerts' retention. Addresses are AES-256-GCM
 * ciphertext bound to the alert; every change writes its event to the alert's own privacy log in
 * the same transaction (appendAlertEvents). A sign-up answers the same whether or not the address
 * is known, and whether or not its limit was reached — only the mail is left out.
 */
import type { Kysely, Transaction } from "kysely";
import type { AlertState, Database } from "#db/schema";
import { HttpError } from "~/modules/http/errors";
import { clientBucket, hitRateLimit } from "~/modules/http/rate-limit.server";
import { CONSENT_LEGAL_BASIS, DATA_RIGHTS_LEGAL_BASIS } from "~/modules/privacy-log/events";
import { appendAlertEvents, readAlertLog, type AlertEvent, type NewAlertEvent } from "~/modules/privacy-log/alert-log.server";
import { decryptField, encryptField, isEncrypted, needsReencryption, type KeyRing } from "~/modules/privacy/contact-crypto.server";
import { getKeyRing } from "~/modules/privacy/keys.server";
import { maskEmail } from "~/modules/privacy/masking";
import { controllerForExport } from "~/modules/privacy/rights.server";
import { alertAddressDigest } from "~/modules/privacy/server-keys.server";
import type { ChainCheck } from "~/modules/privacy-log/chain";
import { getSigningKey } from "~/modules/transparency-log/keys.server";
import { checkpointHolding, transparencyFor, type ExportedTransparency } from "~/modules/transparency-log/proofs.server";
import { alertTags, storeAlertTags } from "./tags.server";
import {
  ADDRESS_LIMIT,
  ALERT_TOKEN,
  CLIENT_LIMIT,
  REMINDER_AFTER_DAYS,
  deleteAfterFrom,
  newAlertToken,
  normaliseAddress,
  tokenDigest,
  unconfirmedExpiry,
  type SignupInput,
} from "./alerts";

type Db = Kysely<Database> | Transaction<Database>;

const emailAad = (digest: string) => `alerts:${digest}:email`;
const tokenAad = (digest: string) => `alerts:${digest}:token`;
/** States in which an alert still holds an address. */
const LIVE: AlertState[] = ["pending", "confirmed"];

export interface SignupArgs {
  organisationId: number;
  input: SignupInput;
  language: string;
  /** the client's address (online) — limits per client; the desk is limited by its sign-in instead */
  clientKey: string | null;
  /** the desk: who entered it (the notice was read aloud) */
  desk?: { accountId: number };
  now?: Date;
}

/** `token`: the link secret (only the mails carry it; returned for the desk and tests, never shown on a page). */
export type SignupOutcome = { stored: true; alertId: number; token: string } | { stored: false };

/**
 * Store a sign-up and queue its confirmation mail — unless the address has had ADDRESS_LIMIT
 * sign-ups today: then nothing is stored and nothing sent, and the caller answers exactly as for a
 * stored one. Too many sign-ups from one client are a 429 (that reveals nothing about an address).
 */
export async function signUp(db: Kysely<Database>, args: SignupArgs): Promise<SignupOutcome> {
  const now = args.now ?? new Date();
  if (args.clientKey !== null) {
    const client = await hitRateLimit(db, `alert-signup:${clientBucket(args.clientKey)}`, { ...CLIENT_LIMIT, now });
    if (!client.allowed) throw new HttpError(429, "too_many_attempts");
  }
  let procedure: { id: number; title: string } | null = null;
  if (args.input.topics.includes("results")) {
    procedure = await signupProcedure(db, args.organisationId, args.input.procedure);
    if (!procedure) throw new HttpError(404, "procedure_not_found");
  }
  const emailDigest = await alertAddressDigest(db, normaliseAddress(args.input.email));
  const perAddress = await hitRateLimit(db, `alert-address:${emailDigest}`, { ...ADDRESS_LIMIT, now });
  if (!perAddress.allowed) return { stored: false };

  const ring = getKeyRing();
  const token = newAlertToken();
  const digest = tokenDigest(token);
  const newProcedures = args.input.topics.includes("new_procedures");
  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto("alerts")
      .values({
        organisation_id: args.organisationId,
        token_digest: digest,
        token_sealed: encryptField(ring, token, tokenAad(digest)),
        email: encryptField(ring, args.input.email, emailAad(digest)),
        email_digest: emailDigest,
        language: args.language,
        new_procedures: newProcedures ? 1 : 0,
        procedure_id: procedure?.id ?? null,
        channel: args.desk ? "desk" : "online",
        state: "pending",
        created_at: now.toISOString(),
        confirmed_at: null,
        delete_after: unconfirmedExpiry(now).toISOString(),
        reminder_sent_at: null,
        ended_at: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const alertId = Number(inserted.id);
    const actor = args.desk ? { actorRole: "staff" as const, actorAccountId: args.desk.accountId } : { actorRole: "resident" as const };
    const base = { ...actor, legalBasis: CONSENT_LEGAL_BASIS, occurredAt: now };
    const events: NewAlertEvent[] = [
      { ...base, type: args.desk ? "notice_read_aloud" : "notice_shown", categories: [] },
      {
        ...base,
        type: "requested",
        categories: ["email"],
        details: {
          new_procedures: newProcedures,
          procedure: procedure?.title ?? null,
          // the labels chosen (the municipality's words, not personal data); empty: every one
          topics: (args.input.subjects ?? []).join(", "),
          districts: (args.input.districts ?? []).join(", "),
          until: unconfirmedExpiry(now).toISOString(),
        },
      },
    ];
    await storeAlertTags(trx, alertId, { topic: args.input.subjects ?? [], district: args.input.districts ?? [] });
    await appendAlertEvents(trx, { organisationId: args.organisationId, alertId }, events, { newChain: true });
    await trx
      .insertInto("alert_deliveries")
      .values({ organisation_id: args.organisationId, alert_id: alertId, notice_id: null, kind: "confirmation", state: "pending", last_error: null, next_attempt_at: now.toISOString(), sent_at: null, created_at: now.toISOString() })
      .execute();
    return { stored: true as const, alertId, token };
  });
}

/** A public procedure whose results one can still ask to be told about (not yet published); null otherwise. */
export async function signupProcedure(db: Db, organisationId: number, slug: string): Promise<{ id: number; slug: string; title: string } | null> {
  if (!/^[a-z0-9-]{1,100}$/.test(slug)) return null;
  const row = await db
    .selectFrom("procedures")
    .select(["id", "slug", "title"])
    .where("organisation_id", "=", organisationId)
    .where("slug", "=", slug)
    .where("status", "in", ["open", "closed", "in_evaluation"])
    .executeTakeFirst();
  return row ?? null;
}

/** The procedures whose results the desk can sign a caller up for. */
export async function signupProcedures(db: Db, organisationId: number): Promise<{ slug: string; title: string }[]> {
  return db
    .selectFrom("procedures")
    .select(["slug", "title"])
    .where("organisation_id", "=", organisationId)
    .where("status", "in", ["open", "closed", "in_evaluation"])
    .orderBy("title")
    .limit(200)
    .execute();
}

export interface AlertView {
  id: number;
  organisationId: number;
  state: AlertState;
  maskedEmail: string | null;
  newProcedures: boolean;
  procedure: { title: string; slug: string } | null;
  language: string;
  createdAt: string;
  confirmedAt: string | null;
  deleteAfter: string | null;
  channel: "online" | "desk";
  /** the topics and districts chosen for new procedures (none of a kind: every one) */
  tags: { topic: string[]; district: string[] };
}

/** The alert a link's token names, within the organisation; 404 for anything else (never says why). */
export async function findAlert(db: Db, organisationId: number, token: string): Promise<AlertView> {
  if (!ALERT_TOKEN.test(token)) throw new HttpError(404, "not_found");
  const digest = tokenDigest(token);
  const row = await db
    .selectFrom("alerts")
    .leftJoin("procedures", "procedures.id", "alerts.procedure_id")
    .select([
      "alerts.id",
      "alerts.organisation_id",
      "alerts.state",
      "alerts.email",
      "alerts.new_procedures",
      "alerts.language",
      "alerts.created_at",
      "alerts.confirmed_at",
      "alerts.delete_after",
      "alerts.channel",
      "procedures.title as procedureTitle",
      "procedures.slug as procedureSlug",
    ])
    .where("alerts.token_digest", "=", digest)
    .where("alerts.organisation_id", "=", organisationId)
    .executeTakeFirst();
  if (!row) throw new HttpError(404, "not_found");
  const email = row.email ? decryptField(getKeyRing(), row.email, emailAad(digest)) : null;
  return {
    id: row.id,
    organisationId: row.organisation_id,
    state: row.state,
    maskedEmail: email ? maskEmail(email) : null,
    newProcedures: row.new_procedures === 1,
    procedure: row.procedureTitle && row.procedureSlug ? { title: row.procedureTitle, slug: row.procedureSlug } : null,
    language: row.language,
    createdAt: row.created_at,
    confirmedAt: row.confirmed_at,
    deleteAfter: row.delete_after,
    channel: row.channel,
    tags: await alertTags(db, row.id),
  };
}

/** The alert, its privacy log and the public checkpoint that holds the log, for the manage page. */
export async function describeAlert(db: Db, organisationId: number, token: string) {
  const alert = await findAlert(db, organisationId, token);
  const log = await readAlertLog(db, alert.id);
  return { alert, ...log, checkpoint: await checkpointHolding(db, { alertId: alert.id }) };
}

/** Art. 15 for an alert: everything held, the address in clear (it is the holder's own), and what verifies the log offline. */
export interface AlertExport {
  format: "teilhabe-alert-export/1";
  exportedAt: string;
  controller: { name: string; contact: string; dataProtectionOfficer: string; dataProtectionOfficerContact: string };
  alert: Omit<AlertView, "id" | "organisationId" | "maskedEmail"> & { email: string | null };
  privacyLog: AlertEvent[];
  privacyLogIntact: boolean;
  /** the checkpoint, leaf indexes, salts and inclusion proofs (decision 56): `npm run privacy:verify-export` checks it */
  transparencyLog: ExportedTransparency;
}

/** The holder of the link downloads everything held about the alert; recorded in its log like a submission's export. */
export async function exportAlert(db: Kysely<Database>, organisationId: number, token: string, now = new Date()): Promise<AlertExport> {
  const alert = await findAlert(db, organisationId, token);
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("alerts").select(["email", "token_digest"]).where("id", "=", alert.id).executeTakeFirstOrThrow();
    const email = row.email ? decryptField(getKeyRing(), row.email, emailAad(row.token_digest)) : null;
    await appendAlertEvents(trx, { organisationId, alertId: alert.id }, [
      { type: "data_exported", actorRole: "resident", categories: email ? ["email"] : [], legalBasis: DATA_RIGHTS_LEGAL_BASIS, occurredAt: now },
    ]);
    const organisation = await trx
      .selectFrom("organisations")
      .select(["controller_name", "controller_contact", "dpo_name", "dpo_contact"])
      .where("id", "=", organisationId)
      .executeTakeFirstOrThrow();
    const log = await readAlertLog(trx, alert.id);
    const { id: _id, organisationId: _org, maskedEmail: _masked, ...facts } = alert;
    return {
      format: "teilhabe-alert-export/1" as const,
      exportedAt: now.toISOString(),
      controller: controllerForExport(organisation),
      alert: { ...facts, email },
      privacyLog: log.events,
      privacyLogIntact: log.check.intact,
      transparencyLog: await transparencyFor(trx, { alertId: alert.id }, getSigningKey()),
    };
  });
}

/**
 * Confirm (double opt-in) or, from the "still interested?" mail, renew: kept RETENTION_YEARS from
 * now. Confirming twice changes nothing. An ended alert cannot be confirmed (404).
 */
export async function confirmAlert(db: Kysely<Database>, organisationId: number, token: string, now = new Date()): Promise<"confirmed" | "renewed" | "already"> {
  const alert = await findAlert(db, organisationId, token);
  if (!LIVE.includes(alert.state)) throw new HttpError(404, "not_found");
  const renewing = alert.state === "confirmed";
  // confirmed less than a day ago: a second click, not a renewal
  if (renewing && alert.confirmedAt && now.getTime() - new Date(alert.confirmedAt).getTime() < 86_400_000) return "already";
  const until = deleteAfterFrom(now).toISOString();
  return db.transaction().execute(async (trx) => {
    const changed = await trx
      .updateTable("alerts")
      .set({ state: "confirmed", confirmed_at: now.toISOString(), delete_after: until, reminder_sent_at: null })
      .where("id", "=", alert.id)
      .where("state", "=", alert.state)
      .executeTakeFirst();
    if (Number(changed.numUpdatedRows) !== 1) return "already";
    await appendAlertEvents(trx, { organisationId, alertId: alert.id }, [
      { type: renewing ? "renewed" : "confirmed", actorRole: "resident", categories: ["email"], legalBasis: CONSENT_LEGAL_BASIS, details: { until }, occurredAt: now },
    ]);
    return renewing ? "renewed" : "confirmed";
  });
}

export type EndReason = "unsubscribed" | "unconfirmed" | "request" | "retention";
const STATE_AFTER: Record<EndReason, AlertState> = { unsubscribed: "unsubscribed", unconfirmed: "expired", request: "erased", retention: "deleted" };

/**
 * End an alert: the address (and the sealed link) stays nowhere but in the log's words "deleted";
 * mails not yet sent are cancelled. Idempotent: an ended alert stays as it is.
 */
export async function endAlert(trx: Transaction<Database>, alert: { id: number; organisationId: number }, reason: EndReason, now: Date, actorRole: "resident" | "system" = "resident"): Promise<boolean> {
  const changed = await trx
    .updateTable("alerts")
    .set({ state: STATE_AFTER[reason], email: null, email_digest: null, ended_at: now.toISOString(), delete_after: null })
    .where("id", "=", alert.id)
    .where("state", "in", LIVE)
    .executeTakeFirst();
  if (Number(changed.numUpdatedRows) !== 1) return false;
  await trx.updateTable("alert_deliveries").set({ state: "cancelled", next_attempt_at: null }).where("alert_id", "=", alert.id).where("state", "in", ["pending", "failed"]).execute();
  await appendAlertEvents(trx, { organisationId: alert.organisationId, alertId: alert.id }, [
    { type: "deleted", actorRole, categories: ["email"], legalBasis: CONSENT_LEGAL_BASIS, details: { reason }, occurredAt: now },
  ]);
  return true;
}

/** Unsubscribe (the link in every mail, or the RFC 8058 one-click POST) or erase from the manage page. */
export async function endAlertByToken(db: Kysely<Database>, organisationId: number, token: string, reason: "unsubscribed" | "request", now = new Date()): Promise<void> {
  const alert = await findAlert(db, organisationId, token);
  await db.transaction().execute((trx) => endAlert(trx, alert, reason, now));
}

/**
 * Retention: unconfirmed sign-ups older than UNCONFIRMED_HOURS are erased; confirmed alerts past
 * their deletion date are deleted; those a year after their last confirmation get the "still
 * interested?" mail once.
 */
export async function runAlertRetention(db: Kysely<Database>, now = new Date()): Promise<{ expired: number; deleted: number; reminders: number }> {
  const nowIso = now.toISOString();
  const result = { expired: 0, deleted: 0, reminders: 0 };
  for (;;) {
    const due = await db
      .selectFrom("alerts")
      .select(["id", "organisation_id", "state"])
      .where("state", "in", LIVE)
      .where("delete_after", "<=", nowIso)
      .orderBy("id")
      .limit(200)
      .execute();
    if (due.length === 0) break;
    for (const a of due) {
      const reason: EndReason = a.state === "pending" ? "unconfirmed" : "retention";
      const ended = await db.transaction().execute((trx) => endAlert(trx, { id: a.id, organisationId: a.organisation_id }, reason, now, "system"));
      if (ended) result[reason === "unconfirmed" ? "expired" : "deleted"]++;
    }
  }
  const reminderBefore = new Date(now.getTime() - REMINDER_AFTER_DAYS * 86_400_000).toISOString();
  for (;;) {
    const due = await db
      .selectFrom("alerts")
      .select(["id", "organisation_id"])
      .where("state", "=", "confirmed")
      .where("reminder_sent_at", "is", null)
      .where("confirmed_at", "<=", reminderBefore)
      .orderBy("id")
      .limit(200)
      .execute();
    if (due.length === 0) break;
    for (const a of due) {
      await db.transaction().execute(async (trx) => {
        await trx.updateTable("alerts").set({ reminder_sent_at: nowIso }).where("id", "=", a.id).execute();
        await trx
          .insertInto("alert_deliveries")
          .values({ organisation_id: a.organisation_id, alert_id: a.id, notice_id: null, kind: "reminder", state: "pending", last_error: null, next_attempt_at: nowIso, sent_at: null, created_at: nowIso })
          .execute();
      });
      result.reminders++;
    }
  }
  return result;
}

/** For the privacy overview: alerts holding an address, by state. */
export async function alertCounts(db: Db, organisationId: number): Promise<{ pending: number; confirmed: number }> {
  const rows = await db
    .selectFrom("alerts")
    .select((eb) => ["state", eb.fn.countAll<number>().as("n")])
    .where("organisation_id", "=", organisationId)
    .where("state", "in", LIVE)
    .groupBy("state")
    .execute();
  const n = (s: AlertState) => Number(rows.find((r) => r.state === s)?.n ?? 0);
  return { pending: n("pending"), confirmed: n("confirmed") };
}

/** The address and link secret of a live alert, for sending (the caller logs the mail it sends). */
export function openAlertSecrets(row: { token_digest: string; token_sealed: string; email: string | null }): { email: string; token: string } | null {
  if (!row.email) return null;
  const ring = getKeyRing();
  return { email: decryptField(ring, row.email, emailAad(row.token_digest)), token: decryptField(ring, row.token_sealed, tokenAad(row.token_digest)) };
}

/**
 * Key rotation (`npm run keys:rotate`): seals every alert's address and manage link that is not yet
 * under the ring's current key with it, so the old key can go and alerts still send and open.
 * Returns the alerts changed.
 */
export async function reencryptAlertSecrets(db: Kysely<Database>, ring: KeyRing): Promise<number> {
  const rows = await db.selectFrom("alerts").select(["id", "token_digest", "token_sealed", "email"]).orderBy("id").execute();
  let changed = 0;
  for (const row of rows) {
    const update: { token_sealed?: string; email?: string } = {};
    if (row.token_sealed && needsReencryption(ring, row.token_sealed)) {
      const aad = tokenAad(row.token_digest);
      update.token_sealed = encryptField(ring, isEncrypted(row.token_sealed) ? decryptField(ring, row.token_sealed, aad) : row.token_sealed, aad);
    }
    if (row.email && needsReencryption(ring, row.email)) {
      const aad = emailAad(row.token_digest);
      update.email = encryptField(ring, isEncrypted(row.email) ? decryptField(ring, row.email, aad) : row.email, aad);
    }
    if (Object.keys(update).length === 0) continue;
    // only if still as read: an alert ended meanwhile keeps no address
    let q = db.updateTable("alerts").set(update).where("id", "=", row.id).where("token_sealed", "=", row.token_sealed);
    q = row.email === null ? q.where("email", "is", null) : q.where("email", "=", row.email);
    const result = await q.executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) changed++;
  }
  return changed;
}
