/**
 * A procedure's own content in the reader's language. Admins translate title, summary, body and the
 * questions' texts (label, hint, answer-option labels, scale-end labels) per language; each piece
 * falls back to the German original on its own, so a partial translation shows what exists. Every
 * text keeps its actual language, so pages can mark German pieces lang="de" (WCAG 3.1.2) and, on a
 * right-to-left page, dir="ltr". Option VALUES never change: only their labels are translated.
 * Pure (no database), shared by loaders, components and tests.
 */
import { CONTENT_LANGUAGE, SUPPORTED_LANGUAGES, directionOf, type Language } from "~/i18n/config";
import type { Procedure, Question } from "./procedure";

/** The languages a procedure can be translated into: every shipped one except the source. */
export const TRANSLATION_LANGUAGES = SUPPORTED_LANGUAGES.filter((l) => l !== CONTENT_LANGUAGE) as Exclude<Language, "de">[];
export type TranslationLanguage = (typeof TRANSLATION_LANGUAGES)[number];
export const isTranslationLanguage = (lng: unknown): lng is TranslationLanguage =>
  typeof lng === "string" && (TRANSLATION_LANGUAGES as readonly string[]).includes(lng);

/** One question's translated texts; a missing or empty text is not translated. */
export interface QuestionTranslation {
  label?: string;
  hint?: string;
  minLabel?: string;
  maxLabel?: string;
  /** option value → translated label */
  options?: Record<string, string>;
}

export interface ProcedureTranslation {
  language: string;
  title: string;
  summary: string;
  body: string;
  /** question id → its texts */
  questions: Record<string, QuestionTranslation>;
  updatedAt: string | null;
  updatedBy: number | null;
}

export const emptyTranslation = (language: string): ProcedureTranslation => ({
  language,
  title: "",
  summary: "",
  body: "",
  questions: {},
  updatedAt: null,
  updatedBy: null,
});

/** The language of each text of a question as shown. */
export interface QuestionLangs {
  label: string;
  hint: string;
  minLabel: string;
  maxLabel: string;
  /** option value → language of its label */
  options: Record<string, string>;
}

export interface LocalizedQuestion extends Question {
  langs: QuestionLangs;
}

/** "none": nothing translated; "partial": some pieces German; "complete": everything in the language asked for. */
export type Coverage = "complete" | "partial" | "none";

export interface LocalizedProcedure extends Procedure {
  questions: LocalizedQuestion[];
  langs: { title: string; summary: string; body: string };
  /** the language asked for */
  language: string;
  coverage: Coverage;
}

/** One translatable text: its form-field name, the German original and its limit. */
export interface TranslatablePiece {
  field: string;
  source: string;
  /** where it is stored: procedure column, or question part */
  target: { kind: "procedure"; column: "title" | "summary" | "body" } | { kind: "question"; questionId: number; part: "label" | "hint" | "minLabel" | "maxLabel" } | { kind: "option"; questionId: number; value: string };
  multiLine: boolean;
  /** the question it belongs to (for headings in the editor) */
  questionId: number | null;
}

/** Form-field names: `title`, `q12_label`, `q12_hint`, `q12_min`, `q12_max`, `q12_o1` (first option). */
export function translatablePieces(procedure: Pick<Procedure, "title" | "summary" | "body" | "questions">): TranslatablePiece[] {
  const pieces: TranslatablePiece[] = [
    { field: "title", source: procedure.title, target: { kind: "procedure", column: "title" }, multiLine: false, questionId: null },
    { field: "summary", source: procedure.summary, target: { kind: "procedure", column: "summary" }, multiLine: true, questionId: null },
    { field: "body", source: procedure.body, target: { kind: "procedure", column: "body" }, multiLine: true, questionId: null },
  ];
  for (const q of procedure.questions) {
    const at = (part: "label" | "hint" | "minLabel" | "maxLabel", suffix: string, source: string, multiLine = false) =>
      pieces.push({ field: `q${q.id}_${suffix}`, source, target: { kind: "question", questionId: q.id, part }, multiLine, questionId: q.id });
    at("label", "label", q.label);
    if (q.hint) at("hint", "hint", q.hint, true);
    q.options.forEach((o, i) =>
      pieces.push({ field: `q${q.id}_o${i + 1}`, source: o.label, target: { kind: "option", questionId: q.id, value: o.value }, multiLine: false, questionId: q.id }),
    );
    if (q.scale) {
      at("minLabel", "min", q.scale.minLabel);
      at("maxLabel", "max", q.scale.maxLabel);
    }
  }
  return pieces.filter((p) => p.source !== "");
}

