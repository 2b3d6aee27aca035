/**
 * A procedure's plan (issue 18): an image document of the procedure (PNG, JPEG, WebP, or the first
 * page of a PDF drawn by MuPDF), normalised once with sharp (decisions 50, 72) into a blob of its own, with alternative text, a labelled grid and an optional
 * north-up georeference. Every picture residents and staff see (the whole plan at a few widths, an
 * enlarged cell, a small crop around a point) is drawn from that blob on the server and kept in a
 * small per-process cache keyed by the blob's hash: nobody loads anything from another server.
 */
import type { Kysely, Transaction } from "kysely";
import type { OverlayOptions } from "sharp";
import type { Database, DocumentKind } from "#db/schema";
import { PdfPageError, renderFirstPdfPage } from "~/modules/files/pdf-page.server";
import { loadSharp } from "~/modules/files/sharp.server";
import { claimBlob, deleteBlob, readBlobBytes, storeBlobFromBytes, type BlobInfo } from "~/modules/files/blobs.server";
import { audit, withAudit, type AuditActor, type AuditEntry } from "~/modules/audit/audit.server";
import type { FieldError } from "~/modules/forms/fields";
import { cellBox, columnLabel, controlPointsProblem, GRID_LIMITS, parseCell, POINT_SCALE, type ControlPoint, type CornerGeoreference, type Georeference, type PlanGrid, type Point, type PointsGeoreference } from "./place";
import escapeHtml from "escape-html";

type Db = Kysely<Database> | Transaction<Database>;

/** The longest side a stored plan keeps (the print and the largest variant need no more). */
export const PLAN_MAX_SIDE = 2400;
/** Decoding stops beyond this many pixels (a "decompression bomb" is refused, not rendered). */
const MAX_INPUT_PIXELS = 60_000_000;
/** Widths the whole plan is served at (srcset); 576 is the form's picker at twice its CSS width. */
export const PLAN_WIDTHS = [576, 1000, 1600] as const;
export const PLAN_ALT_MAX = 1000;
/** The whole plan's byte budget: 120 KB at 1000 px wide (issue 18), in proportion to the square of a variant's width (whatever the plan's shape). */
export const planBudgetBytes = (width: number) => Math.round((120 * 1024 * width * width) / 1_000_000);
/** Documents that can become the plan (their kind was detected from their bytes when uploaded): a picture, or a PDF whose first page is drawn once. */
export const PLAN_IMAGE_KINDS: readonly DocumentKind[] = ["png", "jpeg", "webp", "pdf"];

export interface Plan {
  procedureId: number;
  organisationId: number;
  documentId: number | null;
  blob: BlobInfo;
  alt: string;
  grid: PlanGrid;
  geo: Georeference | null;
  /** the GetMap URL the plan was rendered from, when it came from a WMS */
  wmsRequest: string | null;
  /** changes with the image or the grid: part of every picture's URL, so caches never show an old one */
  version: string;
  updatedAt: string;
}

const UDEG = 1_000_000;

type GeoColumns = Record<"north_udeg" | "west_udeg" | "south_udeg" | "east_udeg", number | null> & { control_points: string | null; width: number; height: number };

/** The stored georeference: three control points (JSON of integers) or the four edges, or none. */
function georeference(r: GeoColumns): Georeference | null {
  if (r.control_points !== null) {
    const stored = JSON.parse(r.control_points) as [number, number, number, number][];
    const points = stored.map(([x, y, lon, lat]) => ({ x, y, lon: lon / UDEG, lat: lat / UDEG })) as unknown as PointsGeoreference["points"];
    return { points, width: Number(r.width), height: Number(r.height) };
  }
  return r.north_udeg === null || r.west_udeg === null || r.south_udeg === null || r.east_udeg === null
    ? null
    : { north: Number(r.north_udeg) / UDEG, west: Number(r.west_udeg) / UDEG, south: Number(r.south_udeg) / UDEG, east: Number(r.east_udeg) / UDEG };
}

const GEO_COLUMNS = ["north_udeg", "west_udeg", "south_udeg", "east_udeg", "control_points", "width", "height"] as const;

