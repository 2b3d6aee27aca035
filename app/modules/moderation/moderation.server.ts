/**
 * Moderation: the queue, publishing (as is or redacted), not publishing with a reason, and reading
 * the official response (written as a consideration, considerations/considerations.server.ts). Every decision is written into the submitter's privacy log in the same
 * transaction. Not publishing never means not considered: such submissions still get a response.
 */
import { sql, type Kysely, type Transaction } from "kysely";
import { inTransaction, engineOf } from "#db/connection.server";
import type { Channel, Database } from "#db/schema";
import { parseId } from "~/modules/forms/parse.server";
import { HttpError } from "~/modules/http/errors";
import { appendPrivacyEvent } from "~/modules/privacy-log/privacy-log.server";
import { LEGAL_BASES } from "~/modules/privacy-log/legal-basis";
import { CHANNELS } from "~/modules/procedures/dashboard.server";
import type { Procedure } from "~/modules/procedures/procedure";
import { findProcedureById } from "~/modules/procedures/procedures.server";
import { logInclusion } from "~/modules/results/inclusion.server";
import { adjustPublishedCount, isPublishedState } from "~/modules/results/snapshot.server";
import { detectPersonalData, type Finding } from "./personal-data";

export const NOT_PUBLISHED_REASONS = ["insult", "personal_data_of_others", "off_topic", "duplicate", "advertising", "unlawful"] as const;
export type NotPublishedReason = (typeof NOT_PUBLISHED_REASONS)[number];
export { RESPONSE_DECISIONS } from "./decisions";
export const QUEUE_STATES = ["received", "published", "published_redacted", "not_published", "withdrawn"] as const;
export const QUEUE_PAGE_SIZE = 25;
const PUBLICATION_LEGAL_BASIS = LEGAL_BASES.publicTask;

type Db = Kysely<Database> | Transaction<Database>;

export async function moderationProcedures(db: Db, organisationId: number) {
  const procedures = await db
    .selectFrom("procedures")
    .select(["id", "title", "status", "closes_at"])
    .where("organisation_id", "=", organisationId)
    .where("status", "!=", "draft")
    .orderBy("closes_at", "desc")
    .execute();
  // stored totals (kept by triggers, migration 0013-queue-totals): counting per request read every
  // submission of the organisation — seconds at a million
  const totals = procedures.length
    ? await db
        .selectFrom("submission_totals")
        .select(["procedure_id", "state", "response_state", "n"])
        .where("procedure_id", "in", procedures.map((p) => p.id))
        .where("n", ">", 0)
        .execute()
    : [];
  return procedures.map((p) => {
    const byState: Record<string, number> = {};
    let answered = 0;
    for (const c of totals) {
      if (c.procedure_id !== p.id) continue;
      byState[c.state] = (byState[c.state] ?? 0) + Number(c.n);
      if (c.response_state === "answered") answered += Number(c.n);
    }
    return { ...p, byState, answered };
  });
}

/**
 * A procedure of this organisation that moderators may see, or a 404. `procedureId` may be a route's
 * `:procedureId` as it came (anything that cannot be an id is a 404, never a query with NaN).
 */
export async function procedureForModeration(db: Db, organisationId: number, procedureId: number | string | undefined): Promise<Procedure> {
  const id = typeof procedureId === "number" ? procedureId : parseId(procedureId);
  const procedure = id === null ? undefined : await findProcedureById(db, organisationId, id);
  if (!procedure) throw new HttpError(404, "not_found");
  return procedure;
}

export interface QueueFilter {
  channel?: Channel;
  state?: (typeof QUEUE_STATES)[number];
  responded?: "yes" | "no";
  /** keyset pagination: submissions after this id (stays fast with a million rows) */
  after?: number;
  /** newest first instead of oldest first (the same indexes, read backwards) */
  newestFirst?: boolean;
  /** words that must all occur in the statement's text answers (parseQueueSearch); empty: no search */
  words?: string[];
  /** the statements about one section (its stored id), or about the draft as a whole (null); undefined: all */
  sectionId?: number | null;
}

export interface QueueRow {
  id: number;
  createdAt: string;
  /** paper and letters: the date of receipt, shown instead of createdAt */
  receivedOn: string | null;
  channel: Channel;
  state: string;
  responseState: string;
  excerpt: string;
  excerptRedacted: boolean;
  /** the detector finds possible personal data in what would be published (issue 14, point 12) */
  personalData: boolean;
  /** the section it is about (stored id), null for the draft as a whole */
  sectionId: number | null;
}

