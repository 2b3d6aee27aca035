/** The lifecycle of a procedure: draft → open → closed (or reopened) → … → archived. */
import type { Kysely } from "kysely";
import { inTransaction } from "#db/connection.server";
import type { Database, ProcedureStatus, ProcedureUpdate } from "#db/schema";
import { berlinDay, endOfBerlinDay, parseDay } from "~/i18n/dates";
import { canArchive, canClose, canReopen, type AdminResult } from "./admin-rules";
import { findRow, lockDraft, questionsOf } from "./admin-rows.server";
import { procedureFormValues, validateProcedureForm } from "./procedure-form.server";

type Db = Kysely<Database>;

type Transition = AdminResult<{ from: ProcedureStatus; to: ProcedureStatus }>;

const lifecycleError = (message: string, status: 400 | 409 = 409, params?: Record<string, string | number>): Transition => ({
  ok: false,
  status,
  errors: [{ field: "lifecycle", message, params }],
  values: {},
});

/**
 * Draft → open: only with at least one question and dates that make sense (closing after opening,
 * and not already over). An opening day in the future makes it "coming soon" until then.
 */
export async function openProcedure(db: Db, organisationId: number, id: number, now: Date = new Date()): Promise<Transition> {
  return inTransaction(db, async (trx): Promise<Transition> => {
    if (!(await lockDraft(trx, organisationId, id))) return lifecycleError("errors.wrongStatus");
    const row = await findRow(trx, organisationId, id);
    const questions = await questionsOf(trx, id);
    if (questions.length === 0) return lifecycleError("errors.noQuestions", 400);
    if (!(row.opens_at < row.closes_at)) return lifecycleError("errors.closesBeforeOpens", 400);
    if (row.closes_at <= now.toISOString()) return lifecycleError("errors.closesInPast", 400);
    // every rule the edit form checks still holds (a row made some other way could differ)
    const check = validateProcedureForm(new Map(Object.entries(procedureFormValues(row)).map(([k, v]) => [k, [v]])));
    if (!check.ok) return lifecycleError("errors.incomplete", 400);
    await trx.updateTable("procedures").set({ status: "open", updated_at: now.toISOString() }).where("id", "=", id).execute();
    return { ok: true, from: "draft", to: "open" };
  });
}

async function transition(
  db: Db,
  organisationId: number,
  id: number,
  allowed: (s: ProcedureStatus) => boolean,
  to: ProcedureStatus,
  now: Date,
  extra: ProcedureUpdate = {},
): Promise<Transition> {
  const row = await findRow(db, organisationId, id);
  if (!allowed(row.status)) return lifecycleError("errors.wrongStatus");
  const result = await db
    .updateTable("procedures")
    .set({ ...extra, status: to, updated_at: now.toISOString() })
    .where("organisation_id", "=", organisationId)
    .where("id", "=", id)
    .where("status", "=", row.status) // nobody changed it in between
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return lifecycleError("errors.wrongStatus");
  return { ok: true, from: row.status, to };
}

/**
 * Open → closed. Closed early, the closing date becomes today, so every page says when it ended,
 * and the planned end is kept (reopening offers it again). Closing early must be confirmed: without
 * `confirmedEarly` nothing changes and the answer names the planned end, for the question.
 */
export async function closeProcedure(
  db: Db,
  organisationId: number,
  id: number,
  now: Date = new Date(),
  { confirmedEarly = true }: { confirmedEarly?: boolean } = {},
): Promise<Transition | { ok: false; confirm: { plannedEnd: string } }> {
  const row = await findRow(db, organisationId, id);
  const early = row.closes_at > now.toISOString();
  if (early && canClose(row.status) && !confirmedEarly) return { ok: false, confirm: { plannedEnd: row.closes_at } };
  return transition(db, organisationId, id, canClose, "closed", now, early ? { closes_at: now.toISOString(), planned_closes_at: row.closes_at } : {});
}

/**
 * Closed (or in evaluation) → open again, until the results are published: with a new closing day
 * (Berlin calendar day, from the form — the planned end is offered there), which must lie in the
 * future.
 */
export async function reopenProcedure(db: Db, organisationId: number, id: number, closesOn: string, now: Date = new Date()): Promise<Transition> {
  const day = parseDay(closesOn);
  if (!day) return lifecycleError("errors.reopenDate", 400);
  const closesAt = endOfBerlinDay(day);
  if (closesAt <= now.toISOString()) return lifecycleError("errors.reopenInPast", 400);
  return transition(db, organisationId, id, canReopen, "open", now, { closes_at: closesAt, planned_closes_at: null });
}

/** The day a reopened procedure is offered to end on: its planned end if that is still ahead. */
export function reopenDayFor(p: { closesAt: string; plannedClosesAt: string | null }, now: Date = new Date()): string {
  return p.plannedClosesAt && p.plannedClosesAt > now.toISOString() ? berlinDay(p.plannedClosesAt) : "";
}

/** Closed, in evaluation or results published → archived. */
export async function archiveProcedure(db: Db, organisationId: number, id: number, now: Date = new Date()): Promise<Transition> {
  return transition(db, organisationId, id, canArchive, "archived", now);
}
