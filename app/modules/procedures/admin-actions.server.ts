/**
 * What the admin's procedure pages do when a form is sent: the new-procedure form, the details
 * page (details, open, close, reopen, archive) and the question editor (add, update, move, remove,
 * copy as a new draft). Each reads its form's own fields, makes the change, and writes the audit
 * entry in the same transaction — a change never exists without its entry. The route only turns
 * the outcome into a page or a redirect.
 */
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { audit, withAudit, type AuditActor, type AuditEntry } from "~/modules/audit/audit.server";
import type { FieldError, FormFields, FormValues } from "~/modules/forms/fields";
import { takeId } from "~/modules/forms/parse.server";
import { HttpError } from "~/modules/http/errors";
import { createProcedure, copyAsDraft, updateProcedure } from "./admin-procedures.server";
import { addQuestion, moveQuestion, removeQuestion, updateQuestion } from "./admin-questions.server";
import { archiveProcedure, closeProcedure, openProcedure, reopenProcedure } from "./lifecycle.server";
import type { Procedure } from "./procedure";
import type { TranslationLanguage } from "./translations";
import { saveTranslation } from "./translations.server";

/** The admin acting: who, in which organisation, from where (for the audit log). */
export type ProcedureAdmin = AuditActor & { accountId: number };

/** A person's mistake or a state that does not allow it: nothing was changed. */
export interface Refused {
  ok: false;
  status: 400 | 409;
  errors: FieldError[];
  values: FormValues | null;
}

const refused = (r: { status: 400 | 409; errors: FieldError[]; values?: FormValues }, values: FormValues | null = r.values ?? null): Refused => ({
  ok: false,
  status: r.status,
  errors: r.errors,
  values,
});

/** The new-procedure form: a draft, and its entry "procedure_created". */
export async function createProcedureAs(db: Kysely<Database>, admin: ProcedureAdmin, fields: FormFields): Promise<{ ok: true; id: number } | Refused> {
  const result = await withAudit(
    db,
    (trx) => createProcedure(trx, admin.organisationId, fields),
    (r) => (r.ok ? { ...admin, action: "procedure_created", targetType: "procedure", targetId: r.id, details: { slug: r.slug } } : null),
  );
  return result.ok ? { ok: true, id: result.id } : refused(result);
}

export const PROCEDURE_INTENTS = ["details", "open", "close", "reopen", "archive"] as const;
export type ProcedureIntent = (typeof PROCEDURE_INTENTS)[number];

/** What the details page says after a change (?hinweis=…). */
export type ProcedureNotice = "saved" | "unchanged" | "opened" | "closed" | "reopened" | "archived";

export type ProcedureOutcome = { ok: true; notice: ProcedureNotice } | { ok: false; confirmClose: { plannedEnd: string } } | Refused;

/** The details page's forms: the details saved, or a step of the lifecycle. */
export async function changeProcedure(
  db: Kysely<Database>,
  admin: ProcedureAdmin,
  id: number,
  intent: ProcedureIntent,
  fields: FormFields,
  now: Date = new Date(),
): Promise<ProcedureOutcome> {
  const auditEntry = (action: AuditEntry["action"], details: AuditEntry["details"]): AuditEntry => ({ ...admin, action, targetType: "procedure", targetId: id, details, at: now });

  if (intent === "details") {
    const result = await withAudit(
      db,
      (trx) => updateProcedure(trx, admin.organisationId, id, fields, now),
      (r) => (r.ok && r.changed.length > 0 ? auditEntry("procedure_updated", { fields: r.changed.join(",") }) : null),
    );
    if (!result.ok) return refused(result);
    return { ok: true, notice: result.changed.length === 0 ? "unchanged" : "saved" };
  }

  if (intent === "close") {
    // closing before the planned end is asked once more, with that date (issue 14, point 13)
    const confirm = fields.get("confirm") ?? [];
    fields.delete("confirm");
    if (fields.size > 0 || confirm.length > 1 || (confirm.length === 1 && confirm[0] !== "yes")) throw new HttpError(400, "unknown_field");
    const result = await withAudit(
      db,
      (trx) => closeProcedure(trx, admin.organisationId, id, now, { confirmedEarly: confirm[0] === "yes" }),
      (r) => ("from" in r ? auditEntry("procedure_closed", { from: r.from, to: r.to }) : null),
    );
    if ("confirm" in result) return { ok: false, confirmClose: result.confirm };
    return result.ok ? { ok: true, notice: "closed" } : refused(result, null);
  }

  if (intent === "reopen") {
    const closesOn = fields.get("reopen_on") ?? [];
    fields.delete("reopen_on");
    if (fields.size > 0 || closesOn.length !== 1) throw new HttpError(400, "unknown_field");
    const result = await withAudit(
      db,
      (trx) => reopenProcedure(trx, admin.organisationId, id, closesOn[0], now),
      (r) => (r.ok ? auditEntry("procedure_reopened", { from: r.from, to: r.to, closes_on: closesOn[0] }) : null),
    );
    if (!result.ok) return refused({ ...result, errors: result.errors.map((e) => ({ ...e, field: "reopen_on" })) }, null);
    return { ok: true, notice: "reopened" };
  }

  if (fields.size > 0) throw new HttpError(400, "unknown_field");
  const step = {
    open: { run: openProcedure, action: "procedure_opened", notice: "opened" },
    archive: { run: archiveProcedure, action: "procedure_archived", notice: "archived" },
  } as const satisfies Record<string, { action: AuditEntry["action"]; notice: ProcedureNotice; run: unknown }>;
  const { run, action, notice } = step[intent];
  const result = await withAudit(
    db,
    (trx) => run(trx, admin.organisationId, id, now),
    (r) => (r.ok ? auditEntry(action, { from: r.from, to: r.to }) : null),
  );
  return result.ok ? { ok: true, notice } : refused(result, null);
}

