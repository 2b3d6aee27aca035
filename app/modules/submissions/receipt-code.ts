/**
 * Receipt codes: 12 random Crockford base32 characters (60 bits) plus one Luhn mod 32 check
 * character, shown as `K7M4-2QXP-9ABR-T`. The alphabet has no I, L, O or U, so a code read aloud
 * on the phone cannot be misheard as another; the check character catches every single mistyped
 * character and most swapped neighbours before any database look-up.
 */
import { randomInt } from "node:crypto";

export const RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const N = RECEIPT_ALPHABET.length; // 32
export const RECEIPT_RANDOM_LENGTH = 12;
export const RECEIPT_CODE_LENGTH = RECEIPT_RANDOM_LENGTH + 1;

function luhnCheckCharacter(payload: string): string {
  let factor = 2;
  let sum = 0;
  for (let i = payload.length - 1; i >= 0; i--) {
    let addend = factor * RECEIPT_ALPHABET.indexOf(payload[i]);
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / N) + (addend % N);
    sum += addend;
  }
  return RECEIPT_ALPHABET[(N - (sum % N)) % N];
}

function hasValidCheck(code: string): boolean {
  let factor = 1;
  let sum = 0;
  for (let i = code.length - 1; i >= 0; i--) {
    const index = RECEIPT_ALPHABET.indexOf(code[i]);
    if (index < 0) return false;
    let addend = factor * index;
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / N) + (addend % N);
    sum += addend;
  }
  return sum % N === 0;
}

/** A new random receipt code in its compact form (13 characters, no separators). */
export function generateReceiptCode(random: (max: number) => number = randomInt): string {
  let payload = "";
  for (let i = 0; i < RECEIPT_RANDOM_LENGTH; i++) payload += RECEIPT_ALPHABET[random(N)];
  return payload + luhnCheckCharacter(payload);
}

/** `K7M42QXP9ABRT` → `K7M4-2QXP-9ABR-T`, for reading aloud. */
export function formatReceiptCode(compact: string): string {
  return compact.match(/.{1,4}/g)?.join("-") ?? compact;
}

/**
 * What a person typed → the compact code, or null if it cannot be a receipt code.
 * Forgiving like Crockford's decoding: case, spaces and hyphens do not matter; O reads as 0, I and L as 1.
 */
export function parseReceiptCode(input: string): string | null {
  if (input.length > 40) return null;
  const compact = input
    .toUpperCase()
    .replace(/[\s\-–.]/g, "")
    .replace(/O/g, "0")
    .replace(/[IL]/g, "1");
  if (compact.length !== RECEIPT_CODE_LENGTH) return null;
  return hasValidCheck(compact) ? compact : null;
}
