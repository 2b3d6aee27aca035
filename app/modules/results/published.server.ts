/**
 * The published statements (decision 30): number, public free text and the council's response,
 * and the section they are about (decision 62); never channel, day of receipt or choice answers. Numbered 1, 2, 3 … among the published ones
 * only, so no gap shows where a statement was not published; the exports page through them with
 * keyset pagination, one batch in memory at a time.
 */
import { publishedImages } from "~/modules/attachments/staff.server";
import { sql, type Kysely, type Transaction } from "kysely";
import type { Database, ResponseDecision } from "#db/schema";
import { EXPORT_PAGE_SIZE, RESULTS_PAGE_SIZE, TEXT_KINDS } from "./rules";
import { PUBLISHED_STATES, countPublishedRows, isPublishedState } from "./snapshot.server";

type Db = Kysely<Database> | Transaction<Database>;

/** The section a published statement is about, as the files name it; null: the draft as a whole. */
export interface PublishedSection {
  number: string;
  title: string;
}

/**
 * A published statement as every artefact shows it (decision 30): no channel, no day of receipt,
 * no choice answers — those are only counted, in the statistics. The section it is about is part of
 * what it says and is published with it (decision 62).
 */
export interface PublishedSubmission {
  /** its place among the published statements in the order received (1, 2, 3 … without gaps; not the database id) */
  number: number;
  section: PublishedSection | null;
  /** public free text per text question id (the redacted version where there is one) */
  answers: Map<number, string[]>;
  response: { decision: string; text: string } | null;
  /** its point on the plan (issue 18), only when asked for (`places`): never the words, which are not moderated */
  point?: { x: number; y: number; cell: string | null };
}

interface SubmissionRef {
  id: number;
  number: number;
  response_id: number | null;
  section_id: number | null;
}

/** A procedure's fixed sections by id (the few rows of procedure_sections). */
async function sectionsById(db: Db, procedureId: number): Promise<Map<number, PublishedSection>> {
  const rows = await db.selectFrom("procedure_sections").select(["id", "number", "title"]).where("procedure_id", "=", procedureId).execute();
  return new Map(rows.map((r) => [r.id, { number: r.number, title: r.title }]));
}

/**
 * How many statements are published per section (key: section id, null for the draft as a whole):
 * exactly what the published rows show, so it adds nothing to them (decision 62). Read from the
 * index (procedure_id, section_id, state, …) of migration 0035.
 */
