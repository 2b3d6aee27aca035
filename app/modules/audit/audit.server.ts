/**
 * The audit log of staff and admin actions (who, what, when, from where), for admins.
 * Kept apart from residents' privacy logs: those explain one submission to its author; this
 * one holds the organisation's staff accountable.
 */
import { sql, type Kysely, type SelectQueryBuilder, type Transaction } from "kysely";
import { inTransaction } from "#db/connection.server";
import type { AuditLogRow, Database } from "#db/schema";
import { parseDay, endOfBerlinDay, startOfBerlinDay } from "~/i18n/dates";
import { AUDIT_ACTIONS, type AuditAction } from "./actions";

export { AUDIT_ACTIONS, AUDIT_TARGET_TYPES, type AuditAction, type AuditTargetType } from "./actions";

type Db = Kysely<Database> | Transaction<Database>;

export interface AuditEntry {
  organisationId: number;
  accountId: number | null;
  action: AuditAction;
  /** One of AUDIT_TARGET_TYPES (each has a label). */
  targetType?: string;
  targetId?: string | number;
  details?: Record<string, string | number | boolean | null>;
  clientAddress?: string;
  at?: Date;
}

export async function audit(db: Db, e: AuditEntry): Promise<void> {
  await db
    .insertInto("audit_log")
    .values({
      organisation_id: e.organisationId,
      account_id: e.accountId,
      action: e.action,
      target_type: e.targetType ?? "",
      target_id: e.targetId === undefined ? "" : String(e.targetId),
      details_json: JSON.stringify(e.details ?? {}),
      client_address: (e.clientAddress ?? "").slice(0, 64),
      occurred_at: (e.at ?? new Date()).toISOString(),
    })
    .execute();
}

/** Who acts: the organisation, the person, and the client address an entry records. */
export type AuditActor = Pick<AuditEntry, "organisationId" | "accountId" | "clientAddress">;

/**
 * A change and its audit entry in one transaction (inside the caller's when `db` already is one):
 * no change without its entry, no entry without its change. `entryFor` says what to record about
 * the outcome, or null when there is nothing to record (nothing changed, the person is to correct).
 */
export async function withAudit<T>(
  db: Kysely<Database>,
  change: (trx: Transaction<Database>) => Promise<T>,
  entryFor: (outcome: T) => AuditEntry | null,
): Promise<T> {
  return inTransaction(db, async (trx) => {
    const outcome = await change(trx);
    const entry = entryFor(outcome);
    if (entry) await audit(trx, entry);
    return outcome;
  });
}

export interface AuditView extends Omit<AuditLogRow, "details_json"> {
  details: Record<string, unknown>;
  accountEmail: string | null;
  /** the submission's number where the entry names it by another key (desk entries: their entry key) */
  submissionId: number | null;
}

export const AUDIT_PAGE_SIZE = 50;
/** At most this many entries in one CSV download (a year of a busy town hall). */
export const AUDIT_EXPORT_MAX = 100_000;

/** What the audit log is narrowed to: who, which action, which procedure, which days (Berlin). */
export interface AuditFilter {
  accountId?: number;
  action?: AuditAction;
  procedureId?: number;
  /** ISO instants: from the start of the first day, before the end of the last */
  from?: string;
  until?: string;
}

/**
 * The filter from the page's query (?person=, ?aktion=, ?verfahren=, ?von=, ?bis=): values that
 * are not a possible choice are left out (the page shows everything for them), as is a date
 * that is not one.
 */
export function parseAuditFilter(query: URLSearchParams): AuditFilter & { fromDay?: string; untilDay?: string } {
  const id = (name: string) => {
    const raw = query.get(name) ?? "";
    return /^[1-9][0-9]{0,9}$/.test(raw) ? Number(raw) : undefined;
  };
  const action = query.get("aktion") ?? "";
  const fromDay = parseDay(query.get("von") ?? "") ?? undefined;
  const untilDay = parseDay(query.get("bis") ?? "") ?? undefined;
  return {
    accountId: id("person"),
    action: (AUDIT_ACTIONS as readonly string[]).includes(action) ? (action as AuditAction) : undefined,
    procedureId: id("verfahren"),
    from: fromDay ? startOfBerlinDay(fromDay) : undefined,
    until: untilDay ? endOfBerlinDay(untilDay) : undefined,
    fromDay,
    untilDay,
  };
}

