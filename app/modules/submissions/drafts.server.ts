/**
 * Online submissions take three steps (form → check your answers → confirm), so the answers wait
 * in a draft between them. The draft id is also the idempotency key of the final submission: a
 * double click, a browser retry or back-and-resubmit all find the one submission already made.
 * Once submitted, the draft keeps no answers, only the link to the submission and, for two hours,
 * the receipt code (sealed like the answers) so the confirmation page can be reloaded.
 */
import type { Kysely, Selectable } from "kysely";
import { isUniqueViolation } from "#db/connection.server";
import type { Database, SubmissionDraftTable } from "#db/schema";
import { HttpError } from "~/modules/http/errors";
import { clientBucket, hitRateLimit } from "~/modules/http/rate-limit.server";
import type { Procedure } from "~/modules/procedures/procedure";
import { acceptanceState, personalDataDeletionDate } from "~/modules/procedures/procedure";
import { decryptField, encryptField } from "~/modules/privacy/contact-crypto.server";
import { getKeyRing } from "~/modules/privacy/keys.server";
import { timeOrderedKey } from "~/modules/privacy/random.server";
import { openDraftReceiptCode, sealDraftReceiptCode } from "~/modules/privacy/server-keys.server";
import { attachDraftFiles } from "~/modules/attachments/attachments.server";
import { groupCommit } from "./group-commit.server";
import { runPlain } from "#db/plain-sql.server";
import { createSubmission } from "./submissions.server";
import { inputToValues, validateSubmission, type SubmissionInput } from "./validation";

export const DRAFT_LIFETIME_MS = 24 * 60 * 60 * 1000;

/**
 * Online submissions per client (IPv4 address or IPv6 /64) and procedure per hour:
 * SUBMISSIONS_PER_HOUR (30; 0 = no limit). Enough for a family or a library computer, not for a
 * script that fills a survey. The desk (phone, paper, counter) is not limited.
 */
export function submissionLimitPerHour(env: NodeJS.ProcessEnv = process.env): number {
  const configured = Number.parseInt(env.SUBMISSIONS_PER_HOUR ?? "", 10);
  return Number.isFinite(configured) && configured >= 0 ? configured : 30;
}
export const CONFIRMATION_LIFETIME_MS = 2 * 60 * 60 * 1000;

// drafts may hold contact data: encrypted like contact_details, bound to the draft's id
function sealPayload(draftId: string, input: SubmissionInput): string {
  const json = JSON.stringify(input);
  const sealed = encryptField(getKeyRing(), json, `submission_drafts:${draftId}`);
  justSealed.remember(draftId, sealed, json);
  return sealed;
}
function openPayload(draftId: string, sealed: string): SubmissionInput {
  return JSON.parse(justSealed.take(draftId, sealed) ?? decryptField(getKeyRing(), sealed, `submission_drafts:${draftId}`)) as SubmissionInput;
}

/**
 * The answers this process sealed a moment ago, so that "check your answers" and "send" do not
 * decrypt what the form POST has just encrypted (decision 68). An entry counts only while the
 * stored ciphertext is exactly the one sealed here (a draft changed by another process or
 * instance is decrypted as before); it is dropped when the draft is sent, after
 * JUST_SEALED_MS, and beyond JUST_SEALED_ENTRIES (oldest first).
 */
const JUST_SEALED_MS = 10 * 60 * 1000;
const JUST_SEALED_ENTRIES = 1000;
const justSealed = {
  entries: new Map<string, { sealed: string; json: string; at: number }>(),
  remember(draftId: string, sealed: string, json: string) {
    const now = Date.now();
    this.entries.delete(draftId);
    // oldest first (insertion order): what is too old or beyond the bound goes, no answers linger in memory
    for (const [id, entry] of this.entries) {
      if (this.entries.size < JUST_SEALED_ENTRIES && now - entry.at <= JUST_SEALED_MS) break;
      this.entries.delete(id);
    }
    this.entries.set(draftId, { sealed, json, at: now });
  },
  /** the plain JSON of `sealed` when this process sealed it (each reader parses its own copy) */
  take(draftId: string, sealed: string): string | undefined {
    const entry = this.entries.get(draftId);
    if (!entry) return undefined;
    if (entry.sealed !== sealed || Date.now() - entry.at > JUST_SEALED_MS) {
      this.entries.delete(draftId);
      return undefined;
    }
    return entry.json;
  },
  forget(draftId: string) {
    this.entries.delete(draftId);
  },
};
const later = (now: Date, ms: number) => new Date(now.getTime() + ms).toISOString();

