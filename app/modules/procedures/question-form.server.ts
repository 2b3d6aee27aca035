/** The question's edit form: its values from a question, and the check of what was sent. */
import type { QuestionKind, QuestionTable } from "#db/schema";
import { codePointLength, FORBIDDEN_CHARACTERS, normaliseText, type FieldError, type FormFields, type FormValues } from "~/modules/forms/fields";
import { choice, singleValues, text, wholeNumber } from "~/modules/forms/parse.server";
import { MAX_LENGTH_LIMIT, QUESTION_FIELDS, QUESTION_KINDS, QUESTION_LIMITS } from "./admin-rules";
import type { Question } from "./procedure";
import { slugify } from "./slugs";

/** A question as its edit form shows it. */
export function questionFormValues(q: Question): FormValues {
  return {
    kind: q.kind,
    label: q.label,
    hint: q.hint,
    required: q.required ? "yes" : "",
    max_length: q.kind === "short_text" || q.kind === "long_text" ? String(q.maxLength ?? "") : "",
    options: q.options.map((o) => o.label).join("\n"),
    scale_min_label: q.scale?.minLabel ?? "",
    scale_max_label: q.scale?.maxLabel ?? "",
  };
}

/** The columns of a question the admin's form sets. */
export type QuestionChanges = Pick<QuestionTable, "kind" | "label" | "hint" | "required" | "max_length" | "options_json">;

/** Option values made from their labels: "Zu Fuß" → "zu-fuss"; the same value twice gets -2, -3. */
export function optionValues(labels: string[]): string[] {
  const used = new Set<string>();
  return labels.map((label) => {
    const base = slugify(label, 40) || "option";
    let value = base;
    for (let n = 2; used.has(value); n++) value = `${base}-${n}`;
    used.add(value);
    return value;
  });
}

/** Checks the question form. Fields of other kinds (the form shows them all) are ignored. */
export function validateQuestionForm(
  fields: FormFields,
): { ok: true; question: QuestionChanges; values: FormValues } | { ok: false; errors: FieldError[]; values: FormValues } {
  const values = singleValues(fields, QUESTION_FIELDS);
  const errors: FieldError[] = [];
  const kind = choice(values, "kind", QUESTION_KINDS, errors, "errors.required.questionKind");
  const label = text(values, "label", QUESTION_LIMITS.label, errors, { required: true });
  const hint = text(values, "hint", QUESTION_LIMITS.hint, errors);
  const requiredRaw = values.required ?? "";
  if (requiredRaw !== "" && requiredRaw !== "yes") errors.push({ field: "required", message: "errors.invalidChoice" });
  let maxLength: number | null = null;
  let options = "[]";

  if (kind === "short_text" || kind === "long_text") {
    const raw = values.max_length ?? "";
    if (raw.trim() !== "") {
      const n = wholeNumber(raw);
      const max = MAX_LENGTH_LIMIT[kind];
      if (n === null || n < 1 || n > max) errors.push({ field: "max_length", message: "errors.maxLengthRange", params: { max } });
      else maxLength = n;
    }
  }
  if (kind === "single_choice" || kind === "multiple_choice") {
    const raw = normaliseText(values.options ?? "");
    const labels = raw
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "");
    if (FORBIDDEN_CHARACTERS.test(raw) || /\t/.test(raw)) errors.push({ field: "options", message: "errors.forbiddenCharacters" });
    else if (labels.length < QUESTION_LIMITS.minOptions || labels.length > QUESTION_LIMITS.maxOptions) {
      errors.push({ field: "options", message: "errors.optionsCount", params: { min: QUESTION_LIMITS.minOptions, max: QUESTION_LIMITS.maxOptions, given: labels.length } });
    } else if (labels.some((l) => codePointLength(l) > QUESTION_LIMITS.option)) {
      errors.push({ field: "options", message: "errors.optionTooLong", params: { max: QUESTION_LIMITS.option } });
    } else if (new Set(labels.map((l) => l.toLowerCase())).size !== labels.length) {
      errors.push({ field: "options", message: "errors.optionsDuplicate" });
    } else {
      const vals = optionValues(labels);
      options = JSON.stringify(labels.map((l, i) => ({ value: vals[i], label: l })));
    }
  }
  if (kind === "scale") {
    const minLabel = text(values, "scale_min_label", QUESTION_LIMITS.scaleLabel, errors, { required: true });
    const maxLabel = text(values, "scale_max_label", QUESTION_LIMITS.scaleLabel, errors, { required: true });
    options = JSON.stringify({ minLabel, maxLabel });
  }
  if (errors.length > 0 || !kind) return { ok: false, errors, values };
  return { ok: true, values, question: { kind, label, hint, required: requiredRaw === "yes" ? 1 : 0, max_length: maxLength, options_json: options } };
}
