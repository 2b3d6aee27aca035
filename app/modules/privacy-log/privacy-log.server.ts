/**
 * Writing and reading privacy logs. appendPrivacyEvent must run in the same transaction as the
 * change it records: no change without its event, no event without its change.
 */
import type { Kysely, Transaction } from "kysely";
import { sql } from "kysely";
import { engineOf } from "#db/connection.server";
import type { Database, PrivacyEventRow } from "#db/schema";
import { GENESIS_HASH, canonicalJson, hashEvent, verifyChain, type ChainCheck, type ChainedFields } from "./chain";
import type { ActorRole, DataCategory, EventDetails, NewPrivacyEvent, PrivacyEvent, PrivacyEventType, Purpose } from "./events";

type Db = Kysely<Database> | Transaction<Database>;

export async function appendPrivacyEvent(
  trx: Transaction<Database>,
  target: { organisationId: number; submissionId: number },
  event: NewPrivacyEvent,
): Promise<PrivacyEvent> {
  // one writer per chain: PostgreSQL locks the submission row; SQLite transactions are already exclusive
  if (engineOf(trx) === "postgres") {
    await sql`select id from submissions where id = ${target.submissionId} for update`.execute(trx);
  }
  const last = await trx
    .selectFrom("privacy_events")
    .select(["seq", "hash"])
    .where("submission_id", "=", target.submissionId)
    .orderBy("seq", "desc")
    .limit(1)
    .executeTakeFirst();
  const fields: ChainedFields = {
    organisation_id: target.organisationId,
    submission_id: target.submissionId,
    seq: (last?.seq ?? 0) + 1,
    occurred_at: (event.occurredAt ?? new Date()).toISOString(),
    type: event.type,
    actor_role: event.actorRole,
    actor_account_id: event.actorAccountId ?? null,
    data_categories: JSON.stringify(event.categories),
    purpose: event.purpose,
    legal_basis: event.legalBasis,
    details_json: canonicalJson(event.details ?? {}),
    prev_hash: last?.hash ?? GENESIS_HASH,
  };
  const hash = hashEvent(fields);
  await trx.insertInto("privacy_events").values({ ...fields, hash }).execute();
  return toEvent({ ...fields, hash } as PrivacyEventRow);
}

function toEvent(row: Pick<PrivacyEventRow, "seq" | "occurred_at" | "type" | "actor_role" | "data_categories" | "purpose" | "legal_basis" | "details_json" | "hash">): PrivacyEvent {
  return {
    seq: row.seq,
    occurredAt: row.occurred_at,
    type: row.type as PrivacyEventType,
    actorRole: row.actor_role as ActorRole,
    categories: JSON.parse(row.data_categories) as DataCategory[],
    purpose: row.purpose as Purpose,
    legalBasis: row.legal_basis,
    details: JSON.parse(row.details_json) as EventDetails,
    hash: row.hash,
  };
}

async function chainRows(db: Db, submissionId: number) {
  return db.selectFrom("privacy_events").selectAll().where("submission_id", "=", submissionId).orderBy("seq").execute();
}

/** The events of one submission for its author, oldest first, and whether the chain is intact. */
export async function readPrivacyLog(db: Db, submissionId: number): Promise<{ events: PrivacyEvent[]; check: ChainCheck }> {
  const rows = await chainRows(db, submissionId);
  return { events: rows.map(toEvent), check: verifyChain(rows) };
}

export interface BrokenChain {
  submissionId: number;
  check: Extract<ChainCheck, { intact: false }>;
}

/** Check every chain in the database, in batches. Returns the broken ones and how many were checked. */
export async function verifyAllChains(db: Db, batchSize = 500): Promise<{ checked: number; broken: BrokenChain[] }> {
  const broken: BrokenChain[] = [];
  let checked = 0;
  let after = 0;
  for (;;) {
    const ids = await db
      .selectFrom("privacy_events")
      .select("submission_id")
      .distinct()
      .where("submission_id", ">", after)
      .orderBy("submission_id")
      .limit(batchSize)
      .execute();
    if (ids.length === 0) break;
    const rows = await db
      .selectFrom("privacy_events")
      .selectAll()
      .where("submission_id", "in", ids.map((r) => r.submission_id))
      .orderBy("submission_id")
      .orderBy("seq")
      .execute();
    const bySubmission = new Map<number, PrivacyEventRow[]>();
    for (const r of rows) bySubmission.set(r.submission_id, [...(bySubmission.get(r.submission_id) ?? []), r]);
    for (const [submissionId, events] of bySubmission) {
      checked++;
      const check = verifyChain(events);
      if (!check.intact) broken.push({ submissionId, check });
    }
    after = ids[ids.length - 1].submission_id;
  }
  return { checked, broken };
}
