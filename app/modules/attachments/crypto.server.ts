/**
 * Attachments are encrypted at rest like contact data (decision 54): each file gets its own random
 * AES-256-GCM key; that key (with the nonce and the tag) is sealed with the contact-data key ring
 * (CONTACT_DATA_KEYS), bound to the attachment's token. Deleting the row and its blob removes the file;
 * a copy of the database without the key ring holds no readable attachment.
 * Encryption streams file to file, decryption streams as a download is read: never whole in memory.
 */
import { createCipheriv, createDecipheriv } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { decryptField, encryptField, needsReencryption, type KeyRing } from "~/modules/privacy/contact-crypto.server";
import { getKeyRing } from "~/modules/privacy/keys.server";
import { secureRandomBytes } from "~/modules/privacy/random.server";

const ALGORITHM = "aes-256-gcm";

interface FileKey {
  key: Buffer;
  iv: Buffer;
  tag: Buffer;
}

const aadFor = (token: string, part: string) => `attachments:${token}:${part}`;

/**
 * Key rotation: a value sealed with an older key of the ring, sealed again with its current key (same
 * token and part), or null when it is already under the current key. A file's own key is re-wrapped,
 * not changed: its bytes stay as they are, and the old ring key no longer opens anything stored.
 */
export function resealed(ring: KeyRing, token: string, part: string, sealed: string): string | null {
  if (!needsReencryption(ring, sealed)) return null;
  return encryptField(ring, decryptField(ring, sealed, aadFor(token, part)), aadFor(token, part));
}

export function sealText(token: string, part: string, text: string): string {
  return encryptField(getKeyRing(), text, aadFor(token, part));
}

export function openText(token: string, part: string, sealed: string): string {
  return decryptField(getKeyRing(), sealed, aadFor(token, part));
}

/** Encrypts `source` into `target` with a new key; returns that key sealed for the row. */
export async function encryptFile(source: string, target: string, token: string, part: string): Promise<string> {
  const key = secureRandomBytes(32);
  const iv = secureRandomBytes(12);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: 16 });
  await pipeline(createReadStream(source), cipher, createWriteStream(target, { flags: "wx", mode: 0o600 }));
  const sealed: FileKey = { key, iv, tag: cipher.getAuthTag() };
  return sealText(token, part, [sealed.key, sealed.iv, sealed.tag].map((b) => b.toString("base64")).join("."));
}

/**
 * The plain bytes of a stored file as it is read: a stream that fails at its end if the bytes were
 * changed (the GCM tag), so a download of tampered bytes never completes.
 */
export function decryptStream(encrypted: ReadableStream<Uint8Array>, token: string, part: string, keySealed: string): ReadableStream<Uint8Array> {
  const [key, iv, tag] = openText(token, part, keySealed).split(".").map((s) => Buffer.from(s, "base64"));
  const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: 16 });
  decipher.setAuthTag(tag);
  const reader = encrypted.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            const rest = decipher.final();
            if (rest.byteLength > 0) controller.enqueue(new Uint8Array(rest));
            return controller.close();
          }
          controller.enqueue(new Uint8Array(decipher.update(value)));
        } catch (error) {
          controller.error(error);
        }
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
