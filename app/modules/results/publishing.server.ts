/**
 * Publishing results (moderators): the summary, the overview of what will be in the results, and
 * the step closed/in evaluation → results published, which in the same transaction asks the
 * inclusion job (inclusion.server.ts) to write the privacy-log entries and count the statistics.
 */
import type { Kysely, Transaction } from "kysely";
import { inTransaction } from "#db/connection.server";
import type { Database } from "#db/schema";
import { normaliseText, textProblem, type FieldError } from "~/modules/forms/fields";
import { requestInclusion } from "./inclusion-request.server";
import { procedureRow, type ResultsProcedure } from "./results-procedure.server";
import { PUBLISHABLE, SUMMARY_EDITABLE, SUMMARY_MAX } from "./rules";
import { PUBLISHED_STATES, countPublishedRows } from "./snapshot.server";

type Db = Kysely<Database> | Transaction<Database>;

/** The summary as the staff form sends it: normalised, or what the moderator has to correct. */
export function validateSummary(raw: string, { required }: { required: boolean }): { ok: true; summary: string } | { ok: false; errors: FieldError[] } {
  const summary = normaliseText(raw);
  if (summary === "") return required ? { ok: false, errors: [{ field: "summary", message: "moderation:results.errors.summaryRequired" }] } : { ok: true, summary };
  const wrong = textProblem(summary, { max: SUMMARY_MAX, multiLine: true });
  if (wrong?.problem === "forbiddenCharacters") return { ok: false, errors: [{ field: "summary", message: "moderation:results.errors.forbiddenCharacters" }] };
  if (wrong) return { ok: false, errors: [{ field: "summary", message: "moderation:results.errors.summaryTooLong", params: { max: SUMMARY_MAX, length: wrong.length } }] };
  return { ok: true, summary };
}

export interface ResultsOverview {
  procedure: ResultsProcedure;
  published: number;
  unreviewed: number;
  notPublished: number;
  /** submissions (not withdrawn) without an official response yet */
  unanswered: number;
  /** published submissions whose logs the inclusion job has not reached yet */
  pendingLogs: number;
}

/** What the staff page shows: the procedure's state, the summary, how many will be in the results. */
export async function resultsOverview(db: Db, organisationId: number, procedureId: number): Promise<ResultsOverview | undefined> {
  const procedure = await procedureRow(db, organisationId, procedureId);
  if (!procedure) return undefined;
  const byState = await db
    .selectFrom("submissions")
    .select(["state", "response_state", (eb) => eb.fn.countAll().as("n")])
    .where("procedure_id", "=", procedureId)
    .groupBy(["state", "response_state"])
    .execute();
  const n = (state: string) => byState.filter((r) => r.state === state).reduce((sum, r) => sum + Number(r.n), 0);
  const unanswered = byState.filter((r) => r.state !== "withdrawn" && r.response_state === "pending").reduce((sum, r) => sum + Number(r.n), 0);
  // the inclusion job's progress: published submissions past its cursor still wait for their entries
  const inclusion = await db.selectFrom("results_inclusion").select(["logged_through", "done_at"]).where("procedure_id", "=", procedureId).executeTakeFirst();
  const pending =
    inclusion && inclusion.done_at === null
      ? await db
          .selectFrom("submissions")
          .select((eb) => eb.fn.countAll().as("n"))
          .where("procedure_id", "=", procedureId)
          .where("state", "in", PUBLISHED_STATES)
          .where("id", ">", inclusion.logged_through)
          .executeTakeFirstOrThrow()
      : { n: 0 };
  return {
    procedure,
    published: n("published") + n("published_redacted"),
    unreviewed: n("received"),
    notPublished: n("not_published"),
    unanswered,
    pendingLogs: Number(pending.n),
  };
}

export type SummaryResult = { ok: true; changed: boolean } | { ok: false; status: 400 | 409; errors: FieldError[] };

const WRONG_STATUS: FieldError[] = [{ field: "results-status", message: "moderation:results.errors.wrongStatus" }];
const wrongStatus = { ok: false, status: 409, errors: WRONG_STATUS } as const;

/** Saves the summary without publishing (or changes it on published results). */
export async function saveSummary(
  db: Kysely<Database>,
  args: { organisationId: number; procedureId: number; summary: string; now?: Date },
): Promise<SummaryResult> {
  const checked = validateSummary(args.summary, { required: false });
  if (!checked.ok) return { ok: false, status: 400, errors: checked.errors };
  const row = await procedureRow(db, args.organisationId, args.procedureId);
  if (!row) return wrongStatus;
  if (!SUMMARY_EDITABLE.includes(row.status)) return wrongStatus;
  if (row.resultsSummary === checked.summary) return { ok: true, changed: false };
  const result = await db
    .updateTable("procedures")
    .set({ results_summary: checked.summary, updated_at: (args.now ?? new Date()).toISOString() })
    .where("organisation_id", "=", args.organisationId)
    .where("id", "=", args.procedureId)
    .where("status", "in", SUMMARY_EDITABLE)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? { ok: true, changed: true } : wrongStatus;
}

export type PublishResult =
  | { ok: true; firstPublication: boolean; published: number }
  | { ok: false; status: 400 | 409; errors: FieldError[] };

/**
 * Publishes the results: closed or in evaluation → results published, with the summary, and (in
 * the same transaction) a request to the inclusion job to write "included in results" and
 * "included in open data" into the log of every published submission — in batches, outside this
 * request (inclusion.server.ts). The same job counts and stores the statistics first (the snapshot
 * the results page reads; a page requested before that counts them itself, once) — at a million
 * submissions counting takes seconds, too long for the moderator's request. Running it again on
 * published results saves the summary and asks the job to check every log once more (it adds only
 * what is missing); a snapshot still matching the submissions is kept.
 */
export async function publishResults(
  db: Kysely<Database>,
  args: { organisationId: number; procedureId: number; moderatorId: number; summary: string; now?: Date },
): Promise<PublishResult> {
  const now = args.now ?? new Date();
  const checked = validateSummary(args.summary, { required: true });
  if (!checked.ok) return { ok: false, status: 400, errors: checked.errors };
  const flipped = await inTransaction(db, async (trx) => {
    const row = await procedureRow(trx, args.organisationId, args.procedureId);
    if (!row) return null;
    if (PUBLISHABLE.includes(row.status) || row.status === "results_published") {
      const result = await trx
        .updateTable("procedures")
        .set({ status: "results_published", results_summary: checked.summary, updated_at: now.toISOString() })
        .where("organisation_id", "=", args.organisationId)
        .where("id", "=", args.procedureId)
        .where("status", "=", row.status) // nobody changed it in between
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return null;
      await requestInclusion(trx, { organisationId: args.organisationId, procedureId: args.procedureId, moderatorId: args.moderatorId, now });
      return { first: row.status !== "results_published" };
    }
    return null;
  });
  if (!flipped) return wrongStatus;
  return { ok: true, firstPublication: flipped.first, published: await countPublishedRows(db, args.procedureId) };
}
