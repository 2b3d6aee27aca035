/**
 * Where a statement is about (issue 18): in words, as a cell of the plan's labelled grid, or as a
 * point on the plan — any of them, none required. Pure: shared by the resident form, the desk, the
 * pages that show places and the open data.
 *
 * A point is kept in ten-thousandths of the plan's width and height (0…10000), so it does not depend
 * on the size the plan was shown at. The plan in the form is an `<input type="image">` of a fixed CSS
 * size (it fits 320 px); the browser posts the clicked pixel, which this module turns into a point.
 */
import type { FieldError } from "~/modules/forms/fields";

export const POINT_SCALE = 10_000;
export const PLACE_DESCRIPTION_MAX = 300;
export const GRID_LIMITS = { min: 2, max: 12 } as const;
/** The CSS width the plan and an enlarged cell are shown at in forms: fits 320 px with the page's margins. */
export const PICKER_WIDTH = 288;

export const PLACE_FIELDS = {
  description: "place_description",
  cell: "place_cell",
  x: "place_x",
  y: "place_y",
  /** the cell whose enlargement was shown (hidden) */
  view: "place_view",
  /** the whole plan as an image button: posts place_plan.x / place_plan.y */
  plan: "place_plan",
  /** the enlarged cell as an image button */
  detail: "place_detail",
  /** "zoom" (show the chosen cell enlarged) or "clear" (remove the point) */
  action: "place_action",
} as const;

/** Fields the form sends with every submit. */
export const PLACE_VALUE_FIELDS = [PLACE_FIELDS.description, PLACE_FIELDS.cell, PLACE_FIELDS.x, PLACE_FIELDS.y, PLACE_FIELDS.view] as const;
/** Fields that only a step on the plan sends (a click, "enlarge", "remove the point"). */
export const PLACE_STEP_FIELDS = [`${PLACE_FIELDS.plan}.x`, `${PLACE_FIELDS.plan}.y`, `${PLACE_FIELDS.detail}.x`, `${PLACE_FIELDS.detail}.y`, PLACE_FIELDS.action] as const;

export interface PlanGrid {
  /** the plan's pixel size */
  width: number;
  height: number;
  columns: number;
  rows: number;
}

/** North-up: the WGS 84 coordinates of the plan's edges, in degrees. */
export interface CornerGeoreference {
  north: number;
  west: number;
  south: number;
  east: number;
}

/** A pixel of the plan (from its top left corner) and its WGS 84 longitude and latitude in degrees. */
export interface ControlPoint {
  x: number;
  y: number;
  lon: number;
  lat: number;
}

/** Three control points on a plan of width × height pixels: any plan, also a rotated or skewed one. */
export interface PointsGeoreference {
  points: readonly [ControlPoint, ControlPoint, ControlPoint];
  width: number;
  height: number;
}

export type Georeference = CornerGeoreference | PointsGeoreference;

/** lon = lon[0] + lon[1]·x + lon[2]·y and lat likewise, x and y in POINT_SCALE units of the plan. */
export interface Affine {
  lon: readonly [number, number, number];
  lat: readonly [number, number, number];
}

export interface PlaceInput {
  description?: string;
  cell?: string;
  x?: number;
  y?: number;
  /** a moderator withheld it from publication (staff views say so; never set by a form) */
  withheld?: boolean;
}

export interface Point {
  x: number;
  y: number;
}

export const columnLabel = (index: number) => String.fromCharCode(65 + index);

export function cellLabels(grid: Pick<PlanGrid, "columns" | "rows">): string[] {
  const labels: string[] = [];
  for (let row = 1; row <= grid.rows; row++) for (let col = 0; col < grid.columns; col++) labels.push(`${columnLabel(col)}${row}`);
  return labels;
}

/** "C3" → { column: 2, row: 2 } (zero-based), or null when the grid has no such cell. */
export function parseCell(grid: Pick<PlanGrid, "columns" | "rows">, raw: string): { column: number; row: number } | null {
  const match = /^([A-Z])([1-9][0-9]?)$/.exec(raw.trim().toUpperCase());
  if (!match) return null;
  const column = match[1].charCodeAt(0) - 65;
  const row = Number(match[2]) - 1;
  if (column >= grid.columns || row >= grid.rows) return null;
  return { column, row };
}

export function cellOf(grid: Pick<PlanGrid, "columns" | "rows">, p: Point): string {
  const column = Math.min(grid.columns - 1, Math.floor((p.x * grid.columns) / POINT_SCALE));
  const row = Math.min(grid.rows - 1, Math.floor((p.y * grid.rows) / POINT_SCALE));
  return `${columnLabel(column)}${row + 1}`;
}

