/**
 * A draft's questions: added, changed, moved and removed, each in a transaction that holds the
 * draft (lockDraft), so that opening cannot slip in between check and change.
 */
import type { Kysely, Transaction } from "kysely";
import { inTransaction } from "#db/connection.server";
import type { Database, QuestionRow } from "#db/schema";
import type { FieldError, FormFields, FormValues } from "~/modules/forms/fields";
import { HttpError } from "~/modules/http/errors";
import { QUESTION_LIMITS, questionsFrozen, type AdminResult } from "./admin-rules";
import { findRow, lockDraft, questionsOf, touch } from "./admin-rows.server";
import { validateQuestionForm, type QuestionChanges } from "./question-form.server";

type Db = Kysely<Database>;
type Trx = Transaction<Database>;

const frozen = (values: FormValues = {}): { ok: false; status: 409; errors: FieldError[]; values: FormValues } => ({
  ok: false,
  status: 409,
  errors: [{ field: "questions", message: "errors.questionsFrozen" }],
  values,
});

function requireQuestion(questions: QuestionRow[], questionId: number): QuestionRow {
  const q = questions.find((x) => x.id === questionId);
  if (!q) throw new HttpError(404, "not_found");
  return q;
}

export async function addQuestion(
  db: Db,
  organisationId: number,
  procedureId: number,
  fields: FormFields,
  now: Date = new Date(),
): Promise<AdminResult<{ id: number }>> {
  const checked = validateQuestionForm(fields);
  const row = await findRow(db, organisationId, procedureId);
  if (questionsFrozen(row.status)) return frozen(checked.values);
  if (!checked.ok) return { ok: false, status: 400, errors: checked.errors, values: checked.values };
  return inTransaction(db, async (trx): Promise<AdminResult<{ id: number }>> => {
    if (!(await lockDraft(trx, organisationId, procedureId))) return frozen(checked.values);
    const existing = await questionsOf(trx, procedureId);
    if (existing.length >= QUESTION_LIMITS.perProcedure) {
      return { ok: false, status: 400, errors: [{ field: "kind", message: "errors.tooManyQuestions", params: { max: QUESTION_LIMITS.perProcedure } }], values: checked.values };
    }
    const position = existing.reduce((m, q) => Math.max(m, q.position), 0) + 1;
    const { id } = await trx
      .insertInto("questions")
      .values({ ...checked.question, procedure_id: procedureId, position })
      .returning("id")
      .executeTakeFirstOrThrow();
    await touch(trx, procedureId, now);
    return { ok: true, id };
  });
}

export async function updateQuestion(
  db: Db,
  organisationId: number,
  procedureId: number,
  questionId: number,
  fields: FormFields,
  now: Date = new Date(),
): Promise<AdminResult<{ changed: string[] }>> {
  const checked = validateQuestionForm(fields);
  const row = await findRow(db, organisationId, procedureId);
  if (questionsFrozen(row.status)) return frozen(checked.values);
  return inTransaction(db, async (trx): Promise<AdminResult<{ changed: string[] }>> => {
    if (!(await lockDraft(trx, organisationId, procedureId))) return frozen(checked.values);
    const current = requireQuestion(await questionsOf(trx, procedureId), questionId);
    if (!checked.ok) return { ok: false, status: 400, errors: checked.errors, values: checked.values };
    const q = checked.question;
    const changed = (Object.keys(q) as (keyof QuestionChanges)[]).filter((k) => q[k] !== current[k]);
    if (changed.length > 0) {
      await trx.updateTable("questions").set(q).where("id", "=", questionId).where("procedure_id", "=", procedureId).execute();
      await touch(trx, procedureId, now);
    }
    return { ok: true, changed };
  });
}

/** Swaps a question with its neighbour; at either end nothing moves. Positions are 1…n afterwards. */
export async function moveQuestion(
  db: Db,
  organisationId: number,
  procedureId: number,
  questionId: number,
  direction: "up" | "down",
  now: Date = new Date(),
): Promise<AdminResult<{ moved: boolean; position: number }>> {
  return inTransaction(db, async (trx): Promise<AdminResult<{ moved: boolean; position: number }>> => {
    if (!(await lockDraft(trx, organisationId, procedureId))) return frozen();
    const questions = await questionsOf(trx, procedureId);
    const q = requireQuestion(questions, questionId);
    const from = questions.indexOf(q);
    const to = direction === "up" ? from - 1 : from + 1;
    const order = [...questions];
    const moved = to >= 0 && to < order.length;
    if (moved) [order[from], order[to]] = [order[to], order[from]];
    await renumber(trx, order);
    if (moved) await touch(trx, procedureId, now);
    return { ok: true, moved, position: order.indexOf(q) + 1 };
  });
}

async function renumber(trx: Trx, order: QuestionRow[]) {
  for (const [i, q] of order.entries()) {
    if (q.position !== i + 1) await trx.updateTable("questions").set({ position: i + 1 }).where("id", "=", q.id).execute();
  }
}

export async function removeQuestion(
  db: Db,
  organisationId: number,
  procedureId: number,
  questionId: number,
  now: Date = new Date(),
): Promise<AdminResult<{ label: string }>> {
  return inTransaction(db, async (trx): Promise<AdminResult<{ label: string }>> => {
    if (!(await lockDraft(trx, organisationId, procedureId))) return frozen();
    const questions = await questionsOf(trx, procedureId);
    const q = requireQuestion(questions, questionId);
    await touch(trx, procedureId, now);
    await trx.deleteFrom("questions").where("id", "=", questionId).where("procedure_id", "=", procedureId).execute();
    await renumber(trx, questions.filter((x) => x.id !== questionId));
    return { ok: true, label: q.label };
  });
}