export async function getPlan(db: Db, procedureId: number): Promise<Plan | null> {
  const row = await db
    .selectFrom("procedure_plans")
    .innerJoin("file_blobs", "file_blobs.id", "procedure_plans.blob_id")
    .select([
      "procedure_plans.procedure_id",
      "procedure_plans.organisation_id",
      "procedure_plans.document_id",
      "procedure_plans.alt_text",
      "procedure_plans.width",
      "procedure_plans.height",
      "procedure_plans.grid_columns",
      "procedure_plans.grid_rows",
      "procedure_plans.north_udeg",
      "procedure_plans.west_udeg",
      "procedure_plans.south_udeg",
      "procedure_plans.east_udeg",
      "procedure_plans.control_points",
      "procedure_plans.wms_request",
      "procedure_plans.updated_at",
      "file_blobs.id as blob_id",
      "file_blobs.byte_size",
      "file_blobs.chunk_bytes",
      "file_blobs.sha256",
    ])
    .where("procedure_plans.procedure_id", "=", procedureId)
    .executeTakeFirst();
  if (!row) return null;
  const geo = georeference(row);
  const grid = { width: Number(row.width), height: Number(row.height), columns: Number(row.grid_columns), rows: Number(row.grid_rows) };
  return {
    procedureId: Number(row.procedure_id),
    organisationId: Number(row.organisation_id),
    documentId: row.document_id === null ? null : Number(row.document_id),
    blob: { id: Number(row.blob_id), byteSize: Number(row.byte_size), chunkBytes: Number(row.chunk_bytes), sha256: row.sha256 },
    alt: row.alt_text,
    grid,
    geo,
    wmsRequest: row.wms_request,
    version: `${row.sha256.slice(0, 10)}${grid.columns}x${grid.rows}`,
    updatedAt: row.updated_at,
  };
}

/** The plan's georeference, or null when it has none (or there is no plan): for the open data. */
export async function georeferenceOf(db: Db, procedureId: number): Promise<Georeference | null> {
  const row = await db.selectFrom("procedure_plans").select(GEO_COLUMNS).where("procedure_id", "=", procedureId).executeTakeFirst();
  return row ? georeference(row) : null;
}

/** Only the grid's size, for validation (cheap, no blob). */
export async function getPlanGrid(db: Db, procedureId: number): Promise<PlanGrid | null> {
  const row = await db.selectFrom("procedure_plans").select(["width", "height", "grid_columns", "grid_rows"]).where("procedure_id", "=", procedureId).executeTakeFirst();
  return row ? { width: Number(row.width), height: Number(row.height), columns: Number(row.grid_columns), rows: Number(row.grid_rows) } : null;
}

/** An uploaded picture made into a stored plan: decoded (bounded), turned upright, at most PLAN_MAX_SIDE, WebP. */
export async function normalisePlanImage(input: Buffer): Promise<{ bytes: Buffer; width: number; height: number }> {
  const sharp = await loadSharp();
  const { data, info } = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: "error" })
    .rotate()
    .resize({ width: PLAN_MAX_SIDE, height: PLAN_MAX_SIDE, fit: "inside", withoutEnlargement: true })
    .flatten({ background: "#ffffff" })
    .webp({ quality: 88 })
    .toBuffer({ resolveWithObject: true });
  return { bytes: data, width: info.width, height: info.height };
}

export interface PlanSettings {
  documentId: number;
  alt: string;
  columns: number;
  rows: number;
  /** the four edges (north-up), or three control points in the plan's pixels (checked against its size when saved) */
  geo: { corners: CornerGeoreference } | { points: ControlPoint[] } | null;
}

const CORNER_FIELDS = ["north", "west", "south", "east"] as const;
type ControlPointField = `p${1 | 2 | 3}_${"x" | "y" | "lon" | "lat"}`;
export const CONTROL_POINT_FIELDS = ([1, 2, 3] as const).flatMap((n) => [`p${n}_x`, `p${n}_y`, `p${n}_lon`, `p${n}_lat`] as const) as ControlPointField[];

export type PlanFormValues = Record<"document_id" | "alt" | "columns" | "rows" | (typeof CORNER_FIELDS)[number] | ControlPointField, string>;

