/**
 * The procedure's edit form: its values from the stored row, and the check of what was sent. Only
 * the fields editable in the procedure's state may be sent (editableFields).
 */
import type { ProcedureRow, ProcedureUpdate } from "#db/schema";
import { berlinDay, endOfBerlinDay, parseDay, startOfBerlinDay } from "~/i18n/dates";
import type { FieldError, FormFields, FormValues } from "~/modules/forms/fields";
import { choice, singleValues, text, wholeNumber } from "~/modules/forms/parse.server";
import { CONTACT_MODES, PROCEDURE_FIELDS, PROCEDURE_KINDS, PROCEDURE_LIMITS, RETENTION_MONTHS, contactModeField, contactPurposeField, type ProcedureField } from "./admin-rules";
import { CONTACT_FIELDS, type ContactFieldKey } from "./procedure";
import { SLUG, slugify } from "./slugs";

const CONTACT_COLUMNS: Record<ContactFieldKey, { mode: "contact_name" | "contact_address" | "contact_email" | "contact_phone"; purpose: "contact_name_purpose" | "contact_address_purpose" | "contact_email_purpose" | "contact_phone_purpose" }> = {
  name: { mode: "contact_name", purpose: "contact_name_purpose" },
  address: { mode: "contact_address", purpose: "contact_address_purpose" },
  email: { mode: "contact_email", purpose: "contact_email_purpose" },
  phone: { mode: "contact_phone", purpose: "contact_phone_purpose" },
};

/** The procedure as its edit form shows it. */
export function procedureFormValues(row: ProcedureRow): FormValues {
  const values: FormValues = {
    title: row.title,
    slug: row.slug,
    summary: row.summary,
    body: row.body,
    kind: row.kind,
    legal_basis: row.legal_basis,
    responsible_office: row.responsible_office,
    opens_on: berlinDay(row.opens_at),
    closes_on: berlinDay(row.closes_at),
    retention_months: String(row.retention_months),
    publication_policy: row.publication_policy,
  };
  for (const key of CONTACT_FIELDS) {
    values[contactModeField(key)] = row[CONTACT_COLUMNS[key].mode];
    values[contactPurposeField(key)] = row[CONTACT_COLUMNS[key].purpose];
  }
  return values;
}

/**
 * Checks the procedure form. Only `editable` fields may be sent; the others keep their stored
 * value (`current`) and take part in the cross-field checks (closing after opening).
 */
export function validateProcedureForm(
  fields: FormFields,
  editable: readonly ProcedureField[] = PROCEDURE_FIELDS,
  current?: ProcedureRow,
): { ok: true; changes: ProcedureUpdate; values: FormValues } | { ok: false; errors: FieldError[]; values: FormValues } {
  const values = singleValues(fields, editable);
  const errors: FieldError[] = [];
  const changes: ProcedureUpdate = {};
  const has = (f: ProcedureField) => editable.includes(f);

  if (has("title")) changes.title = text(values, "title", PROCEDURE_LIMITS.title, errors, { required: true });
  if (has("slug")) {
    const raw = (values.slug ?? "").trim().toLowerCase();
    // left empty: made from the title
    const slug = raw === "" ? slugify(changes.title ?? "") : raw;
    values.slug = slug;
    if (slug === "") {
      if (!errors.some((e) => e.field === "title")) errors.push({ field: "slug", message: "errors.required.slug" });
    } else if (slug.length > PROCEDURE_LIMITS.slug) errors.push({ field: "slug", message: "errors.tooLong", params: { max: PROCEDURE_LIMITS.slug, length: slug.length } });
    else if (!SLUG.test(slug)) errors.push({ field: "slug", message: "errors.slugFormat" });
    else changes.slug = slug;
  }
  if (has("summary")) changes.summary = text(values, "summary", PROCEDURE_LIMITS.summary, errors, { required: true, multiLine: true });
  if (has("body")) changes.body = text(values, "body", PROCEDURE_LIMITS.body, errors, { required: true, multiLine: true });
  if (has("kind")) {
    const kind = choice(values, "kind", PROCEDURE_KINDS, errors, "errors.required.kind");
    if (kind) changes.kind = kind;
  }
  if (has("legal_basis")) changes.legal_basis = text(values, "legal_basis", PROCEDURE_LIMITS.legal_basis, errors, { required: true });
  if (has("responsible_office")) changes.responsible_office = text(values, "responsible_office", PROCEDURE_LIMITS.responsible_office, errors, { required: true });

  let opensOn: string | null = current ? berlinDay(current.opens_at) : null;
  let closesOn: string | null = current ? berlinDay(current.closes_at) : null;
  for (const field of ["opens_on", "closes_on"] as const) {
    if (!has(field)) continue;
    const raw = values[field] ?? "";
    values[field] = raw;
    const day = raw.trim() === "" ? null : parseDay(raw);
    if (raw.trim() === "") errors.push({ field, message: `errors.required.${field}` });
    else if (!day) errors.push({ field, message: "errors.invalidDate" });
    if (field === "opens_on") opensOn = day;
    else closesOn = day;
    // the same day as stored: the stored time stays (it need not be midnight)
    if (day && !(current && day === berlinDay(field === "opens_on" ? current.opens_at : current.closes_at))) {
      if (field === "opens_on") changes.opens_at = startOfBerlinDay(day);
      else changes.closes_at = endOfBerlinDay(day);
    }
  }
  if ((has("opens_on") || has("closes_on")) && opensOn && closesOn && closesOn < opensOn) {
    errors.push({ field: has("closes_on") ? "closes_on" : "opens_on", message: "errors.closesBeforeOpens" });
  }

  if (has("retention_months")) {
    const raw = values.retention_months ?? "";
    values.retention_months = raw;
    const n = wholeNumber(raw);
    if (raw.trim() === "") errors.push({ field: "retention_months", message: "errors.required.retention_months" });
    else if (n === null || n < RETENTION_MONTHS.min || n > RETENTION_MONTHS.max) {
      errors.push({ field: "retention_months", message: "errors.retentionRange", params: { min: RETENTION_MONTHS.min, max: RETENTION_MONTHS.max } });
    } else changes.retention_months = n;
  }
  if (has("publication_policy")) {
    changes.publication_policy = text(values, "publication_policy", PROCEDURE_LIMITS.publication_policy, errors, { required: true, multiLine: true });
  }

  for (const key of CONTACT_FIELDS) {
    const modeField = contactModeField(key);
    const purposeField = contactPurposeField(key);
    if (!has(modeField as ProcedureField)) continue;
    const mode = choice(values, modeField, CONTACT_MODES, errors, `errors.required.contactMode`);
    const purpose = text(values, purposeField, PROCEDURE_LIMITS.purpose, errors, { required: mode === "optional" || mode === "required", requiredMessage: `errors.purposeRequired.${key}` });
    if (mode) {
      changes[CONTACT_COLUMNS[key].mode] = mode;
      // a purpose for data not asked for is not kept: it would only mislead
      changes[CONTACT_COLUMNS[key].purpose] = mode === "off" ? "" : purpose;
    }
  }

  if (errors.length > 0) return { ok: false, errors, values };
  return { ok: true, changes, values };
}
