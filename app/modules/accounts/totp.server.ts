/**
 * Time-based one-time passwords (RFC 6238) for the second factor of admins and
 * moderators: HMAC-SHA1, 30-second steps, 6 digits, the parameters every
 * authenticator app supports. Secrets are 20 random bytes in RFC 4648 base32
 * without padding (32 characters).
 *
 * `verifyTotp` returns the accepted time step; the caller stores it and passes
 * it back as `lastUsedStep` next time, so a code (or an older one) cannot be
 * used twice.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

const STEP_SECONDS = 30;
const DIGITS = 6;
const SECRET_BYTES = 20; // 160 bits, the HMAC-SHA1 output size (RFC 4226 recommends it)
const MAX_WINDOW = 10;
const BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

// ---------------------------------------------------------------------------
// Base32 (RFC 4648, upper case, no padding)

export function base32Encode(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1; // keep only the unused bits
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/**
 * Decodes base32; case-insensitive, ignores spaces, hyphens and trailing "="
 * (as people type secrets). Throws on any other character.
 */
export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s-]+/g, "").replace(/=+$/, "").toUpperCase();
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const ch of clean) {
    const value = BASE32_ALPHABET.indexOf(ch);
    if (value < 0) throw new Error("invalid base32 character");
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      out.push((buffer >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
    buffer &= (1 << bits) - 1;
  }
  return Buffer.from(out);
}

// ---------------------------------------------------------------------------
// TOTP

export function generateTotpSecret(): string {
  return base32Encode(randomBytes(SECRET_BYTES));
}

function stepAt(at: Date): number {
  const ms = at.getTime();
  if (!Number.isFinite(ms)) throw new RangeError("invalid date");
  return Math.floor(ms / 1000 / STEP_SECONDS);
}

/** HOTP (RFC 4226) value for one counter, as a zero-padded 6-digit string. */
function hotp(key: Buffer, counter: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac("sha1", key).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** DIGITS).padStart(DIGITS, "0");
}

function secretKey(secret: string): Buffer {
  const key = base32Decode(secret);
  if (key.length === 0) throw new Error("empty TOTP secret");
  return key;
}

/** The code for the time step containing `at`. */
export function totpCode(secret: string, at: Date = new Date()): string {
  return hotp(secretKey(secret), stepAt(at));
}

export type TotpResult = { ok: true; step: number } | { ok: false };

export interface VerifyTotpOptions {
  /** Defaults to now. */
  at?: Date;
  /** The step of the last accepted code; it and all earlier steps are refused. */
  lastUsedStep?: number | null;
  /** How many steps before and after the current one are accepted (default 1, i.e. ±30 s). */
  window?: number;
}

/**
 * Checks a 6-digit code (spaces ignored) against the current step ±window,
 * refusing steps at or before `lastUsedStep`. All candidate steps are compared
 * in constant time. A malformed secret or code yields `{ ok: false }`.
 */
export function verifyTotp(secret: string, code: string, opts: VerifyTotpOptions = {}): TotpResult {
  const window = opts.window ?? 1;
  if (!Number.isInteger(window) || window < 0 || window > MAX_WINDOW) {
    throw new RangeError(`window must be an integer from 0 to ${MAX_WINDOW}`);
  }
  if (typeof code !== "string") return { ok: false };
  const digits = code.replace(/\s+/g, "");
  if (!/^[0-9]{6}$/.test(digits)) return { ok: false };

  let key: Buffer;
  try {
    key = secretKey(secret);
  } catch {
    return { ok: false };
  }
  const current = stepAt(opts.at ?? new Date());
  const last = opts.lastUsedStep;
  const given = Buffer.from(digits, "ascii");

  let accepted: number | null = null;
  for (let step = current - window; step <= current + window; step++) {
    if (step < 0) continue;
    if (last !== null && last !== undefined && step <= last) continue;
    const matches = timingSafeEqual(Buffer.from(hotp(key, step), "ascii"), given);
    if (matches && accepted === null) accepted = step; // keep comparing: no early exit
  }
  return accepted === null ? { ok: false } : { ok: true, step: accepted };
}

// ---------------------------------------------------------------------------
// Enrolment helpers

/**
 * Key URI for authenticator apps (the format Google Authenticator defined):
 * otpauth://totp/<issuer>:<account>?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30
 */
export function otpauthUri({ secret, accountName, issuer }: { secret: string; accountName: string; issuer: string }): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(accountName)}`;
  const query = [
    `secret=${encodeURIComponent(secret.replace(/[\s=]+/g, "").toUpperCase())}`,
    `issuer=${encodeURIComponent(issuer)}`,
    "algorithm=SHA1",
    `digits=${DIGITS}`,
    `period=${STEP_SECONDS}`,
  ].join("&");
  return `otpauth://totp/${label}?${query}`;
}

/** "JBSWY3DPEHPK3PXP" → "JBSW Y3DP EHPK 3PXP", for typing the secret by hand. */
export function formatSecretForTyping(secret: string): string {
  return (secret.replace(/\s+/g, "").match(/.{1,4}/g) ?? []).join(" ");
}