export const EMPTY_PLAN_FORM = Object.fromEntries(
  ["document_id", "alt", "columns", "rows", ...CORNER_FIELDS, ...CONTROL_POINT_FIELDS].map((n) => [n, n === "columns" || n === "rows" ? "8" : ""]),
) as PlanFormValues;

const DEGREES = /^-?[0-9]{1,3}(\.[0-9]{1,8})?$/;
const PIXELS = /^[0-9]{1,5}$/;

/** The plan form's fields, checked. */
export function readPlanForm(fields: Map<string, string[]>, documentIds: readonly number[]): { values: PlanFormValues; settings: PlanSettings | null; errors: FieldError[] } {
  const one = (n: string) => (fields.get(n)?.[0] ?? "").trim();
  const values = Object.fromEntries(Object.keys(EMPTY_PLAN_FORM).map((n) => [n, one(n)])) as PlanFormValues;
  const errors: FieldError[] = [];
  const documentId = /^[0-9]{1,9}$/.test(values.document_id) ? Number(values.document_id) : NaN;
  if (!documentIds.includes(documentId)) errors.push({ field: "document_id", message: "errors.document" });
  if (values.alt === "") errors.push({ field: "alt", message: "errors.altMissing" });
  else if (values.alt.length > PLAN_ALT_MAX || /[\u0000-\u001F\u007F]/.test(values.alt)) errors.push({ field: "alt", message: "errors.altTooLong", params: { max: PLAN_ALT_MAX } });
  const size = (n: "columns" | "rows") => {
    const v = /^[0-9]{1,2}$/.test(values[n]) ? Number(values[n]) : NaN;
    if (!(v >= GRID_LIMITS.min && v <= GRID_LIMITS.max)) errors.push({ field: n, message: "errors.gridSize", params: GRID_LIMITS });
    return v;
  };
  const columns = size("columns");
  const rows = size("rows");
  const degrees = (n: keyof PlanFormValues, limit: number, message: string) => {
    const v = DEGREES.test(values[n]) ? Number(values[n]) : NaN;
    if (Math.abs(v) <= limit) return v;
    errors.push({ field: n, message });
    return NaN;
  };
  const anyCorner = CORNER_FIELDS.some((n) => values[n] !== "");
  const anyPoint = CONTROL_POINT_FIELDS.some((n) => values[n] !== "");
  let geo: PlanSettings["geo"] = null;
  if (anyCorner && anyPoint) errors.push({ field: "north", message: "errors.cornersOrPoints" });
  else if (anyCorner) {
    const before = errors.length;
    const [north, west, south, east] = CORNER_FIELDS.map((n) => degrees(n, n === "north" || n === "south" ? 90 : 180, "errors.degrees"));
    if (errors.length > before) {
      // the corner checks below need all four
    } else if (!(north > south)) errors.push({ field: "south", message: "errors.northSouth" });
    else if (!(east > west)) errors.push({ field: "east", message: "errors.westEast" });
    else geo = { corners: { north, west, south, east } };
  } else if (anyPoint) {
    const before = errors.length;
    const points = ([1, 2, 3] as const).map((n) => {
      const pixel = (axis: "x" | "y") => {
        const name = `p${n}_${axis}` as const;
        if (PIXELS.test(values[name])) return Number(values[name]);
        errors.push({ field: name, message: "errors.pixel" });
        return NaN;
      };
      return { x: pixel("x"), y: pixel("y"), lon: degrees(`p${n}_lon`, 180, "errors.longitude"), lat: degrees(`p${n}_lat`, 90, "errors.latitude") };
    });
    if (errors.length === before) geo = { points };
  }
  if (errors.length > 0) return { values, settings: null, errors };
  return { values, settings: { documentId, alt: values.alt, columns, rows, geo }, errors };
}