export const QUESTION_INTENTS = ["add", "update", "move", "remove", "copy"] as const;
export type QuestionIntent = (typeof QUESTION_INTENTS)[number];

/** What the question editor says after a change (?hinweis=…), and which question (or copy) it concerns. */
export type QuestionOutcome =
  | { ok: true; notice: "added" | "updated" | "unchanged" | "moved" | "removed"; questionId: number | null }
  | { ok: true; notice: "copied"; copyId: number }
  | (Refused & { questionId: number | null });

/** The question editor's forms. */
export async function changeQuestions(
  db: Kysely<Database>,
  admin: ProcedureAdmin,
  procedureId: number,
  intent: QuestionIntent,
  fields: FormFields,
): Promise<QuestionOutcome> {
  const auditEntry = (action: AuditEntry["action"], questionId: number, details: AuditEntry["details"] = {}): AuditEntry => ({
    ...admin,
    action,
    targetType: "question",
    targetId: questionId,
    details: { procedure_id: procedureId, ...details },
  });
  const org = admin.organisationId;

  switch (intent) {
    case "add": {
      const result = await withAudit(
        db,
        (trx) => addQuestion(trx, org, procedureId, fields),
        (r) => (r.ok ? auditEntry("question_added", r.id) : null),
      );
      return result.ok ? { ok: true, notice: "added", questionId: result.id } : { ...refused(result), questionId: null };
    }
    case "update": {
      const questionId = takeId(fields, "question_id");
      const result = await withAudit(
        db,
        (trx) => updateQuestion(trx, org, procedureId, questionId, fields),
        (r) => (r.ok && r.changed.length > 0 ? auditEntry("question_updated", questionId, { fields: r.changed.join(",") }) : null),
      );
      if (!result.ok) return { ...refused(result), questionId };
      return { ok: true, notice: result.changed.length === 0 ? "unchanged" : "updated", questionId };
    }
    case "move": {
      const questionId = takeId(fields, "question_id");
      const direction = fields.get("direction") ?? [];
      fields.delete("direction");
      if (fields.size > 0 || direction.length !== 1 || (direction[0] !== "up" && direction[0] !== "down")) throw new HttpError(400, "unknown_field");
      const to = direction[0];
      const result = await withAudit(
        db,
        (trx) => moveQuestion(trx, org, procedureId, questionId, to),
        (r) => (r.ok && r.moved ? auditEntry("question_moved", questionId, { direction: to, position: r.position }) : null),
      );
      return result.ok ? { ok: true, notice: "moved", questionId } : { ...refused(result, null), questionId };
    }
    case "remove": {
      const questionId = takeId(fields, "question_id");
      if (fields.size > 0) throw new HttpError(400, "unknown_field");
      const result = await withAudit(
        db,
        (trx) => removeQuestion(trx, org, procedureId, questionId),
        (r) => (r.ok ? auditEntry("question_removed", questionId) : null),
      );
      return result.ok ? { ok: true, notice: "removed", questionId: null } : { ...refused(result, null), questionId };
    }
    case "copy": {
      if (fields.size > 0) throw new HttpError(400, "unknown_field");
      const copy = await copyAsDraft(db, org, procedureId, new Date(), (trx, c) =>
        audit(trx, { ...admin, action: "procedure_copied", targetType: "procedure", targetId: c.id, details: { from: procedureId, slug: c.slug } }),
      );
      return { ok: true, notice: "copied", copyId: copy.id };
    }
  }
}

/** A procedure's translation saved, "procedure_translation_saved" with the language and coverage; unchanged, no entry. */
export async function saveTranslationAs(db: Kysely<Database>, admin: ProcedureAdmin, procedure: Procedure, language: TranslationLanguage, fields: FormFields) {
  return withAudit(
    db,
    (trx) => saveTranslation(trx, admin.organisationId, procedure, language, fields, admin.accountId),
    (r) =>
      r.ok && r.changed > 0
        ? { ...admin, action: "procedure_translation_saved", targetType: "procedure", targetId: procedure.id, details: { language, changed: r.changed, coverage: r.coverage } }
        : null,
  );
}
