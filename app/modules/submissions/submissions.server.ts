/**
 * The one submission pipeline. Every channel (online now; phone, paper, counter and letter through
 * the staff desk) ends in createSubmission: same validation, same tables, same receipt codes.
 */
import { createHash } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { Channel, Database } from "#db/schema";
import type { Procedure } from "~/modules/procedures/procedure";
import { generateReceiptCode } from "./receipt-code";
import type { SubmissionInput } from "./validation";

type Db = Kysely<Database> | Transaction<Database>;

export const hashReceiptCode = (compact: string) => createHash("sha256").update(compact).digest("hex");

export interface NewSubmissionInput {
  procedure: Pick<Procedure, "id" | "organisationId" | "noticeVersion">;
  input: SubmissionInput;
  channel: Channel;
  language: string;
  /** the same key twice yields the first submission, never a second one */
  idempotencyKey: string;
  enteredByAccountId?: number | null;
  sourceReference?: string | null;
  receivedOn?: string | null;
  now?: Date;
}

export type CreatedSubmission =
  | { created: true; submissionId: number; receiptCode: string }
  | { created: false; submissionId: number };

/** Must run inside a transaction: the submission, its answers and contact data commit together. */
export async function createSubmission(trx: Transaction<Database>, s: NewSubmissionInput): Promise<CreatedSubmission> {
  const existing = await trx
    .selectFrom("submissions")
    .select("id")
    .where("idempotency_key", "=", s.idempotencyKey)
    .executeTakeFirst();
  if (existing) return { created: false, submissionId: existing.id };

  const now = (s.now ?? new Date()).toISOString();
  let receiptCode = generateReceiptCode();
  // 60 random bits make a collision vanishingly rare; checking costs one index look-up
  while (await trx.selectFrom("submissions").select("id").where("receipt_code_hash", "=", hashReceiptCode(receiptCode)).executeTakeFirst()) {
    receiptCode = generateReceiptCode();
  }

  const { id: submissionId } = await trx
    .insertInto("submissions")
    .values({
      organisation_id: s.procedure.organisationId,
      procedure_id: s.procedure.id,
      receipt_code_hash: hashReceiptCode(receiptCode),
      channel: s.channel,
      entered_by_account_id: s.enteredByAccountId ?? null,
      source_reference: s.sourceReference ?? null,
      received_on: s.receivedOn ?? null,
      notice_version: s.procedure.noticeVersion,
      language: s.language,
      state: "received",
      response_state: "pending",
      idempotency_key: s.idempotencyKey,
      created_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();

  const answerRows = s.input.answers.flatMap((a) =>
    a.values.map((value) => ({ submission_id: submissionId, question_id: a.questionId, value })),
  );
  if (answerRows.length > 0) await trx.insertInto("answers").values(answerRows).execute();

  const c = s.input.contact;
  if (c.name || c.address || c.email || c.phone) {
    await trx
      .insertInto("contact_details")
      .values({
        submission_id: submissionId,
        name: c.name ?? null,
        postal_address: c.address ?? null,
        email: c.email ?? null,
        phone: c.phone ?? null,
        created_at: now,
      })
      .execute();
  }
  return { created: true, submissionId, receiptCode };
}

export async function findSubmissionByReceiptCode(db: Db, compactCode: string) {
  return db.selectFrom("submissions").selectAll().where("receipt_code_hash", "=", hashReceiptCode(compactCode)).executeTakeFirst();
}

export async function countSubmissions(db: Db, procedureId: number): Promise<number> {
  const row = await db
    .selectFrom("submissions")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("procedure_id", "=", procedureId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