/** A cell's box in plan pixels. */
export function cellBox(grid: PlanGrid, cell: { column: number; row: number }) {
  const left = Math.floor((cell.column * grid.width) / grid.columns);
  const top = Math.floor((cell.row * grid.height) / grid.rows);
  const right = Math.floor(((cell.column + 1) * grid.width) / grid.columns);
  const bottom = Math.floor(((cell.row + 1) * grid.height) / grid.rows);
  return { left, top, width: right - left, height: bottom - top };
}

/** The CSS height of an image of plan-pixel size (w, h) shown PICKER_WIDTH wide. */
export const pickerHeight = (w: number, h: number) => Math.max(1, Math.round((PICKER_WIDTH * h) / w));

const COORDINATE = /^-?[0-9]{1,6}$/;

export type ClickOutcome = { ok: true; point: Point } | { ok: false; reason: "keyboard" | "outside" };

/**
 * A click on the plan (or on the enlarged cell `view`) in CSS pixels of the shown image, as a point.
 * 0,0 is what a keyboard activation (or Enter in a text field) posts: no point.
 */
export function pointFromClick(grid: PlanGrid, rawX: string | undefined, rawY: string | undefined, view: { column: number; row: number } | null): ClickOutcome {
  if (rawX === undefined || rawY === undefined || !COORDINATE.test(rawX) || !COORDINATE.test(rawY)) return { ok: false, reason: "outside" };
  const cx = Number(rawX);
  const cy = Number(rawY);
  if (cx === 0 && cy === 0) return { ok: false, reason: "keyboard" };
  const area = view ? cellBox(grid, view) : { left: 0, top: 0, width: grid.width, height: grid.height };
  const shownHeight = pickerHeight(area.width, area.height);
  if (cx < 0 || cy < 0 || cx > PICKER_WIDTH || cy > shownHeight) return { ok: false, reason: "outside" };
  const px = area.left + (cx / PICKER_WIDTH) * area.width;
  const py = area.top + (cy / shownHeight) * area.height;
  const clamp = (v: number) => Math.max(0, Math.min(POINT_SCALE, Math.round(v)));
  return { ok: true, point: { x: clamp((px / grid.width) * POINT_SCALE), y: clamp((py / grid.height) * POINT_SCALE) } };
}

const BASIS_POINTS = /^[0-9]{1,5}$/;
export function parsePoint(rawX: string | undefined, rawY: string | undefined): Point | null | "malformed" {
  if ((rawX ?? "") === "" && (rawY ?? "") === "") return null;
  if (!BASIS_POINTS.test(rawX ?? "") || !BASIS_POINTS.test(rawY ?? "")) return "malformed";
  const x = Number(rawX);
  const y = Number(rawY);
  if (x > POINT_SCALE || y > POINT_SCALE) return "malformed";
  return { x, y };
}

const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/;

/**
 * The place fields of a submit, checked. Errors for what a person can correct; a point that is not
 * one (hand-made request) is an error too, never stored.
 */
export function validatePlace(grid: PlanGrid, values: Record<string, string[] | undefined>): { place: PlaceInput | undefined; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const one = (name: string) => (values[name]?.[0] ?? "").normalize("NFC").replace(/\s+/g, " ").trim();
  const place: PlaceInput = {};
  const description = one(PLACE_FIELDS.description);
  if (description !== "") {
    if (FORBIDDEN.test(description)) errors.push({ field: PLACE_FIELDS.description, message: "errors.forbiddenCharacters" });
    else if ([...description].length > PLACE_DESCRIPTION_MAX) errors.push({ field: PLACE_FIELDS.description, message: "errors.tooLong", params: { max: PLACE_DESCRIPTION_MAX, length: [...description].length } });
    else place.description = description;
  }
  const rawCell = one(PLACE_FIELDS.cell);
  if (rawCell !== "") {
    const cell = parseCell(grid, rawCell);
    if (!cell) errors.push({ field: PLACE_FIELDS.cell, message: "place:errors.cell" });
    else place.cell = `${columnLabel(cell.column)}${cell.row + 1}`;
  }
  const point = parsePoint(values[PLACE_FIELDS.x]?.[0], values[PLACE_FIELDS.y]?.[0]);
  if (point === "malformed") errors.push({ field: PLACE_FIELDS.plan, message: "place:errors.point" });
  else if (point) {
    const pointCell = cellOf(grid, point);
    if (place.cell && place.cell !== pointCell) errors.push({ field: PLACE_FIELDS.cell, message: "place:errors.cellAndPoint", params: { cell: place.cell, pointCell } });
    else {
      place.x = point.x;
      place.y = point.y;
      place.cell = pointCell;
    }
  }
  return { place: Object.keys(place).length > 0 ? place : undefined, errors };
}

