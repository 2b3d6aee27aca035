/**
 * The places of a procedure's statements for staff (issue 18): every statement that gave a place,
 * with the moderation queue's filters (channel, state, section), its point drawn on the plan as a
 * numbered marker and the statements counted per grid cell. One query over the place index
 * (procedure_id, submission_id); the drawing is a string built here, not a React tree, so that
 * 10 000 markers stay a few milliseconds (scripts/bench-places.ts).
 */
import type { Kysely, Transaction } from "kysely";
import type { Database } from "#db/schema";
import type { Channel } from "#db/schema";
import { parseQueueFilter } from "~/modules/moderation/queue-filter.server";
import type { Section } from "~/modules/sections/outline";
import { cellLabels, parseCell, POINT_SCALE, type PlanGrid } from "./place";
import { getPlan, pictureUrl } from "./plans.server";

type Db = Kysely<Database> | Transaction<Database>;

/** The filters of the moderation queue this page takes (the queue's `QueueFilter` fits). */
export interface PlacesFilter {
  channel?: Channel;
  state?: string;
  /** a section's id, null: the draft as a whole; undefined: any */
  sectionId?: number | null;
}

export interface PlacedStatement {
  /** the submission's id (the queue's #) */
  id: number;
  /** its place in this list, 1, 2, 3 … (the marker's label) */
  number: number;
  channel: Channel;
  state: string;
  cell: string | null;
  description: string | null;
  x: number | null;
  y: number | null;
}

export async function placedStatements(db: Db, organisationId: number, procedureId: number, filter: PlacesFilter): Promise<PlacedStatement[]> {
  let q = db
    .selectFrom("submission_places")
    .innerJoin("submissions", "submissions.id", "submission_places.submission_id")
    .select(["submission_places.submission_id", "submission_places.grid_cell", "submission_places.description", "submission_places.x", "submission_places.y", "submissions.channel", "submissions.state"])
    .where("submission_places.procedure_id", "=", procedureId)
    .where("submissions.organisation_id", "=", organisationId);
  if (filter.channel) q = q.where("submissions.channel", "=", filter.channel);
  if (filter.state) q = q.where("submissions.state", "=", filter.state);
  if (filter.sectionId === null) q = q.where("submissions.section_id", "is", null);
  else if (filter.sectionId !== undefined) q = q.where("submissions.section_id", "=", filter.sectionId);
  const rows = await q.orderBy("submission_places.submission_id").execute();
  return rows.map((r, i) => ({
    id: Number(r.submission_id),
    number: i + 1,
    channel: r.channel as Channel,
    state: r.state,
    cell: r.grid_cell,
    description: r.description,
    x: r.x === null ? null : Number(r.x),
    y: r.y === null ? null : Number(r.y),
  }));
}

/** Only the statements in one cell (`?zelle=C3`); an unknown cell is no filter. */
export function inCell(grid: PlanGrid, statements: PlacedStatement[], raw: string | null): { cell: string | null; statements: PlacedStatement[] } {
  const parsed = raw ? parseCell(grid, raw) : null;
  if (!parsed || !raw) return { cell: null, statements };
  const cell = raw.trim().toUpperCase();
  return { cell, statements: statements.filter((s) => s.cell === cell) };
}

export interface CellCounts {
  columns: string[];
  /** per row: its label and the count of each column's cell */
  rows: { label: string; counts: { cell: string; count: number }[] }[];
  /** statements that gave words only */
  withoutCell: number;
}

export function countPerCell(grid: PlanGrid, statements: readonly { cell: string | null }[]): CellCounts {
  const counts = new Map<string, number>(cellLabels(grid).map((c) => [c, 0]));
  let withoutCell = 0;
  for (const s of statements) {
    if (s.cell && counts.has(s.cell)) counts.set(s.cell, counts.get(s.cell)! + 1);
    else withoutCell++;
  }
  const labels = cellLabels(grid);
  const columns = labels.slice(0, grid.columns).map((l) => l.replace(/[0-9]+$/, ""));
  const rows = Array.from({ length: grid.rows }, (_, r) => ({
    label: String(r + 1),
    counts: columns.map((c) => ({ cell: `${c}${r + 1}`, count: counts.get(`${c}${r + 1}`)! })),
  }));
  return { columns, rows, withoutCell };
}

/** The shown width of the plan the markers are drawn over (the plan's 1000 px picture). */
export const OVERVIEW_WIDTH = 1000;

