/**
 * An e-mail alert's own privacy log, on the machinery of the submissions' log: the same columns,
 * the same canonical JSON and SHA-256 chain from the same genesis, one chain per alert (decision 58).
 * Every alert event goes through appendAlertEvents — the one place to hook further processing of
 * alert events (e.g. a transparency log over every privacy-log event). It must run in the same
 * transaction as the change it records.
 */
import { createHash } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import { sql } from "kysely";
import { engineOf } from "#db/connection.server";
import type { AlertEventTable, Database } from "#db/schema";
import { GENESIS_HASH, canonicalJson, type ChainCheck } from "./chain";
import type { ActorRole, DataCategory, EventDetails } from "./events";

type Db = Kysely<Database> | Transaction<Database>;

export const ALERT_EVENT_TYPES = [
  /** the address and topics were stored (encrypted), waiting for confirmation */
  "requested",
  /** the privacy notice was shown on the form */
  "notice_shown",
  /** the desk read the privacy notice aloud to a caller */
  "notice_read_aloud",
  "confirmation_sent",
  "confirmed",
  /** an alert mail went out (details.kind, details.procedure) */
  "mail_sent",
  /** the yearly "still interested?" mail */
  "reminder_sent",
  /** confirmed again from the reminder: kept for another period */
  "renewed",
  /** the address was deleted (details.reason: unsubscribed | unconfirmed | request | retention) */
  "deleted",
] as const;
export type AlertEventType = (typeof ALERT_EVENT_TYPES)[number];
export const ALERT_PURPOSE = "alerts" as const;

export interface NewAlertEvent {
  type: AlertEventType;
  actorRole: ActorRole;
  actorAccountId?: number | null;
  categories: DataCategory[];
  legalBasis: string;
  details?: EventDetails;
  occurredAt?: Date;
}

export interface AlertEvent {
  seq: number;
  occurredAt: string;
  type: AlertEventType;
  actorRole: ActorRole;
  categories: DataCategory[];
  purpose: string;
  legalBasis: string;
  details: EventDetails;
  hash: string;
}

type AlertChained = Omit<AlertEventTable, "id" | "hash">;

/** The content an alert event's hash covers; "alert" keeps it apart from a submission's event with the same numbers. */
const canonicalAlertContent = (e: AlertChained) =>
  JSON.stringify(["alert", e.organisation_id, e.alert_id, e.seq, e.occurred_at, e.type, e.actor_role, e.actor_account_id, e.data_categories, e.purpose, e.legal_basis, e.details_json, e.prev_hash]);
export const hashAlertEvent = (e: AlertChained) => createHash("sha256").update(canonicalAlertContent(e)).digest("hex");

/**
 * Append events to one alert's chain, in order. `newChain`: the alert was inserted in this very
 * transaction, so its chain is empty and no tail needs reading.
 */
export async function appendAlertEvents(
  trx: Transaction<Database>,
  target: { organisationId: number; alertId: number },
  events: readonly NewAlertEvent[],
  options: { newChain?: boolean } = {},
): Promise<AlertEvent[]> {
  if (events.length === 0) return [];
  let seq = 0;
  let prev = GENESIS_HASH;
  if (!options.newChain) {
    // one writer per chain: PostgreSQL locks the alert row; SQLite transactions are already exclusive
    if (engineOf(trx) === "postgres") await sql`select id from alerts where id = ${target.alertId} for update`.execute(trx);
    const tail = await trx.selectFrom("alert_events").select(["seq", "hash"]).where("alert_id", "=", target.alertId).orderBy("seq", "desc").limit(1).executeTakeFirst();
    if (tail) ({ seq, hash: prev } = tail);
  }
  const rows: (AlertChained & { hash: string })[] = [];
  for (const event of events) {
    const fields: AlertChained = {
      organisation_id: target.organisationId,
      alert_id: target.alertId,
      seq: ++seq,
      occurred_at: (event.occurredAt ?? new Date()).toISOString(),
      type: event.type,
      actor_role: event.actorRole,
      actor_account_id: event.actorAccountId ?? null,
      data_categories: JSON.stringify(event.categories),
      purpose: ALERT_PURPOSE,
      legal_basis: event.legalBasis,
      details_json: canonicalJson(event.details ?? {}),
      prev_hash: prev,
    };
    prev = hashAlertEvent(fields);
    rows.push({ ...fields, hash: prev });
  }
  await trx.insertInto("alert_events").values(rows).execute();
  return rows.map(toAlertEvent);
}

function toAlertEvent(row: Omit<AlertChained, "organisation_id" | "alert_id" | "prev_hash" | "actor_account_id"> & { hash: string }): AlertEvent {
  return {
    seq: row.seq,
    occurredAt: row.occurred_at,
    type: row.type as AlertEventType,
    actorRole: row.actor_role as ActorRole,
    categories: JSON.parse(row.data_categories) as DataCategory[],
    purpose: row.purpose,
    legalBasis: row.legal_basis,
    details: JSON.parse(row.details_json) as EventDetails,
    hash: row.hash,
  };
}

export function verifyAlertChain(rows: (AlertChained & { hash: string })[]): ChainCheck {
  let prev = GENESIS_HASH;
  for (let i = 0; i < rows.length; i++) {
    const e = rows[i];
    if (e.seq !== i + 1) return { intact: false, events: rows.length, brokenAt: e.seq, problem: "an event is missing or out of order" };
    if (e.prev_hash !== prev) return { intact: false, events: rows.length, brokenAt: e.seq, problem: "the link to the previous event does not match" };
    if (hashAlertEvent(e) !== e.hash) return { intact: false, events: rows.length, brokenAt: e.seq, problem: "the event was changed after it was written" };
    prev = e.hash;
  }
  return { intact: true, events: rows.length };
}

/** One alert's log for the person who holds its link, oldest first, and whether the chain is intact. */
export async function readAlertLog(db: Db, alertId: number): Promise<{ events: AlertEvent[]; check: ChainCheck }> {
  const rows = await db.selectFrom("alert_events").selectAll().where("alert_id", "=", alertId).orderBy("seq").execute();
  return { events: rows.map(toAlertEvent), check: verifyAlertChain(rows) };
}

/** Check every alert's chain, in batches. Returns the broken ones and how many were checked. */
export async function verifyAllAlertChains(db: Db, batchSize = 500): Promise<{ checked: number; broken: { alertId: number; check: Extract<ChainCheck, { intact: false }> }[] }> {
  const broken: { alertId: number; check: Extract<ChainCheck, { intact: false }> }[] = [];
  let checked = 0;
  let after = 0;
  for (;;) {
    const ids = await db.selectFrom("alerts").select("id").where("id", ">", after).orderBy("id").limit(batchSize).execute();
    if (ids.length === 0) break;
    const rows = await db.selectFrom("alert_events").selectAll().where("alert_id", "in", ids.map((r) => r.id)).orderBy("alert_id").orderBy("seq").execute();
    const byAlert = new Map<number, typeof rows>();
    for (const r of rows) byAlert.set(r.alert_id, [...(byAlert.get(r.alert_id) ?? []), r]);
    for (const [alertId, events] of byAlert) {
      checked++;
      const check = verifyAlertChain(events);
      if (!check.intact) broken.push({ alertId, check });
    }
    after = ids[ids.length - 1].id;
  }
  return { checked, broken };
}
