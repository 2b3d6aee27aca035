/**
 * What a resident's export carries so that anyone can check it offline (decision 56): the latest
 * signed checkpoint, the verifier key, and for each event its leaf index, its salt and its inclusion
 * proof in that checkpoint. Events newer than the checkpoint are marked as waiting.
 */
import type { Kysely, Transaction } from "kysely";
import type { Database } from "#db/schema";
import { formatVerifierKey, type VerifierKey } from "./note";
import { latestCheckpoint, proveInclusion } from "./tlog.server";

type Db = Kysely<Database> | Transaction<Database>;

export interface ExportedEventProof {
  seq: number;
  leafIndex: number | null;
  /** hex; null once erased */
  salt: string | null;
  /** base64 hashes, leaf side first (RFC 9162 § 2.1.3); null while the event waits for the next checkpoint */
  inclusionProof: string[] | null;
}

export interface ExportedTransparency {
  format: "teilhabe-transparency/1";
  /** the signed checkpoint (C2SP tlog-checkpoint) the proofs lead to; null before the first one */
  checkpoint: string | null;
  verifierKey: string;
  events: ExportedEventProof[];
}

/** Whose log: a submission's (privacy_events) or an e-mail alert's (alert_events). */
export type LogOwner = { submissionId: number } | { alertId: number };

/** The leaves of one log's events, by seq. */
async function leavesOf(db: Db, owner: LogOwner): Promise<{ seq: number; leaf_index: number | null; salt: string | null }[]> {
  if ("submissionId" in owner) {
    return db
      .selectFrom("tlog_leaves as l")
      .innerJoin("privacy_events as e", "e.id", "l.privacy_event_id")
      .select(["e.seq", "l.leaf_index", "l.salt"])
      .where("e.submission_id", "=", owner.submissionId)
      .orderBy("e.seq")
      .execute();
  }
  return db
    .selectFrom("tlog_leaves as l")
    .innerJoin("alert_events as e", "e.id", "l.alert_event_id")
    .select(["e.seq", "l.leaf_index", "l.salt"])
    .where("e.alert_id", "=", owner.alertId)
    .orderBy("e.seq")
    .execute();
}

export async function transparencyFor(db: Db, owner: LogOwner, key: VerifierKey): Promise<ExportedTransparency> {
  const checkpoint = await latestCheckpoint(db);
  const rows = await leavesOf(db, owner);
  const events: ExportedEventProof[] = [];
  for (const row of rows) {
    const leafIndex = row.leaf_index === null ? null : Number(row.leaf_index);
    const proven = checkpoint !== null && leafIndex !== null && leafIndex < checkpoint.size;
    events.push({
      seq: Number(row.seq),
      leafIndex: proven ? leafIndex : null,
      salt: row.salt,
      inclusionProof: proven ? (await proveInclusion(db, leafIndex!, checkpoint!.size)).map((h) => h.toString("base64")) : null,
    });
  }
  return { format: "teilhabe-transparency/1", checkpoint: checkpoint?.note ?? null, verifierKey: formatVerifierKey(key), events };
}

export const transparencyForSubmission = (db: Db, submissionId: number, key: VerifierKey) => transparencyFor(db, { submissionId }, key);

/** For a log's page (a submission's or an alert's): the checkpoint that holds its events, if any. */
export async function checkpointHolding(db: Db, owner: LogOwner): Promise<{ size: number; signedAt: string; proven: number; waiting: number } | null> {
  const checkpoint = await latestCheckpoint(db);
  if (!checkpoint) return null;
  const rows = await leavesOf(db, owner);
  const proven = rows.filter((r) => r.leaf_index !== null && Number(r.leaf_index) < checkpoint.size).length;
  return { size: checkpoint.size, signedAt: checkpoint.signedAt, proven, waiting: rows.length - proven };
}
