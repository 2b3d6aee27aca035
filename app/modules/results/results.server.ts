/**
 * Results of a procedure: the moderators' summary, statistics with small groups suppressed, the
 * published submissions with their responses, and the open-data files (CSV, JSON, DCAT-AP.de).
 *
 * What is public here is never personal data: contact details are never read by this module, free
 * text is the moderated public version (answer_redactions.public_value when there is one), and
 * every count below MIN_GROUP_SIZE is shown as "fewer than 5", in statistics and channel counts
 * alike, with further groups hidden where it could otherwise be worked out (disclosure.ts). No
 * totals are published next to suppressed counts.
 *
 * A published statement carries its number, its free text and the council's response — never its
 * channel, its day of receipt or its choice answers (decision 30): those are counted only in the
 * statistics, so no artefact lets anyone count a small group, nor subtract the published rows
 * from the statistics to learn the answers of a statement that was not published.
 *
 * Published statements are numbered 1, 2, 3 … in the order received, among the published ones
 * only: no gap shows where a statement was not published.
 *
 * The exports are streams that page through the database with keyset pagination
 * (EXPORT_PAGE_SIZE rows per query, the next page only when the stream is read): this module holds
 * one page at a time however many submissions there are.
 *
 * The results page and the JSON file read the statistics from a stored snapshot
 * (snapshot.server.ts), counted when the results are published and again whenever the submissions
 * they were counted from change; publishing records the publication and leaves the privacy-log
 * entries to a job (inclusion.server.ts).
 */
import { sql, type Kysely, type Transaction } from "kysely";
import { engineOf } from "#db/connection.server";
import type { Channel, Database, ProcedureStatus, QuestionKind, ResponseDecision } from "#db/schema";
import { CONTENT_LANGUAGE } from "~/i18n/config";
import { fixedT } from "~/i18n/i18n.server";
import { RESPONSE_DECISIONS } from "~/modules/moderation/decisions";
import { berlinDay } from "~/i18n/dates";
import { CHANNELS } from "~/modules/procedures/dashboard.server";
import { contributorIri, telephoneIri } from "~/modules/organisations/organisations.server";
import { markdownToPlainText } from "~/modules/procedures/markdown";
import type { Procedure, Question } from "~/modules/procedures/procedure";
import { codePointLength, normaliseText, type FieldError } from "~/modules/forms/fields";
import { MIN_GROUP_SIZE, protectEach, protectPartition, type HiddenReason } from "./disclosure";
import { requestInclusion } from "./inclusion-request.server";
import { PUBLISHED_STATES, countPublishedRows, isPublishedState, readBasis, readSnapshot, sameBasis, storeSnapshot, type RawCounts, type Snapshot } from "./snapshot.server";

type Db = Kysely<Database> | Transaction<Database>;

// ---------------------------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------------------------

export { MIN_GROUP_SIZE };
export const RESULTS_PAGE_SIZE = 20;
export const EXPORT_PAGE_SIZE = 1000;
export const SUMMARY_MAX = 20_000;
export const CHART_KINDS: readonly QuestionKind[] = ["single_choice", "multiple_choice", "scale", "yes_no"];
export const TEXT_KINDS: readonly QuestionKind[] = ["short_text", "long_text"];
export const LICENSE_URI = "http://dcat-ap.de/def/licenses/dl-zero-de/2.0";
/** Results can be published from these states; published results can be updated. */
export const PUBLISHABLE: readonly ProcedureStatus[] = ["closed", "in_evaluation"];
/** The summary can be drafted while the procedure still runs (issue 14, point 14); published only once it is closed. */
export const SUMMARY_EDITABLE: readonly ProcedureStatus[] = ["open", "closed", "in_evaluation", "results_published"];

/**
 * Free text on the results page is cut (at a word) so that a page of 20 stays light: the text
 * answers of one submission share EXCERPT_MAX characters (at least EXCERPT_MIN each), a response
 * gets RESPONSE_EXCERPT_MAX. The open data have every text in full.
 */
export const EXCERPT_MAX = 500;
export const EXCERPT_MIN = 150;
export const RESPONSE_EXCERPT_MAX = 400;

/** Each of `count` text answers of one submission gets this many characters on the page. */
export const excerptLength = (count: number) => Math.max(EXCERPT_MIN, Math.floor(EXCERPT_MAX / Math.max(1, count)));