/** The georeference columns for what the form gave, or the error that the plan's size shows (a point outside it, points on a line). */
export function geoColumns(geo: PlanSettings["geo"], width: number, height: number): { columns: GeoColumnValues } | { error: FieldError } {
  const none = { north_udeg: null, west_udeg: null, south_udeg: null, east_udeg: null, control_points: null };
  if (geo === null) return { columns: none };
  if ("corners" in geo) {
    const c = geo.corners;
    return { columns: { ...none, north_udeg: Math.round(c.north * UDEG), west_udeg: Math.round(c.west * UDEG), south_udeg: Math.round(c.south * UDEG), east_udeg: Math.round(c.east * UDEG) } };
  }
  const problem = controlPointsProblem(geo.points, width, height);
  if (problem === "outside") {
    const index = geo.points.findIndex((c) => c.x > width || c.y > height);
    const axis = geo.points[index].x > width ? "x" : "y";
    return { error: { field: `p${index + 1}_${axis}`, message: "errors.pixelOutside", params: { width, height } } };
  }
  if (problem === "collinear") return { error: { field: "p3_x", message: "errors.collinear" } };
  if (problem === "collinearDegrees") return { error: { field: "p3_lon", message: "errors.collinearDegrees" } };
  return { columns: { ...none, control_points: JSON.stringify(geo.points.map((c) => [c.x, c.y, Math.round(c.lon * UDEG), Math.round(c.lat * UDEG)])) } };
}

type GeoColumnValues = Record<"north_udeg" | "west_udeg" | "south_udeg" | "east_udeg", number | null> & { control_points: string | null };

export type SavePlanResult = { ok: true; changedImage: boolean } | { ok: false; error: FieldError };

/**
 * Make (or change) the procedure's plan. The image is decoded and stored only when the document is
 * new or another one; a picture that cannot be decoded is refused with the reason, nothing stored.
 */
export async function savePlan(
  db: Kysely<Database>,
  args: { organisationId: number; procedureId: number; settings: PlanSettings; /** who saves it (none: the demo's seed) */ actor?: AuditActor; now?: Date },
): Promise<SavePlanResult> {
  const now = args.now ?? new Date();
  const { settings } = args;
  const existing = await db.selectFrom("procedure_plans").select(["document_id", "blob_id", "width", "height"]).where("procedure_id", "=", args.procedureId).executeTakeFirst();
  const details = (changedImage: boolean, geo: PlanSettings["geo"]) => ({
    document_id: settings.documentId,
    columns: settings.columns,
    rows: settings.rows,
    georeferenced: geo !== null,
    georeference: geo === null ? "none" : "corners" in geo ? "corners" : "control_points",
    image_changed: changedImage,
  });
  if (existing && Number(existing.document_id) === settings.documentId) {
    const geo = geoColumns(settings.geo, Number(existing.width), Number(existing.height));
    if ("error" in geo) return { ok: false, error: geo.error };
    const common = { alt_text: settings.alt, grid_columns: settings.columns, grid_rows: settings.rows, ...geo.columns, updated_at: now.toISOString() };
    await withAudit(
      db,
      (trx) => trx.updateTable("procedure_plans").set(common).where("procedure_id", "=", args.procedureId).execute(),
      () => (args.actor ? { ...args.actor, action: "plan_saved", targetType: "procedure", targetId: args.procedureId, details: details(false, settings.geo) } : null),
    );
    return { ok: true, changedImage: false };
  }
  const document = await db
    .selectFrom("documents")
    .innerJoin("file_blobs", "file_blobs.id", "documents.blob_id")
    .select(["documents.kind", "file_blobs.id", "file_blobs.byte_size", "file_blobs.chunk_bytes"])
    .where("documents.procedure_id", "=", args.procedureId)
    .where("documents.id", "=", settings.documentId)
    .executeTakeFirst();
  if (!document) return { ok: false, error: { field: "document_id", message: "errors.document" } };
  if (!PLAN_IMAGE_KINDS.includes(document.kind)) return { ok: false, error: { field: "document_id", message: "errors.notAnImage" } };
  let image: PlanImage;
  try {
    const source = await readBlobBytes(db, { id: Number(document.id), byteSize: Number(document.byte_size), chunkBytes: Number(document.chunk_bytes) });
    image = await normalisePlanImage(document.kind === "pdf" ? (await renderFirstPdfPage(source, PLAN_MAX_SIDE)).png : source);
  } catch (error) {
    return { ok: false, error: { field: "document_id", message: error instanceof PdfPageError ? `errors.pdf.${error.reason}` : "errors.undecodable" } };
  }
  const geo = geoColumns(settings.geo, image.width, image.height);
  if ("error" in geo) return { ok: false, error: geo.error };
  await replacePlanImage(db, {
    organisationId: args.organisationId,
    procedureId: args.procedureId,
    image,
    values: { alt_text: settings.alt, grid_columns: settings.columns, grid_rows: settings.rows, ...geo.columns, document_id: settings.documentId, wms_request: null },
    entry: args.actor ? { ...args.actor, action: "plan_saved", targetType: "procedure", targetId: args.procedureId, details: details(true, settings.geo) } : null,
    now,
  });
  return { ok: true, changedImage: true };
}

