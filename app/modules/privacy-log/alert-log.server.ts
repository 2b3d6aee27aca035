/**
 * An e-mail alert's own privacy log (decision 58): its event types, written and read through the
 * privacy log's one append path (privacy-log.server.ts) — the same columns, canonical JSON and
 * SHA-256 chain from the same genesis, one chain per alert, each event a leaf of the transparency
 * log (decision 56). Appending must run in the same transaction as the change it records.
 */
import type { Kysely, Transaction } from "kysely";
import type { Database } from "#db/schema";
import type { ChainCheck } from "./chain";
import type { ActorRole, DataCategory, EventDetails } from "./events";
import { appendLogEvents, readLog, verifyAllChains, type LoggedEvent } from "./privacy-log.server";

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
  /** the holder downloaded everything held about the alert (Art. 15) */
  "data_exported",
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

export type AlertEvent = LoggedEvent & { type: AlertEventType };

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
  const appended = await appendLogEvents(
    trx,
    { kind: "alert", ...target },
    events.map((e) => ({ ...e, purpose: ALERT_PURPOSE })),
    options,
  );
  return appended as AlertEvent[];
}

/** One alert's log for the person who holds its link, oldest first, and whether the chain is intact. */
export async function readAlertLog(db: Db, alertId: number): Promise<{ events: AlertEvent[]; check: ChainCheck }> {
  return (await readLog(db, "alert", alertId)) as { events: AlertEvent[]; check: ChainCheck };
}

/** Check every alert's chain, in batches. */
export const verifyAllAlertChains = (db: Db, batchSize = 500) => verifyAllChains(db, "alert", batchSize);