/** A count as it may be published: the number, or null for a group smaller than MIN_GROUP_SIZE. */
export const suppress = (n: number): number | null => (n < MIN_GROUP_SIZE ? null : n);

/** Text cut at a word boundary to at most `max` characters, with an ellipsis when it was cut. */
export function excerpt(text: string, max: number = EXCERPT_MAX): { text: string; cut: boolean } {
  const chars = [...text];
  if (chars.length <= max) return { text, cut: false };
  let cut = chars.slice(0, max - 1).join("");
  const space = cut.search(/\s\S*$/);
  if (space > max / 2) cut = cut.slice(0, space);
  return { text: `${cut.trimEnd()}…`, cut: true };
}

// C0 controls except tab and newline, DEL, C1 controls, the replacement character and bidi overrides
const FORBIDDEN_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFD\u202A-\u202E\u2066-\u2069]/;

/** The summary as the staff form sends it: normalised, or what the moderator has to correct. */
export function validateSummary(raw: string, { required }: { required: boolean }): { ok: true; summary: string } | { ok: false; errors: FieldError[] } {
  const summary = normaliseText(raw);
  if (summary === "") return required ? { ok: false, errors: [{ field: "summary", message: "moderation:results.errors.summaryRequired" }] } : { ok: true, summary };
  if (FORBIDDEN_CHARACTERS.test(summary)) return { ok: false, errors: [{ field: "summary", message: "moderation:results.errors.forbiddenCharacters" }] };
  const length = codePointLength(summary);
  if (length > SUMMARY_MAX) return { ok: false, errors: [{ field: "summary", message: "moderation:results.errors.summaryTooLong", params: { max: SUMMARY_MAX, length } }] };
  return { ok: true, summary };
}

/** `?seite=` of the results page: 1 when absent, null when it cannot be a page number. */
export function parsePage(raw: string | null): number | null {
  if (raw === null || raw === "") return 1;
  return /^[1-9][0-9]{0,5}$/.test(raw) ? Number(raw) : null;
}

// ---------------------------------------------------------------------------------------------
// CSV (RFC 4180)
// ---------------------------------------------------------------------------------------------

/**
 * One CSV field: quoted when it contains a comma, a double quote or a line break (quotes doubled).
 * Text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP's advice against
 * CSV injection; the data come from the public): = + - @ first, also after leading spaces or line
 * breaks (spreadsheets trim them), and a tab, CR or LF first.
 */
export const FORMULA_START = /^[\s\u00A0\u3000]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|^[\t\r\n]/;
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  let v = String(value);
  if (typeof value === "string" && FORMULA_START.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** A CSV record with its CRLF line ending. */
export const csvRow = (fields: (string | number | null | undefined)[]) => `${fields.map(csvField).join(",")}\r\n`;

export const CSV_BOM = "\uFEFF";

// ---------------------------------------------------------------------------------------------
// Reading the procedure
// ---------------------------------------------------------------------------------------------

export interface ResultsProcedure {
  id: number;
  organisationId: number;
  status: ProcedureStatus;
  title: string;
  summary: string;
  resultsSummary: string;
  updatedAt: string;
}

async function procedureRow(db: Db, organisationId: number, procedureId: number): Promise<ResultsProcedure | undefined> {
  const row = await db
    .selectFrom("procedures")
    .select(["id", "organisation_id", "status", "title", "summary", "results_summary", "updated_at"])
    .where("organisation_id", "=", organisationId)
    .where("id", "=", procedureId)
    .where("status", "!=", "draft")
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    organisationId: row.organisation_id,
    status: row.status,
    title: row.title,
    summary: row.summary,
    resultsSummary: row.results_summary,
    updatedAt: row.updated_at,
  };
}

/** The moderators' summary (Markdown source) of a procedure. */
export async function resultsSummaryOf(db: Db, procedureId: number): Promise<string> {
  const row = await db.selectFrom("procedures").select("results_summary").where("id", "=", procedureId).executeTakeFirst();
  return row?.results_summary ?? "";
}