export type PlanImage = Awaited<ReturnType<typeof normalisePlanImage>>;

/** A new picture as the procedure's plan: stored as a blob, the row made or changed, the old blob deleted, the audit entry written, in one transaction. */
export async function replacePlanImage(
  db: Kysely<Database>,
  args: {
    organisationId: number;
    procedureId: number;
    image: PlanImage;
    values: GeoColumnValues & { alt_text: string; grid_columns: number; grid_rows: number; document_id: number | null; wms_request: string | null };
    entry: AuditEntry | null;
    now: Date;
  },
): Promise<void> {
  const blob = await storeBlobFromBytes(db, args.image.bytes, args.now);
  await db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom("procedure_plans").select("blob_id").where("procedure_id", "=", args.procedureId).executeTakeFirst();
    const values = { ...args.values, blob_id: blob.id, width: args.image.width, height: args.image.height, updated_at: args.now.toISOString() };
    if (existing) await trx.updateTable("procedure_plans").set(values).where("procedure_id", "=", args.procedureId).execute();
    else await trx.insertInto("procedure_plans").values({ ...values, procedure_id: args.procedureId, organisation_id: args.organisationId }).execute();
    await claimBlob(trx, blob.id);
    if (existing) await deleteBlob(trx, Number(existing.blob_id));
    if (args.entry) await audit(trx, args.entry);
  });
}

/** The plan goes; places already given keep their words and cells, their points stay stored but are no longer drawn. */
export async function removePlan(db: Kysely<Database>, procedureId: number, actor: AuditActor): Promise<boolean> {
  return withAudit(
    db,
    async (trx) => {
      const row = await trx.selectFrom("procedure_plans").select("blob_id").where("procedure_id", "=", procedureId).executeTakeFirst();
      if (!row) return false;
      await trx.deleteFrom("procedure_plans").where("procedure_id", "=", procedureId).execute();
      await deleteBlob(trx, Number(row.blob_id));
      return true;
    },
    (removed) => (removed ? { ...actor, action: "plan_removed", targetType: "procedure", targetId: procedureId, details: {} } : null),
  );
}

// ---------------------------------------------------------------------------------------------
// Pictures

export type PlanPicture =
  | { kind: "whole"; width: (typeof PLAN_WIDTHS)[number] }
  | { kind: "cell"; cell: string }
  | { kind: "point"; point: Point }
  /** the results: each cell with its count of published statements as it may be shown ("<5", "–"), in cellLabels order */
  | { kind: "counts"; texts: string[] };

/** What a picture's query string asks for, or null (the route answers 404). */
export function parsePicture(grid: PlanGrid, search: URLSearchParams): PlanPicture | null {
  const keys = [...search.keys()].filter((k) => k !== "v");
  if (keys.length !== 1) return null;
  const [key] = keys;
  const value = search.get(key) ?? "";
  if (key === "b") {
    const width = PLAN_WIDTHS.find((w) => String(w) === value);
    return width ? { kind: "whole", width } : null;
  }
  if (key === "zelle") {
    const cell = parseCell(grid, value);
    return cell && value === `${columnLabel(cell.column)}${cell.row + 1}` ? { kind: "cell", cell: value } : null;
  }
  if (key === "anzahl") return value === "1" ? { kind: "counts", texts: [] } : null;
  if (key === "punkt") {
    const match = /^([0-9]{1,5})-([0-9]{1,5})$/.exec(value);
    if (!match) return null;
    const x = Number(match[1]);
    const y = Number(match[2]);
    return x <= POINT_SCALE && y <= POINT_SCALE ? { kind: "point", point: { x, y } } : null;
  }
  return null;
}

