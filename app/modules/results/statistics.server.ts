/**
 * Statistics of a procedure: submissions per channel and answers per chart question, counted over
 * every submission not withdrawn, with small groups suppressed (disclosure.ts). The results page
 * and the JSON file read them from the stored snapshot (snapshot.server.ts), recounted when the
 * submissions they were counted from changed.
 */
import type { Kysely, Transaction } from "kysely";
import type { Channel, Database, QuestionKind } from "#db/schema";
import { CHANNELS } from "~/modules/procedures/dashboard.server";
import type { Procedure, Question } from "~/modules/procedures/procedure";
import { protectEach, protectPartition, type HiddenReason } from "./disclosure";
import { CHART_KINDS } from "./rules";
import { readBasis, readSnapshot, sameBasis, storeSnapshot, type RawCounts, type Snapshot } from "./snapshot.server";

type Db = Kysely<Database> | Transaction<Database>;

export interface ChannelCount {
  channel: Channel;
  /** null: hidden (see `hidden` for why) */
  count: number | null;
  hidden: HiddenReason | null;
}

/** Raw submissions per channel, withdrawn ones left out (counted now). */
async function rawChannelCounts(db: Db, procedureId: number): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom("submissions")
    .select(["channel", (eb) => eb.fn.countAll().as("n")])
    .where("procedure_id", "=", procedureId)
    .where("state", "!=", "withdrawn")
    .groupBy("channel")
    .execute();
  return Object.fromEntries(rows.map((r) => [r.channel, Number(r.n)]));
}

/** Channel counts as they may be shown: every channel, in a fixed order, suppressed (one partition of all statements). */
export function channelRows(raw: Record<string, number>): ChannelCount[] {
  const shown = protectPartition(CHANNELS.map((channel) => raw[channel] ?? 0));
  return CHANNELS.map((channel, i) => ({ channel, ...shown[i] }));
}

/** Submissions per channel (withdrawn ones left out), suppressed; counted now (see resultsStatistics). */
export async function channelCounts(db: Db, procedureId: number): Promise<ChannelCount[]> {
  return channelRows(await rawChannelCounts(db, procedureId));
}

export interface CountRow {
  value: string;
  label: string;
  /** null: hidden — fewer than MIN_GROUP_SIZE, or hidden to protect one that is (`hidden`) */
  count: number | null;
  hidden: HiddenReason | null;
}

export interface QuestionStatistics {
  questionId: number;
  /** the question's place in the form, 1 for the first */
  number: number;
  kind: QuestionKind;
  label: string;
  rows: CountRow[];
}

/** The words for values that are not procedure content (yes/no), in the reader's language. */
export interface ValueLabels {
  yes: string;
  no: string;
}

/** The possible answers of a chart question, in the form's order. */
export function answerOptions(q: Question, labels: ValueLabels): { value: string; label: string }[] {
  switch (q.kind) {
    case "single_choice":
    case "multiple_choice":
      return q.options.map((o) => ({ value: o.value, label: o.label }));
    case "scale": {
      const s = q.scale ?? { min: 1, max: 5, minLabel: "", maxLabel: "" };
      const out: { value: string; label: string }[] = [];
      for (let n = s.min; n <= s.max; n++) {
        const end = n === s.min ? s.minLabel : n === s.max ? s.maxLabel : "";
        out.push({ value: String(n), label: end ? `${n} (${end})` : String(n) });
      }
      return out;
    }
    case "yes_no":
      return [
        { value: "yes", label: labels.yes },
        { value: "no", label: labels.no },
      ];
    default:
      return [];
  }
}

/** What counting needs of a procedure: its id and its questions' ids and kinds. */
export interface CountedProcedure {
  id: number;
  questions: readonly Pick<Question, "id" | "kind">[];
}

/** Raw answer counts per chart question and value, over every submission not withdrawn. */
export async function rawAnswerCounts(db: Db, procedure: CountedProcedure): Promise<Map<number, Map<string, number>>> {
  const ids = procedure.questions.filter((q) => CHART_KINDS.includes(q.kind)).map((q) => q.id);
  const result = new Map<number, Map<string, number>>(ids.map((id) => [id, new Map()]));
  if (ids.length === 0) return result;
  // the questions belong to this procedure alone, so no join with a million submissions: only the
  // (few) withdrawn ones are looked up and left out
  const rows = await db
    .selectFrom("answers")
    .select(["answers.question_id", "answers.value", (eb) => eb.fn.count("answers.submission_id").distinct().as("n")])
    .where("answers.question_id", "in", ids)
    .where("answers.submission_id", "not in", (eb) =>
      eb.selectFrom("submissions").select("submissions.id").where("submissions.procedure_id", "=", procedure.id).where("submissions.state", "=", "withdrawn"),
    )
    .groupBy(["answers.question_id", "answers.value"])
    .execute();
  for (const r of rows) result.get(r.question_id)!.set(r.value, Number(r.n));
  return result;
}

