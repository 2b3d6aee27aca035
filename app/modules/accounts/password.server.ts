/**
 * Password hashing for staff accounts (scrypt) and the password policy.
 *
 * Stored format (ASCII only, self-describing so the cost can be raised later):
 *
 *   scrypt$<N>$<r>$<p>$<salt b64url>$<hash b64url>
 *
 * - New hashes use scrypt N=2^14, r=8, p=5 — one of the settings OWASP's
 *   Password Storage Cheat Sheet lists as equivalent in strength to N=2^17, r=8,
 *   p=1, but needing 16 MiB per check instead of 128 MiB (one sign-in was the
 *   server's memory peak under load) — a 16-byte random salt and a 64-byte key.
 *   `needsRehash` tells sign-in when a stored hash uses other parameters, so it
 *   is replaced after a successful check.
 * - At most two checks run at once per process; more wait their turn. Sign-ins
 *   by strangers (unknown e-mails are checked too) cannot stack up memory, and
 *   libuv's other threads stay free for file and compression work.
 * - Passwords are NFKC-normalised before hashing (NIST 800-63B 5.1.1.2), so an
 *   "ü" typed as one code point or as "u" + combining diaeresis is the same.
 * - `verifyPassword` never throws for malformed stored values; stored
 *   parameters are bounded so a corrupted row cannot make one check take
 *   gigabytes of memory or minutes of CPU.
 * - `dummyVerify` spends the same time as a real check, for unknown e-mails.
 *
 * The policy (`passwordProblems`) follows NIST 800-63B: length limits and a
 * list of very common passwords, no composition rules.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

const ALGORITHM = "scrypt";
/** Current parameters (OWASP Password Storage Cheat Sheet: equivalent to N=2^17, r=8, p=1 at an eighth of the memory). */
export const SCRYPT_PARAMS = { N: 2 ** 14, r: 8, p: 5 } as const;
/** How many checks may run at once in this process. */
export const CONCURRENT_CHECKS = 2;
const SALT_BYTES = 16;
const KEY_BYTES = 64;

// Bounds for parameters read from storage (defence against corrupted rows).
const MIN_LOG_N = 10;
// Up to 512 MiB per check (N=2^19, r=8): room to raise the cost twice. Raising
// it further means raising these bounds too.
const MAX_LOG_N = 19;
const MAX_R = 32;
const MAX_P = 16;
const MAX_RN_BYTES = 512 * 2 ** 20; // upper bound for 128 * N * r
const MIN_SALT_BYTES = 8;
const MAX_SALT_BYTES = 64;
const MIN_KEY_BYTES = 16;
const MAX_KEY_BYTES = 128;

const INTEGER = /^[1-9][0-9]{0,9}$/;
const B64URL = /^[A-Za-z0-9_-]+$/;

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

/**
 * A queue that runs at most `limit` tasks at once, the rest in arrival order; a finishing task
 * hands its slot straight to the next in line, so nobody can slip in between.
 */
