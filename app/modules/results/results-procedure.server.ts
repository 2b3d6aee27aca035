/** The procedure as the results read it: its state and summary, and when the results were published. */
import type { Kysely, Transaction } from "kysely";
import type { Database, ProcedureStatus } from "#db/schema";

type Db = Kysely<Database> | Transaction<Database>;

export interface ResultsProcedure {
  id: number;
  organisationId: number;
  status: ProcedureStatus;
  title: string;
  summary: string;
  resultsSummary: string;
  updatedAt: string;
}

export async function procedureRow(db: Db, organisationId: number, procedureId: number): Promise<ResultsProcedure | undefined> {
  const row = await db
    .selectFrom("procedures")
    .select(["id", "organisation_id", "status", "title", "summary", "results_summary", "updated_at"])
    .where("organisation_id", "=", organisationId)
    .where("id", "=", procedureId)
    .where("status", "!=", "draft")
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    organisationId: row.organisation_id,
    status: row.status,
    title: row.title,
    summary: row.summary,
    resultsSummary: row.results_summary,
    updatedAt: row.updated_at,
  };
}

/** The moderators' summary (Markdown source) of a procedure. */
export async function resultsSummaryOf(db: Db, procedureId: number): Promise<string> {
  const row = await db.selectFrom("procedures").select("results_summary").where("id", "=", procedureId).executeTakeFirst();
  return row?.results_summary ?? "";
}

/** When the results were first published (the audit log), else the procedure's last change. */
export async function resultsDates(db: Db, organisationId: number, procedureId: number): Promise<{ issued: string; modified: string }> {
  const first = await db
    .selectFrom("audit_log")
    .select((eb) => eb.fn.min("occurred_at").as("at"))
    .where("organisation_id", "=", organisationId)
    .where("action", "=", "results_published")
    .where("target_type", "=", "procedure")
    .where("target_id", "=", String(procedureId))
    .executeTakeFirst();
  const row = await db.selectFrom("procedures").select("updated_at").where("id", "=", procedureId).executeTakeFirstOrThrow();
  const issued = (first?.at as string | null | undefined) ?? row.updated_at;
  return { issued, modified: row.updated_at > issued ? row.updated_at : issued };
}
