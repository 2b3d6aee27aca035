/**
 * The hash chain: each event's hash is SHA-256 over its canonical content and the previous event's
 * hash, so changing, removing or reordering any event breaks every hash after it. Pure functions,
 * shared by writing, verifying and the command-line check.
 */
import { createHash } from "node:crypto";
import type { Selectable } from "kysely";
import type { PrivacyEventTable } from "#db/schema";

export const GENESIS_HASH = "0".repeat(64);

/** The stored fields that the hash covers (every column but the id and the hash; their order is canonicalContent's). */
export type ChainedFields = Omit<Selectable<PrivacyEventTable>, "id" | "hash">;

export function canonicalContent(e: ChainedFields): string {
  return JSON.stringify([
    e.organisation_id,
    e.submission_id,
    e.seq,
    e.occurred_at,
    e.type,
    e.actor_role,
    e.actor_account_id,
    e.data_categories,
    e.purpose,
    e.legal_basis,
    e.details_json,
    e.prev_hash,
  ]);
}

export const hashEvent = (e: ChainedFields): string => createHash("sha256").update(canonicalContent(e)).digest("hex");

/** An alert's event: the same fields, the alert in place of the submission (decision 58). */
export type AlertChainedFields = Omit<ChainedFields, "submission_id"> & { alert_id: number };

/** "alert" first keeps an alert's event apart from a submission's event with the same numbers. */
export const hashAlertEvent = (e: AlertChainedFields): string =>
  createHash("sha256")
    .update(JSON.stringify(["alert", e.organisation_id, e.alert_id, e.seq, e.occurred_at, e.type, e.actor_role, e.actor_account_id, e.data_categories, e.purpose, e.legal_basis, e.details_json, e.prev_hash]))
    .digest("hex");

/** Details serialised with sorted keys, so the same details always give the same text. */
export function canonicalJson(value: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

export type ChainCheck = { intact: true; events: number } | { intact: false; events: number; brokenAt: number; problem: string };

/** Check one chain's events, given in seq order, with the hash of its kind of log. */
export function verifyChainWith<E extends { seq: number; prev_hash: string; hash: string }>(events: E[], hash: (e: E) => string): ChainCheck {
  let prev = GENESIS_HASH;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (e.seq !== i + 1) return { intact: false, events: events.length, brokenAt: e.seq, problem: "an event is missing or out of order" };
    if (e.prev_hash !== prev) return { intact: false, events: events.length, brokenAt: e.seq, problem: "the link to the previous event does not match" };
    if (hash(e) !== e.hash) return { intact: false, events: events.length, brokenAt: e.seq, problem: "the event was changed after it was written" };
    prev = e.hash;
  }
  return { intact: true, events: events.length };
}

/** Check one submission's events, given in seq order. */
export const verifyChain = (events: (ChainedFields & { hash: string })[]): ChainCheck => verifyChainWith(events, hashEvent);