/**
 * The numbered markers as an SVG to lay over the plan's picture: each marker a link to its row in
 * the list (`hrefOf`). The SVG is hidden from assistive technology and its links are out of the tab
 * order: the list and the table below say the same as text, one stop per statement.
 */
export function markersSvg(grid: PlanGrid, statements: readonly PlacedStatement[], hrefOf: (s: PlacedStatement) => string): string {
  const height = Math.max(1, Math.round((OVERVIEW_WIDTH * grid.height) / grid.width));
  const sx = OVERVIEW_WIDTH / POINT_SCALE;
  const sy = height / POINT_SCALE;
  let out = `<svg xmlns="http://www.w3.org/2000/svg" class="plan-markers__svg" viewBox="0 0 ${OVERVIEW_WIDTH} ${height}" aria-hidden="true" focusable="false">`;
  for (const s of statements) {
    if (s.x === null || s.y === null) continue;
    const x = Math.round(s.x * sx);
    const y = Math.round(s.y * sy);
    // numbers only and an href built from numbers and known words: nothing to escape but the &
    out += `<a href="${hrefOf(s).replace(/&/g, "&amp;")}" tabindex="-1"><circle cx="${x}" cy="${y}" r="11"/><text x="${x}" y="${y + 4}">${s.number}</text></a>`;
  }
  return `${out}</svg>`;
}

/** Rows of the list below the plan per page: the markers link to their page. */
export const OVERVIEW_PAGE_SIZE = 100;

export interface PlacesQuery {
  filter: PlacesFilter;
  cell: string | null;
  page: number;
}

/** The page's query string: the queue's filters (`parseQueueFilter`: channel, state, section) plus `?zelle=C3&seite=2`. */
export function parsePlacesFilter(params: URLSearchParams, sections: readonly Section[]): PlacesQuery & { section: string } {
  const { filter, section } = parseQueueFilter(params, sections);
  const page = Number(params.get("seite") ?? "1");
  return {
    filter: { channel: filter.channel, state: filter.state, sectionId: filter.sectionId },
    section,
    cell: params.get("zelle"),
    page: Number.isInteger(page) && page >= 1 && page <= 100_000 ? page : 1,
  };
}

/** Everything the moderators' plan page shows. */
export async function placesOverview(db: Kysely<Database>, args: { organisationId: number; procedureId: number; publicPath: string; here: string; query: PlacesQuery & { section?: string } }) {
  const { query } = args;
  const plan = await getPlan(db, args.procedureId);
  const all = await placedStatements(db, args.organisationId, args.procedureId, query.filter);
  const filterParams = new URLSearchParams();
  if (query.filter.channel) filterParams.set("kanal", query.filter.channel);
  if (query.filter.state) filterParams.set("stand", query.filter.state);
  if (query.section) filterParams.set("abschnitt", query.section);
  const chosen = plan ? inCell(plan.grid, all, query.cell) : { cell: null, statements: all };
  const pageParams = new URLSearchParams(filterParams);
  if (chosen.cell) pageParams.set("zelle", chosen.cell);
  const pageHref = `${args.here}?${pageParams.toString()}${pageParams.size ? "&" : ""}seite=`;
  const pages = Math.max(1, Math.ceil(chosen.statements.length / OVERVIEW_PAGE_SIZE));
  const page = Math.min(query.page, pages);
  const pageOf = new Map(chosen.statements.map((s, i) => [s.id, Math.floor(i / OVERVIEW_PAGE_SIZE) + 1]));
  return {
    plan: plan
      ? { src: pictureUrl(args.publicPath, plan, { kind: "whole", width: OVERVIEW_WIDTH }), width: OVERVIEW_WIDTH, height: Math.max(1, Math.round((OVERVIEW_WIDTH * plan.grid.height) / plan.grid.width)), alt: plan.alt }
      : null,
    markers: plan ? markersSvg(plan.grid, chosen.statements, (s) => `${pageHref}${pageOf.get(s.id)}#ort-${s.number}`) : "",
    counts: plan ? countPerCell(plan.grid, all) : { columns: [], rows: [], withoutCell: all.length },
    filter: query.filter,
    section: query.section ?? "",
    cell: chosen.cell,
    total: chosen.statements.length,
    page,
    pages,
    items: chosen.statements.slice((page - 1) * OVERVIEW_PAGE_SIZE, page * OVERVIEW_PAGE_SIZE),
    hrefs: { filter: filterParams.size ? `${args.here}?${filterParams.toString()}` : args.here, page: pageHref },
  };
}
