/**
 * Translations of a procedure's own content: reading them for residents (each piece falls back to
 * German on its own, see translations.ts) and saving them from the admin editor. Translating is
 * allowed in every state: it changes no question, no option value and no state, so nothing frozen
 * is unfrozen. The limits are the German fields' limits. The caller writes the audit log.
 */
import type { Kysely, Transaction } from "kysely";
import type { Database, ProcedureTranslationRow } from "#db/schema";
import { HttpError } from "~/modules/http/errors";
import type { FieldError, FormValues, FormFields } from "~/modules/forms/fields";
import { PROCEDURE_LIMITS, QUESTION_LIMITS, type AdminResult } from "./admin-rules";
import { text } from "~/modules/forms/parse.server";
import type { Procedure } from "./procedure";
import {
  coverageOf,
  languageNote,
  procedureInLanguage,
  translatablePieces,
  translatedText,
  TRANSLATION_LANGUAGES,
  type Coverage,
  type LocalizedProcedure,
  type ProcedureTranslation,
  type QuestionTranslation,
  type TranslatablePiece,
  type TranslationLanguage,
} from "./translations";

type Db = Kysely<Database> | Transaction<Database>;

/** The limit of each translatable piece: the same as its German original's. */
export function pieceLimit(piece: TranslatablePiece): number {
  const t = piece.target;
  if (t.kind === "procedure") return PROCEDURE_LIMITS[t.column];
  if (t.kind === "option") return QUESTION_LIMITS.option;
  if (t.part === "label") return QUESTION_LIMITS.label;
  if (t.part === "hint") return QUESTION_LIMITS.hint;
  return QUESTION_LIMITS.scaleLabel;
}

function parseQuestions(json: string): Record<string, QuestionTranslation> {
  try {
    const parsed = JSON.parse(json) as unknown;
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, QuestionTranslation>) : {};
  } catch {
    return {};
  }
}

const toTranslation = (row: ProcedureTranslationRow): ProcedureTranslation => ({
  language: row.language,
  title: row.title,
  summary: row.summary,
  body: row.body,
  questions: parseQuestions(row.questions_json),
  updatedAt: row.updated_at,
  updatedBy: row.updated_by,
});

export async function readTranslation(db: Db, procedureId: number, language: string): Promise<ProcedureTranslation | null> {
  const row = await db
    .selectFrom("procedure_translations")
    .selectAll()
    .where("procedure_id", "=", procedureId)
    .where("language", "=", language)
    .executeTakeFirst();
  return row ? toTranslation(row) : null;
}

/** The procedure as a reader of `language` sees it (German readers: the original, one query saved). */
export async function procedureForReader(db: Db, procedure: Procedure, language: string): Promise<LocalizedProcedure> {
  const translation = (TRANSLATION_LANGUAGES as readonly string[]).includes(language) ? await readTranslation(db, procedure.id, language) : null;
  return procedureInLanguage(procedure, translation, language);
}

/**
 * For pages that show only the procedure's title (confirmation, privacy notice, results): the
 * title in the reader's language where translated, its language, and the note when it is German.
 */
export async function titleForReader(db: Db, procedure: Procedure, language: string) {
  const p = await procedureForReader(db, procedure, language);
  return { procedureTitle: p.title, titleLang: p.langs.title, note: languageNote(language, [p.langs.title]) ? ("partial" as const) : null };
}

/** Titles and summaries of several procedures in one language (the list of procedures). */
export async function translatedTitles(db: Db, procedureIds: number[], language: string): Promise<Map<number, { title: string; summary: string }>> {
  const out = new Map<number, { title: string; summary: string }>();
  if (procedureIds.length === 0 || !(TRANSLATION_LANGUAGES as readonly string[]).includes(language)) return out;
  const rows = await db
    .selectFrom("procedure_translations")
    .select(["procedure_id", "title", "summary"])
    .where("procedure_id", "in", procedureIds)
    .where("language", "=", language)
    .execute();
  for (const r of rows) out.set(r.procedure_id, { title: r.title, summary: r.summary });
  return out;
}

export interface TranslationState {
  language: TranslationLanguage;
  coverage: Coverage;
  updatedAt: string | null;
}