/** The response states a submission can have (written by submissions.server.ts and considerations/considerations.server.ts). */
export const RESPONSE_STATES = ["pending", "answered"] as const;

/**
 * The queue's filter as the values each filtered column may take. A column without a filter takes
 * every value it can have (QUEUE_STATES are all the states the app writes, CHANNELS all channels,
 * RESPONSE_STATES both response states).
 */
function filterValues(filter: QueueFilter) {
  return {
    states: filter.state ? [filter.state] : [...QUEUE_STATES],
    channels: filter.channel ? [filter.channel] : [...CHANNELS],
    responses: filter.responded ? [filter.responded === "yes" ? "answered" : "pending"] : [...RESPONSE_STATES],
  };
}

/**
 * The ids (and shown columns) of one queue page, oldest first. Unfiltered: the procedure's
 * submissions in id order (procedure_id, id). Filtered: one seek into (procedure_id, state,
 * channel, response_state, id) per combination of the filter values — each branch reads at most
 * one page — merged by id. A filter that matches few of a million rows costs what a common one
 * costs; a plain WHERE walks the procedure until it has found a page (migration 0011). SQLite is
 * told the index: without statistics its planner takes (procedure_id, channel, id) for a later
 * page and walks every submission of that channel (seconds at a million).
 */
async function queuePage(db: Db, organisationId: number, procedureId: number, filter: QueueFilter) {
  const limit = QUEUE_PAGE_SIZE + 1;
  const desc = filter.newestFirst === true;
  if (filter.words?.length) return searchQuery(db, organisationId, procedureId, filter).orderBy("id", desc ? "desc" : "asc").limit(limit).execute();
  const bySection = filter.sectionId !== undefined;
  if (!filter.state && !filter.channel && !filter.responded && !bySection) {
    let q = db
      .selectFrom("submissions")
      .select(["id", "created_at", "received_on", "channel", "state", "response_state", "section_id"])
      .where("organisation_id", "=", organisationId)
      .where("procedure_id", "=", procedureId);
    if (filter.after) q = q.where("id", desc ? "<" : ">", filter.after);
    return q.orderBy("id", desc ? "desc" : "asc").limit(limit).execute();
  }
  const { states, channels, responses } = filterValues(filter);
  // one section: the same seeks in (procedure_id, section_id, state, channel, response_state, id), migration 0035
  const index = engineOf(db) === "sqlite" ? sql.raw(bySection ? " indexed by submissions_queue_sections_idx" : " indexed by submissions_queue_filters_idx") : sql.raw("");
  const section = bySection ? sectionCondition(filter.sectionId!) : sql.raw("");
  const after = filter.after ? (desc ? sql` and id < ${filter.after}` : sql` and id > ${filter.after}`) : sql.raw("");
  const direction = sql.raw(desc ? "desc" : "asc");
  const branches = states.flatMap((state) =>
    channels.flatMap((channel) =>
      responses.map(
        (response) =>
          // in a sub-select of its own: a UNION member cannot have its own ORDER BY and LIMIT
          sql`select * from (select id, created_at, received_on, channel, state, response_state, section_id from submissions${index}
            where organisation_id = ${organisationId} and procedure_id = ${procedureId}${section}
              and state = ${state} and channel = ${channel} and response_state = ${response}${after}
            order by id ${direction} limit ${limit}) as branch`,
      ),
    ),
  );
  const { rows } = await sql<{ id: number; created_at: string; received_on: string | null; channel: Channel; state: string; response_state: string; section_id: number | null }>`
    select * from (${sql.join(branches, sql` union all `)}) as page order by id ${direction} limit ${limit}`.execute(db);
  return rows;
}

/** " and section_id = 7", or " and section_id is null" for the draft as a whole. */
const sectionCondition = (sectionId: number | null) => (sectionId === null ? sql` and section_id is null` : sql` and section_id = ${sectionId}`);

export const QUEUE_SEARCH_COUNT_LIMIT = 1000;

/**
 * The submissions whose text answers contain every word (as a word or its start), with the queue's
 * filters. Each word is looked up in the engine's full-text index (migration 0022: FTS5 on SQLite,
 * a GIN index on to_tsvector('simple', value) on PostgreSQL) — the answers that contain it, of
 * text questions only (choice values are not searched; contact data live in another table) — and
 * the submission must be in every word's set: the words may stand in different answers.
 */
