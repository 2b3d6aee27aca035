/**
 * Contact data: stored encrypted, apart from the answers, and opened only through
 * openContactDetails, which writes the access into the submission's privacy log. Deleting them
 * is recorded the same way.
 */
import type { Transaction } from "kysely";
import type { Database } from "#db/schema";
import type { ContactFieldKey } from "~/modules/procedures/procedure";
import { appendPrivacyEvent } from "~/modules/privacy-log/privacy-log.server";
import type { ActorRole, DataCategory, Purpose } from "~/modules/privacy-log/events";
import { decryptField, encryptField } from "./contact-crypto.server";
import { getKeyRing } from "./keys.server";
import { runPlain } from "#db/plain-sql.server";

export type ContactDetails = Partial<Record<ContactFieldKey, string>>;

const COLUMNS: Record<ContactFieldKey, "name" | "postal_address" | "email" | "phone"> = {
  name: "name",
  address: "postal_address",
  email: "email",
  phone: "phone",
};
const KEYS = Object.keys(COLUMNS) as ContactFieldKey[];

/** Binds each ciphertext to its row and column: a value copied elsewhere does not decrypt. */
const aad = (submissionId: number, key: ContactFieldKey) => `contact_details:${submissionId}:${key}`;

export interface Actor {
  role: ActorRole;
  accountId?: number | null;
}

export interface Target {
  organisationId: number;
  submissionId: number;
}

export const categoriesOf = (contact: ContactDetails): DataCategory[] => KEYS.filter((k) => contact[k]);

export async function storeContactDetails(
  trx: Transaction<Database>,
  submissionId: number,
  contact: ContactDetails,
  deleteAfter: string,
  now: Date,
): Promise<void> {
  const ring = getKeyRing();
  const encrypted = (key: ContactFieldKey) => (contact[key] ? encryptField(ring, contact[key]!, aad(submissionId, key)) : null);
  // plain SQL: this runs for every submission with contact data (see plain-sql.server.ts)
  await runPlain(
    trx,
    "insert into contact_details (submission_id, name, postal_address, email, phone, created_at, delete_after) values (?, ?, ?, ?, ?, ?, ?)",
    [submissionId, encrypted("name"), encrypted("address"), encrypted("email"), encrypted("phone"), now.toISOString(), deleteAfter],
  );
}

export async function hasContactDetails(trx: Transaction<Database> | import("kysely").Kysely<Database>, submissionId: number) {
  return !!(await trx.selectFrom("contact_details").select("submission_id").where("submission_id", "=", submissionId).executeTakeFirst());
}

/** A resident looking at their own data again within this time is recorded once, not on every page view. */
const RESIDENT_VIEW_WINDOW_MS = 30 * 60 * 1000;

/**
 * The only way to read contact data in clear. Records who opened them, when and why in the
 * privacy log, in the same transaction.
 */
export async function openContactDetails(
  trx: Transaction<Database>,
  target: Target,
  actor: Actor,
  why: { purpose: Purpose; legalBasis: string },
  now: Date = new Date(),
): Promise<{ contact: ContactDetails; deleteAfter: string | null } | null> {
  const row = await trx.selectFrom("contact_details").selectAll().where("submission_id", "=", target.submissionId).executeTakeFirst();
  if (!row) return null;
  const ring = getKeyRing();
  const contact: ContactDetails = {};
  for (const key of KEYS) {
    const stored = row[COLUMNS[key]];
    if (stored) contact[key] = decryptField(ring, stored, aad(target.submissionId, key));
  }
  let record = true;
  if (actor.role === "resident") {
    const last = await trx
      .selectFrom("privacy_events")
      .select(["type", "actor_role", "occurred_at"])
      .where("submission_id", "=", target.submissionId)
      .orderBy("seq", "desc")
      .limit(1)
      .executeTakeFirst();
    record = !(
      last?.type === "personal_data_opened" &&
      last.actor_role === "resident" &&
      now.getTime() - new Date(last.occurred_at).getTime() < RESIDENT_VIEW_WINDOW_MS
    );
  }
  if (record) {
    await appendPrivacyEvent(trx, target, {
      type: "personal_data_opened",
      actorRole: actor.role,
      actorAccountId: actor.accountId ?? null,
      categories: categoriesOf(contact),
      purpose: why.purpose,
      legalBasis: why.legalBasis,
      occurredAt: now,
    });
  }
  return { contact, deleteAfter: row.delete_after };
}

export type DeletionReason = "request" | "retention" | "withdrawal";

/** Delete a submission's contact data and record it. Returns false when there was nothing to delete. */
export async function deleteContactDetails(
  trx: Transaction<Database>,
  target: Target,
  reason: DeletionReason,
  actor: Actor,
  legalBasis: string,
  now: Date = new Date(),
): Promise<boolean> {
  const row = await trx.selectFrom("contact_details").selectAll().where("submission_id", "=", target.submissionId).executeTakeFirst();
  if (!row) return false;
  const categories = KEYS.filter((k) => row[COLUMNS[k]]);
  await trx.deleteFrom("contact_details").where("submission_id", "=", target.submissionId).execute();
  await trx
    .updateTable("submissions")
    .set({ personal_data_deleted_at: now.toISOString() })
    .where("id", "=", target.submissionId)
    .execute();
  await appendPrivacyEvent(trx, target, {
    type: "personal_data_deleted",
    actorRole: actor.role,
    actorAccountId: actor.accountId ?? null,
    categories,
    purpose: reason === "retention" ? "retention" : "data_rights",
    legalBasis,
    details: { reason },
    occurredAt: now,
  });
  return true;
}

/**
 * The submitters' names of a batch of submissions, for a named weighing table (issue 19): only the
 * name, never the other contact data. Each submission whose name is read gets the entry
 * `named_in_weighing_table` in its privacy log, in the same transaction as the reading.
 */
export async function openNamesForExport(
  db: import("kysely").Kysely<Database>,
  organisationId: number,
  submissionIds: readonly number[],
  why: { moderatorId: number; legalBasis: string; now?: Date },
): Promise<Map<number, string>> {
  if (submissionIds.length === 0) return new Map();
  const now = why.now ?? new Date();
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom("contact_details")
      .innerJoin("submissions", "submissions.id", "contact_details.submission_id")
      .select(["contact_details.submission_id", "contact_details.name"])
      .where("submissions.organisation_id", "=", organisationId)
      .where("contact_details.submission_id", "in", [...submissionIds])
      .where("contact_details.name", "is not", null)
      .orderBy("contact_details.submission_id")
      .execute();
    const ring = getKeyRing();
    const names = new Map<number, string>();
    for (const r of rows) {
      names.set(r.submission_id, decryptField(ring, r.name!, aad(r.submission_id, "name")));
      await appendPrivacyEvent(trx, { organisationId, submissionId: r.submission_id }, {
        type: "named_in_weighing_table",
        actorRole: "moderator",
        actorAccountId: why.moderatorId,
        categories: ["name"],
        purpose: "moderation",
        legalBasis: why.legalBasis,
        occurredAt: now,
      });
    }
    return names;
  });
}