/** When the results were first published (the audit log), else the procedure's last change. */
export async function resultsDates(db: Db, organisationId: number, procedureId: number): Promise<{ issued: string; modified: string }> {
  const first = await db
    .selectFrom("audit_log")
    .select((eb) => eb.fn.min("occurred_at").as("at"))
    .where("organisation_id", "=", organisationId)
    .where("action", "=", "results_published")
    .where("target_type", "=", "procedure")
    .where("target_id", "=", String(procedureId))
    .executeTakeFirst();
  const row = await db.selectFrom("procedures").select("updated_at").where("id", "=", procedureId).executeTakeFirstOrThrow();
  const issued = (first?.at as string | null | undefined) ?? row.updated_at;
  return { issued, modified: row.updated_at > issued ? row.updated_at : issued };
}

// ---------------------------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Published submissions
// ---------------------------------------------------------------------------------------------

/**
 * A published statement as every artefact shows it (decision 30): no channel, no day of receipt,
 * no choice answers — those are only counted, in the statistics.
 */
export interface PublishedSubmission {
  /** its place among the published statements in the order received (1, 2, 3 … without gaps; not the database id) */
  number: number;
  /** public free text per text question id (the redacted version where there is one) */
  answers: Map<number, string[]>;
  response: { decision: string; text: string } | null;
}

interface SubmissionRef {
  id: number;
  number: number;
  response_id: number | null;
}

/** Text answers (public version) and responses of a set of published submissions. Never contact data. */
async function withContent(db: Db, refs: SubmissionRef[]): Promise<PublishedSubmission[]> {
  if (refs.length === 0) return [];
  const ids = refs.map((r) => r.id);
  const answers = await db
    .selectFrom("answers")
    .innerJoin("questions", "questions.id", "answers.question_id")
    .leftJoin("answer_redactions", "answer_redactions.answer_id", "answers.id")
    .select(["answers.submission_id", "answers.question_id", "answers.value", "answer_redactions.public_value"])
    .where("answers.submission_id", "in", ids)
    .where("questions.kind", "in", TEXT_KINDS)
    .orderBy("answers.id")
    .execute();
  const responseIds = [...new Set(refs.map((r) => r.response_id).filter((id): id is number => id !== null))];
  const responses = responseIds.length
    ? await db.selectFrom("responses").select(["id", "decision", "text"]).where("id", "in", responseIds).execute()
    : [];
  const byId = new Map<number, PublishedSubmission>();
  const out = refs.map((r) => {
    const response = r.response_id === null ? undefined : responses.find((x) => x.id === r.response_id);
    const item: PublishedSubmission = {
      number: r.number,
      answers: new Map(),
      response: response ? { decision: response.decision, text: response.text } : null,
    };
    byId.set(r.id, item);
    return item;
  });
  for (const a of answers) {
    const item = byId.get(a.submission_id)!;
    const list = item.answers.get(a.question_id) ?? [];
    list.push(a.public_value ?? a.value);
    item.answers.set(a.question_id, list);
  }
  return out;
}

/**
 * One page (RESULTS_PAGE_SIZE) of the published submissions, first received first. `knownTotal`:
 * the number published when the caller has it (the snapshot), else counted here.
 */
export async function publishedPage(db: Db, procedureId: number, page: number, knownTotal?: number): Promise<{ items: PublishedSubmission[]; total: number; pages: number }> {
  const total = knownTotal ?? (await countPublishedRows(db, procedureId));
  const pages = Math.max(1, Math.ceil(total / RESULTS_PAGE_SIZE));
  if (page > pages || total === 0) return { items: [], total, pages };
  // numbered among the published ones only, so no gap shows where one was not published
  const offset = (page - 1) * RESULTS_PAGE_SIZE;
  const pageRows = await db
    .selectFrom("submissions")
    .select(["id", "response_id"])
    .where("procedure_id", "=", procedureId)
    .where("state", "in", PUBLISHED_STATES)
    .orderBy("id")
    .limit(RESULTS_PAGE_SIZE)
    .offset(offset)
    .execute();
  const items = await withContent(
    db,
    pageRows.map((r, i) => ({ ...r, number: offset + i + 1 })),
  );
  return { items, total, pages };
}

/**
 * Every published submission in batches, first received first, with keyset pagination over the
 * procedure's submissions (`id > last`, pageSize rows per query): memory stays at one batch.
 */