function searchQuery(db: Db, organisationId: number, procedureId: number, filter: QueueFilter) {
  const sqlite = engineOf(db) === "sqlite";
  let q = db
    .selectFrom("submissions")
    .select(["id", "created_at", "received_on", "channel", "state", "response_state", "section_id"])
    .where("organisation_id", "=", organisationId)
    .where("procedure_id", "=", procedureId);
  if (filter.sectionId !== undefined) q = q.where("section_id", filter.sectionId === null ? "is" : "=", filter.sectionId);
  if (filter.state) q = q.where("state", "=", filter.state);
  if (filter.channel) q = q.where("channel", "=", filter.channel);
  if (filter.responded) q = q.where("response_state", "=", filter.responded === "yes" ? "answered" : "pending");
  if (filter.after) q = q.where("id", filter.newestFirst ? "<" : ">", filter.after);
  // one sub-select per word, intersected once: several IN sub-selects side by side let SQLite's
  // planner nest them (seconds at 20 000 answers)
  const perWord = (filter.words ?? []).map((word) =>
    // words are runs of letters and digits (parseQueueSearch): nothing in them is query syntax
    sqlite
      ? // CROSS JOIN fixes the order: the index's matches first, then their answers; with a plain join
        // SQLite may walk the answers and run the match once per answer
        sql`select a.submission_id from answers_fts cross join answers a on a.id = answers_fts.rowid
          cross join questions q on q.id = a.question_id
          where answers_fts match ${`"${word}"*`} and q.procedure_id = ${procedureId} and q.kind in ('short_text', 'long_text')`
      : sql`select a.submission_id from answers a join questions q on q.id = a.question_id
          where to_tsvector('simple', a.value) @@ to_tsquery('simple', ${`${word}:*`})
            and q.procedure_id = ${procedureId} and q.kind in ('short_text', 'long_text')`,
  );
  if (perWord.length) q = q.where("id", "in", sql<number>`(${sql.join(perWord, sql` intersect `)})`);
  return q;
}