export async function publishedPerSection(db: Db, procedureId: number): Promise<Map<number | null, number>> {
  const rows = await db
    .selectFrom("submissions")
    .select(["section_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("procedure_id", "=", procedureId)
    .where("state", "in", PUBLISHED_STATES)
    .groupBy("section_id")
    .execute();
  return new Map(rows.map((r) => [r.section_id, Number(r.n)]));
}

export interface SectionCounts {
  /** the procedure's sections in order, each with the statements published about it */
  sections: (PublishedSection & { id: number; depth: number; published: number })[];
  /** published statements about the draft as a whole */
  wholeDraft: number;
}

/** The published statements per section, with the sections in order; null when the procedure has no sections. */
export async function sectionCounts(db: Db, procedureId: number): Promise<SectionCounts | null> {
  const [sections, counts] = await Promise.all([
    db.selectFrom("procedure_sections").select(["id", "number", "title", "depth"]).where("procedure_id", "=", procedureId).orderBy("position").execute(),
    publishedPerSection(db, procedureId),
  ]);
  if (sections.length === 0) return null;
  return { sections: sections.map((x) => ({ ...x, published: counts.get(x.id) ?? 0 })), wholeDraft: counts.get(null) ?? 0 };
}

/** Text answers (public version), responses and sections of a set of published submissions. Never contact data. */
async function withContent(db: Db, refs: SubmissionRef[], sections: Map<number, PublishedSection>): Promise<PublishedSubmission[]> {
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
      section: r.section_id === null ? null : sections.get(r.section_id) ?? null,
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

/** The points of a batch's statements on the plan (issue 18), set on the items in place. */
async function withPoints(db: Db, refs: SubmissionRef[], items: PublishedSubmission[]): Promise<void> {
  const rows = await db
    .selectFrom("submission_places")
    .select(["submission_id", "grid_cell", "x", "y"])
    .where("submission_id", "in", refs.map((r) => r.id))
    .where("x", "is not", null)
    // a place a moderator withheld stays out of everything published
    .where("withheld_at", "is", null)
    .execute();
  const index = new Map(refs.map((r, i) => [r.id, i]));
  for (const r of rows) if (r.x !== null && r.y !== null) items[index.get(Number(r.submission_id))!].point = { x: Number(r.x), y: Number(r.y), cell: r.grid_cell };
}

/**
 * One page (RESULTS_PAGE_SIZE) of the published submissions, first received first. `knownTotal`:
 * the number published when the caller has it (the snapshot), else counted here. `section`: only
 * those about one section (its id; null: the draft as a whole) — still numbered among all published
 * statements, so a statement has one number wherever it is shown.
 */
export async function publishedPage(
  db: Db,
  procedureId: number,
  page: number,
  knownTotal?: number,
  section?: { id: number | null; total: number },
): Promise<{ items: (PublishedSubmission & { images: { path: string; altText: string }[] })[]; total: number; pages: number }> {
  const total = section ? section.total : knownTotal ?? (await countPublishedRows(db, procedureId));
  const pages = Math.max(1, Math.ceil(total / RESULTS_PAGE_SIZE));
  if (page > pages || total === 0) return { items: [], total, pages };
  // numbered among the published ones only, so no gap shows where one was not published
  const offset = (page - 1) * RESULTS_PAGE_SIZE;
  const sections = await sectionsById(db, procedureId);
  let refs: SubmissionRef[];
  if (section) {
    // the number is the statement's rank among all published ones (a window over them, then the section's page)
    const ranked = db
      .selectFrom("submissions")
      .select(["id", "response_id", "section_id", sql<number>`row_number() over (order by id)`.as("rank")])
      .where("procedure_id", "=", procedureId)
      .where("state", "in", PUBLISHED_STATES)
      .as("ranked");
    const rows = await db
      .selectFrom(ranked)
      .selectAll()
      .where("section_id", section.id === null ? "is" : "=", section.id)
      .orderBy("id")
      .limit(RESULTS_PAGE_SIZE)
      .offset(offset)
      .execute();
    refs = rows.map((r) => ({ id: r.id, response_id: r.response_id, section_id: r.section_id, number: Number(r.rank) }));
  } else {
    const pageRows = await db
      .selectFrom("submissions")
      .select(["id", "response_id", "section_id"])
      .where("procedure_id", "=", procedureId)
      .where("state", "in", PUBLISHED_STATES)
      .orderBy("id")
      .limit(RESULTS_PAGE_SIZE)
      .offset(offset)
      .execute();
    refs = pageRows.map((r, i) => ({ ...r, number: offset + i + 1 }));
  }
  const items = await withContent(db, refs, sections);
  // the photos a moderator chose to publish with them (issue 20; only on this page, never in the open data)
  const images = await publishedImages(db, refs.map((r) => r.id));
  return {
    items: items.map((item, i) => ({ ...item, images: images.filter((im) => im.submissionId === refs[i].id).map((im) => ({ path: im.path, altText: im.altText })) })),
    total,
    pages,
  };
}

/**
 * Every published submission in batches, first received first, with keyset pagination over the
 * procedure's submissions (`id > last`, pageSize rows per query): memory stays at one batch.
 */
export async function* publishedBatches(
  db: Db,
  procedureId: number,
  { pageSize = EXPORT_PAGE_SIZE, signal, places = false }: { pageSize?: number; signal?: AbortSignal; /** with each statement's point on the plan */ places?: boolean } = {},
): AsyncGenerator<PublishedSubmission[]> {
  let after = 0;
  let rank = 0;
  const sections = await sectionsById(db, procedureId);
  for (;;) {
    if (signal?.aborted) return;
    const rows = await db
      .selectFrom("submissions")
      .select(["id", "state", "response_id", "section_id"])
      .where("procedure_id", "=", procedureId)
      .where("id", ">", after)
      .orderBy("id")
      .limit(pageSize)
      .execute();
    if (rows.length === 0) return;
    after = rows[rows.length - 1].id;
    const refs: SubmissionRef[] = [];
    for (const r of rows) if (isPublishedState(r.state)) refs.push({ id: r.id, response_id: r.response_id, section_id: r.section_id, number: ++rank });
    if (refs.length > 0) {
      const items = await withContent(db, refs, sections);
      if (places) await withPoints(db, refs, items);
      yield items;
    }
    if (rows.length < pageSize) return;
  }
}
