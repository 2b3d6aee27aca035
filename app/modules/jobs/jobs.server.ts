/**
 * Scheduled jobs. Each run takes a lease row in the database first, so when several app instances
 * share one database only one of them runs a job at a time.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { log } from "~/modules/http/log.server";
import { countJob } from "~/modules/http/metrics.server";
import { purgeExpiredSessions } from "~/modules/accounts/sessions.server";
import { purgeRateLimits } from "~/modules/http/rate-limit.server";
import { runRetention } from "~/modules/privacy/retention.server";
import { runOutbox } from "~/modules/notifications/outbox.server";
import { runAccessibilityJob } from "~/modules/accessibility/accessibility.server";
import { runAlertsJob } from "~/modules/alerts/sending.server";
import { runResultsInclusion } from "~/modules/results/inclusion.server";
import { sweepUnsentAttachments } from "~/modules/attachments/attachments.server";
import { sweepUnclaimedBlobs } from "~/modules/files/blobs.server";
import { sweepSpoolFiles } from "~/modules/http/multipart.server";

// unique per process even where containers share a host name and a pid (1): a lease is released only by its holder
const holder = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;

async function takeLease(db: Kysely<Database>, name: string, leaseMs: number, now: Date): Promise<boolean> {
  const until = new Date(now.getTime() + leaseMs).toISOString();
  await db.insertInto("job_leases").values({ name, locked_until: now.toISOString(), locked_by: "", last_result: null }).onConflict((oc) => oc.column("name").doNothing()).execute();
  const taken = await db
    .updateTable("job_leases")
    .set({ locked_until: until, locked_by: holder })
    .where("name", "=", name)
    .where("locked_until", "<=", now.toISOString())
    .executeTakeFirst();
  return Number(taken.numUpdatedRows) === 1;
}

/** After a run the job rests this long, so instances on the same schedule do not repeat each other's work. */
const REST_MS = Number(process.env.JOBS_REST_MS ?? 5 * 60 * 1000);

/** Jobs that only work off what is asked of them rest not at all: a new request is taken up at once. */
const NO_REST = new Set(["results_inclusion", "alerts"]);

async function releaseLease(db: Kysely<Database>, name: string, result: unknown, startedAt: Date) {
  await db
    .updateTable("job_leases")
    .set({ locked_until: new Date(startedAt.getTime() + (NO_REST.has(name) ? 0 : REST_MS)).toISOString(), last_result: JSON.stringify(result) })
    .where("name", "=", name)
    .where("locked_by", "=", holder)
    .execute();
}

export const JOBS = {
  // "included in results / open data" in the privacy logs after a publication (before the outbox: same run)
  results_inclusion: (db: Kysely<Database>, now: Date) => runResultsInclusion(db, now),
  retention: (db: Kysely<Database>, now: Date) => runRetention(db, now),
  sessions: async (db: Kysely<Database>, now: Date) => ({ removed: await purgeExpiredSessions(db, now) }),
  // counters of limits whose windows have long passed
  rate_limits: async (db: Kysely<Database>, now: Date) => ({ removed: await purgeRateLimits(db, now) }),
  // result e-mails, when SMTP_URL is set (otherwise they stay pending)
  outbox: (db: Kysely<Database>, now: Date) => runOutbox(db, now),
  // barrier reports: erase contact data due after closing, send answers by e-mail when SMTP_URL is set
  accessibility: (db: Kysely<Database>, now: Date) => runAccessibilityJob(db, now),
  // e-mail alerts: unconfirmed sign-ups erased, notices of opened procedures and results, paced sending
  alerts: (db: Kysely<Database>, now: Date) => runAlertsJob(db, now),
  // files whose upload failed after some of their chunks were written
  // files of drafts never sent first: their blobs are then removed with them
  files: async (db: Kysely<Database>, now: Date) => {
    const unsentAttachments = await sweepUnsentAttachments(db, now);
    return { ...(await sweepUnclaimedBlobs(db, now)), spoolFiles: await sweepSpoolFiles(now), unsentAttachments };
  },
} as const;

/** Run every job whose lease is free. Returns what each did, or "skipped" when another instance holds it. */
export async function runJobs(db: Kysely<Database>, now: Date = new Date()): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = {};
  for (const [name, job] of Object.entries(JOBS)) {
    if (!(await takeLease(db, name, 10 * 60 * 1000, now))) {
      results[name] = "skipped";
      continue;
    }
    try {
      results[name] = await job(db, now);
      log("info", "job_finished", { job: name, result: results[name] });
      countJob(name, "success");
    } catch (error) {
      results[name] = { error: error instanceof Error ? error.message : String(error) };
      log("error", "job_failed", { job: name, error: error instanceof Error ? error.message : String(error) });
      countJob(name, "failure");
    } finally {
      await releaseLease(db, name, results[name], now);
    }
  }
  return results;
}

/**
 * Start one job now, in the background, if its lease is free (a request asked for it: e.g. results
 * were published). Failures are logged; the scheduled run picks up what is left.
 */
export function startJob(db: Kysely<Database>, name: keyof typeof JOBS): void {
  const now = new Date();
  void (async () => {
    if (!(await takeLease(db, name, 10 * 60 * 1000, now))) return;
    let result: unknown;
    try {
      result = await JOBS[name](db, now);
      log("info", "job_finished", { job: name, result });
      countJob(name, "success");
    } catch (error) {
      result = { error: error instanceof Error ? error.message : String(error) };
      log("error", "job_failed", { job: name, error: error instanceof Error ? error.message : String(error) });
      countJob(name, "failure");
    } finally {
      await releaseLease(db, name, result, now);
    }
  })().catch((error) => log("error", "job_failed", { job: name, error: error instanceof Error ? error.message : String(error) }));
}