function filtered<O>(q: SelectQueryBuilder<Database, "audit_log" | "accounts", O>, organisationId: number, f: AuditFilter) {
  let query = q.where("audit_log.organisation_id", "=", organisationId);
  if (f.accountId !== undefined) query = query.where("audit_log.account_id", "=", f.accountId);
  if (f.action) query = query.where("audit_log.action", "=", f.action);
  if (f.from) query = query.where("audit_log.occurred_at", ">=", f.from);
  if (f.until) query = query.where("audit_log.occurred_at", "<=", f.until);
  if (f.procedureId !== undefined) {
    const procedure = f.procedureId;
    // the procedure itself, its submissions (by number, or a desk entry by its entry key) and responses
    query = query.where(({ or, and, eb, exists, selectFrom }) =>
      or([
        and([eb("audit_log.target_type", "=", "procedure"), eb("audit_log.target_id", "=", String(procedure))]),
        and([
          eb("audit_log.target_type", "=", "submission"),
          exists(
            selectFrom("submissions")
              .select("submissions.id")
              .where("submissions.procedure_id", "=", procedure)
              .where((w) => w.or([w(sql`cast(submissions.id as varchar(20))`, "=", w.ref("audit_log.target_id")), w("submissions.idempotency_key", "=", sql<string>`${"desk-"} || audit_log.target_id`)])),
          ),
        ]),
        and([
          eb("audit_log.target_type", "=", "response"),
          exists(selectFrom("responses").select("responses.id").where("responses.procedure_id", "=", procedure).where(sql`cast(responses.id as varchar(20))`, "=", eb.ref("audit_log.target_id"))),
        ]),
      ]),
    );
  }
  return query;
}

/** Desk entries name their submission by the entry key: the submission's number for each. */
async function submissionNumbers(db: Db, rows: { target_type: string; target_id: string }[]): Promise<Map<string, number>> {
  const keys = [...new Set(rows.filter((r) => r.target_type === "submission" && r.target_id !== "" && !/^\d+$/.test(r.target_id)).map((r) => `desk-${r.target_id}`))];
  const found = keys.length ? await db.selectFrom("submissions").select(["id", "idempotency_key"]).where("idempotency_key", "in", keys).execute() : [];
  return new Map(found.map((r) => [String(r.idempotency_key).replace(/^desk-/, ""), r.id]));
}

function toView(rows: (AuditLogRow & { accountEmail: string | null })[], numbers: Map<string, number>): AuditView[] {
  return rows.map(({ details_json, ...r }) => ({
    ...r,
    details: JSON.parse(details_json) as Record<string, unknown>,
    submissionId: r.target_type !== "submission" ? null : /^\d+$/.test(r.target_id) ? Number(r.target_id) : (numbers.get(r.target_id) ?? null),
  }));
}

export async function listAudit(db: Db, organisationId: number, page = 1, filter: AuditFilter = {}): Promise<{ entries: AuditView[]; hasMore: boolean }> {
  const rows = await filtered(
    db.selectFrom("audit_log").leftJoin("accounts", "accounts.id", "audit_log.account_id").selectAll("audit_log").select("accounts.email as accountEmail"),
    organisationId,
    filter,
  )
    .orderBy("audit_log.id", "desc")
    .limit(AUDIT_PAGE_SIZE + 1)
    .offset((Math.max(1, page) - 1) * AUDIT_PAGE_SIZE)
    .execute();
  const page1 = rows.slice(0, AUDIT_PAGE_SIZE);
  return { entries: toView(page1, await submissionNumbers(db, page1)), hasMore: rows.length > AUDIT_PAGE_SIZE };
}

/** The people who appear in the organisation's audit log (for the filter), by e-mail address. */
export async function auditPeople(db: Db, organisationId: number) {
  return db.selectFrom("accounts").select(["id", "email", "display_name"]).where("organisation_id", "=", organisationId).orderBy("email").execute();
}

/**
 * The filtered log as CSV for the data-protection officer, newest first, at most AUDIT_EXPORT_MAX
 * entries: time (ISO, UTC), person, action (its label and its code), what it concerns (type,
 * number), details (JSON), client address. Every field formula-safe (csvRow).
 */
export async function auditCsv(
  db: Db,
  organisationId: number,
  filter: AuditFilter,
  labels: { header: string[]; action: (a: string) => string; target: (t: string) => string },
  csvRow: (fields: (string | number | null | undefined)[]) => string,
): Promise<string> {
  const rows = await filtered(
    db.selectFrom("audit_log").leftJoin("accounts", "accounts.id", "audit_log.account_id").selectAll("audit_log").select("accounts.email as accountEmail"),
    organisationId,
    filter,
  )
    .orderBy("audit_log.id", "desc")
    .limit(AUDIT_EXPORT_MAX)
    .execute();
  const entries = toView(rows, await submissionNumbers(db, rows));
  let out = csvRow(labels.header);
  for (const e of entries) {
    const target = e.target_type === "submission" && e.submissionId !== null ? String(e.submissionId) : e.target_id;
    out += csvRow([e.occurred_at, e.accountEmail ?? "", labels.action(e.action), e.action, e.target_type ? labels.target(e.target_type) : "", target, JSON.stringify(e.details), e.client_address]);
  }
  return out;
}