/** The form values that show a stored place again. */
export function placeToValues(place: PlaceInput | undefined): Record<string, string[]> {
  if (!place) return {};
  const values: Record<string, string[]> = {};
  if (place.description) values[PLACE_FIELDS.description] = [place.description];
  if (place.cell) values[PLACE_FIELDS.cell] = [place.cell];
  if (place.x !== undefined && place.y !== undefined) {
    values[PLACE_FIELDS.x] = [String(place.x)];
    values[PLACE_FIELDS.y] = [String(place.y)];
  }
  return values;
}

export type PlaceStep =
  | { kind: "none" }
  | { kind: "step"; values: Record<string, string[]>; notice: "point_set" | "keyboard" | "outside" | "zoomed" | "cleared" | "no_cell"; cell?: string };

/**
 * A step on the plan instead of a submit: a click (on the plan or the enlarged cell), "enlarge the
 * chosen cell" or "remove the point". Returns the form's values with the place changed; the other
 * answers are kept as sent. Unknown or repeated step fields are left to the caller's field check.
 */
export function placeStep(grid: PlanGrid, fields: Map<string, string[]>): PlaceStep {
  const has = (n: string) => fields.has(n);
  if (!PLACE_STEP_FIELDS.some(has)) return { kind: "none" };
  const values: Record<string, string[]> = {};
  for (const [name, list] of fields) if (!(PLACE_STEP_FIELDS as readonly string[]).includes(name)) values[name] = list;
  const first = (n: string) => fields.get(n)?.[0];
  const setPoint = (p: Point | null) => {
    if (p) {
      values[PLACE_FIELDS.x] = [String(p.x)];
      values[PLACE_FIELDS.y] = [String(p.y)];
    } else {
      delete values[PLACE_FIELDS.x];
      delete values[PLACE_FIELDS.y];
    }
  };
  const action = first(PLACE_FIELDS.action);
  if (action === "clear") {
    setPoint(null);
    return { kind: "step", values, notice: "cleared" };
  }
  if (action === "zoom") {
    const cell = parseCell(grid, first(PLACE_FIELDS.cell) ?? "");
    if (!cell) {
      delete values[PLACE_FIELDS.view];
      return { kind: "step", values, notice: "no_cell" };
    }
    const label = `${columnLabel(cell.column)}${cell.row + 1}`;
    values[PLACE_FIELDS.view] = [label];
    // a point in another cell would contradict the chosen one
    const current = parsePoint(first(PLACE_FIELDS.x), first(PLACE_FIELDS.y));
    if (current && current !== "malformed" && cellOf(grid, current) !== label) setPoint(null);
    return { kind: "step", values, notice: "zoomed", cell: label };
  }
  const onDetail = has(`${PLACE_FIELDS.detail}.x`);
  const view = onDetail ? parseCell(grid, first(PLACE_FIELDS.view) ?? "") : null;
  const outcome =
    onDetail && !view
      ? ({ ok: false, reason: "outside" } as const)
      : pointFromClick(grid, first(`${onDetail ? PLACE_FIELDS.detail : PLACE_FIELDS.plan}.x`), first(`${onDetail ? PLACE_FIELDS.detail : PLACE_FIELDS.plan}.y`), view);
  if (!outcome.ok) return { kind: "step", values, notice: outcome.reason };
  setPoint(outcome.point);
  const cell = cellOf(grid, outcome.point);
  values[PLACE_FIELDS.cell] = [cell];
  values[PLACE_FIELDS.view] = [cell];
  return { kind: "step", values, notice: "point_set", cell };
}

/** The determinant of [[a, b, 1], [c, d, 1], [e, f, 1]]: twice the signed area of the triangle. */
const doubleArea = (a: number, b: number, c: number, d: number, e: number, f: number) => (c - a) * (f - b) - (e - a) * (d - b);

/**
 * The affine map from a point on the plan to longitude/latitude. Corners: a scale per axis. Three
 * control points: the one affine map through them (Cramer's rule on the 3 × 3 system; the caller
 * has refused collinear points, see controlPointsProblem).
 */
export function affineOf(geo: Georeference): Affine {
  if (!("points" in geo)) return { lon: [geo.west, (geo.east - geo.west) / POINT_SCALE, 0], lat: [geo.north, 0, -(geo.north - geo.south) / POINT_SCALE] };
  const [p, q, r] = geo.points.map((c) => ({ x: (c.x * POINT_SCALE) / geo.width, y: (c.y * POINT_SCALE) / geo.height, lon: c.lon, lat: c.lat }));
  const det = doubleArea(p.x, p.y, q.x, q.y, r.x, r.y);
  const solve = (v: "lon" | "lat"): [number, number, number] => {
    // v = a + b·x + c·y through the three points
    const b = ((q[v] - p[v]) * (r.y - p.y) - (r[v] - p[v]) * (q.y - p.y)) / det;
    const c = ((r[v] - p[v]) * (q.x - p.x) - (q[v] - p[v]) * (r.x - p.x)) / det;
    return [p[v] - b * p.x - c * p.y, b, c];
  };
  return { lon: solve("lon"), lat: solve("lat") };
}

