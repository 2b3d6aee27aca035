/**
 * Writing and reading privacy logs. appendPrivacyEvent must run in the same transaction as the
 * change it records: no change without its event, no event without its change.
 */
import type { Kysely, Transaction } from "kysely";
import { sql } from "kysely";
import { engineOf } from "#db/connection.server";
import type { Database, PrivacyEventRow } from "#db/schema";
import { runPlain, valueRows } from "#db/plain-sql.server";
import { GENESIS_HASH, canonicalJson, hashEvent, verifyChain, type ChainCheck, type ChainedFields } from "./chain";
import { appendLeaves } from "~/modules/transparency-log/leaves.server";
import type { ActorRole, DataCategory, EventDetails, NewPrivacyEvent, PrivacyEvent, PrivacyEventType, Purpose } from "./events";

type Db = Kysely<Database> | Transaction<Database>;

export async function appendPrivacyEvent(
  trx: Transaction<Database>,
  target: { organisationId: number; submissionId: number },
  event: NewPrivacyEvent,
): Promise<PrivacyEvent> {
  return (await appendPrivacyEvents(trx, target, [event]))[0];
}

/**
 * Appends several events to one submission's chain in order: the tail is read once (not at all for
 * a chain the caller has just started, `newChain`: the submission was inserted in this very
 * transaction, so it has no events and no other transaction can see it), the rows go in with one
 * insert. The stored rows are exactly those of one appendPrivacyEvent after the other.
 */
export async function appendPrivacyEvents(
  trx: Transaction<Database>,
  target: { organisationId: number; submissionId: number },
  events: readonly NewPrivacyEvent[],
  options: { newChain?: boolean } = {},
): Promise<PrivacyEvent[]> {
  if (events.length === 0) return [];
  let seq = 0;
  let prev = GENESIS_HASH;
  if (!options.newChain) {
    // one writer per chain: PostgreSQL locks the submission row; SQLite transactions are already exclusive
    if (engineOf(trx) === "postgres") {
      await sql`select id from submissions where id = ${target.submissionId} for update`.execute(trx);
    }
    const { rows } = await runPlain<{ seq: number; hash: string }>(trx, "select seq, hash from privacy_events where submission_id = ? order by seq desc limit 1", [
      target.submissionId,
    ]);
    if (rows[0]) ({ seq, hash: prev } = rows[0]);
  }
  const rows: (ChainedFields & { hash: string })[] = [];
  const appended: PrivacyEvent[] = [];
  for (const event of events) {
    const fields: ChainedFields = {
      organisation_id: target.organisationId,
      submission_id: target.submissionId,
      seq: ++seq,
      occurred_at: (event.occurredAt ?? new Date()).toISOString(),
      type: event.type,
      actor_role: event.actorRole,
      actor_account_id: event.actorAccountId ?? null,
      data_categories: JSON.stringify(event.categories),
      purpose: event.purpose,
      legal_basis: event.legalBasis,
      details_json: canonicalJson(event.details ?? {}),
      prev_hash: prev,
    };
    prev = hashEvent(fields);
    rows.push({ ...fields, hash: prev });
    appended.push({
      seq: fields.seq,
      occurredAt: fields.occurred_at,
      type: event.type,
      actorRole: event.actorRole,
      categories: event.categories,
      purpose: event.purpose,
      legalBasis: event.legalBasis,
      details: event.details ?? {},
      hash: prev,
    });
  }
  const ids = await insertEvents(trx, rows);
  // each event is also a leaf of the transparency log, in the same transaction (decision 56)
  await appendLeaves(
    trx,
    appended.map((event) => ({ id: ids.get(event.seq)!, event })),
  );
  return appended;
}

const EVENT_COLUMNS = [
  "organisation_id",
  "submission_id",
  "seq",
  "occurred_at",
  "type",
  "actor_role",
  "actor_account_id",
  "data_categories",
  "purpose",
  "legal_basis",
  "details_json",
  "prev_hash",
  "hash",
] as const;

/** One multi-row insert as plain SQL (it runs for every submission). Returns each new row's id by seq. */
async function insertEvents(trx: Transaction<Database>, rows: (ChainedFields & { hash: string })[]): Promise<Map<number, number>> {
  const parameters = rows.flatMap((row) => EVENT_COLUMNS.map((column) => row[column]));
  const inserted = await runPlain<{ id: number | string; seq: number | string }>(
    trx,
    `insert into privacy_events (${EVENT_COLUMNS.join(", ")}) values ${valueRows(EVENT_COLUMNS.length, rows.length)} returning id, seq`,
    parameters,
  );
  return new Map(inserted.rows.map((row) => [Number(row.seq), Number(row.id)]));
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
