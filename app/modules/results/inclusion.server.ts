/**
 * "Included in results" and "included in open data" in the privacy log of every published
 * submission, written by a job after the results are published — not in the moderator's request,
 * which at 170 000 submissions took 26 s.
 *
 * publishResults records a request (table results_inclusion, same transaction as the publication;
 * inclusion-request.server.ts);
 * the job (JOBS.results_inclusion) first makes sure the statistics snapshot is there, then walks the procedure's published submissions in id order, BATCH
 * at a time, one transaction per batch: it locks the batch's submissions (PostgreSQL; SQLite write
 * transactions are exclusive anyway), skips every submission whose log already has the entry, writes
 * both entries for the others and moves its cursor (`logged_through`) in the same transaction. So a
 * job that is interrupted carries on where it stopped, and two runs at once (a lease that ran out, a
 * second instance) never write an entry twice: the second waits for the batch's lock and then finds
 * the entries there. A submission published after the results are out gets its entries at once
 * (moderation.server.ts, via logInclusion).
 */
import { sql, type Kysely, type Transaction } from "kysely";
import { engineOf } from "#db/connection.server";
import type { Database } from "#db/schema";
import { appendPrivacyEvents } from "~/modules/privacy-log/privacy-log.server";
import type { NewPrivacyEvent } from "~/modules/privacy-log/events";
import { LEGAL_BASES } from "~/modules/privacy-log/legal-basis";
import { resultsSnapshot } from "./statistics.server";
import { PUBLISHED_STATES } from "./snapshot.server";

export const INCLUSION_BATCH = 200;
/** A run stops after this long (well inside the job's 10-minute lease) and the next run carries on. */
export const INCLUSION_BUDGET_MS = 5 * 60 * 1000;
const PUBLICATION_LEGAL_BASIS = LEGAL_BASES.publicTask;

/** Submissions among `ids` whose log already says they are in the results. */
async function alreadyIncluded(trx: Transaction<Database>, ids: number[]): Promise<Set<number>> {
  const rows = await trx.selectFrom("privacy_events").select("submission_id").where("submission_id", "in", ids).where("type", "=", "included_in_results").execute();
  return new Set(rows.map((r) => r.submission_id));
}

/** Both entries in one submission's log, unless they are there already. The caller holds the submission (lock/transaction). */
export async function logInclusion(trx: Transaction<Database>, target: { organisationId: number; submissionId: number }, moderatorId: number | null, now: Date): Promise<boolean> {
  if ((await alreadyIncluded(trx, [target.submissionId])).size > 0) return false;
  await writeInclusion(trx, target, moderatorId, now);
  return true;
}

// both entries in one append (the chain's tail read once, one insert): the rows are those of two
// appends one after the other, at half the statements — the job writes 1.7 million at a million submissions
async function writeInclusion(trx: Transaction<Database>, target: { organisationId: number; submissionId: number }, moderatorId: number | null, now: Date): Promise<void> {
  await appendPrivacyEvents(
    trx,
    target,
    (["included_in_results", "included_in_open_data"] as const).map(
      (type): NewPrivacyEvent => ({
        type,
        actorRole: "moderator",
        actorAccountId: moderatorId,
        categories: ["content"],
        purpose: "publication",
        legalBasis: PUBLICATION_LEGAL_BASIS,
        occurredAt: now,
      }),
    ),
  );
}

export interface InclusionRun {
  /** procedures whose logs are now complete */
  finished: number;
  /** submissions that got their entries in this run */
  logged: number;
  /** true when the time budget ran out with work left (the next run carries on) */
  more: boolean;
}

/**
 * The job: works off every open request, oldest first. `now` dates the entries; `budgetMs` (and
 * `maxBatches`) bound the run, `batchSize` the transactions.
 */
export async function runResultsInclusion(
  db: Kysely<Database>,
  now: Date = new Date(),
  { batchSize = INCLUSION_BATCH, budgetMs = INCLUSION_BUDGET_MS, maxBatches = Infinity }: { batchSize?: number; budgetMs?: number; maxBatches?: number } = {},
): Promise<InclusionRun> {
  const startedAt = Date.now();
  let batches = 0;
  const run: InclusionRun = { finished: 0, logged: 0, more: false };
  const open = await db.selectFrom("results_inclusion").selectAll().where("done_at", "is", null).orderBy("requested_at").execute();
  for (const request of open) {
    // the statistics first (the results page's snapshot), unless they still match the submissions
    const questions = await db.selectFrom("questions").select(["id", "kind"]).where("procedure_id", "=", request.procedure_id).execute();
    await resultsSnapshot(db, { id: request.procedure_id, questions });
    for (;;) {
      if (Date.now() - startedAt > budgetMs || batches >= maxBatches) {
        run.more = true;
        return run;
      }
      batches++;
      const step = await db.transaction().execute(async (trx) => {
        // the request as it is now: done by another run meanwhile, or asked again (cursor back at 0)
        const current = await trx
          .selectFrom("results_inclusion")
          .select(["logged_through", "done_at", "requested_at", "moderator_id"])
          .where("procedure_id", "=", request.procedure_id)
          .executeTakeFirst();
        if (!current || current.done_at !== null) return { done: false, logged: 0, stop: true };
        const ids = (
          await trx
            .selectFrom("submissions")
            .select("id")
            .where("organisation_id", "=", request.organisation_id)
            .where("procedure_id", "=", request.procedure_id)
            .where("state", "in", PUBLISHED_STATES)
            .where("id", ">", current.logged_through)
            .orderBy("id")
            .limit(batchSize)
            .execute()
        ).map((r) => r.id);
        // progress is recorded only against the request it was made for (not one asked again meanwhile)
        const advance = (set: { logged_through: number } | { done_at: string }) =>
          trx.updateTable("results_inclusion").set(set).where("procedure_id", "=", request.procedure_id).where("requested_at", "=", current.requested_at).execute();
        if (ids.length === 0) {
          await advance({ done_at: now.toISOString() });
          return { done: true, logged: 0, stop: true };
        }
        // a second run waits here until the first one's batch is committed, then finds its entries
        if (engineOf(trx) === "postgres") await sql`select id from submissions where id in (${sql.join(ids)}) order by id for update`.execute(trx);
        const done = await alreadyIncluded(trx, ids);
        let logged = 0;
        for (const submissionId of ids) {
          if (done.has(submissionId)) continue;
          await writeInclusion(trx, { organisationId: request.organisation_id, submissionId }, current.moderator_id, now);
          logged++;
        }
        await advance({ logged_through: ids[ids.length - 1] });
        return { done: false, logged, stop: false };
      });
      run.logged += step.logged;
      if (step.done) run.finished++;
      if (step.stop) break;
    }
  }
  return run;
}
