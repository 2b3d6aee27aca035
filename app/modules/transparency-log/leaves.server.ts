/**
 * Appending leaves: called by the privacy log's one append path inside the transaction of every
 * event it writes — a submission's or an alert's — so an event and its leaf commit together (decision 56). Only the commitment and its salt are written
 * here; the leaf's index in the tree is given later by the integrator (tlog.server.ts), which keeps
 * concurrent writers on several instances from ever contending for the tree.
 */
import type { Transaction } from "kysely";
import type { Database } from "#db/schema";
import { runPlain, valueRows } from "#db/plain-sql.server";
import { secureRandomBytes } from "~/modules/privacy/random.server";
import { commitmentOf, type CommittedEvent } from "./commitment";

let benchmarkWithoutLeaves = false;

/** For `npm run bench:tlog` only: measure the submission path without its leaves, in the same run. */
export function leaveOutLeavesForBenchmark(off: boolean): void {
  benchmarkWithoutLeaves = off;
}

/** Which log an event is in: a submission's (privacy_events) or an alert's (alert_events). */
export type LeafSource = "privacy_event_id" | "alert_event_id";

export async function appendLeaves(trx: Transaction<Database>, source: LeafSource, events: readonly { id: number; event: CommittedEvent }[], now: Date = new Date()): Promise<void> {
  if (events.length === 0 || benchmarkWithoutLeaves) return;
  const createdAt = now.toISOString();
  const parameters: unknown[] = [];
  for (const { id, event } of events) {
    // from the pooled generator: one OpenSSL call per 4 KiB instead of one per leaf
    const salt = secureRandomBytes(32).toString("hex");
    parameters.push(id, commitmentOf(event, salt).toString("hex"), salt, createdAt);
  }
  await runPlain(trx, `insert into tlog_leaves (${source === "alert_event_id" ? "alert_event_id" : "privacy_event_id"}, entry, salt, created_at) values ${valueRows(4, events.length)}`, parameters);
}

/**
 * Erase the salts of these events' leaves: their leaves can then no longer be linked to anyone,
 * and the tree (built from the entries, which stay) is unchanged. For callers that erase events.
 */
export async function forgetLeafSalts(trx: Transaction<Database>, privacyEventIds: readonly number[]): Promise<void> {
  if (privacyEventIds.length === 0) return;
  await trx.updateTable("tlog_leaves").set({ salt: null }).where("privacy_event_id", "in", privacyEventIds).execute();
}
