/**
 * Which sections a procedure has: while a draft, the live outline of its text (the preview numbers
 * it as residents will see it); from opening on, the outline stored when it opened (decision 48),
 * so the section a statement names never changes meaning. Edits to an opened procedure's text keep
 * its headings as they were (`keepsSections`).
 */
import type { Kysely, Transaction } from "kysely";
import type { Database } from "#db/schema";
import type { Procedure } from "~/modules/procedures/procedure";
import { outlineOf, sameOutline, type Section } from "./outline";

type Db = Kysely<Database> | Transaction<Database>;

/** The procedure's sections, in order. Give the German original, not a translation. */
export async function sectionsOf(db: Db, procedure: Pick<Procedure, "id" | "status" | "body">, now: Date = new Date()): Promise<Section[]> {
  if (procedure.status === "draft") return outlineOf(procedure.body).map(({ headingIndex: _h, ...s }) => ({ id: 0, ...s }));
  const known = fixedSections.get(db)?.get(procedure.id);
  if (known && (known.sections.length > 0 || known.body === procedure.body)) return known.sections;
  const stored = await storedSections(db, procedure.id);
  // opened before sections were stored (or a row made some other way): fixed now, from the text as it is
  const sections = stored.length > 0 ? stored : await fixSections(db, procedure.id, procedure.body, now);
  remember(db, procedure.id, procedure.body, sections);
  return sections;
}

/**
 * Fixed sections never change once stored (rows are only ever added, once), so every form POST
 * need not read them again: kept per database handle, frozen (a caller cannot change them for the
 * next one). A text without headings stays without sections while its text is the same. Never from
 * inside a transaction, which might still roll back.
 */
const fixedSections = new WeakMap<Db, Map<number, { body: string; sections: Section[] }>>();
function remember(db: Db, procedureId: number, body: string, sections: Section[]) {
  if (db.isTransaction) return;
  let known = fixedSections.get(db);
  if (!known) fixedSections.set(db, (known = new Map()));
  if (known.size >= 1000) known.clear();
  known.set(procedureId, { body, sections: Object.freeze(sections.map((s) => Object.freeze(s))) as Section[] });
}

async function storedSections(db: Db, procedureId: number): Promise<Section[]> {
  return db
    .selectFrom("procedure_sections")
    .select(["id", "position", "number", "depth", "title"])
    .where("procedure_id", "=", procedureId)
    .orderBy("position")
    .execute();
}

/**
 * Stores the outline of `body` as the procedure's fixed sections, once: called when the procedure
 * opens (in the opening's transaction); a second call, or two at once, store nothing more.
 */
export async function fixSections(db: Db, procedureId: number, body: string, now: Date = new Date()): Promise<Section[]> {
  const outline = outlineOf(body);
  if (outline.length === 0) return [];
  await db
    .insertInto("procedure_sections")
    .values(outline.map((s) => ({ procedure_id: procedureId, position: s.position, number: s.number, depth: s.depth, title: s.title, created_at: now.toISOString() })))
    .onConflict((oc) => oc.doNothing())
    .execute();
  return storedSections(db, procedureId);
}

/** Whether a new text for an opened procedure keeps its fixed sections (same headings, same numbers). */
export async function keepsSections(db: Db, procedure: Pick<Procedure, "id" | "status" | "body">, newBody: string): Promise<boolean> {
  if (procedure.status === "draft") return true;
  return sameOutline(outlineOf(newBody), await sectionsOf(db, procedure));
}

/** A procedure's section by its stored id (null: the draft as a whole). */
export async function sectionById(db: Db, procedureId: number, sectionId: number | null): Promise<Section | null> {
  if (sectionId === null) return null;
  const row = await db
    .selectFrom("procedure_sections")
    .select(["id", "position", "number", "depth", "title"])
    .where("procedure_id", "=", procedureId)
    .where("id", "=", sectionId)
    .executeTakeFirst();
  return row ?? null;
}

/** The section a submission is about (null: the draft as a whole). */
export async function sectionOfSubmission(db: Db, submissionId: number): Promise<Section | null> {
  const row = await db
    .selectFrom("submissions")
    .innerJoin("procedure_sections", "procedure_sections.id", "submissions.section_id")
    .select(["procedure_sections.id", "procedure_sections.position", "procedure_sections.number", "procedure_sections.depth", "procedure_sections.title"])
    .where("submissions.id", "=", submissionId)
    .executeTakeFirst();
  return row ?? null;
}
