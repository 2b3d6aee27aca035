/**
 * Writing and reading privacy logs — a submission's and an e-mail alert's, through one append path.
 * Appending must run in the same transaction as the change it records: no change without its
 * event, no event without its change.
 */
import type { Kysely, Transaction } from "kysely";
import { engineOf } from "#db/connection.server";
import type { Database } from "#db/schema";
import { runPlain, valueRows } from "#db/plain-sql.server";
import { GENESIS_HASH, canonicalJson, hashAlertEvent, hashEvent, verifyChainWith, type AlertChainedFields, type ChainCheck, type ChainedFields } from "./chain";
import { appendLeaves } from "~/modules/transparency-log/leaves.server";
import type { ActorRole, DataCategory, EventDetails, NewPrivacyEvent, PrivacyEvent } from "./events";

type Db = Kysely<Database> | Transaction<Database>;

/**
 * The two kinds of privacy log, one chain per subject: a submission's (decision 7) and an e-mail
 * alert's (decision 58). Both are written by appendLogEvents below — the one append path — so both
 * get their transparency-log leaves the same way (decision 56).
 */
export type LogSubject = { kind: "submission"; organisationId: number; submissionId: number } | { kind: "alert"; organisationId: number; alertId: number };
export type LogKind = LogSubject["kind"];

/** Where one kind of log is stored. Table names are constants here, never input. */
const KINDS = {
  submission: { table: "privacy_events", subjectColumn: "submission_id", owner: "submissions", leafColumn: "privacy_event_id" },
  alert: { table: "alert_events", subjectColumn: "alert_id", owner: "alerts", leafColumn: "alert_event_id" },
} as const;

const subjectIdOf = (s: LogSubject) => (s.kind === "submission" ? s.submissionId : s.alertId);

/** A stored event of either kind, the subject's id under its own column name. */
type StoredRow = Omit<ChainedFields, "submission_id"> & { id?: number; hash: string } & ({ submission_id: number } | { alert_id: number });
const hashOf = (kind: LogKind, row: Omit<StoredRow, "hash">) =>
  kind === "submission" ? hashEvent(row as ChainedFields) : hashAlertEvent(row as AlertChainedFields);

/** An event to append, of either kind (the kind's own modules narrow `type` and `purpose`). */
export interface NewLogEvent {
  type: string;
  actorRole: ActorRole;
  actorAccountId?: number | null;
  categories: DataCategory[];
  purpose: string;
  legalBasis: string;
  details?: EventDetails;
  occurredAt?: Date;
}

/** An event as its subject reads it (and as its transparency-log leaf commits to it). */
export interface LoggedEvent {
  seq: number;
  occurredAt: string;
  type: string;
  actorRole: ActorRole;
  categories: DataCategory[];
  purpose: string;
  legalBasis: string;
  details: EventDetails;
  hash: string;
}

export async function appendPrivacyEvent(
  trx: Transaction<Database>,
  target: { organisationId: number; submissionId: number },
  event: NewPrivacyEvent,
): Promise<PrivacyEvent> {
  return (await appendPrivacyEvents(trx, target, [event]))[0];
}

/** A submission's events (see appendLogEvents). */
export async function appendPrivacyEvents(
  trx: Transaction<Database>,
  target: { organisationId: number; submissionId: number },
  events: readonly NewPrivacyEvent[],
  options: { newChain?: boolean } = {},
): Promise<PrivacyEvent[]> {
  return (await appendLogEvents(trx, { kind: "submission", ...target }, events, options)) as PrivacyEvent[];
}

/**
 * Appends events to one subject's chain in order, and gives each its transparency-log leaf, in the
 * caller's transaction: no change without its event, no event without its leaf. The tail is read
 * once (not at all for a chain the caller has just started, `newChain`: the subject was inserted in
 * this very transaction, so it has no events and no other transaction can see it); the rows go in
 * with one insert.
 */