/**
 * For every single-choice, multiple-choice, scale and yes/no question: how often each answer was
 * given, by every submission that was not withdrawn (not publishing a text does not drop its
 * choices), with groups below MIN_GROUP_SIZE suppressed.
 */
export async function questionStatistics(db: Db, procedure: Pick<Procedure, "id" | "questions">, labels: ValueLabels): Promise<QuestionStatistics[]> {
  const [raw, channels] = await Promise.all([rawAnswerCounts(db, procedure), rawChannelCounts(db, procedure.id)]);
  return statisticsRows(procedure, (questionId, value) => raw.get(questionId)?.get(value) ?? 0, totalOf(channels), labels);
}

const totalOf = (channels: Record<string, number>) => Object.values(channels).reduce((s, n) => s + n, 0);

/**
 * The chart questions' rows, suppressed, from raw counts however they were obtained. `total`:
 * statements counted (not withdrawn). A question with one answer per statement is a partition of
 * them — with those who left an optional one unanswered as its unlisted part (disclosure.ts).
 */
function statisticsRows(
  procedure: Pick<Procedure, "questions">,
  count: (questionId: number, value: string) => number,
  total: number,
  labels: ValueLabels,
): QuestionStatistics[] {
  return procedure.questions
    .map((q, i) => ({ q, number: i + 1 }))
    .filter(({ q }) => CHART_KINDS.includes(q.kind))
    .map(({ q, number }) => {
      const options = answerOptions(q, labels);
      const counts = options.map((o) => count(q.id, o.value));
      const answered = counts.reduce((s, n) => s + n, 0);
      const shown =
        q.kind === "multiple_choice" ? protectEach(counts) : protectPartition(counts, q.required ? null : Math.max(0, total - answered));
      return { questionId: q.id, number, kind: q.kind, label: q.label, rows: options.map((o, k) => ({ ...o, ...shown[k] })) };
    });
}

// ---------------------------------------------------------------------------------------------
// The stored snapshot of the statistics
// ---------------------------------------------------------------------------------------------

/** Counts everything the statistics show, now (the expensive part: one pass over the answers). */
async function countAll(db: Db, procedure: CountedProcedure): Promise<RawCounts> {
  const [channels, answers] = await Promise.all([rawChannelCounts(db, procedure.id), rawAnswerCounts(db, procedure)]);
  const byQuestion: RawCounts["answers"] = {};
  for (const [questionId, values] of answers) byQuestion[String(questionId)] = Object.fromEntries(values);
  return { channels, answers: byQuestion };
}

/** Counts made again now and stored (the basis read before counting, so a change meanwhile shows as stale). */
export async function refreshSnapshot(db: Kysely<Database>, procedure: CountedProcedure, now: Date = new Date()): Promise<Snapshot> {
  const basis = await readBasis(db, procedure.id);
  const counts = await countAll(db, procedure);
  return storeSnapshot(db, procedure.id, basis, counts, now);
}

// concurrent requests of one process wait for the same recount instead of each counting a million rows
const recounts = new WeakMap<object, Map<number, Promise<Snapshot>>>();

/**
 * The stored statistics, recounted first when there are none yet or the submissions they were
 * counted from changed (a submission added or withdrawn since). Every instance reads the same row.
 */
export async function resultsSnapshot(db: Kysely<Database>, procedure: CountedProcedure): Promise<Snapshot> {
  const [stored, basis] = await Promise.all([readSnapshot(db, procedure.id), readBasis(db, procedure.id)]);
  if (stored && sameBasis(stored.basis, basis)) return stored;
  let running = recounts.get(db);
  if (!running) recounts.set(db, (running = new Map()));
  const pending = running.get(procedure.id);
  if (pending) return pending;
  const recount = refreshSnapshot(db, procedure).finally(() => running.delete(procedure.id));
  running.set(procedure.id, recount);
  return recount;
}

export interface ResultsStatistics {
  channels: ChannelCount[];
  statistics: QuestionStatistics[];
  /** published submissions (the list on the page and in the files) */
  published: number;
}

/** What the results page and the JSON file show, from the stored snapshot, suppressed. */
export async function resultsStatistics(db: Kysely<Database>, procedure: Pick<Procedure, "id" | "questions">, labels: ValueLabels): Promise<ResultsStatistics> {
  const snapshot = await resultsSnapshot(db, procedure);
  return {
    channels: channelRows(snapshot.counts.channels),
    statistics: statisticsRows(procedure, (questionId, value) => snapshot.counts.answers[String(questionId)]?.[value] ?? 0, totalOf(snapshot.counts.channels), labels),
    published: snapshot.published,
  };
}
