/**
 * Random bytes for the hot path: IVs, draft ids, idempotency keys.
 *
 * `crypto.randomBytes(n)` asks OpenSSL once per call, and on these machines one call for a dozen
 * bytes costs about 8 µs (a submission needs three). The same CSPRNG output is drawn here 4 KiB at a
 * time and handed out once each, as Node's own `randomUUID` does with its cache: every byte is
 * still from the operating system's generator and never given out twice.
 */
import { randomFillSync } from "node:crypto";

const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let used = POOL_BYTES;

/** `n` fresh random bytes, the caller's to keep. */
export function secureRandomBytes(n: number): Buffer {
  if (n > POOL_BYTES / 4) return randomFillSync(Buffer.alloc(n));
  if (used + n > POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  // a copy, and `used` moves past it: no byte is handed out twice
  const bytes = Buffer.from(pool.subarray(used, used + n));
  used += n;
  return bytes;
}

/**
 * A key that is unguessable (`randomBytes` random bytes, 18 by default = 144 bits) and sorts by
 * the time it was made: 12 hex digits of milliseconds, then the random part in base64url. Rows
 * keyed by it (drafts, and submissions by their idempotency key) are appended at the right edge of
 * their unique index instead of landing on a random page: with group commit, the submissions of
 * one commit then share a few index pages, where random keys made the commit write one page per
 * submission per index (the largest share of the write-ahead log under load; decision 25).
 */
export function timeOrderedKey(now: number = Date.now(), randomBytes = 18): string {
  return now.toString(16).padStart(12, "0") + secureRandomBytes(randomBytes).toString("base64url");
}
