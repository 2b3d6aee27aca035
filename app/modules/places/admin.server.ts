/** The admin's plan page (issue 18): what it shows and what its form does. */
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import type { AuditActor } from "~/modules/audit/audit.server";
import type { FieldError } from "~/modules/forms/fields";
import { pickerHeight, type Georeference } from "./place";
import { EMPTY_PLAN_FORM, getPlan, PLAN_IMAGE_KINDS, pictureUrl, readPlanForm, removePlan, savePlan, type PlanFormValues } from "./plans.server";

import { EMPTY_WMS_FORM, readWmsForm, saveWmsPlan, WMS_FIELDS, WMS_WIDTH, wmsFormValues, type WmsFormValues } from "./wms.server";

export type { PlanFormValues, WmsFormValues };

const EMPTY = EMPTY_PLAN_FORM;

/** The form's georeference fields as stored: the four edges or the three control points. */
function geoValues(geo: Georeference | null): Partial<PlanFormValues> {
  if (geo === null) return {};
  if (!("points" in geo)) return { north: String(geo.north), west: String(geo.west), south: String(geo.south), east: String(geo.east) };
  return Object.fromEntries(geo.points.flatMap((c, i) => [[`p${i + 1}_x`, String(c.x)], [`p${i + 1}_y`, String(c.y)], [`p${i + 1}_lon`, String(c.lon)], [`p${i + 1}_lat`, String(c.lat)]]));
}

export async function planAdminView(db: Kysely<Database>, procedureId: number, publicPath: string) {
  const images = await db.selectFrom("documents").select(["id", "title"]).where("procedure_id", "=", procedureId).where("kind", "in", PLAN_IMAGE_KINDS).orderBy("position").orderBy("id").execute();
  const plan = await getPlan(db, procedureId);
  const values: PlanFormValues = plan
    ? {
        ...EMPTY,
        document_id: plan.documentId === null ? "" : String(plan.documentId),
        alt: plan.alt,
        columns: String(plan.grid.columns),
        rows: String(plan.grid.rows),
        ...geoValues(plan.geo),
      }
    : EMPTY;
  return {
    images: images.map((d) => ({ id: Number(d.id), title: d.title })),
    plan: plan
      ? {
          src: pictureUrl(publicPath, plan, { kind: "whole", width: 576 }),
          width: 288,
          height: pickerHeight(plan.grid.width, plan.grid.height),
          alt: plan.alt,
          columns: plan.grid.columns,
          rows: plan.grid.rows,
          /** the stored picture's size: control points are its pixels */
          pixels: { width: plan.grid.width, height: plan.grid.height },
        }
      : null,
    values,
    wmsValues: plan
      ? { ...EMPTY_WMS_FORM, wms_alt: plan.alt, wms_columns: String(plan.grid.columns), wms_rows: String(plan.grid.rows), ...wmsFormValues(plan.wmsRequest) }
      : EMPTY_WMS_FORM,
    wmsWidth: WMS_WIDTH,
  };
}

export async function savePlanFromForm(
  db: Kysely<Database>,
  args: { organisationId: number; procedureId: number; fields: Map<string, string[]>; actor: AuditActor },
): Promise<{ ok: true } | { ok: false; errors: FieldError[]; values: PlanFormValues }> {
  for (const [name, list] of args.fields) if (!(name in EMPTY) || list.length > 1) return { ok: false, errors: [{ field: "document_id", message: "errors.document" }], values: EMPTY };
  const documents = await db.selectFrom("documents").select("id").where("procedure_id", "=", args.procedureId).execute();
  const read = readPlanForm(args.fields, documents.map((d) => Number(d.id)));
  if (!read.settings) return { ok: false, errors: read.errors, values: read.values };
  const saved = await savePlan(db, { organisationId: args.organisationId, procedureId: args.procedureId, settings: read.settings, actor: args.actor });
  if (!saved.ok) return { ok: false, errors: [saved.error], values: read.values };
  return { ok: true };
}

/** The second way to the plan: rendered once from the municipality's WMS (GetMap) and stored. */
export async function saveWmsPlanFromForm(
  db: Kysely<Database>,
  args: { organisationId: number; procedureId: number; fields: Map<string, string[]>; actor: AuditActor },
): Promise<{ ok: true } | { ok: false; errors: FieldError[]; wmsValues: WmsFormValues }> {
  for (const [name, list] of args.fields) if (!(WMS_FIELDS as readonly string[]).includes(name) || list.length > 1) return { ok: false, errors: [{ field: "wms_url", message: "errors.wms.url" }], wmsValues: EMPTY_WMS_FORM };
  const read = readWmsForm(args.fields);
  if (!read.settings) return { ok: false, errors: read.errors, wmsValues: read.values };
  const saved = await saveWmsPlan(db, { organisationId: args.organisationId, procedureId: args.procedureId, settings: read.settings, actor: args.actor });
  if (!saved.ok) return { ok: false, errors: [saved.error], wmsValues: read.values };
  return { ok: true };
}

export const removePlanOf = removePlan;