/** Every language with how much of the procedure's current content it covers (the admin's overview). */
export async function translationStates(db: Db, procedure: Procedure): Promise<TranslationState[]> {
  const rows = await db.selectFrom("procedure_translations").selectAll().where("procedure_id", "=", procedure.id).execute();
  const byLanguage = new Map(rows.map((r) => [r.language, toTranslation(r)]));
  return TRANSLATION_LANGUAGES.map((language) => {
    const t = byLanguage.get(language) ?? null;
    return { language, coverage: coverageOf(procedure, t), updatedAt: t?.updatedAt ?? null };
  });
}

/** The editor's values: each piece's field with its stored translation. */
export function translationFormValues(procedure: Procedure, translation: ProcedureTranslation | null): FormValues {
  const values: FormValues = {};
  for (const piece of translatablePieces(procedure)) values[piece.field] = translation ? translatedText(translation, piece) : "";
  return values;
}

const FIELD = /^(title|summary|body|q[1-9][0-9]{0,9}_(label|hint|min|max|o[1-9][0-9]?))$/;

/**
 * Checks the editor's form against the procedure's current pieces. Empty = not translated. A
 * field our form never sends is a 400; a field of a question removed meanwhile is ignored.
 */
export function validateTranslationForm(
  procedure: Procedure,
  fields: FormFields,
): { ok: true; translation: Omit<ProcedureTranslation, "language" | "updatedAt" | "updatedBy"> } | { ok: false; errors: FieldError[]; values: FormValues } {
  const pieces = translatablePieces(procedure);
  const known = new Set(pieces.map((p) => p.field));
  const values: FormValues = {};
  for (const [name, list] of fields) {
    if (!FIELD.test(name)) throw new HttpError(400, "unknown_field");
    if (list.length > 1) throw new HttpError(400, "repeated_field");
    if (known.has(name)) values[name] = list[0];
  }
  const errors: FieldError[] = [];
  const result = { title: "", summary: "", body: "", questions: {} as Record<string, QuestionTranslation> };
  for (const piece of pieces) {
    const value = text(values, piece.field, pieceLimit(piece), errors, { multiLine: piece.multiLine });
    if (value === "") continue;
    const target = piece.target;
    if (target.kind === "procedure") {
      result[target.column] = value;
      continue;
    }
    const q = (result.questions[String(target.questionId)] ??= {});
    if (target.kind === "option") (q.options ??= {})[target.value] = value;
    else q[target.part] = value;
  }
  if (errors.length > 0) return { ok: false, errors, values };
  return { ok: true, translation: result };
}

/**
 * Saves one language's translation of a procedure of this organisation, in any state. Replaces
 * the whole translation (the form shows every piece). `changed` counts the pieces that changed.
 */
export async function saveTranslation(
  db: Kysely<Database>,
  organisationId: number,
  procedure: Procedure,
  language: TranslationLanguage,
  fields: FormFields,
  accountId: number | null,
  now: Date = new Date(),
): Promise<AdminResult<{ changed: number; coverage: Coverage }>> {
  if (procedure.organisationId !== organisationId) throw new HttpError(404, "procedure_not_found");
  const checked = validateTranslationForm(procedure, fields);
  if (!checked.ok) return { ok: false, status: 400, errors: checked.errors, values: checked.values };
  const before = await readTranslation(db, procedure.id, language);
  const next: ProcedureTranslation = { ...checked.translation, language, updatedAt: now.toISOString(), updatedBy: accountId };
  const pieces = translatablePieces(procedure);
  const changed = pieces.filter((p) => translatedText(next, p) !== (before ? translatedText(before, p) : "")).length;
  const coverage = coverageOf(procedure, next);
  if (changed === 0) return { ok: true, changed, coverage };
  const row = {
    title: next.title,
    summary: next.summary,
    body: next.body,
    questions_json: JSON.stringify(next.questions),
    updated_by: accountId,
    updated_at: now.toISOString(),
  };
  await db
    .insertInto("procedure_translations")
    .values({ procedure_id: procedure.id, language, ...row })
    .onConflict((oc) => oc.columns(["procedure_id", "language"]).doUpdateSet(row))
    .execute();
  return { ok: true, changed, coverage };
}
