/**
 * Field-level encryption for residents' contact data (name, postal address,
 * e-mail, phone) with AES-256-GCM and key rotation.
 *
 * Stored format (ASCII only, safe for any text column):
 *
 *   v1.<keyId>.<iv b64url>.<tag b64url>.<ciphertext b64url>
 *
 * - The key id travels with the value, so old rows stay readable after a new
 *   key becomes current; `needsReencryption` finds the rows to migrate.
 * - The caller's `aad` (e.g. "contact_details:42:email") is authenticated but
 *   not stored: a ciphertext copied to another row or column fails to decrypt.
 *
 * Keys come from CONTACT_DATA_KEYS ("id:base64key,id:base64key,..."; the first
 * entry encrypts, the rest only decrypt). Without it (demo mode) a key file is
 * generated next to the app data. Error messages never contain key material.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { secureRandomBytes } from "./random.server";

export interface KeyRing {
  current: { id: string; key: Buffer };
  all: Map<string, Buffer>;
}

const VERSION = "v1";
const ALGORITHM = "aes-256-gcm";
const KEY_BYTES = 32;
const IV_BYTES = 12; // the GCM standard nonce size; random per value
const TAG_BYTES = 16; // full-length tag; shorter tags weaken authentication
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+)$/; // standard (padded or not) or url-safe
const B64URL = /^[A-Za-z0-9_-]*$/;
// Shape check only (no crypto): IV is 16 chars, tag 22 chars in base64url.
const STORED = /^v1\.([A-Za-z0-9_-]{1,32})\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]*$/;

const SPEC_HELP = 'expected comma-separated "id:base64key" entries, e.g. "k20250101:<44 base64 chars>"; create one with generateKeySpec()';

/** Parses a CONTACT_DATA_KEYS spec. The first entry is the current (encrypting) key. */
export function parseKeyRing(spec: string): KeyRing {
  const entries = spec.split(",").map((e) => e.trim());
  if (entries.length === 1 && entries[0] === "") throw new Error(`CONTACT_DATA_KEYS is empty: ${SPEC_HELP}`);

  const all = new Map<string, Buffer>();
  let current: KeyRing["current"] | undefined;
  entries.forEach((entry, i) => {
    // Messages name the entry by position and (valid) id only: an invalid
    // "id" might be a pasted key, so it is never echoed.
    const where = `CONTACT_DATA_KEYS entry ${i + 1}`;
    if (entry === "") throw new Error(`${where} is empty (stray comma?): ${SPEC_HELP}`);
    const colon = entry.indexOf(":");
    if (colon < 0) throw new Error(`${where} has no "id:" prefix: ${SPEC_HELP}`);
    const id = entry.slice(0, colon).trim();
    const encoded = entry.slice(colon + 1).trim();
    if (!KEY_ID.test(id)) throw new Error(`${where} has an invalid key id: ids must match ${KEY_ID.source}`);
    if (all.has(id)) throw new Error(`${where}: key id "${id}" appears more than once; ids must be unique`);
    // Buffer.from(…, "base64") silently skips junk, so check the alphabet first.
    const key = BASE64.test(encoded) ? Buffer.from(encoded, "base64") : null;
    if (!key) throw new Error(`${where} (id "${id}"): the key is not valid base64`);
    if (key.length !== KEY_BYTES) {
      throw new Error(`${where} (id "${id}"): the key decodes to ${key.length} bytes, AES-256 needs exactly ${KEY_BYTES}; create one with generateKeySpec()`);
    }
    all.set(id, key);
    current ??= { id, key };
  });
  return { current: current!, all };
}

/** A new key entry. Its id is the date plus random characters: two keys made on one day never share an id. */
export function generateKeySpec(id: string = `k${new Date().toISOString().slice(0, 10).replaceAll("-", "")}${randomBytes(4).toString("hex")}`): string {
  if (!KEY_ID.test(id)) throw new Error(`Invalid key id: ids must match ${KEY_ID.source}`);
  return `${id}:${randomBytes(KEY_BYTES).toString("base64")}`;
}

/**
 * CONTACT_DATA_KEYS wins when set (even if empty: an empty value in production
 * must fail loudly rather than silently fall back to a generated key).
 * Otherwise demo mode: read or create `keyFile`, and always warn.
 */