export function concurrencyLimit(limit: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async function run<T>(task: () => Promise<T>): Promise<T> {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

const passwordCheckSlot = concurrencyLimit(CONCURRENT_CHECKS);

/** scrypt, at most CONCURRENT_CHECKS at a time in this process. */
function scryptAsync(password: string, salt: Buffer, keylen: number, params: { N: number; r: number; p: number }): Promise<Buffer> {
  return passwordCheckSlot(() => scryptNow(password, salt, keylen, params));
}

function scryptNow(password: string, salt: Buffer, keylen: number, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = {
    N: params.N,
    r: params.r,
    p: params.p,
    // scrypt needs about 128 * N * r bytes (plus 128 * r * p); twice that leaves headroom.
    maxmem: 128 * params.N * params.r * 2 + 128 * params.r * params.p,
  };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFKC"), salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Strict base64url decode: rejects anything that does not re-encode to the same text. */
function decodeB64url(text: string): Buffer | null {
  if (!B64URL.test(text)) return null;
  const bytes = Buffer.from(text, "base64url");
  return bytes.toString("base64url") === text ? bytes : null;
}

function parseHash(stored: unknown): ParsedHash | null {
  if (typeof stored !== "string" || stored.length > 512) return null;
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== ALGORITHM) return null;
  const [, nText, rText, pText, saltText, hashText] = parts;
  if (!INTEGER.test(nText) || !INTEGER.test(rText) || !INTEGER.test(pText)) return null;
  const N = Number(nText);
  const r = Number(rText);
  const p = Number(pText);
  const logN = Math.log2(N);
  if (!Number.isInteger(logN) || logN < MIN_LOG_N || logN > MAX_LOG_N) return null;
  if (r > MAX_R || p > MAX_P || 128 * N * r > MAX_RN_BYTES) return null;
  const salt = decodeB64url(saltText);
  const hash = decodeB64url(hashText);
  if (!salt || salt.length < MIN_SALT_BYTES || salt.length > MAX_SALT_BYTES) return null;
  if (!hash || hash.length < MIN_KEY_BYTES || hash.length > MAX_KEY_BYTES) return null;
  return { N, r, p, salt, hash };
}

/** Hashes a password with the current parameters and a fresh random salt. */
export async function hashPassword(password: string): Promise<string> {
  if (typeof password !== "string") throw new TypeError("password must be a string");
  const salt = randomBytes(SALT_BYTES);
  const hash = await scryptAsync(password, salt, KEY_BYTES, SCRYPT_PARAMS);
  const { N, r, p } = SCRYPT_PARAMS;
  return [ALGORITHM, N, r, p, salt.toString("base64url"), hash.toString("base64url")].join("$");
}

/**
 * Checks a password against a stored hash, using the stored parameters.
 * Returns false (never throws) for wrong passwords and malformed stored values.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (typeof password !== "string") return false;
  const parsed = parseHash(stored);
  if (!parsed) return false;
  try {
    const actual = await scryptAsync(password, parsed.salt, parsed.hash.length, parsed);
    return timingSafeEqual(actual, parsed.hash);
  } catch {
    return false;
  }
}

/**
 * True when a stored hash should be replaced (after a successful sign-in): other
 * parameters than the current ones (weaker, or the older memory-hungry N=2^17),
 * a shorter salt or key, or not parseable.
 */
export function needsRehash(stored: string): boolean {
  const parsed = parseHash(stored);
  if (!parsed) return true;
  return (
    parsed.N !== SCRYPT_PARAMS.N ||
    parsed.r !== SCRYPT_PARAMS.r ||
    parsed.p !== SCRYPT_PARAMS.p ||
    parsed.salt.length < SALT_BYTES ||
    parsed.hash.length < KEY_BYTES
  );
}

// DUMMY_PASSWORD_HASH: a real hash (current parameters) of a random password
// nobody knows, computed once on first use and kept for the process.
let dummyPasswordHash: Promise<string> | null = null;

function dummyHash(): Promise<string> {
  if (!dummyPasswordHash) {
    const pending = hashPassword(randomBytes(32).toString("base64url"));
    dummyPasswordHash = pending;
    pending.catch(() => {
      if (dummyPasswordHash === pending) dummyPasswordHash = null; // try again next time
    });
  }
  return dummyPasswordHash;
}

/**
 * Spends the time of one `verifyPassword` call and returns false. Sign-in calls
 * it for unknown e-mails so response times do not reveal which accounts exist.
 * (The very first call in a process also computes the dummy hash.)
 */
export async function dummyVerify(password: string): Promise<false> {
  await verifyPassword(typeof password === "string" ? password : "", await dummyHash());
  return false;
}

// ---------------------------------------------------------------------------
// Policy

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

export type PasswordProblem = "too_short" | "too_long" | "too_common";

/**
 * Very common passwords and patterns of at least 12 characters (shorter ones
 * fail the length rule anyway), compared case-insensitively. Deliberately
 * small: it catches the obvious choices, not a breach corpus.
 */
const COMMON_PASSWORDS = new Set([
  "passwort1234", "password1234", "passwort12345", "password12345", "passwort123!",
  "password123!", "passwort!123", "passw0rd1234", "p@ssw0rd1234", "p@ssword1234",
  "kennwort1234", "kennwort12345", "passwortpasswort", "passwordpassword",
  "123456789012", "1234567890123", "12345678901234", "123456123456", "123123123123",
  "112233445566", "121212121212", "123412341234", "111222333444",
  "qwertzuiop12", "qwertyuiop12", "qwertzuiop123", "qwertyuiop123", "qwertz123456",
  "qwerty123456", "asdfghjkl123", "yxcvbnm12345", "1q2w3e4r5t6z", "1q2w3e4r5t6y",
  "1qaz2wsx3edc", "zaq12wsxcde3", "abc123abc123", "abcabcabcabc",
  "teilhabe1234", "teilhabe12345", "teilhabe2024", "teilhabe2025", "teilhabe2026",
  "teilhabeteilhabe", "beteiligung1", "beteiligung123", "buergerbeteiligung", "bürgerbeteiligung",
  "willkommen12", "willkommen123", "willkommen1234", "welcome12345", "welcome1234!",
  "hallo1234567", "hallohallo12", "ichliebedich", "ichliebedich1", "iloveyou1234",
  "letmein12345", "changeme1234", "changeme123!", "administrator", "administrator1",
  "admin1234567", "adminadmin12", "moderator123", "moderator1234", "geheim123456",
  "geheimgeheim", "sonnenschein", "sonnenschein1", "fussball1234", "football1234",
  "schalke04schalke04", "borussia1909", "bayern123456", "trustno1trustno1",
]);

function isOneRepeatedCharacter(chars: string[]): boolean {
  return chars.every((c) => c === chars[0]);
}

/** "abcdefghijkl", "123456789012", "987654321098": one straight run up or down (digits wrap 9→0). */
function isStraightSequence(chars: string[]): boolean {
  const isDigits = chars.every((c) => c >= "0" && c <= "9");
  const isLetters = chars.every((c) => c >= "a" && c <= "z");
  if (chars.length < 2 || (!isDigits && !isLetters)) return false;
  const diff = (i: number) => {
    const d = chars[i + 1].charCodeAt(0) - chars[i].charCodeAt(0);
    return isDigits && Math.abs(d) === 9 ? -Math.sign(d) : d; // 9→0 is +1, 0→9 is -1
  };
  const direction = diff(0);
  if (direction !== 1 && direction !== -1) return false;
  for (let i = 1; i < chars.length - 1; i++) if (diff(i) !== direction) return false;
  return true;
}

/**
 * Problems with a new password (empty array: acceptable). Length is counted in
 * Unicode code points, so passphrases in any script work; no rules about
 * character classes.
 */
export function passwordProblems(password: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const chars = Array.from(password);
  if (chars.length < PASSWORD_MIN_LENGTH) problems.push("too_short");
  if (chars.length > PASSWORD_MAX_LENGTH) problems.push("too_long");
  const lower = Array.from(password.normalize("NFKC").toLowerCase());
  if (
    lower.length > 0 &&
    (COMMON_PASSWORDS.has(lower.join("")) || isOneRepeatedCharacter(lower) || isStraightSequence(lower))
  ) {
    problems.push("too_common");
  }
  return problems;
}