export async function appendLogEvents(
  trx: Transaction<Database>,
  subject: LogSubject,
  events: readonly NewLogEvent[],
  options: { newChain?: boolean } = {},
): Promise<LoggedEvent[]> {
  if (events.length === 0) return [];
  const kind = KINDS[subject.kind];
  const subjectId = subjectIdOf(subject);
  let seq = 0;
  let prev = GENESIS_HASH;
  if (!options.newChain) {
    // one writer per chain: PostgreSQL locks the subject's row; SQLite transactions are already exclusive
    if (engineOf(trx) === "postgres") await runPlain(trx, `select id from ${kind.owner} where id = ? for update`, [subjectId]);
    const { rows } = await runPlain<{ seq: number; hash: string }>(trx, `select seq, hash from ${kind.table} where ${kind.subjectColumn} = ? order by seq desc limit 1`, [subjectId]);
    if (rows[0]) ({ seq, hash: prev } = rows[0]);
  }
  const rows: StoredRow[] = [];
  const appended: LoggedEvent[] = [];
  for (const event of events) {
    const fields = {
      organisation_id: subject.organisationId,
      [kind.subjectColumn]: subjectId,
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
    } as Omit<StoredRow, "hash">;
    prev = hashOf(subject.kind, fields);
    rows.push({ ...fields, hash: prev } as StoredRow);
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
  const ids = await insertEvents(trx, subject.kind, rows);
  // each event is also a leaf of the transparency log, in the same transaction (decision 56)
  await appendLeaves(
    trx,
    kind.leafColumn,
    appended.map((event) => ({ id: ids.get(event.seq)!, event })),
  );
  return appended;
}

const CHAINED_COLUMNS = [
  "organisation_id",
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
async function insertEvents(trx: Transaction<Database>, kindName: LogKind, rows: StoredRow[]): Promise<Map<number, number>> {
  const kind = KINDS[kindName];
  const columns = [kind.subjectColumn, ...CHAINED_COLUMNS];
  const parameters = rows.flatMap((row) => columns.map((column) => (row as unknown as Record<string, unknown>)[column]));
  const inserted = await runPlain<{ id: number | string; seq: number | string }>(
    trx,
    `insert into ${kind.table} (${columns.join(", ")}) values ${valueRows(columns.length, rows.length)} returning id, seq`,
    parameters,
  );
  return new Map(inserted.rows.map((row) => [Number(row.seq), Number(row.id)]));
}

function toEvent(row: Pick<StoredRow, "seq" | "occurred_at" | "type" | "actor_role" | "data_categories" | "purpose" | "legal_basis" | "details_json" | "hash">): LoggedEvent {
  return {
    seq: Number(row.seq),
    occurredAt: row.occurred_at,
    type: row.type,
    actorRole: row.actor_role as ActorRole,
    categories: JSON.parse(row.data_categories) as DataCategory[],
    purpose: row.purpose,
    legalBasis: row.legal_basis,
    details: JSON.parse(row.details_json) as EventDetails,
    hash: row.hash,
  };
}

async function chainRows(db: Db, kindName: LogKind, subjectId: number): Promise<StoredRow[]> {
  const kind = KINDS[kindName];
  return (await runPlain<StoredRow>(db, `select * from ${kind.table} where ${kind.subjectColumn} = ? order by seq`, [subjectId])).rows.map(numbered);
}

/** PostgreSQL may return integers as text where the driver does not know the column: make them numbers again. */
const numbered = (r: StoredRow): StoredRow => ({ ...r, seq: Number(r.seq), organisation_id: Number(r.organisation_id), ...("submission_id" in r ? { submission_id: Number(r.submission_id) } : { alert_id: Number(r.alert_id) }) });

/** One subject's events, oldest first, and whether its chain is intact. */
export async function readLog(db: Db, kindName: LogKind, subjectId: number): Promise<{ events: LoggedEvent[]; check: ChainCheck }> {
  const rows = await chainRows(db, kindName, subjectId);
  return { events: rows.map(toEvent), check: verifyChainWith(rows, (e) => hashOf(kindName, e)) };
}

/** The events of one submission for its author, oldest first, and whether the chain is intact. */
export async function readPrivacyLog(db: Db, submissionId: number): Promise<{ events: PrivacyEvent[]; check: ChainCheck }> {
  return (await readLog(db, "submission", submissionId)) as { events: PrivacyEvent[]; check: ChainCheck };
}

export interface BrokenChain {
  subjectId: number;
  check: Extract<ChainCheck, { intact: false }>;
}

/** Check every chain of one kind in the database, in batches. Returns the broken ones and how many were checked. */
export async function verifyAllChains(db: Db, kindName: LogKind = "submission", batchSize = 500): Promise<{ checked: number; broken: BrokenChain[] }> {
  const kind = KINDS[kindName];
  const broken: BrokenChain[] = [];
  let checked = 0;
  let after = 0;
  for (;;) {
    const ids = (
      await runPlain<{ subject: number | string }>(db, `select distinct ${kind.subjectColumn} as subject from ${kind.table} where ${kind.subjectColumn} > ? order by 1 limit ?`, [after, batchSize])
    ).rows.map((r) => Number(r.subject));
    if (ids.length === 0) break;
    const rows = (
      await runPlain<StoredRow>(db, `select * from ${kind.table} where ${kind.subjectColumn} in (${ids.map(() => "?").join(", ")}) order by ${kind.subjectColumn}, seq`, ids)
    ).rows.map(numbered);
    const bySubject = new Map<number, StoredRow[]>();
    for (const r of rows) {
      const id = "submission_id" in r ? r.submission_id : r.alert_id;
      bySubject.set(id, [...(bySubject.get(id) ?? []), r]);
    }
    for (const [subjectId, events] of bySubject) {
      checked++;
      const check = verifyChainWith(events, (e) => hashOf(kindName, e));
      if (!check.intact) broken.push({ subjectId, check });
    }
    after = ids[ids.length - 1];
  }
  return { checked, broken };
}
