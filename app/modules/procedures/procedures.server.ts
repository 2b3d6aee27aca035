/** Reading procedures for residents. Drafts are never visible to the public. */
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { CONTENT_LANGUAGE } from "~/i18n/config";
import { acceptanceState, toProcedure, type AcceptanceState, type Procedure } from "./procedure";
import { translatedTitles } from "./translations.server";

export interface ProcedureListItem {
  slug: string;
  title: string;
  summary: string;
  /** the language title and summary are in: the reader's where translated, otherwise German */
  titleLang: string;
  summaryLang: string;
  opensAt: string;
  closesAt: string;
  acceptance: AcceptanceState;
}

export interface ProcedureList {
  open: ProcedureListItem[];
  upcoming: ProcedureListItem[];
  closed: ProcedureListItem[];
}

export async function listPublicProcedures(
  db: Kysely<Database>,
  organisationId: number,
  now: Date = new Date(),
  language: string = CONTENT_LANGUAGE,
): Promise<ProcedureList> {
  const rows = await db
    .selectFrom("procedures")
    .select(["id", "slug", "title", "summary", "opens_at", "closes_at", "status"])
    .where("organisation_id", "=", organisationId)
    .where("status", "!=", "draft")
    .execute();
  const translated = await translatedTitles(db, rows.map((r) => r.id), language);
  const items = rows.map((r) => ({
    slug: r.slug,
    title: translated.get(r.id)?.title || r.title,
    summary: translated.get(r.id)?.summary || r.summary,
    titleLang: translated.get(r.id)?.title ? language : CONTENT_LANGUAGE,
    summaryLang: translated.get(r.id)?.summary ? language : CONTENT_LANGUAGE,
    opensAt: r.opens_at,
    closesAt: r.closes_at,
    acceptance: acceptanceState({ status: r.status, opensAt: r.opens_at, closesAt: r.closes_at }, now),
  }));
  return {
    // closing soonest first: what needs attention now
    open: items.filter((i) => i.acceptance === "open").sort((a, b) => a.closesAt.localeCompare(b.closesAt)),
    upcoming: items.filter((i) => i.acceptance === "not_yet_open").sort((a, b) => a.opensAt.localeCompare(b.opensAt)),
    // most recently closed first
    closed: items.filter((i) => i.acceptance === "closed").sort((a, b) => b.closesAt.localeCompare(a.closesAt)),
  };
}

export async function findPublicProcedure(
  db: Kysely<Database>,
  organisationId: number,
  slug: string,
): Promise<Procedure | undefined> {
  if (!/^[a-z0-9-]{1,100}$/.test(slug)) return undefined;
  return nonDraftProcedure(db, organisationId, { slug });
}

/** A procedure by id within an organisation (staff use: includes closed ones, not drafts). */
export async function findProcedureById(db: Kysely<Database>, organisationId: number, id: number): Promise<Procedure | undefined> {
  return nonDraftProcedure(db, organisationId, { id });
}

/** A procedure that is not a draft, with its questions, by id or by slug. */
async function nonDraftProcedure(db: Kysely<Database>, organisationId: number, match: { id: number } | { slug: string }): Promise<Procedure | undefined> {
  const procedures = db.selectFrom("procedures").selectAll().where("organisation_id", "=", organisationId).where("status", "!=", "draft");
  const row = await ("id" in match ? procedures.where("id", "=", match.id) : procedures.where("slug", "=", match.slug)).executeTakeFirst();
  if (!row) return undefined;
  const questions = await db.selectFrom("questions").selectAll().where("procedure_id", "=", row.id).execute();
  return toProcedure(row, questions);
}