/** The point on the plan (POINT_SCALE units, not rounded, perhaps outside 0…10000) at a longitude/latitude. */
export function pointAt(affine: Affine, lon: number, lat: number): { x: number; y: number } {
  const [a, b, c] = affine.lon;
  const [d, e, f] = affine.lat;
  const det = b * f - c * e;
  const u = lon - a;
  const v = lat - d;
  return { x: (u * f - c * v) / det, y: (b * v - u * e) / det };
}

/** Longitude/latitude of a point on the plan, not rounded. */
export function applyAffine(affine: Affine, p: { x: number; y: number }): [number, number] {
  return [affine.lon[0] + affine.lon[1] * p.x + affine.lon[2] * p.y, affine.lat[0] + affine.lat[1] * p.x + affine.lat[2] * p.y];
}

/**
 * Why three control points cannot georeference a plan of width × height pixels, or null: a point
 * outside the plan, points (nearly) on one line on the plan — their triangle must cover at least 1 %
 * of it, or a small error in a pixel swings the whole map — or coordinates on one line (no inverse).
 */
export function controlPointsProblem(points: readonly ControlPoint[], width: number, height: number): "outside" | "collinear" | "collinearDegrees" | null {
  if (points.some((c) => c.x < 0 || c.y < 0 || c.x > width || c.y > height)) return "outside";
  const [p, q, r] = points;
  if (Math.abs(doubleArea(p.x, p.y, q.x, q.y, r.x, r.y)) / 2 < 0.01 * width * height) return "collinear";
  // the same measure for the coordinates, against the box they span (degrees of longitude and latitude differ, so per axis)
  const spanLon = Math.max(p.lon, q.lon, r.lon) - Math.min(p.lon, q.lon, r.lon);
  const spanLat = Math.max(p.lat, q.lat, r.lat) - Math.min(p.lat, q.lat, r.lat);
  if (!(spanLon > 0 && spanLat > 0) || Math.abs(doubleArea(p.lon, p.lat, q.lon, q.lat, r.lon, r.lat)) / 2 < 0.01 * spanLon * spanLat) return "collinearDegrees";
  return null;
}

const affines = new WeakMap<Georeference, Affine>();

/** The point in WGS 84, rounded to 4 decimals (about 10 m): [longitude, latitude]. */
export function toLonLat(geo: Georeference, p: Point): [number, number] {
  let affine = affines.get(geo);
  if (!affine) affines.set(geo, (affine = affineOf(geo)));
  const [lon, lat] = applyAffine(affine, p);
  const round = (v: number) => Math.round(v * 10_000) / 10_000;
  return [round(lon), round(lat)];
}

/** The point of a grid cell's centre (for places given only as a cell). */
export function cellCentre(grid: Pick<PlanGrid, "columns" | "rows">, cell: string): Point | null {
  const c = parseCell(grid, cell);
  if (!c) return null;
  return { x: Math.round(((c.column + 0.5) * POINT_SCALE) / grid.columns), y: Math.round(((c.row + 0.5) * POINT_SCALE) / grid.rows) };
}

/**
 * The admin's alternative text as one sentence, to be followed by ours ("Plan: <text> Clicking sets a
 * point."): it keeps its own closing punctuation (".", "!", "?", "…", also before a closing quote or
 * bracket) and gets a full stop otherwise; a trailing comma, colon or semicolon becomes the full stop.
 */
export function asSentence(text: string): string {
  const trimmed = text.trim().replace(/[\s,;:]+$/u, "");
  if (trimmed === "") return "";
  return /[.!?…。؟]["'»«“”‘’›‹)\]]*$/u.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** What a form needs to show the plan as an image button (form.server.ts makes it, ui/PlaceFieldset shows it). */
export interface PlacePicker {
  grid: PlanGrid;
  alt: string;
  /** the whole plan at twice the picker's width, and the URL of an enlarged cell without its label */
  planSrc: string;
  cellSrcPrefix: string;
  cellSrcSuffix: string;
}

export type PlaceNotice = "point_set" | "keyboard" | "outside" | "zoomed" | "cleared" | "no_cell";


/** A place to show (check page, receipt, staff views). */
export interface ShownPlace extends PlaceInput {
  /** a server-drawn crop around the point, when there is a point and a plan */
  pictureSrc?: string;
}

