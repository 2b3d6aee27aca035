/**
 * The admin's form for a procedure's attachments (issue 20): allowed or not (off by default), how
 * many files and how large each may be. Bad numbers get an error at their field; nothing is saved.
 */
import type { FieldError, FormFields } from "~/modules/forms/fields";
import { HttpError } from "~/modules/http/errors";
import { wholeNumber } from "~/modules/forms/parse.server";
import { ATTACHMENT_LIMITS, type AttachmentSettings } from "./attachments.server";

const MB = 1000 * 1000;
export const SETTINGS_FIELDS = ["enabled", "max_files", "max_megabytes"] as const;

export interface SettingsValues {
  enabled: boolean;
  max_files: string;
  max_megabytes: string;
}

/** The form's values for saved settings (the defaults where there are none). */
export function settingsValues(settings: AttachmentSettings | null): SettingsValues {
  return {
    enabled: settings !== null,
    max_files: String(settings?.maxFiles ?? ATTACHMENT_LIMITS.defaultFiles),
    max_megabytes: String(Math.round((settings?.maxBytes ?? ATTACHMENT_LIMITS.defaultBytes) / MB)),
  };
}

export type ParsedSettings = { ok: true; settings: AttachmentSettings | null } | { ok: false; errors: FieldError[]; values: SettingsValues };

export function parseAttachmentSettings(fields: FormFields): ParsedSettings {
  for (const [name, values] of fields) {
    if (!(SETTINGS_FIELDS as readonly string[]).includes(name) || values.length !== 1) throw new HttpError(400, "unknown_field");
  }
  const one = (name: string) => (fields.get(name)?.[0] ?? "").slice(0, 20);
  const enabledRaw = one("enabled");
  if (enabledRaw !== "" && enabledRaw !== "yes") throw new HttpError(400, "unknown_field");
  const values: SettingsValues = { enabled: enabledRaw === "yes", max_files: one("max_files"), max_megabytes: one("max_megabytes") };
  if (!values.enabled) return { ok: true, settings: null };
  const files = wholeNumber(values.max_files);
  const megabytes = wholeNumber(values.max_megabytes);
  const errors: FieldError[] = [];
  const maxMegabytes = ATTACHMENT_LIMITS.maxBytes / MB;
  if (files === null || files < 1 || files > ATTACHMENT_LIMITS.maxFiles) errors.push({ field: "max_files", message: "settings.errors.maxFiles", params: { max: ATTACHMENT_LIMITS.maxFiles } });
  if (megabytes === null || megabytes < 1 || megabytes > maxMegabytes) errors.push({ field: "max_megabytes", message: "settings.errors.maxMegabytes", params: { max: maxMegabytes } });
  if (errors.length > 0) return { ok: false, errors, values };
  return { ok: true, settings: { maxFiles: files!, maxBytes: megabytes! * MB } };
}
