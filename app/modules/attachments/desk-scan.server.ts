/**
 * The desk keeps the scan of a letter or paper form with its entry (issue 20): PDF or image, checked
 * like a resident's file (bytes, polyglots, pixel limit, malware scan where configured), encrypted,
 * recorded in the submission's privacy log ("the scan of your letter is kept; it is not shown
 * online") and audited, in one transaction. Residents never get the scan; moderators see it.
 */
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import type { FieldError } from "~/modules/forms/fields";
import type { SpooledFile } from "~/modules/http/multipart.server";
import type { AuditActor } from "~/modules/audit/audit.server";
import { personalDataDeletionDate } from "~/modules/procedures/procedure";
import { ATTACHMENT_LIMITS, listSubmissionAttachments, storeAttachment, type AttachmentSummary } from "./attachments.server";
import { prepareAttachment } from "./inspect.server";
import { clamdUrl } from "./scan.server";

/** Post arrives on paper: only these entries keep a scan. */
export const SCANNED_CHANNELS = ["paper", "letter"] as const;
export const SCAN_FIELD = "scan";
export const DESK_SCAN_LIMITS = { maxFileBytes: ATTACHMENT_LIMITS.maxBytes, maxFiles: 1, maxFields: 2, maxFieldBytes: 200 };

export interface ScannedEntry {
  id: number;
  procedureId: number;
  channel: string;
  scans: AttachmentSummary[];
}

/** A paper or letter entry of this organisation with the scans kept so far; undefined for any other. */
export async function scannedEntry(db: Kysely<Database>, organisationId: number, submissionId: number): Promise<ScannedEntry | undefined> {
  const row = await db
    .selectFrom("submissions")
    .select(["id", "procedure_id", "channel"])
    .where("id", "=", submissionId)
    .where("organisation_id", "=", organisationId)
    .where("channel", "in", [...SCANNED_CHANNELS])
    .executeTakeFirst();
  if (!row) return undefined;
  const scans = (await listSubmissionAttachments(db, row.id)).filter((a) => a.source === "desk");
  return { id: row.id, procedureId: row.procedure_id, channel: row.channel, scans };
}

export type ScanOutcome = { ok: true } | { ok: false; status: 400 | 413; errors: FieldError[] };

export async function attachDeskScan(
  db: Kysely<Database>,
  args: { actor: AuditActor & { accountId: number }; entry: ScannedEntry; file: SpooledFile | undefined; fileTooLarge: boolean; now?: Date },
): Promise<ScanOutcome> {
  const refuse = (message: string, params?: Record<string, number>, status: 400 | 413 = 400): ScanOutcome => ({ ok: false, status, errors: [{ field: SCAN_FIELD, message, params }] });
  if (args.fileTooLarge) return refuse("attachments:errors.tooLarge", { size: ATTACHMENT_LIMITS.maxBytes / 1_000_000 }, 413);
  if (!args.file) return refuse("attachments-staff:desk.missing");
  if (args.entry.scans.length >= ATTACHMENT_LIMITS.maxFiles) return refuse("attachments:errors.tooMany", { count: ATTACHMENT_LIMITS.maxFiles });
  const checked = await prepareAttachment(args.file, clamdUrl(), "scan");
  if (!checked.ok) return refuse(`attachments:errors.${checked.problem}`);
  try {
    const procedure = await db.selectFrom("procedures").select(["closes_at", "retention_months", "legal_basis"]).where("id", "=", args.entry.procedureId).executeTakeFirstOrThrow();
    await storeAttachment(
      db,
      checked.prepared,
      {
        organisationId: args.actor.organisationId,
        procedureId: args.entry.procedureId,
        source: "desk",
        submissionId: args.entry.id,
        actor: { role: "staff", accountId: args.actor.accountId },
        legalBasis: procedure.legal_basis,
        deleteAfter: personalDataDeletionDate({ closesAt: procedure.closes_at, retentionMonths: Number(procedure.retention_months) }),
        audit: { ...args.actor, action: "scan_attached", targetType: "submission", targetId: args.entry.id, details: { kind: checked.prepared.kind } },
      },
      args.now,
    );
  } finally {
    await checked.cleanup();
  }
  return { ok: true };
}
