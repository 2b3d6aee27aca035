/**
 * Key rotation: after a new key is put first in CONTACT_DATA_KEYS (the old one kept after it),
 * every stored ciphertext is decrypted with whichever key sealed it and sealed again with the new
 * one: submissions' contact details, drafts (answers and receipt codes), barrier reports' contact
 * data, e-mail alerts' addresses and manage links, staff TOTP secrets (enabled and being set up),
 * the app's own keys (server_keys) and the names and per-file keys of attachments (re-wrapped; the
 * files' bytes stay as they are). Once
 * this has run, the old key can be removed from CONTACT_DATA_KEYS. A new kind of encrypted value
 * joins the list here (tests/integration/key-rotation.test.ts checks that none is left behind).
 */
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { reencryptBarrierContacts } from "~/modules/accessibility/accessibility.server";
import { reencryptTotpSecrets } from "~/modules/accounts/accounts.server";
import { resealAttachmentKeys } from "~/modules/attachments/attachments.server";
import { reencryptAlertSecrets } from "~/modules/alerts/alerts.server";
import { decryptField, encryptField, isEncrypted, needsReencryption, type KeyRing } from "./contact-crypto.server";
import { reencryptServerSecrets } from "./server-keys.server";

const CONTACT_COLUMNS = [
  ["name", "name"],
  ["postal_address", "address"],
  ["email", "email"],
  ["phone", "phone"],
] as const;

export interface RotationResult {
  contactRows: number;
  drafts: number;
  barrierReports: number;
  alerts: number;
  totpSecrets: number;
  serverKeys: number;
  draftCodes: number;
  attachments: number;
}

export async function reencryptAll(db: Kysely<Database>, ring: KeyRing): Promise<RotationResult> {
  let contactRows = 0;
  const rows = await db.selectFrom("contact_details").selectAll().execute();
  for (const row of rows) {
    const update: Partial<Record<(typeof CONTACT_COLUMNS)[number][0], string>> = {};
    for (const [column, key] of CONTACT_COLUMNS) {
      const stored = row[column];
      if (!stored) continue;
      const aad = `contact_details:${row.submission_id}:${key}`;
      // values stored before encryption existed are sealed now too
      const plain = isEncrypted(stored) ? (needsReencryption(ring, stored) ? decryptField(ring, stored, aad) : null) : stored;
      if (plain !== null) update[column] = encryptField(ring, plain, aad);
    }
    if (Object.keys(update).length > 0) {
      await db.updateTable("contact_details").set(update).where("submission_id", "=", row.submission_id).execute();
      contactRows++;
    }
  }
  let drafts = 0;
  const pending = await db.selectFrom("submission_drafts").select(["id", "payload_json"]).where("payload_json", "is not", null).execute();
  for (const d of pending) {
    if (!d.payload_json || !needsReencryption(ring, d.payload_json)) continue;
    const aad = `submission_drafts:${d.id}`;
    const plain = isEncrypted(d.payload_json) ? decryptField(ring, d.payload_json, aad) : d.payload_json;
    await db.updateTable("submission_drafts").set({ payload_json: encryptField(ring, plain, aad) }).where("id", "=", d.id).execute();
    drafts++;
  }
  // the contact data of barrier reports (migration 0009), bound to each report's reference
  const barrierReports = await reencryptBarrierContacts(db, ring);
  const alerts = await reencryptAlertSecrets(db, ring);
  const totpSecrets = await reencryptTotpSecrets(db, ring);
  const { serverKeys, draftCodes } = await reencryptServerSecrets(db, ring);
  // attachments (decision 54): their names and per-file keys, sealed with the ring like contact data
  const attachments = await resealAttachmentKeys(db, ring);
  return { contactRows, drafts, barrierReports, alerts, totpSecrets, serverKeys, draftCodes, attachments };
}