export async function* publishedBatches(
  db: Db,
  procedureId: number,
  { pageSize = EXPORT_PAGE_SIZE, signal }: { pageSize?: number; signal?: AbortSignal } = {},
): AsyncGenerator<PublishedSubmission[]> {
  let after = 0;
  let rank = 0;
  for (;;) {
    if (signal?.aborted) return;
    const rows = await db
      .selectFrom("submissions")
      .select(["id", "state", "response_id"])
      .where("procedure_id", "=", procedureId)
      .where("id", ">", after)
      .orderBy("id")
      .limit(pageSize)
      .execute();
    if (rows.length === 0) return;
    after = rows[rows.length - 1].id;
    const refs: SubmissionRef[] = [];
    for (const r of rows) if (isPublishedState(r.state)) refs.push({ id: r.id, response_id: r.response_id, number: ++rank });
    if (refs.length > 0) yield await withContent(db, refs);
    if (rows.length < pageSize) return;
  }
}

// ---------------------------------------------------------------------------------------------
// Open data
// ---------------------------------------------------------------------------------------------

/** The words the files use (always German, the language of the procedure's content). */
export interface ExportLabels extends ValueLabels {
  columns: { number: string; received: string; channel: string; decision: string; response: string };
  channels: Record<Channel, string>;
  decisions: Record<ResponseDecision, string>;
}

/** The files' words, from the German translations (the files do not change with the reader's language). */
export function exportLabels(): ExportLabels {
  const t = fixedT(CONTENT_LANGUAGE, "results");
  const p = fixedT(CONTENT_LANGUAGE, "privacy");
  return {
    yes: t("yes"),
    no: t("no"),
    columns: { number: t("export.number"), received: t("export.received"), channel: t("export.channel"), decision: t("export.decision"), response: t("export.response") },
    channels: Object.fromEntries(CHANNELS.map((c) => [c, t(`channels.${c}`)])) as Record<Channel, string>,
    decisions: Object.fromEntries(RESPONSE_DECISIONS.map((d) => [d, p(`decisions.${d}`)])) as Record<ResponseDecision, string>,
  };
}

/** A published text answer as the files have it ("" when not answered). */
const textAnswer = (values: string[] | undefined) => (values ?? []).join("\n");

const questionKey = (number: number) => `frage_${number}`;

/** The questions whose answers a published row carries (free text only, decision 30), with their keys. */
const rowQuestions = (questions: readonly Question[]) =>
  questions.map((q, i) => ({ q, key: questionKey(i + 1) })).filter(({ q }) => TEXT_KINDS.includes(q.kind));

/** A ReadableStream of UTF-8 text from an async generator of strings, one chunk per pull. */
function textStream(source: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        for (;;) {
          const { value, done } = await source.next();
          if (done) return controller.close();
          if (value) return controller.enqueue(encoder.encode(value));
        }
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await source.return(undefined);
    },
  });
}

export interface ExportOptions {
  pageSize?: number;
  signal?: AbortSignal;
}

/**
 * The CSV file: UTF-8 with BOM, RFC 4180 (comma, CRLF, quotes as needed), one row per published
 * submission: number, each text question's public answer, decision, response (decision 30: no
 * channel, day or choice answers — those are counted in the JSON's statistics).
 */
export function csvExport(db: Db, procedure: Pick<Procedure, "id" | "questions">, labels: ExportLabels, options: ExportOptions = {}): ReadableStream<Uint8Array> {
  const columns = rowQuestions(procedure.questions);
  async function* lines(): AsyncGenerator<string> {
    const c = labels.columns;
    yield CSV_BOM + csvRow([c.number, ...columns.map(({ q }) => q.label), c.decision, c.response]);
    for await (const batch of publishedBatches(db, procedure.id, options)) {
      let chunk = "";
      for (const s of batch) {
        chunk += csvRow([
          s.number,
          ...columns.map(({ q }) => textAnswer(s.answers.get(q.id))),
          s.response ? (labels.decisions[s.response.decision as ResponseDecision] ?? s.response.decision) : "",
          s.response?.text ?? "",
        ]);
      }
      yield chunk;
    }
  }
  return textStream(lines());
}

const countJson = (c: { count: number | null; hidden: HiddenReason | null }) =>
  c.count === null ? { count: null, suppressed: true, reason: c.hidden } : { count: c.count, suppressed: false };

export interface JsonExportMeta {
  title: string;
  organisation: string;
  url: string;
  opensAt: string;
  closesAt: string;
  issued: string;
  modified: string;
}

/**
 * The JSON file: what the CSV has (with option values instead of labels, the labels listed per
 * question) plus the statistics per question and per channel, suppressed as on the page.
 */