export function loadKeyRing(options: {
  env?: Partial<NodeJS.ProcessEnv>;
  keyFile: string;
  log?: (msg: string) => void;
  /** outside demo mode no key is generated: CONTACT_DATA_KEYS is required */
  demo?: boolean;
  /** reads the key file, or creates it exclusively (secrets.server: readOrCreateSecretFile) */
  readOrCreate?: (file: string, generate: () => string) => string;
}): KeyRing {
  const { env = process.env, keyFile, log = (msg: string) => console.warn(msg), demo = true, readOrCreate = readOrCreateFile } = options;
  const fromEnv = env.CONTACT_DATA_KEYS;
  if (fromEnv !== undefined) return parseKeyRing(fromEnv);
  if (!demo) throw new Error("CONTACT_DATA_KEYS is not set (required outside demo mode).");

  const file = path.resolve(keyFile);
  // never overwrite a key another process created in the meantime: its data would be unreadable
  const spec = readOrCreate(file, () => generateKeySpec());
  log(
    `WARNING: CONTACT_DATA_KEYS is not set. Contact data are encrypted with a generated key stored in ${file} (demo mode). ` +
      `Losing that file loses the contact data. In production, set CONTACT_DATA_KEYS (and back it up).`,
  );
  return parseKeyRing(spec.trim());
}

function readOrCreateFile(file: string, generate: () => string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(file, generate() + "\n", { mode: 0o600, flag: "wx" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  return fs.readFileSync(file, "utf8");
}

/** Encrypts with the ring's current key; `aad` binds the value to its row/column. */
export function encryptField(ring: KeyRing, plaintext: string, aad: string): string {
  if (!aad) throw new Error("encryptField: aad must be non-empty (e.g. \"contact_details:42:email\")");
  const iv = secureRandomBytes(IV_BYTES); // never reuse an IV under one key: GCM breaks completely
  const cipher = createCipheriv(ALGORITHM, ring.current.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, ring.current.id, iv.toString("base64url"), tag.toString("base64url"), ciphertext.toString("base64url")].join(".");
}

/** Decrypts a stored value; throws on bad format, unknown key id, tampering or wrong `aad`. */
export function decryptField(ring: KeyRing, stored: string, aad: string): string {
  const parts = stored.split(".");
  if (parts.length !== 5 || parts[0] !== VERSION || !STORED.test(stored)) {
    throw new Error(`Contact field is not in the expected ${VERSION}.<keyId>.<iv>.<tag>.<ciphertext> format (context "${aad}")`);
  }
  const [, keyId, ivText, tagText, ctText] = parts;
  const key = ring.all.get(keyId);
  if (!key) {
    throw new Error(`Contact field was encrypted with key "${keyId}", which is not in CONTACT_DATA_KEYS (context "${aad}"); add that key back as a non-current entry`);
  }
  const iv = decodeCanonical(ivText);
  const tag = decodeCanonical(tagText);
  const ciphertext = decodeCanonical(ctText);
  if (!iv || !tag || !ciphertext || iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new Error(`Contact field has a malformed IV, tag or ciphertext (context "${aad}")`);
  }
  const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, "utf8"));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
  } catch {
    throw new Error(
      `Contact field failed authentication (key "${keyId}", context "${aad}"): it was altered, belongs to another row/column, or the key is wrong`,
    );
  }
}

/**
 * base64url decoding that rejects non-canonical text (e.g. different unused
 * trailing bits), so every accepted stored string maps to exactly one value.
 */
function decodeCanonical(text: string): Buffer | null {
  if (!B64URL.test(text)) return null;
  const bytes = Buffer.from(text, "base64url");
  return bytes.toString("base64url") === text ? bytes : null;
}

/** True if the value has the shape of an encrypted field (no key or crypto check). */
export function isEncrypted(stored: string): boolean {
  return STORED.test(stored);
}

/** The key id of an encrypted value, or null if the value is not encrypted. */
export function keyIdOf(stored: string): string | null {
  return STORED.exec(stored)?.[1] ?? null;
}

/**
 * True if the value is not under the current key. Also true for values that
 * are not encrypted at all (legacy plaintext): check isEncrypted() to decide
 * whether to decrypt first.
 */
export function needsReencryption(ring: KeyRing, stored: string): boolean {
  return keyIdOf(stored) !== ring.current.id;
}
