/**
 * The places of the published statements on the results page (issue 18): the plan with the number of
 * statements per grid cell written into each cell, and the same numbers as a table. Only published
 * statements are counted (never one that was refused or withdrawn), and the cells are one partition
 * under decision 30's rules (`protectPartition`): a cell below 5 shows "fewer than 5", and a cell that
 * would give such a number away by subtraction is not shown either.
 */
import type { Kysely, Transaction } from "kysely";
import type { Database } from "#db/schema";
import { protectPartition, type ProtectedCount } from "~/modules/results/disclosure";
import { PUBLISHED_STATES } from "~/modules/results/snapshot.server";
import { cellLabels, type PlanGrid } from "./place";
import { getPlan, pictureUrl } from "./plans.server";

type Db = Kysely<Database> | Transaction<Database>;

export interface ProtectedCellCounts {
  columns: string[];
  rows: { label: string; counts: ({ cell: string } & ProtectedCount)[] }[];
}

/** The published statements per cell of the plan's grid (a point counts in its cell), as they may be published. */
export async function publishedCellCounts(db: Db, procedureId: number, grid: PlanGrid): Promise<ProtectedCellCounts> {
  const rows = await db
    .selectFrom("submission_places")
    .innerJoin("submissions", "submissions.id", "submission_places.submission_id")
    .select(["submission_places.grid_cell", (eb) => eb.fn.countAll<number>().as("n")])
    .where("submission_places.procedure_id", "=", procedureId)
    .where("submissions.state", "in", PUBLISHED_STATES)
    .where("submission_places.grid_cell", "is not", null)
    // a place a moderator withheld is not published, not even as a count
    .where("submission_places.withheld_at", "is", null)
    .groupBy("submission_places.grid_cell")
    .execute();
  const labels = cellLabels(grid);
  const found = new Map(rows.map((r) => [r.grid_cell, Number(r.n)]));
  // a cell of an earlier, larger grid is in none of today's cells: it stays out, like a place in words
  const shown = protectPartition(labels.map((l) => found.get(l) ?? 0));
  const columns = labels.slice(0, grid.columns).map((l) => l.replace(/[0-9]+$/, ""));
  return {
    columns,
    rows: Array.from({ length: grid.rows }, (_, r) => ({
      label: String(r + 1),
      counts: columns.map((c, i) => ({ cell: `${c}${r + 1}`, ...shown[r * grid.columns + i] })),
    })),
  };
}

/** What the results page shows of the places: the plan with the counts and the same counts as a table; null without a plan. */
export async function resultsPlan(db: Db, procedureId: number, basePath: string) {
  const plan = await getPlan(db, procedureId);
  if (!plan) return null;
  return {
    src: pictureUrl(basePath, plan, { kind: "counts", texts: [] }),
    width: 1000,
    height: Math.max(1, Math.round((1000 * plan.grid.height) / plan.grid.width)),
    alt: plan.alt,
    counts: await publishedCellCounts(db, procedureId, plan.grid),
  };
}