export function jsonExport(
  db: Kysely<Database>,
  procedure: Pick<Procedure, "id" | "questions">,
  meta: JsonExportMeta,
  labels: ExportLabels,
  options: ExportOptions = {},
): ReadableStream<Uint8Array> {
  const columns = rowQuestions(procedure.questions);
  async function* parts(): AsyncGenerator<string> {
    const { channels, statistics } = await resultsStatistics(db, procedure, labels);
    const head = {
      title: meta.title,
      publisher: meta.organisation,
      url: meta.url,
      license: LICENSE_URI,
      participation: { from: meta.opensAt, until: meta.closesAt },
      issued: meta.issued,
      modified: meta.modified,
      notes:
        "Ohne Namen und Kontaktdaten. Freitexte in der veröffentlichten (ggf. geschwärzten) Fassung. " +
        `Gruppen mit weniger als ${MIN_GROUP_SIZE} Antworten sind unterdrückt (count: null, suppressed: true, reason: small_group); ` +
        "wo sich eine solche Zahl aus den anderen ausrechnen ließe, auch die nächstkleinere Gruppe (reason: protects_small_group). " +
        "Die Statistik zählt alle nicht zurückgezogenen Beiträge, die Liste enthält die veröffentlichten, fortlaufend nummeriert, " +
        "mit ihren Freitexten und der Antwort der Verwaltung – ohne Eingangsweg, Eingangsdatum und Antworten zur Auswahl, die nur gezählt werden.",
      minimumGroupSize: MIN_GROUP_SIZE,
      questions: procedure.questions.map((q, i) => ({
        key: questionKey(i + 1),
        label: q.label,
        kind: q.kind,
        ...(CHART_KINDS.includes(q.kind) ? { options: answerOptions(q, labels) } : {}),
      })),
      statistics: {
        channels: channels.map((c) => ({ channel: c.channel, label: labels.channels[c.channel], ...countJson(c) })),
        questions: statistics.map((s) => ({
          key: questionKey(s.number),
          label: s.label,
          kind: s.kind,
          counts: s.rows.map((r) => ({ value: r.value, label: r.label, ...countJson(r) })),
        })),
      },
    };
    const text = JSON.stringify(head);
    yield `${text.slice(0, -1)},"submissions":[`;
    let first = true;
    for await (const batch of publishedBatches(db, procedure.id, options)) {
      let chunk = "";
      for (const s of batch) {
        const answers: Record<string, string | null> = {};
        for (const { q, key } of columns) answers[key] = s.answers.has(q.id) ? textAnswer(s.answers.get(q.id)) : null;
        chunk += `${first ? "\n" : ",\n"}${JSON.stringify({ number: s.number, answers, response: s.response })}`;
        first = false;
      }
      yield chunk;
    }
    yield "\n]}\n";
  }
  return textStream(parts());
}

/**
 * The origin of the open data's IRIs: PUBLIC_ORIGIN, or "" when it is not set — then every IRI is
 * a path ("/musterstadt/…"), which a reader resolves against the address it fetched the file from.
 * Never the request's Host header: a forged Host would otherwise be written into the catalogue
 * (and into the page cache).
 */
export function configuredOrigin(): string {
  const configured = (process.env.PUBLIC_ORIGIN ?? "").trim().replace(/\/+$/, "");
  return /^https?:\/\/[^/\s]+$/i.test(configured) ? configured : "";
}

/** Who answers questions about the open data (DCAT-AP.de requires an e-mail address, a web page or a phone number). */
export interface OpenDataContact {
  email: string;
  phone: string;
  /** a web page; empty: the organisation's participation page */
  url: string;
}

/** What the CSV distribution says about its bytes: the BOM a reader would otherwise trip over. */
export const CSV_DESCRIPTION =
  "Veröffentlichte Beiträge: Nummer, Freitexte, Entscheidung und Antwort der Verwaltung. CSV nach RFC 4180 " +
  "(Komma als Trennzeichen, Zeilenende CRLF, erste Zeile mit Spaltennamen), Zeichenkodierung UTF-8 mit " +
  "Byte-Order-Mark (BOM, Bytes EF BB BF) am Dateianfang, damit Tabellenprogramme Umlaute richtig lesen.";

