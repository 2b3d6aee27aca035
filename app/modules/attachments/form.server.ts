/**
 * The resident form's body when the procedure takes files (issue 20): a multipart body whose text
 * fields go to the usual validation and whose files are checked and kept in the form's draft at
 * once (so an error elsewhere never makes anyone choose them again). Files that fail get an error at
 * the file field; nothing of theirs is stored. Without attachments the form stays URL-encoded
 * (readForm, multipart is a 415 as before).
 */
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import type { FieldError } from "~/modules/forms/fields";
import { HttpError } from "~/modules/http/errors";
import { MAX_FORM_BYTES, MAX_FORM_FIELDS, readForm } from "~/modules/http/form-body.server";
import { SKIPPED_NAMES, isMultipart, readMultipart } from "~/modules/http/multipart.server";
import { shownFileName } from "~/modules/files/detect.server";
import { ATTACHMENT_FIELD, REMOVE_FIELD, type ChosenFile } from "./attachments";
import { ATTACHMENT_LIMITS, attachmentSettings, countDraftAttachments, listDraftAttachments, removeDraftAttachment, storeAttachment, type AttachmentSettings } from "./attachments.server";
import { prepareAttachment } from "./inspect.server";
import { clamdUrl } from "./scan.server";

/** The resident form's path: its request body may carry files (the limit per file is enforced while streaming). */
export const RESIDENT_FORM_PATH = /^\/[a-z0-9-]+\/verfahren\/[a-z0-9-]+$/;
export const RESIDENT_FORM_MAX_BODY = ATTACHMENT_LIMITS.maxFiles * ATTACHMENT_LIMITS.maxBytes + MAX_FORM_BYTES + 64 * 1024;
/** The desk's scan upload: one file of at most ATTACHMENT_LIMITS.maxBytes and a token. */
export const DESK_SCAN_PATH = /^\/[a-z0-9-]+\/verwaltung\/schalter\/eintrag\/[0-9]+\/scan$/;
export const DESK_SCAN_MAX_BODY = ATTACHMENT_LIMITS.maxBytes + 64 * 1024;

export interface ResidentFormBody {
  fields: Map<string, string[]>;
  settings: AttachmentSettings | null;
  /** errors at the file field (the file was not kept) */
  fileErrors: FieldError[];
  /** 413 when a file passed the size limit (reading stopped there) */
  status: 400 | 413;
}

const megabytes = (bytes: number) => Math.round(bytes / (1000 * 1000));

export async function readResidentForm(
  db: Kysely<Database>,
  request: Request,
  procedure: { id: number; organisationId: number },
  draftKey: string,
): Promise<ResidentFormBody> {
  const settings = await attachmentSettings(db, procedure.id);
  if (!settings || !isMultipart(request)) return { fields: await readForm(request), settings, fileErrors: [], status: 400 };
  const body = await readMultipart(request, {
    maxFileBytes: settings.maxBytes,
    maxFiles: settings.maxFiles,
    maxFields: MAX_FORM_FIELDS,
    maxFieldBytes: MAX_FORM_BYTES,
    skipExtraFiles: true,
  });
  try {
    const fields = body.fields;
    if (body.files.some((f) => f.field !== ATTACHMENT_FIELD)) throw new HttpError(400, "unknown_field");
    const removals = fields.get(REMOVE_FIELD) ?? [];
    fields.delete(REMOVE_FIELD);
    if (removals.length > ATTACHMENT_LIMITS.maxFiles) throw new HttpError(400, "too_many_fields");
    for (const token of removals) await removeDraftAttachment(db, procedure.id, draftKey, token);

    const fileErrors: FieldError[] = [];
    if (body.fileTooLarge) fileErrors.push({ field: ATTACHMENT_FIELD, message: "attachments:errors.tooLarge", params: { size: megabytes(settings.maxBytes) } });
    let count = await countDraftAttachments(db, procedure.id, draftKey);
    // beyond the limit: the files within it are kept, the others named in the error (never stored)
    const notTaken: string[] = [];
    for (const file of body.files) {
      if (count >= settings.maxFiles) {
        notTaken.push(file.fileName);
        continue;
      }
      const checked = await prepareAttachment(file, clamdUrl());
      if (!checked.ok) {
        fileErrors.push({ field: ATTACHMENT_FIELD, message: `attachments:errors.${checked.problem}` });
        continue;
      }
      try {
        await storeAttachment(db, checked.prepared, { organisationId: procedure.organisationId, procedureId: procedure.id, source: "resident", draftId: draftKey });
        count++;
      } finally {
        await checked.cleanup();
      }
    }
    notTaken.push(...body.skippedFileNames);
    if (notTaken.length > 0 || body.tooManyFiles) {
      // more than SKIPPED_NAMES extra files: the rest are not named, "…" says there were more
      const names = notTaken.map(shownFileName);
      if (body.tooManyFiles && body.skippedFileNames.length >= SKIPPED_NAMES) names.push("…");
      fileErrors.push({ field: ATTACHMENT_FIELD, message: "attachments:errors.notTaken", params: { count: settings.maxFiles, names: names.join(", ") } });
    }
    return { fields, settings, fileErrors, status: body.fileTooLarge ? 413 : 400 };
  } finally {
    await body.cleanup();
  }
}

/** What the form shows of its files: the settings and the files kept in the draft. */
export async function formAttachments(db: Kysely<Database>, procedureId: number, draftId: string | null): Promise<{ maxFiles: number; maxBytes: number; files: ChosenFile[] } | null> {
  const settings = await attachmentSettings(db, procedureId);
  if (!settings) return null;
  const files = (await listDraftAttachments(db, procedureId, draftId)).map((f) => ({ token: f.token, name: f.name, byteSize: f.byteSize }));
  return { ...settings, files };
}
