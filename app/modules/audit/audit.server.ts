/**
 * The audit log of staff and admin actions (who, what, when, from where), for admins.
 * Kept apart from residents' privacy logs: those explain one submission to its author; this
 * one holds the organisation's staff accountable.
 */
import type { Kysely, Transaction } from "kysely";
import type { AuditLogRow, Database } from "#db/schema";
import type { AuditAction } from "./actions";

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

export interface AuditView extends Omit<AuditLogRow, "details_json"> {
  details: Record<string, unknown>;
  accountEmail: string | null;
}

export const AUDIT_PAGE_SIZE = 50;

export async function listAudit(db: Db, organisationId: number, page = 1): Promise<{ entries: AuditView[]; hasMore: boolean }> {
  const rows = await db
    .selectFrom("audit_log")
    .leftJoin("accounts", "accounts.id", "audit_log.account_id")
    .selectAll("audit_log")
    .select("accounts.email as accountEmail")
    .where("audit_log.organisation_id", "=", organisationId)
    .orderBy("audit_log.id", "desc")
    .limit(AUDIT_PAGE_SIZE + 1)
    .offset((Math.max(1, page) - 1) * AUDIT_PAGE_SIZE)
    .execute();
  return {
    entries: rows.slice(0, AUDIT_PAGE_SIZE).map(({ details_json, ...r }) => ({ ...r, details: JSON.parse(details_json) as Record<string, unknown> })),
    hasMore: rows.length > AUDIT_PAGE_SIZE,
  };
}
