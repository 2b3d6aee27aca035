/**
 * Reading a staff form's fields: one value per field, the `intent` and id fields taken out, text,
 * choices and whole numbers checked. A person's mistake becomes a FieldError (message keys in the
 * form's namespace); a request no form of ours sends (unknown or repeated fields) an HttpError(400).
 */
import { HttpError } from "~/modules/http/errors";
import { normaliseText, textProblem, type FieldError, type FormFields, type FormValues } from "./fields";

/** One value per field; anything our forms never send is a 400. */
export function singleValues(fields: FormFields, allowed: readonly string[]): FormValues {
  const values: FormValues = {};
  for (const [name, list] of fields) {
    if (!allowed.includes(name)) throw new HttpError(400, "unknown_field");
    if (list.length > 1) throw new HttpError(400, "repeated_field");
    values[name] = list[0];
  }
  return values;
}

/** Takes the `intent` field out of a staff form; an intent the page does not offer is a 400. */
export function takeIntent<T extends string>(fields: FormFields, intents: readonly T[]): T {
  const list = fields.get("intent") ?? [];
  fields.delete("intent");
  if (list.length !== 1 || !(intents as readonly string[]).includes(list[0])) throw new HttpError(400, "unknown_field");
  return list[0] as T;
}

/** Takes a numeric id field (e.g. `question_id`) out of a staff form. */
export function takeId(fields: FormFields, name: string): number {
  const list = fields.get(name) ?? [];
  fields.delete(name);
  const id = parseId(list.length === 1 ? list[0] : undefined);
  if (id === null) throw new HttpError(400, "unknown_field");
  return id;
}

/** A route's `:id` parameter, or null when it cannot be an id. */
export function parseId(raw: string | undefined): number | null {
  if (!raw || !/^[1-9][0-9]{0,9}$/.test(raw)) return null;
  const n = Number(raw);
  return n <= 2_147_483_647 ? n : null;
}

/** A list of ids a page passes on (`?id=…&id=…`, hidden `id` fields): 1 to `max` of them, each an id, without repeats; else a 400. */
export function parseIds(values: readonly string[], max: number): number[] {
  const ids = values.map(parseId);
  if (ids.length === 0 || ids.length > max || ids.some((id) => id === null)) throw new HttpError(400, "unknown_field");
  return [...new Set(ids as number[])];
}

/** One text field: normalised, required or not, no forbidden characters, at most `max` code points. */
export function text(
  values: FormValues,
  field: string,
  max: number,
  errors: FieldError[],
  { required = false, multiLine = false, requiredMessage = `errors.required.${field}` } = {},
): string {
  const value = normaliseText(values[field] ?? "");
  values[field] = values[field] ?? "";
  if (value === "") {
    if (required) errors.push({ field, message: requiredMessage });
    return "";
  }
  const wrong = textProblem(value, { max, multiLine });
  if (wrong) {
    errors.push(wrong.problem === "tooLong" ? { field, message: "errors.tooLong", params: { max, length: wrong.length } } : { field, message: "errors.forbiddenCharacters" });
    return "";
  }
  return value;
}

export function choice<T extends string>(values: FormValues, field: string, allowed: readonly T[], errors: FieldError[], requiredMessage: string): T | null {
  const value = values[field] ?? "";
  if (value === "") {
    errors.push({ field, message: requiredMessage });
    return null;
  }
  if (!(allowed as readonly string[]).includes(value)) {
    errors.push({ field, message: "errors.invalidChoice" });
    return null;
  }
  return value as T;
}

export function wholeNumber(raw: string): number | null {
  const s = raw.trim();
  return /^[0-9]{1,6}$/.test(s) ? Number(s) : null;
}
