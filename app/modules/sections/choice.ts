/**
 * The form's optional "Zu welchem Abschnitt?" choice: read from the posted fields (and taken out of
 * them, so the questions' validation sees only its own fields), checked against the procedure's
 * sections. Shared by the online form and the staff desk.
 */
import type { FieldError, FormFields } from "~/modules/forms/fields";
import { MalformedSubmission } from "~/modules/submissions/validation";
import { SECTION_FIELD, WHOLE_DRAFT, sectionByNumber, type Section } from "./outline";

export type SectionChoice =
  | { ok: true; section: Section | null; value: string }
  | { ok: false; error: FieldError; value: string };

export function takeSectionChoice(fields: FormFields, sections: readonly Section[]): SectionChoice {
  const raw = fields.get(SECTION_FIELD);
  fields.delete(SECTION_FIELD);
  if (raw === undefined) return { ok: true, section: null, value: WHOLE_DRAFT };
  if (raw.length > 1) throw new MalformedSubmission("repeated_field");
  const value = raw[0].trim();
  if (value === WHOLE_DRAFT) return { ok: true, section: null, value };
  const section = sectionByNumber(sections, value);
  if (!section) return { ok: false, error: { field: SECTION_FIELD, message: "sections:choice.invalid" }, value: value.slice(0, 20) };
  return { ok: true, section, value };
}