const SWEEP_INTERVAL_MS = 60 * 1000;
const lastSweep = new WeakMap<Kysely<Database>, number>();
/** Whether this save also deletes expired drafts: the first one, then once a minute (by the save's clock). */
function sweepDue(db: Kysely<Database>, now: Date): boolean {
  const last = lastSweep.get(db);
  if (last !== undefined && now.getTime() - last < SWEEP_INTERVAL_MS && now.getTime() >= last) return false;
  lastSweep.set(db, now.getTime());
  return true;
}

export type DraftState =
  | { state: "missing" }
  | { state: "pending"; input: SubmissionInput; language: string }
  | { state: "submitted"; submissionId: number; receiptCode: string | null; submittedAt: string };

export async function saveDraft(
  db: Kysely<Database>,
  args: {
    /** the draft this browser holds (its cookie): updated while it is still waiting */
    draftId: string | null;
    /** the id a new draft gets when `draftId` is null: a key this server made (timeOrderedKey), never one a client sent */
    newId?: string;
    procedureId: number;
    input: SubmissionInput;
    language: string;
    now?: Date;
  },
): Promise<string> {
  const now = args.now ?? new Date();
  // one transaction with other drafts and submissions arriving at the same time; a draft promises
  // nothing yet (no receipt), so it does not wait for the disk by itself (decision 68)
  const sweep = sweepDue(db, now);
  return groupCommit(db, async (trx) => {
    // expired drafts are removed as new ones arrive (no job needed for personal data to go away),
    // at most once a minute per process: an expired draft can no longer be read anyway
    if (sweep) await trx.deleteFrom("submission_drafts").where("expires_at", "<", now.toISOString()).execute();
    if (args.draftId) {
      const updated = await runPlain(
        trx,
        "update submission_drafts set payload_json = ?, language = ?, updated_at = ?, expires_at = ? where id = ? and procedure_id = ? and submission_id is null",
        [sealPayload(args.draftId, args.input), args.language, now.toISOString(), later(now, DRAFT_LIFETIME_MS), args.draftId, args.procedureId],
      );
      if (Number(updated.numAffectedRows) === 1) return args.draftId;
    }
    const id = (!args.draftId && args.newId) || timeOrderedKey(now.getTime());
    await runPlain(
      trx,
      "insert into submission_drafts (id, procedure_id, payload_json, language, submission_id, receipt_code, created_at, updated_at, expires_at) " +
        "values (?, ?, ?, ?, null, null, ?, ?, ?)",
      [id, args.procedureId, sealPayload(id, args.input), args.language, now.toISOString(), now.toISOString(), later(now, DRAFT_LIFETIME_MS)],
    );
    return id;
  }, { durable: false });
}

export async function readDraft(
  db: Kysely<Database>,
  draftId: string | null,
  procedureId: number,
  now: Date = new Date(),
): Promise<DraftState> {
  if (!draftId) return { state: "missing" };
  const { rows } = await runPlain<Selectable<SubmissionDraftTable>>(db, "select * from submission_drafts where id = ? and procedure_id = ? and expires_at > ?", [
    draftId,
    procedureId,
    now.toISOString(),
  ]);
  const row = rows[0];
  if (!row) return { state: "missing" };
  if (row.submission_id !== null) {
    return { state: "submitted", submissionId: row.submission_id, receiptCode: openDraftReceiptCode(row.id, row.receipt_code), submittedAt: row.updated_at };
  }
  if (!row.payload_json) return { state: "missing" };
  try {
    return { state: "pending", input: openPayload(row.id, row.payload_json), language: row.language };
  } catch {
    // sealed with a key no longer held: as good as expired
    return { state: "missing" };
  }
}