/** The grid drawn over an area of the plan (plan pixels left/top/width/height) shown at outW × outH. */
function gridSvg(grid: PlanGrid, area: { left: number; top: number; width: number; height: number }, outW: number, outH: number, labels: boolean): string {
  const sx = outW / area.width;
  const sy = outH / area.height;
  const lines: string[] = [];
  const text: string[] = [];
  const font = Math.max(12, Math.round(Math.min(outW, outH) / 40));
  for (let c = 0; c <= grid.columns; c++) {
    const x = ((c * grid.width) / grid.columns - area.left) * sx;
    if (x < -1 || x > outW + 1) continue;
    lines.push(`M${x.toFixed(1)} 0V${outH}`);
  }
  for (let r = 0; r <= grid.rows; r++) {
    const y = ((r * grid.height) / grid.rows - area.top) * sy;
    if (y < -1 || y > outH + 1) continue;
    lines.push(`M0 ${y.toFixed(1)}H${outW}`);
  }
  if (labels) {
    for (let r = 0; r < grid.rows; r++) {
      for (let c = 0; c < grid.columns; c++) {
        const box = cellBox(grid, { column: c, row: r });
        const x = (box.left - area.left) * sx;
        const y = (box.top - area.top) * sy;
        if (x < -1 || y < -1 || x >= outW || y >= outH) continue;
        const label = `${columnLabel(c)}${r + 1}`;
        const w = font * (label.length * 0.7 + 0.5);
        text.push(
          `<rect x="${(x + 2).toFixed(1)}" y="${(y + 2).toFixed(1)}" width="${w.toFixed(1)}" height="${(font * 1.25).toFixed(1)}" fill="#fff" stroke="#000" stroke-width="1"/>` +
            `<text x="${(x + 2 + font * 0.25).toFixed(1)}" y="${(y + 2 + font).toFixed(1)}" font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-weight="bold" font-size="${font}" fill="#000">${escapeHtml(label)}</text>`,
        );
      }
    }
  }
  const path = lines.join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${outW}" height="${outH}"><path d="${path}" stroke="#fff" stroke-width="4" fill="none" opacity="0.8"/><path d="${path}" stroke="#000" stroke-width="2" fill="none"/>${text.join("")}</svg>`;
}