/** The stored translation of one piece ('' when there is none). */
export function translatedText(t: ProcedureTranslation, piece: TranslatablePiece): string {
  const target = piece.target;
  if (target.kind === "procedure") return t[target.column];
  const q = t.questions[String(target.questionId)];
  if (!q) return "";
  if (target.kind === "option") return q.options?.[target.value] ?? "";
  return q[target.part] ?? "";
}

/** How much of a procedure's current content a translation covers. Stale entries (removed questions) do not count. */
export function coverageOf(procedure: Pick<Procedure, "title" | "summary" | "body" | "questions">, translation: ProcedureTranslation | null): Coverage {
  const pieces = translatablePieces(procedure);
  const done = translation ? pieces.filter((p) => translatedText(translation, p) !== "").length : 0;
  return done === 0 ? "none" : done === pieces.length ? "complete" : "partial";
}

/**
 * The procedure as a reader of `language` sees it: every text translated where a translation
 * exists, otherwise German, each with its language. German readers get the original ("complete").
 */
export function procedureInLanguage(procedure: Procedure, translation: ProcedureTranslation | null, language: string): LocalizedProcedure {
  const tr = language === CONTENT_LANGUAGE ? null : translation;
  const pick = (text: string | undefined, original: string): [string, string] =>
    tr && text ? [text, language] : [original, CONTENT_LANGUAGE];
  const [title, titleLang] = pick(tr?.title, procedure.title);
  const [summary, summaryLang] = pick(tr?.summary, procedure.summary);
  const [body, bodyLang] = pick(tr?.body, procedure.body);
  const questions: LocalizedQuestion[] = procedure.questions.map((q) => {
    const qt = tr?.questions[String(q.id)] ?? {};
    const [label, labelLang] = pick(qt.label, q.label);
    const [hint, hintLang] = pick(qt.hint, q.hint);
    const optionLangs: Record<string, string> = {};
    const options = q.options.map((o) => {
      const [l, lang] = pick(qt.options?.[o.value], o.label);
      optionLangs[o.value] = lang;
      return { value: o.value, label: l };
    });
    let scale = q.scale;
    let minLang: string = CONTENT_LANGUAGE;
    let maxLang: string = CONTENT_LANGUAGE;
    if (q.scale) {
      const [minLabel, a] = pick(qt.minLabel, q.scale.minLabel);
      const [maxLabel, b] = pick(qt.maxLabel, q.scale.maxLabel);
      scale = { ...q.scale, minLabel, maxLabel };
      [minLang, maxLang] = [a, b];
    }
    return {
      ...q,
      label,
      hint,
      options,
      scale,
      langs: { label: labelLang, hint: hintLang, minLabel: minLang, maxLabel: maxLang, options: optionLangs },
    };
  });
  return {
    ...procedure,
    title,
    summary,
    body,
    questions,
    langs: { title: titleLang, summary: summaryLang, body: bodyLang },
    language,
    coverage: language === CONTENT_LANGUAGE ? "complete" : coverageOf(procedure, tr),
  };
}

/**
 * The note a page shows about its content's language, from the languages of the pieces it shows:
 * null when all are in the reader's language (or the reader reads German).
 */
export function languageNote(pageLanguage: string, pieceLangs: string[]): Exclude<Coverage, "complete"> | null {
  if (pageLanguage === CONTENT_LANGUAGE) return null;
  const german = pieceLangs.filter((l) => l !== pageLanguage).length;
  if (german === 0) return null;
  return german === pieceLangs.length ? "none" : "partial";
}

/** Every language a localized procedure's pieces are in (for languageNote). */
export function pieceLanguages(p: LocalizedProcedure): string[] {
  const langs = [p.langs.title, p.langs.summary, p.langs.body];
  for (const q of p.questions) {
    langs.push(q.langs.label);
    if (q.hint) langs.push(q.langs.hint);
    langs.push(...Object.values(q.langs.options));
    if (q.scale) langs.push(q.langs.minLabel, q.langs.maxLabel);
  }
  return langs;
}

/**
 * Attributes for a piece of content inside a page: its language, and its direction when that
 * differs from the page's (German inside an Arabic page is dir="ltr").
 */
export function contentAttrs(lang: string | undefined, pageLanguage: string): { lang?: string; dir?: "ltr" | "rtl" } {
  const l = lang ?? CONTENT_LANGUAGE;
  const dir = directionOf(l);
  return dir !== directionOf(pageLanguage) ? { lang: l, dir } : { lang: l };
}