/**
 * Turn the draft into a submission, exactly once. Returns the receipt code only after the
 * transaction has committed (with SQLite's synchronous=FULL: after it is on disk; the commit may
 * carry other submissions sent at the same moment, see group-commit.server.ts).
 */
export async function submitDraft(
  db: Kysely<Database>,
  args: { draftId: string | null; procedure: Procedure; now?: Date; clientKey?: string },
): Promise<{ receiptCode: string; submissionId: number }> {
  const now = args.now ?? new Date();
  if (!args.draftId) throw new HttpError(404, "draft_missing");
  const draftId = args.draftId;
  try {
    // committed together with submissions sent at the same moment (group commit), each in its own
    // savepoint; the receipt code is returned only after that commit. The draft is read inside the
    // unit: in the batch's transaction that read needs no locks of its own.
    return await groupCommit(db, async (trx) => {
      const draft = await readDraft(trx, draftId, args.procedure.id, now);
      if (draft.state === "missing") throw new HttpError(404, "draft_missing");
      if (draft.state === "submitted") return { receiptCode: draft.receiptCode ?? "", submissionId: draft.submissionId };

      const acceptance = acceptanceState(args.procedure, now);
      if (acceptance !== "open") throw new HttpError(403, acceptance === "closed" ? "procedure_closed" : "procedure_not_yet_open");

      // only a new submission counts (a resent confirmation above does not)
      const perHour = submissionLimitPerHour();
      if (args.clientKey !== undefined && perHour > 0) {
        const key = `submissions:${args.procedure.id}:${clientBucket(args.clientKey)}`;
        const limit = await hitRateLimit(trx, key, { limit: perHour, windowMs: 60 * 60 * 1000, now });
        if (!limit.allowed) throw new HttpError(429, "too_many_submissions");
      }

      // the stored answers pass the same rules again: nothing invalid reaches the submissions table
      const checked = validateSubmission(args.procedure, new Map(Object.entries(inputToValues(args.procedure, draft.input))));
      if (!checked.ok) throw new HttpError(404, "draft_missing");

      const result = await createSubmission(trx, {
        procedure: args.procedure,
        // the section was checked when the form was sent; sections never change once open
        input: { ...checked.input, sectionId: draft.input.sectionId ?? null },
        channel: "online",
        // the language stored with these answers (read with them above)
        language: draft.language,
        idempotencyKey: draftId,
        now,
      });
      if (!result.created) throw new AlreadySubmitted();
      // the draft's files (issue 20), if it holds any: one statement here instead of a count before the transaction
      await attachDraftFiles(trx, { draftId, procedureId: args.procedure.id, organisationId: args.procedure.organisationId, submissionId: result.submissionId, legalBasis: args.procedure.legalBasis, deleteAfter: personalDataDeletionDate(args.procedure), now });
      const updated = await runPlain(
        trx,
        "update submission_drafts set submission_id = ?, receipt_code = ?, payload_json = null, updated_at = ?, expires_at = ? where id = ?",
        [result.submissionId, sealDraftReceiptCode(draftId, result.receiptCode), now.toISOString(), later(now, CONFIRMATION_LIFETIME_MS), draftId],
      );
      // swept away since it was read (it expired meanwhile): no submission whose receipt code could not be shown
      if (Number(updated.numAffectedRows) !== 1) throw new HttpError(404, "draft_missing");
      justSealed.forget(draftId);
      return { receiptCode: result.receiptCode, submissionId: result.submissionId };
    });
  } catch (error) {
    // a concurrent request with the same draft won the race: answer with its submission
    if (error instanceof AlreadySubmitted || isUniqueViolation(error)) {
      const again = await readDraft(db, draftId, args.procedure.id, now);
      if (again.state === "submitted") return { receiptCode: again.receiptCode ?? "", submissionId: again.submissionId };
    }
    throw error;
  }
}

class AlreadySubmitted extends Error {}
