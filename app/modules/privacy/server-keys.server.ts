/**
 * Keys the app makes for itself, kept in `server_keys` sealed with CONTACT_DATA_KEYS (envelope
 * encryption): a copy of the database alone does not hold them, and key rotation re-seals them
 * with the other encrypted values: the HMAC key of receipt codes (decision 27) and that of alert
 * addresses (decision 58).
 *
 * Receipt codes unlock a submission's full personal-data export, so they are stored neither in
 * plain text nor as a plain hash (60 bits can be searched offline): `h1:` + HMAC-SHA256(key,
 * SHA-256(code)). Keying the SHA-256 lets codes stored before as a plain SHA-256 be keyed in place
 * without knowing the codes (upgradeStoredSecrets). The codes a confirmation page shows for two
 * hours are sealed in their draft like the answers.
 */
import { createHash, createHmac, randomBytes } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "#db/schema";
import { decryptField, encryptField, isEncrypted, needsReencryption, type KeyRing } from "./contact-crypto.server";
import { getKeyRing } from "./keys.server";

type Db = Kysely<Database> | Transaction<Database>;

const RECEIPT_KEY = "receipt_codes";
const sealedAad = (name: string) => `server_keys:${name}`;
export const RECEIPT_DIGEST_PREFIX = "h1:";

// Remembered per database: a Kysely instance and its transactions share one adapter object, two
// databases (tests open several in one process) never do.
const receiptKeys = new WeakMap<object, Promise<Buffer>>();

/** The receipt-code HMAC key of this database, made (once, whoever comes first) on first use. */
export function receiptCodeKey(db: Db): Promise<Buffer> {
  const identity = db.getExecutor().adapter;
  let key = receiptKeys.get(identity);
  if (!key) {
    key = loadOrCreateKey(db, RECEIPT_KEY);
    key.catch(() => receiptKeys.delete(identity));
    receiptKeys.set(identity, key);
  }
  return key;
}

const ALERT_ADDRESS_KEY = "alert_addresses";
const alertKeys = new WeakMap<object, Promise<Buffer>>();

/**
 * `a1:` + HMAC-SHA256 of a normalised e-mail address: sign-ups per address are counted and
 * compared without storing or decrypting the address.
 */
export async function alertAddressDigest(db: Db, normalisedAddress: string): Promise<string> {
  const identity = db.getExecutor().adapter;
  let key = alertKeys.get(identity);
  if (!key) {
    key = loadOrCreateKey(db, ALERT_ADDRESS_KEY);
    key.catch(() => alertKeys.delete(identity));
    alertKeys.set(identity, key);
  }
  return "a1:" + createHmac("sha256", await key).update(normalisedAddress).digest("hex");
}

async function loadOrCreateKey(db: Db, name: string): Promise<Buffer> {
  const ring = getKeyRing();
  const sealed = encryptField(ring, randomBytes(32).toString("base64"), sealedAad(name));
  // a concurrent first use by another process or instance: the first insert wins, all read it
  await db
    .insertInto("server_keys")
    .values({ name, sealed, created_at: new Date().toISOString() })
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
  const row = await db.selectFrom("server_keys").select("sealed").where("name", "=", name).executeTakeFirstOrThrow();
  return Buffer.from(decryptField(ring, row.sealed, sealedAad(name)), "base64");
}

const plainDigest = (compact: string) => createHash("sha256").update(compact).digest("hex");
const keyedDigest = (key: Buffer, sha256Hex: string) => RECEIPT_DIGEST_PREFIX + createHmac("sha256", key).update(sha256Hex).digest("hex");

/** What is stored for a receipt code (compact form), with the key from receiptCodeKey. */
export const receiptCodeDigestWith = (key: Buffer, compact: string) => keyedDigest(key, plainDigest(compact));

/** What is stored for a receipt code (compact form). */
export async function receiptCodeDigest(db: Db, compact: string): Promise<string> {
  return receiptCodeDigestWith(await receiptCodeKey(db), compact);
}

const draftCodeAad = (draftId: string) => `submission_drafts:${draftId}:receipt_code`;
/** A receipt code kept in a draft for its confirmation page: sealed, bound to the draft. */
export const sealDraftReceiptCode = (draftId: string, code: string) => encryptField(getKeyRing(), code, draftCodeAad(draftId));
/** The draft's receipt code, or null when it cannot be read (a key no longer held). */
export function openDraftReceiptCode(draftId: string, stored: string | null): string | null {
  if (!stored) return null;
  if (!isEncrypted(stored)) return stored; // written by an older version, sealed at the next start
  try {
    return decryptField(getKeyRing(), stored, draftCodeAad(draftId));
  } catch {
    return null;
  }
}

/**
 * Re-seal with the ring's current key what is sealed with an older one: the app's own keys and the
 * receipt codes waiting in drafts (key rotation).
 */
export async function reencryptServerSecrets(db: Kysely<Database>, ring: KeyRing): Promise<{ serverKeys: number; draftCodes: number }> {
  let serverKeys = 0;
  for (const row of await db.selectFrom("server_keys").selectAll().execute()) {
    if (!needsReencryption(ring, row.sealed)) continue;
    const plain = decryptField(ring, row.sealed, sealedAad(row.name));
    await db.updateTable("server_keys").set({ sealed: encryptField(ring, plain, sealedAad(row.name)) }).where("name", "=", row.name).execute();
    serverKeys++;
  }
  let draftCodes = 0;
  const drafts = await db.selectFrom("submission_drafts").select(["id", "receipt_code"]).where("receipt_code", "is not", null).execute();
  for (const d of drafts) {
    if (!d.receipt_code || !needsReencryption(ring, d.receipt_code)) continue;
    const plain = isEncrypted(d.receipt_code) ? decryptField(ring, d.receipt_code, draftCodeAad(d.id)) : d.receipt_code;
    await db.updateTable("submission_drafts").set({ receipt_code: encryptField(ring, plain, draftCodeAad(d.id)) }).where("id", "=", d.id).execute();
    draftCodes++;
  }
  return { serverKeys, draftCodes };
}

/**
 * At start-up: receipt codes stored by older versions as a plain SHA-256 are keyed in place, and
 * plain receipt codes in drafts are sealed. Does nothing once done (one indexed look-up each).
 */
export async function upgradeStoredSecrets(db: Kysely<Database>): Promise<void> {
  const key = await receiptCodeKey(db);
  for (;;) {
    const batch = await db
      .selectFrom("submissions")
      .select(["id", "receipt_code_hash"])
      // plain SHA-256 digests are hex (0-9, a-f): all sort before "h1:", a range on the unique index
      .where("receipt_code_hash", "<", "h")
      .limit(1000)
      .execute();
    if (batch.length === 0) break;
    await db.transaction().execute(async (trx) => {
      for (const s of batch) {
        await trx.updateTable("submissions").set({ receipt_code_hash: keyedDigest(key, s.receipt_code_hash) }).where("id", "=", s.id).execute();
      }
    });
  }
  const plainCodes = await db
    .selectFrom("submission_drafts")
    .select(["id", "receipt_code"])
    .where("receipt_code", "is not", null)
    // plain codes are 13 characters of Crockford base32; sealed values are dot-separated
    .where("receipt_code", "not like", "%.%")
    .execute();
  for (const d of plainCodes) {
    if (!d.receipt_code || isEncrypted(d.receipt_code)) continue;
    await db.updateTable("submission_drafts").set({ receipt_code: sealDraftReceiptCode(d.id, d.receipt_code) }).where("id", "=", d.id).execute();
  }
}
