/** What the forms (resident form, desk, preview) need of the place (issue 18). */
import type { Kysely, Transaction } from "kysely";
import type { Database } from "#db/schema";
import { allowedFields, type FormValues, type ValidatedProcedure } from "~/modules/submissions/validation";
import { columnLabel, placeStep, type PlaceInput, type PlaceNotice, type PlacePicker, type PlanGrid, type ShownPlace } from "./place";
import { getPlan, getPlanGrid, pictureUrl } from "./plans.server";
import { placeOfSubmission } from "./places.server";

type Db = Kysely<Database> | Transaction<Database>;

/** The procedure as validation needs it: with its plan's grid when it has a plan (issue 18). */
export async function withPlaceGrid<P extends object>(db: Db, procedure: P & { id: number }): Promise<P & { id: number; placeGrid: PlanGrid | null }> {
  return { ...procedure, placeGrid: await getPlanGrid(db, procedure.id) };
}

/** What a form needs to show the plan, or null when the procedure has none. */
export async function placePickerFor(db: Db, procedureId: number, basePath: string): Promise<PlacePicker | null> {
  const plan = await getPlan(db, procedureId);
  if (!plan) return null;
  return {
    grid: plan.grid,
    alt: plan.alt,
    planSrc: pictureUrl(basePath, plan, { kind: "whole", width: 576 }),
    cellSrcPrefix: `${basePath}/plan?zelle=`,
    cellSrcSuffix: `&v=${plan.version}`,
  };
}

/**
 * A step on the plan (a click, "enlarge", "remove the point") instead of a submit: the values to
 * show the form again with, only the procedure's own fields kept. Null when the request is a submit.
 */
export function takePlaceStep(procedure: ValidatedProcedure, fields: Map<string, string[]>): { values: FormValues; notice: PlaceNotice } | null {
  if (!procedure.placeGrid) return null;
  const step = placeStep(procedure.placeGrid, fields);
  if (step.kind === "none") return null;
  const allowed = allowedFields(procedure);
  const values: FormValues = {};
  for (const [name, list] of Object.entries(step.values)) if (allowed.has(name)) values[name] = allowed.get(name) ? list : list.slice(0, 1);
  return { values, notice: step.notice };
}

/** A place to show (check page, receipt, staff views): null when the procedure has no plan and the place is empty. */
export async function shownPlace(db: Db, procedureId: number, basePath: string, place: PlaceInput | null | undefined): Promise<ShownPlace | null> {
  const plan = await getPlan(db, procedureId);
  if (!plan && !place) return null;
  if (!place) return {};
  const shown: ShownPlace = { ...place };
  if (plan && place.x !== undefined && place.y !== undefined) shown.pictureSrc = pictureUrl(basePath, plan, { kind: "point", point: { x: place.x, y: place.y } });
  return shown;
}

/** A stored statement's place to show (receipt, desk, moderation): null when the procedure has no plan and none was given. */
export async function placeOfStatement(db: Db, procedureId: number, basePath: string, submissionId: number): Promise<ShownPlace | null> {
  return shownPlace(db, procedureId, basePath, await placeOfSubmission(db, submissionId));
}

/** The plan on the paper form (issue 18): printed with its grid, to mark with a cross or name a cell. Null without a plan. */
export async function paperPlanFor(db: Db, procedureId: number, basePath: string) {
  const plan = await getPlan(db, procedureId);
  if (!plan) return null;
  const width = 1000;
  return {
    src: pictureUrl(basePath, plan, { kind: "whole", width }),
    width,
    height: Math.max(1, Math.round((width * plan.grid.height) / plan.grid.width)),
    alt: plan.alt,
    lastColumn: columnLabel(plan.grid.columns - 1),
    rows: plan.grid.rows,
  };
}