/** Each cell's count in a white box at the cell's centre. */
function countsSvg(grid: PlanGrid, outW: number, outH: number, texts: readonly string[]): string {
  const font = Math.max(14, Math.round(Math.min(outW / grid.columns, outH / grid.rows) / 4));
  const boxes = texts.map((text, i) => {
    const box = cellBox(grid, { column: i % grid.columns, row: Math.floor(i / grid.columns) });
    const cx = ((box.left + box.width / 2) * outW) / grid.width;
    const cy = ((box.top + box.height / 2) * outH) / grid.height;
    const w = font * (text.length * 0.65 + 0.8);
    return (
      `<rect x="${(cx - w / 2).toFixed(1)}" y="${(cy - font * 0.75).toFixed(1)}" width="${w.toFixed(1)}" height="${(font * 1.5).toFixed(1)}" rx="4" fill="#fff" stroke="#0b0c0c" stroke-width="2"/>` +
      `<text x="${cx.toFixed(1)}" y="${(cy + font * 0.35).toFixed(1)}" text-anchor="middle" font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-weight="bold" font-size="${font}" fill="#0b0c0c">${escapeHtml(text)}</text>`
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${outW}" height="${outH}">${boxes.join("")}</svg>`;
}

function markerSvg(outW: number, outH: number, x: number, y: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${outW}" height="${outH}"><circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="12" fill="none" stroke="#fff" stroke-width="7"/><circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="12" fill="none" stroke="#b00020" stroke-width="4"/><circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3" fill="#b00020" stroke="#fff" stroke-width="1.5"/></svg>`;
}

// the decoded plan and the pictures made from it, per process; keys carry the blob's hash
const pictures = new Map<string, Buffer>();
const MAX_PICTURES = 200;
const masters = new Map<string, Promise<Buffer>>();

function remember(key: string, value: Buffer) {
  if (pictures.size >= MAX_PICTURES) pictures.delete(pictures.keys().next().value!);
  pictures.set(key, value);
}

async function master(db: Kysely<Database>, plan: Plan): Promise<Buffer> {
  let found = masters.get(plan.blob.sha256);
  if (!found) {
    if (masters.size >= 8) masters.delete(masters.keys().next().value!);
    found = readBlobBytes(db, plan.blob);
    masters.set(plan.blob.sha256, found);
    found.catch(() => masters.delete(plan.blob.sha256));
  }
  return found;
}

/** A picture of the plan as WebP. */
export async function renderPlanPicture(db: Kysely<Database>, plan: Plan, picture: PlanPicture): Promise<Buffer> {
  const key = `${plan.version}:${JSON.stringify(picture)}`;
  const cached = pictures.get(key);
  if (cached) return cached;
  const source = await master(db, plan);
  const { grid } = plan;
  let area = { left: 0, top: 0, width: grid.width, height: grid.height };
  let outW: number;
  if (picture.kind === "whole") outW = Math.min(picture.width, Math.max(picture.width, 1));
  else if (picture.kind === "counts") outW = 1000;
  else if (picture.kind === "cell") {
    area = cellBox(grid, parseCell(grid, picture.cell)!);
    outW = 576;
  } else {
    // a window of a quarter of the plan's width around the point
    const w = Math.max(40, Math.round(grid.width / 4));
    const h = Math.max(30, Math.round((w * 2) / 3));
    const px = (picture.point.x * grid.width) / POINT_SCALE;
    const py = (picture.point.y * grid.height) / POINT_SCALE;
    const left = Math.round(Math.max(0, Math.min(grid.width - w, px - w / 2)));
    const top = Math.round(Math.max(0, Math.min(grid.height - h, py - h / 2)));
    area = { left, top, width: Math.min(w, grid.width), height: Math.min(h, grid.height) };
    outW = 576;
  }
  const outH = Math.max(1, Math.round((outW * area.height) / area.width));
  const overlays: OverlayOptions[] = [{ input: Buffer.from(gridSvg(grid, area, outW, outH, picture.kind !== "cell" && picture.kind !== "counts")), top: 0, left: 0 }];
  if (picture.kind === "counts") overlays.push({ input: Buffer.from(countsSvg(grid, outW, outH, picture.texts)), top: 0, left: 0 });
  if (picture.kind === "point") {
    const px = ((picture.point.x * grid.width) / POINT_SCALE - area.left) * (outW / area.width);
    const py = ((picture.point.y * grid.height) / POINT_SCALE - area.top) * (outH / area.height);
    overlays.push({ input: Buffer.from(markerSvg(outW, outH, px, py)), top: 0, left: 0 });
  }
  const sharp = await loadSharp();
  const drawn = await sharp(source, { limitInputPixels: MAX_INPUT_PIXELS })
    .extract(area)
    .resize({ width: outW, height: outH, fit: "fill" })
    .composite(overlays)
    .raw()
    .toBuffer({ resolveWithObject: true });
  const encode = (quality: number) => sharp(drawn.data, { raw: drawn.info }).webp({ quality }).toBuffer();
  let bytes = await encode(picture.kind === "whole" && picture.width >= 1000 ? 70 : 75);
  // the whole plan keeps its budget (a dense page of a PDF is larger than a map): lower quality until it fits
  if (picture.kind === "whole") {
    const budget = planBudgetBytes(picture.width);
    for (const quality of [55, 40, 30]) {
      if (bytes.length <= budget) break;
      bytes = await encode(quality);
    }
  }
  remember(key, bytes);
  return bytes;
}

/** The URL of a picture (with the plan's version, so a changed plan is never served from a cache). */
export function pictureUrl(basePath: string, plan: Pick<Plan, "version">, picture: PlanPicture): string {
  const query =
    picture.kind === "whole" ? `b=${picture.width}` : picture.kind === "cell" ? `zelle=${picture.cell}` : picture.kind === "counts" ? "anzahl=1" : `punkt=${picture.point.x}-${picture.point.y}`;
  return `${basePath}/plan?${query}&v=${plan.version}`;
}