/** How many submissions a search finds, counted up to QUEUE_SEARCH_COUNT_LIMIT (+1 means "more"). */
export async function countQueueSearch(db: Db, organisationId: number, procedureId: number, filter: QueueFilter) {
  const inner = searchQuery(db, organisationId, procedureId, { ...filter, after: undefined }).limit(QUEUE_SEARCH_COUNT_LIMIT + 1);
  const row = await db.selectFrom(inner.as("found")).select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The queue grouped by section: how many statements of each section match the filter (search words
 * included, the section filter and the page left out). Keyed by section id, null for the draft as a
 * whole; sections without a statement are missing. One pass over the procedure's index.
 */
export async function countQueueBySection(db: Db, organisationId: number, procedureId: number, filter: QueueFilter): Promise<Map<number | null, number>> {
  let q = db
    .selectFrom("submissions")
    .select(["section_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("organisation_id", "=", organisationId)
    .where("procedure_id", "=", procedureId);
  if (filter.state) q = q.where("state", "=", filter.state);
  if (filter.channel) q = q.where("channel", "=", filter.channel);
  if (filter.responded) q = q.where("response_state", "=", filter.responded === "yes" ? "answered" : "pending");
  if (filter.words?.length) {
    const found = searchQuery(db, organisationId, procedureId, { ...filter, after: undefined, sectionId: undefined }).clearSelect().select("id");
    q = q.where("id", "in", found);
  }
  const rows = await q.groupBy("section_id").execute();
  return new Map(rows.map((r) => [r.section_id, Number(r.n)]));
}

/** One page of the queue, oldest first; the excerpt is the public version of the first text answer. */
export async function listQueue(db: Db, organisationId: number, procedure: Procedure, filter: QueueFilter) {
  const rows = await queuePage(db, organisationId, procedure.id, filter);
  const page = rows.slice(0, QUEUE_PAGE_SIZE);
  const textQuestion = procedure.questions.find((x) => x.kind === "long_text" || x.kind === "short_text");
  const excerpts = new Map<number, { value: string; redacted: boolean }>();
  const marked = new Set<number>();
  if (textQuestion && page.length) {
    // the page's answers by submission (a few rows each), the text question picked here: a condition on
    // question_id would let SQLite walk that question's index — every submission's answer, a million
    const answers = await db
      .selectFrom("answers")
      .leftJoin("answer_redactions", "answer_redactions.answer_id", "answers.id")
      .select(["answers.submission_id", "answers.question_id", "answers.value", "answer_redactions.public_value"])
      .where("answers.submission_id", "in", page.map((r) => r.id))
      .execute();
    const free = new Set(procedure.questions.filter((x) => x.kind === "long_text" || x.kind === "short_text").map((x) => x.id));
    for (const a of answers) {
      if (a.question_id === textQuestion.id) excerpts.set(a.submission_id, { value: a.public_value ?? a.value, redacted: a.public_value !== null });
      if (free.has(a.question_id) && detectPersonalData(a.public_value ?? a.value).length > 0) marked.add(a.submission_id);
    }
  }
  const items: QueueRow[] = page.map((r) => {
    const e = excerpts.get(r.id);
    return {
      id: r.id,
      createdAt: r.created_at,
      receivedOn: r.received_on,
      channel: r.channel,
      state: r.state,
      responseState: r.response_state,
      excerpt: e ? (e.value.length > 160 ? `${e.value.slice(0, 157)}…` : e.value) : "",
      excerptRedacted: e?.redacted ?? false,
      personalData: marked.has(r.id),
      sectionId: r.section_id,
    };
  });
  return { items, next: rows.length > QUEUE_PAGE_SIZE ? page[page.length - 1].id : null };
}

export interface ReviewAnswer {
  answerId: number;
  questionId: number;
  question: string;
  kind: string;
  /** the text as submitted (internal) */
  original: string;
  /** what is or would be published */
  publicValue: string;
  redacted: boolean;
  findings: Finding[];
  /**
   * A choice, scale or yes/no question's answer as the resident gave it: every chosen value and its
   * option label (one entry per question, however many options were chosen), and the scale's ends.
   */
  choice?: { values: string[]; labels: string[]; scale: Procedure["questions"][number]["scale"] };
}

async function loadSubmission(db: Db, organisationId: number, submissionId: number) {
  const submission = await db
    .selectFrom("submissions")
    .selectAll()
    .where("id", "=", submissionId)
    .where("organisation_id", "=", organisationId)
    .executeTakeFirst();
  if (!submission) throw new HttpError(404, "not_found");
  return submission;
}

/** The submissions' answers in the order given, each with its published wording where a moderator redacted it. */
const answersWithPublicValues = (db: Db, submissionIds: number[]) =>
  db
    .selectFrom("answers")
    .leftJoin("answer_redactions", "answer_redactions.answer_id", "answers.id")
    .select(["answers.id", "answers.submission_id", "answers.question_id", "answers.value", "answer_redactions.public_value"])
    .where("answers.submission_id", "in", submissionIds)
    .orderBy("answers.id")
    .execute();

/** Everything a moderator reviews — the answers with personal data marked, never the contact data. */
export async function submissionForReview(db: Db, organisationId: number, submissionId: number) {
  const submission = await loadSubmission(db, organisationId, submissionId);
  const procedure = await procedureForModeration(db, organisationId, submission.procedure_id);
  const rows = await answersWithPublicValues(db, [submissionId]);
  const answers: ReviewAnswer[] = [];
  for (const q of procedure.questions) {
    const mine = rows.filter((x) => x.question_id === q.id);
    const free = q.kind === "short_text" || q.kind === "long_text";
    if (!free) {
      // one answer per question: a multiple choice is one answer with several options
      if (mine.length === 0) continue;
      const labels = mine.map((r) => (q.kind === "single_choice" || q.kind === "multiple_choice" ? (q.options.find((o) => o.value === r.value)?.label ?? r.value) : r.value));
      answers.push({
        answerId: mine[0].id,
        questionId: q.id,
        question: q.label,
        kind: q.kind,
        original: labels.join(", "),
        publicValue: labels.join(", "),
        redacted: false,
        findings: [],
        choice: { values: mine.map((r) => r.value), labels, scale: q.scale },
      });
      continue;
    }
    for (const r of mine) {
      const label = r.value;
      answers.push({
        answerId: r.id,
        questionId: q.id,
        question: q.label,
        kind: q.kind,
        original: label,
        publicValue: r.public_value ?? label,
        redacted: r.public_value !== null,
        findings: free ? detectPersonalData(r.public_value ?? r.value) : [],
      });
    }
  }
  const contact = await db.selectFrom("contact_details").select(["name", "postal_address", "email", "phone"]).where("submission_id", "=", submissionId).executeTakeFirst();
  const response = submission.response_id
    ? await db.selectFrom("responses").selectAll().where("id", "=", submission.response_id).executeTakeFirst()
    : undefined;
  return {
    submission,
    procedure,
    answers,
    // which contact data exist (not their values): opening them is a separate, logged step
    contactCategories: contact ? (["name", "postal_address", "email", "phone"] as const).filter((k) => contact[k]) : [],
    response: response ?? null,
  };
}

const target = (s: { organisation_id: number; id: number }) => ({ organisationId: s.organisation_id, submissionId: s.id });

/**
 * The text as submitted of every redacted answer (answer id → original). After a redacted
 * publication only the public version is shown to staff; reading what was removed is a deliberate
 * step, like opening contact data: recorded in the submitter's privacy log (content, for
 * moderation) in the same transaction. Nothing redacted: nothing opened, nothing recorded.
 */
export async function openOriginalText(
  db: Kysely<Database>,
  args: { organisationId: number; submissionId: number; moderatorId: number; now?: Date },
): Promise<{ answerId: number; original: string }[]> {
  const now = args.now ?? new Date();
  return inTransaction(db, async (trx) => {
    const submission = await loadSubmission(trx, args.organisationId, args.submissionId);
    const rows = await trx
      .selectFrom("answers")
      .innerJoin("answer_redactions", "answer_redactions.answer_id", "answers.id")
      .select(["answers.id", "answers.value"])
      .where("answers.submission_id", "=", args.submissionId)
      .orderBy("answers.id")
      .execute();
    if (rows.length === 0) return [];
    await appendPrivacyEvent(trx, target(submission), {
      type: "personal_data_opened",
      actorRole: "moderator",
      actorAccountId: args.moderatorId,
      categories: ["content"],
      purpose: "moderation",
      legalBasis: PUBLICATION_LEGAL_BASIS,
      details: { original_text: true },
      occurredAt: now,
    });
    return rows.map((r) => ({ answerId: r.id, original: r.value }));
  });
}

/**
 * PostgreSQL: hold the submission for the decision's transaction, so that two decisions at once
 * (a double click, two moderators) are made one after the other, each seeing the state the other
 * left — the published count moves once. SQLite write transactions are exclusive already.
 */
async function holdSubmission(trx: Transaction<Database>, organisationId: number, submissionId: number) {
  if (engineOf(trx) === "postgres") await sql`select id from submissions where id = ${submissionId} and organisation_id = ${organisationId} for update`.execute(trx);
}

/**
 * Publish a submission, with the moderator's redactions of free-text answers (answer id → public
 * text). Personal data still found in what would be published must be confirmed as checked.
 */
export async function publishSubmission(
  db: Kysely<Database>,
  args: { organisationId: number; submissionId: number; moderatorId: number; redactions: Map<number, string>; confirmedChecked: boolean; now?: Date },
): Promise<{ ok: true; redacted: boolean } | { ok: false; findings: number }> {
  const now = args.now ?? new Date();
  return inTransaction(db, async (trx) => {
    await holdSubmission(trx, args.organisationId, args.submissionId);
    const review = await submissionForReview(trx, args.organisationId, args.submissionId);
    if (review.submission.state === "withdrawn") throw new HttpError(409, "withdraw_not_possible");
    const freeText = new Map(review.answers.filter((a) => a.kind === "short_text" || a.kind === "long_text").map((a) => [a.answerId, a]));
    for (const id of args.redactions.keys()) if (!freeText.has(id)) throw new HttpError(400, "unknown_field");
    let anyRedaction = false;
    let remaining = 0;
    for (const [answerId, answer] of freeText) {
      const proposed = args.redactions.get(answerId);
      const publicValue = proposed ?? answer.publicValue;
      if (publicValue !== answer.original) anyRedaction = true;
      remaining += detectPersonalData(publicValue).length;
    }
    if (remaining > 0 && !args.confirmedChecked) return { ok: false, findings: remaining };
    for (const [answerId, answer] of freeText) {
      const proposed = args.redactions.get(answerId);
      if (proposed === undefined) continue;
      await trx.deleteFrom("answer_redactions").where("answer_id", "=", answerId).execute();
      if (proposed !== answer.original) {
        await trx.insertInto("answer_redactions").values({ answer_id: answerId, public_value: proposed, redacted_by: args.moderatorId, redacted_at: now.toISOString() }).execute();
      }
    }
    const state = anyRedaction ? "published_redacted" : "published";
    await trx
      .updateTable("submissions")
      .set({ state, not_published_reason: null, moderated_by: args.moderatorId, moderated_at: now.toISOString() })
      .where("id", "=", args.submissionId)
      .execute();
    // the stored results count follows (results page, files)
    await adjustPublishedCount(trx, review.submission.procedure_id, isPublishedState(review.submission.state) ? 0 : 1);
    if (anyRedaction) {
      await appendPrivacyEvent(trx, target(review.submission), {
        type: "redacted",
        actorRole: "moderator",
        actorAccountId: args.moderatorId,
        categories: ["content"],
        purpose: "publication",
        legalBasis: PUBLICATION_LEGAL_BASIS,
        occurredAt: now,
      });
    }
    await appendPrivacyEvent(trx, target(review.submission), {
      type: "published",
      actorRole: "moderator",
      actorAccountId: args.moderatorId,
      categories: ["content"],
      purpose: "publication",
      legalBasis: PUBLICATION_LEGAL_BASIS,
      details: { redacted: anyRedaction },
      occurredAt: now,
    });
    // results already out: a submission published now joins them (and the open data) at once
    if (review.procedure.status === "results_published") await logInclusion(trx, target(review.submission), args.moderatorId, now);
    return { ok: true, redacted: anyRedaction };
  });
}

export async function doNotPublish(
  db: Kysely<Database>,
  args: { organisationId: number; submissionId: number; moderatorId: number; reason: NotPublishedReason; now?: Date },
): Promise<void> {
  const now = args.now ?? new Date();
  await inTransaction(db, async (trx) => {
    await holdSubmission(trx, args.organisationId, args.submissionId);
    const submission = await loadSubmission(trx, args.organisationId, args.submissionId);
    if (submission.state === "withdrawn") throw new HttpError(409, "withdraw_not_possible");
    await trx
      .updateTable("submissions")
      .set({ state: "not_published", not_published_reason: args.reason, moderated_by: args.moderatorId, moderated_at: now.toISOString() })
      .where("id", "=", args.submissionId)
      .execute();
    await adjustPublishedCount(trx, submission.procedure_id, isPublishedState(submission.state) ? -1 : 0);
    await appendPrivacyEvent(trx, target(submission), {
      type: "not_published",
      actorRole: "moderator",
      actorAccountId: args.moderatorId,
      categories: ["content"],
      purpose: "moderation",
      legalBasis: PUBLICATION_LEGAL_BASIS,
      details: { reason: args.reason },
      occurredAt: now,
    });
  });
}

/**
 * The submissions a group response would answer, each with its text (the published version where
 * one was redacted) so the moderator sees what they answer, not only numbers. Unknown ids or ids
 * of another procedure: 404.
 */
export async function groupForResponse(db: Db, organisationId: number, procedure: Procedure, ids: number[]) {
  const rows = await db
    .selectFrom("submissions")
    .select(["id", "state", "channel"])
    .where("organisation_id", "=", organisationId)
    .where("procedure_id", "=", procedure.id)
    .where("id", "in", ids)
    .orderBy("id")
    .execute();
  if (rows.length !== ids.length) throw new HttpError(404, "not_found");
  const free = new Map(procedure.questions.filter((q) => q.kind === "long_text" || q.kind === "short_text").map((q) => [q.id, q.position]));
  const answers = await answersWithPublicValues(db, ids);
  return rows.map((r) => ({
    id: r.id,
    state: r.state,
    channel: r.channel,
    texts: answers
      .filter((a) => a.submission_id === r.id && free.has(a.question_id))
      .sort((a, b) => free.get(a.question_id)! - free.get(b.question_id)!)
      .map((a) => a.public_value ?? a.value),
  }));
}

/** The submissions before and after this one in its procedure's queue (by number), for paging through. */
export async function queueNeighbours(db: Db, organisationId: number, procedureId: number, submissionId: number) {
  const nearest = (side: "<" | ">") =>
    db
      .selectFrom("submissions")
      .select("id")
      .where("organisation_id", "=", organisationId)
      .where("procedure_id", "=", procedureId)
      .where("id", side, submissionId)
      .orderBy("id", side === "<" ? "desc" : "asc")
      .limit(1)
      .executeTakeFirst();
  const before = await nearest("<");
  const after = await nearest(">");
  return { previous: before?.id ?? null, next: after?.id ?? null };
}

/** The official response a resident sees on their page. */
export async function responseFor(db: Db, submissionId: number) {
  return db
    .selectFrom("responses")
    .innerJoin("submissions", "submissions.response_id", "responses.id")
    .select(["responses.decision", "responses.text", "responses.created_at"])
    .where("submissions.id", "=", submissionId)
    .executeTakeFirst();
}
