/**
 * Fixed-window rate limits kept in the database, so every app instance counts the same attempts.
 * One upsert per hit; the row is reset when its window has passed.
 */
import { sql, type Kysely } from "kysely";
import type { Database } from "#db/schema";

export interface RateLimitResult {
  allowed: boolean;
  count: number;
  retryAfterSeconds: number;
}

export async function hitRateLimit(
  db: Kysely<Database>,
  key: string,
  { limit, windowMs, now = new Date() }: { limit: number; windowMs: number; now?: Date },
): Promise<RateLimitResult> {
  const nowIso = now.toISOString();
  const cutoff = new Date(now.getTime() - windowMs).toISOString();
  const row = await db
    .insertInto("rate_limits")
    .values({ key, window_start: nowIso, count: 1 })
    .onConflict((oc) =>
      oc.column("key").doUpdateSet({
        count: sql<number>`case when rate_limits.window_start < ${cutoff} then 1 else rate_limits.count + 1 end`,
        window_start: sql<string>`case when rate_limits.window_start < ${cutoff} then ${nowIso} else rate_limits.window_start end`,
      }),
    )
    .returning(["count", "window_start"])
    .executeTakeFirstOrThrow();
  const count = Number(row.count);
  const resetAt = new Date(row.window_start).getTime() + windowMs;
  return { allowed: count <= limit, count, retryAfterSeconds: Math.max(1, Math.ceil((resetAt - now.getTime()) / 1000)) };
}

/**
 * The client a limit counts: an IPv4 address, or for IPv6 its /64 network — one household or
 * machine gets a whole /64 and could otherwise take a fresh address for every attempt.
 */
export function clientBucket(address: string): string {
  const a = address.trim().toLowerCase().replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) return mapped[1];
  if (!a.includes(":")) return a;
  const [head, tail = ""] = a.split("::");
  const left = head ? head.split(":") : [];
  const right = a.includes("::") && tail ? tail.split(":") : [];
  // an embedded IPv4 tail (::1.2.3.4) counts as two groups; only the first four groups matter
  const missing = 8 - left.length - right.length - (right.at(-1)?.includes(".") ? 1 : 0);
  const groups = a.includes("::") ? [...left, ...Array(Math.max(0, missing)).fill("0"), ...right] : left;
  return `${groups.slice(0, 4).map((g) => (g || "0").replace(/^0+(?=.)/, "")).join(":")}::/64`;
}

/**
 * Progressive delay after failures (sign-in): the first `free` failures cost nothing, then each
 * further attempt must wait `baseMs`, doubling per failure up to `maxMs`, counted from the last
 * failure. Successes are not counted. A quiet `forgetMs` after the last failure starts afresh.
 */
export interface DelayPolicy {
  free: number;
  baseMs: number;
  maxMs: number;
  forgetMs: number;
}

/** Seconds still to wait before another attempt on this key (0: go ahead). */
export async function failureDelaySeconds(db: Kysely<Database>, key: string, policy: DelayPolicy, now: Date = new Date()): Promise<number> {
  const row = await db.selectFrom("rate_limits").select(["count", "window_start"]).where("key", "=", key).executeTakeFirst();
  if (!row) return 0;
  const lastFailure = new Date(row.window_start).getTime();
  const failures = Number(row.count);
  if (now.getTime() - lastFailure >= policy.forgetMs || failures < policy.free) return 0;
  const wait = Math.min(policy.baseMs * 2 ** (failures - policy.free), policy.maxMs);
  const left = lastFailure + wait - now.getTime();
  return left > 0 ? Math.ceil(left / 1000) : 0;
}

/** One more failure on this key; `window_start` holds the time of the last one. */
export async function recordFailure(db: Kysely<Database>, key: string, policy: DelayPolicy, now: Date = new Date()): Promise<void> {
  const nowIso = now.toISOString();
  const forgotten = new Date(now.getTime() - policy.forgetMs).toISOString();
  await db
    .insertInto("rate_limits")
    .values({ key, window_start: nowIso, count: 1 })
    .onConflict((oc) =>
      oc.column("key").doUpdateSet({
        count: sql<number>`case when rate_limits.window_start < ${forgotten} then 1 else rate_limits.count + 1 end`,
        window_start: nowIso,
      }),
    )
    .execute();
}

export async function clearFailures(db: Kysely<Database>, key: string): Promise<void> {
  await db.deleteFrom("rate_limits").where("key", "=", key).execute();
}

/** Rows no limit can still use (the longest window or memory is a day): removed by the jobs. */
export async function purgeRateLimits(db: Kysely<Database>, now: Date = new Date()): Promise<number> {
  const before = new Date(now.getTime() - 24 * 60 * 60 * 1000).toISOString();
  const removed = await db.deleteFrom("rate_limits").where("window_start", "<", before).executeTakeFirst();
  return Number(removed.numDeletedRows);
}
