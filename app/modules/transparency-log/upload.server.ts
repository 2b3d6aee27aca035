/**
 * The upload page's check of a resident's export (decision 56): read the uploaded file (capped while
 * it streams), verify it as `npm run privacy:verify-export` does, and also that today's tree extends
 * the export's checkpoint (the log was not rewritten since). Nothing uploaded is stored.
 */
import { readFile } from "node:fs/promises";
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import type { FieldError } from "~/modules/forms/fields";
import { isMultipart, readMultipart } from "~/modules/http/multipart.server";
import { verifyConsistency } from "./merkle";
import type { SignerKey } from "./note";
import { latestCheckpoint, proveConsistency } from "./tlog.server";
import { verifyExport, type ExportVerification } from "./verify-export";

export const EXPORT_FIELD = "export";
export const MAX_EXPORT_BYTES = 256 * 1024;

export type UploadOutcome = { errors: FieldError[] } | { result: ExportVerification & { extendedToday: boolean | null; todaySize: number | null } };

export async function checkUploadedExport(db: Kysely<Database>, key: SignerKey, request: Request): Promise<UploadOutcome> {
  // a form sent without its file input (no multipart body at all) has no file either
  if (!isMultipart(request)) return { errors: [{ field: EXPORT_FIELD, message: "verify.errors.noFile" }] };
  const body = await readMultipart(request, { maxFileBytes: MAX_EXPORT_BYTES, maxFiles: 1, maxFields: 4, maxFieldBytes: 200 });
  try {
    if (body.fileTooLarge) return { errors: [{ field: EXPORT_FIELD, message: "verify.errors.tooLarge", params: { kb: MAX_EXPORT_BYTES / 1024 } }] };
    const file = body.files.find((f) => f.field === EXPORT_FIELD);
    if (!file || file.size === 0) return { errors: [{ field: EXPORT_FIELD, message: "verify.errors.noFile" }] };
    let doc: unknown;
    try {
      doc = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(await readFile(file.path)));
    } catch {
      return { errors: [{ field: EXPORT_FIELD, message: "verify.errors.notJson" }] };
    }
    const result = verifyExport(doc, key);
    if (result.problems.some((p) => p.code === "not_an_export")) return { errors: [{ field: EXPORT_FIELD, message: "verify.errors.notExport" }] };
    let extendedToday: boolean | null = null;
    const today = await latestCheckpoint(db);
    if (result.checkpoint && today) {
      const from = result.checkpoint.size;
      extendedToday =
        today.size >= from && verifyConsistency(from, today.size, today.size > from ? await proveConsistency(db, from, today.size) : [], Buffer.from(result.checkpoint.root, "base64"), today.root);
    }
    return { result: { ...result, ok: result.ok && extendedToday !== false, extendedToday, todaySize: today?.size ?? null } };
  } finally {
    await body.cleanup();
  }
}