/** DCAT-AP.de metadata of the results as JSON-LD: one dcat:Dataset with a CSV and a JSON distribution. */
export function dcatMetadata(args: {
  origin: string;
  basePath: string;
  /** the organisation's participation page (path), the contact's web page when none is set */
  organisationPath: string;
  organisation: string;
  contact: OpenDataContact;
  /** GovData contributor ID as set by the admin (bare or as IRI); empty: none */
  contributorId: string;
  title: string;
  procedureSummary: string;
  resultsSummary: string;
  opensAt: string;
  closesAt: string;
  issued: string;
  modified: string;
}) {
  const base = `${args.origin}${args.basePath}`;
  const de = (value: string) => ({ "@value": value, "@language": "de" });
  const dateTime = (value: string) => ({ "@value": value, "@type": "xsd:dateTime" });
  const license = { "@id": LICENSE_URI };
  const description = [args.procedureSummary, markdownToPlainText(args.resultsSummary)].filter((s) => s.trim() !== "").join("\n\n");
  const distribution = (file: string, title: string, format: string, mediaType: string, description?: string) => ({
    "@id": `${base}/${file}`,
    "@type": "dcat:Distribution",
    "dct:title": de(title),
    ...(description ? { "dct:description": de(description) } : {}),
    "dcat:accessURL": { "@id": `${base}/${file}` },
    "dcat:downloadURL": { "@id": `${base}/${file}` },
    "dct:format": { "@id": `http://publications.europa.eu/resource/authority/file-type/${format}` },
    "dcat:mediaType": { "@id": `https://www.iana.org/assignments/media-types/${mediaType}` },
    "dct:license": license,
    "dct:issued": dateTime(args.issued),
    "dct:modified": dateTime(args.modified),
  });
  return {
    "@context": {
      dcat: "http://www.w3.org/ns/dcat#",
      dct: "http://purl.org/dc/terms/",
      dcatde: "http://dcat-ap.de/def/dcatde/",
      foaf: "http://xmlns.com/foaf/0.1/",
      vcard: "http://www.w3.org/2006/vcard/ns#",
      xsd: "http://www.w3.org/2001/XMLSchema#",
    },
    "@id": `${base}/dcat.jsonld#dataset`,
    "@type": "dcat:Dataset",
    "dct:identifier": `${base}/ergebnisse`,
    "dct:title": de(`Ergebnisse: ${args.title}`),
    "dct:description": de(description || args.title),
    "dct:publisher": { "@type": "foaf:Organization", "foaf:name": args.organisation },
    "dcat:contactPoint": {
      "@type": "vcard:Organization",
      "vcard:fn": args.organisation,
      ...(args.contact.email ? { "vcard:hasEmail": { "@id": `mailto:${args.contact.email}` } } : {}),
      ...(args.contact.phone ? { "vcard:hasTelephone": { "@id": telephoneIri(args.contact.phone) } } : {}),
      "vcard:hasURL": { "@id": args.contact.url || `${args.origin}${args.organisationPath}` },
    },
    ...(contributorIri(args.contributorId) ? { "dcatde:contributorID": { "@id": contributorIri(args.contributorId) } } : {}),
    "dct:issued": dateTime(args.issued),
    "dct:modified": dateTime(args.modified),
    "dct:language": { "@id": "http://publications.europa.eu/resource/authority/language/DEU" },
    "dcat:theme": { "@id": "http://publications.europa.eu/resource/authority/data-theme/GOVE" },
    "dcat:keyword": ["Bürgerbeteiligung", "Beteiligungsverfahren"],
    "dcat:landingPage": { "@id": `${base}/ergebnisse` },
    "dct:accessRights": { "@id": "http://publications.europa.eu/resource/authority/access-right/PUBLIC" },
    "dct:license": license,
    "dct:temporal": { "@type": "dct:PeriodOfTime", "dcat:startDate": dateTime(args.opensAt), "dcat:endDate": dateTime(args.closesAt) },
    "dcatde:politicalGeocodingLevelURI": { "@id": "http://dcat-ap.de/def/politicalGeocoding/Level/municipality" },
    "dcat:distribution": [
      distribution("daten.csv", "Veröffentlichte Beiträge (CSV)", "CSV", "text/csv", CSV_DESCRIPTION),
      distribution("daten.json", "Veröffentlichte Beiträge und Statistik (JSON)", "JSON", "application/json"),
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Publishing (moderators)
// ---------------------------------------------------------------------------------------------

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
  const flipped = await db.transaction().execute(async (trx) => {
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
