/**
 * The plan rendered once from the municipality's WMS (issue 18, decision 72): the admin gives the
 * service's address, layer names, a WGS 84 bounding box and a width; the server sends one WMS 1.3.0
 * GetMap, checks that the answer is a PNG or JPEG picture, and stores it like an uploaded plan
 * (sharp, WebP, width variants), georeferenced by the bounding box's edges. Residents never load
 * anything from the WMS: only the stored picture is served.
 */
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import type { AuditActor } from "~/modules/audit/audit.server";
import type { FieldError } from "~/modules/forms/fields";
import { GRID_LIMITS } from "./place";
import { geoColumns, normalisePlanImage, PLAN_ALT_MAX, PLAN_MAX_SIDE, replacePlanImage, type PlanImage } from "./plans.server";

export const WMS_FIELDS = ["wms_url", "wms_layers", "wms_west", "wms_south", "wms_east", "wms_north", "wms_width", "wms_alt", "wms_columns", "wms_rows"] as const;
export type WmsFormValues = Record<(typeof WMS_FIELDS)[number], string>;
export const EMPTY_WMS_FORM = Object.fromEntries(WMS_FIELDS.map((n) => [n, n === "wms_columns" || n === "wms_rows" ? "8" : n === "wms_width" ? "1600" : ""])) as WmsFormValues;

/** How long the WMS may take to answer, and the most it may send (the answer is read in pieces and dropped beyond it). */
export const WMS_LIMITS = { timeoutMs: 15_000, maxBytes: 20 * 1024 * 1024 };
export const WMS_WIDTH = { min: 100, max: PLAN_MAX_SIDE };

export interface WmsRequest {
  url: URL;
  layers: string;
  west: number;
  south: number;
  east: number;
  north: number;
  width: number;
}

const DEGREES = /^-?[0-9]{1,3}(\.[0-9]{1,8})?$/;
/** WMS layer names as capabilities documents spell them: letters, digits and a few separators; several joined by commas. */
const LAYERS = /^[A-Za-z0-9_.:\-]+(,[A-Za-z0-9_.:\-]+)*$/;

/**
 * https, or plain http only to this machine (localhost, 127.0.0.0/8, ::1): a WMS on the municipality's
 * network is reached by https like any other; loopback http is for a local proxy and the tests' stand-in.
 */
function allowedUrl(raw: string): URL | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.username !== "" || url.password !== "" || url.hash !== "") return null;
  if (url.protocol === "https:") return url;
  const loopback = url.hostname === "localhost" || url.hostname === "[::1]" || /^127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$/.test(url.hostname);
  return url.protocol === "http:" && loopback ? url : null;
}

/** The height that keeps the bounding box's shape on the ground (a degree of longitude is cos(latitude) of a degree of latitude), at most PLAN_MAX_SIDE. */
export function wmsHeight(request: Pick<WmsRequest, "west" | "south" | "east" | "north" | "width">): number {
  const middle = ((request.north + request.south) / 2) * (Math.PI / 180);
  const ratio = (request.north - request.south) / ((request.east - request.west) * Math.cos(middle));
  return Math.max(1, Math.min(PLAN_MAX_SIDE, Math.round(request.width * ratio)));
}

/** The GetMap URL: WMS 1.3.0 with EPSG:4326 takes the box as latitude first (south,west,north,east). */
export function getMapUrl(request: WmsRequest): string {
  const url = new URL(request.url);
  const params: [string, string][] = [
    ["SERVICE", "WMS"],
    ["REQUEST", "GetMap"],
    ["VERSION", "1.3.0"],
    ["LAYERS", request.layers],
    ["STYLES", ""],
    ["CRS", "EPSG:4326"],
    ["BBOX", [request.south, request.west, request.north, request.east].join(",")],
    ["WIDTH", String(request.width)],
    ["HEIGHT", String(wmsHeight(request))],
    ["FORMAT", "image/png"],
  ];
  for (const [name] of params) for (const key of [...url.searchParams.keys()]) if (key.toUpperCase() === name) url.searchParams.delete(key);
  for (const [name, value] of params) url.searchParams.append(name, value);
  return url.toString();
}

/** The stored GetMap URL back as the form's fields (to change the box or the width and fetch again). */
export function wmsFormValues(stored: string | null): Partial<WmsFormValues> {
  if (stored === null) return {};
  const url = new URL(stored);
  const get = (n: string) => url.searchParams.get(n) ?? "";
  const [south, west, north, east] = get("BBOX").split(",");
  const values = { wms_layers: get("LAYERS"), wms_west: west ?? "", wms_south: south ?? "", wms_east: east ?? "", wms_north: north ?? "", wms_width: get("WIDTH") };
  for (const n of ["SERVICE", "REQUEST", "VERSION", "LAYERS", "STYLES", "CRS", "BBOX", "WIDTH", "HEIGHT", "FORMAT"]) url.searchParams.delete(n);
  return { wms_url: url.toString(), ...values };
}

export interface WmsPlanSettings {
  request: WmsRequest;
  alt: string;
  columns: number;
  rows: number;
}

/** The WMS form's fields, checked. */
export function readWmsForm(fields: Map<string, string[]>): { values: WmsFormValues; settings: WmsPlanSettings | null; errors: FieldError[] } {
  const values = Object.fromEntries(WMS_FIELDS.map((n) => [n, (fields.get(n)?.[0] ?? "").trim()])) as WmsFormValues;
  const errors: FieldError[] = [];
  const url = values.wms_url.length <= 500 ? allowedUrl(values.wms_url) : null;
  if (url === null) errors.push({ field: "wms_url", message: "errors.wms.url" });
  if (!(values.wms_layers.length <= 200 && LAYERS.test(values.wms_layers))) errors.push({ field: "wms_layers", message: "errors.wms.layers" });
  const degrees = (n: "wms_west" | "wms_south" | "wms_east" | "wms_north", limit: number) => {
    const v = DEGREES.test(values[n]) ? Number(values[n]) : NaN;
    if (Math.abs(v) <= limit) return v;
    errors.push({ field: n, message: "errors.degreesRequired" });
    return NaN;
  };
  const before = errors.length;
  const west = degrees("wms_west", 180);
  const south = degrees("wms_south", 90);
  const east = degrees("wms_east", 180);
  const north = degrees("wms_north", 90);
  if (errors.length === before) {
    if (!(north > south)) errors.push({ field: "wms_south", message: "errors.northSouth" });
    else if (!(east > west)) errors.push({ field: "wms_east", message: "errors.westEast" });
  }
  const width = /^[0-9]{1,4}$/.test(values.wms_width) ? Number(values.wms_width) : NaN;
  if (!(width >= WMS_WIDTH.min && width <= WMS_WIDTH.max)) errors.push({ field: "wms_width", message: "errors.wms.width", params: WMS_WIDTH });
  if (values.wms_alt === "") errors.push({ field: "wms_alt", message: "errors.altMissing" });
  else if (values.wms_alt.length > PLAN_ALT_MAX || /[\u0000-\u001F\u007F]/.test(values.wms_alt)) errors.push({ field: "wms_alt", message: "errors.altTooLong", params: { max: PLAN_ALT_MAX } });
  const size = (n: "wms_columns" | "wms_rows") => {
    const v = /^[0-9]{1,2}$/.test(values[n]) ? Number(values[n]) : NaN;
    if (!(v >= GRID_LIMITS.min && v <= GRID_LIMITS.max)) errors.push({ field: n, message: "errors.gridSize", params: GRID_LIMITS });
    return v;
  };
  const columns = size("wms_columns");
  const rows = size("wms_rows");
  if (errors.length > 0 || url === null) return { values, settings: null, errors };
  return { values, settings: { request: { url, layers: values.wms_layers, west, south, east, north, width }, alt: values.wms_alt, columns, rows }, errors };
}

export class WmsError extends Error {
  constructor(
    readonly reason: "unreachable" | "timeout" | "status" | "too_large" | "exception" | "not_a_picture" | "undecodable",
    readonly detail = "",
  ) {
    super(`WMS GetMap failed: ${reason}${detail ? ` (${detail})` : ""}`);
  }
}

/** A ServiceException's text (a WMS answers an error with XML, often with status 200), short and plain. */
function exceptionText(xml: string): string {
  const match = /<(?:[A-Za-z0-9_]+:)?ServiceException\b[^>]*>([\s\S]*?)<\/(?:[A-Za-z0-9_]+:)?ServiceException>/.exec(xml);
  const text = (match?.[1] ?? "").replace(/<!\[CDATA\[|\]\]>/g, "").replace(/<[^>]*>/g, " ");
  return text.replace(/[\u0000-\u001F\u007F]+/g, " ").replace(/\s+/g, " ").trim().slice(0, 200);
}

/** Send the GetMap and return the picture's bytes: PNG or JPEG, at most limits.maxBytes, within limits.timeoutMs. */
export async function fetchGetMap(getMap: string, limits = WMS_LIMITS): Promise<Buffer> {
  const signal = AbortSignal.timeout(limits.timeoutMs);
  const chunks: Buffer[] = [];
  let total = 0;
  let status: number;
  try {
    // no redirects: the admin named this server, not another one it points to
    const response = await fetch(getMap, { signal, redirect: "error", headers: { accept: "image/png, image/jpeg, application/vnd.ogc.se_xml;q=0.5, text/xml;q=0.5" } });
    status = response.status;
    const declared = Number(response.headers.get("content-length") ?? "0");
    if (declared > limits.maxBytes) {
      await response.body?.cancel();
      throw new WmsError("too_large");
    }
    if (response.body) {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        total += chunk.byteLength;
        if (total > limits.maxBytes) throw new WmsError("too_large");
        chunks.push(Buffer.from(chunk));
      }
    }
  } catch (error) {
    if (error instanceof WmsError) throw error;
    if (signal.aborted) throw new WmsError("timeout");
    throw new WmsError("unreachable");
  }
  const bytes = Buffer.concat(chunks);
  const png = bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const jpeg = bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (png || jpeg) {
    if (status >= 400) throw new WmsError("status", String(status));
    return bytes;
  }
  const text = bytes.subarray(0, 64 * 1024).toString("utf8");
  if (/ServiceException/.test(text)) throw new WmsError("exception", exceptionText(text));
  if (status >= 400) throw new WmsError("status", String(status));
  throw new WmsError("not_a_picture");
}

export type SaveWmsPlanResult = { ok: true } | { ok: false; error: FieldError };

/** Render the plan once from the WMS and store it as the procedure's plan, georeferenced by the box; a failing WMS stores nothing. */
export async function saveWmsPlan(
  db: Kysely<Database>,
  args: { organisationId: number; procedureId: number; settings: WmsPlanSettings; actor: AuditActor; limits?: typeof WMS_LIMITS; now?: Date },
): Promise<SaveWmsPlanResult> {
  const { settings } = args;
  const getMap = getMapUrl(settings.request);
  let image: PlanImage;
  try {
    image = await normalisePlanImage(await fetchGetMap(getMap, args.limits));
  } catch (error) {
    if (error instanceof WmsError) return { ok: false, error: { field: error.reason === "exception" ? "wms_layers" : "wms_url", message: `errors.wms.${error.reason}`, params: { detail: error.detail } } };
    return { ok: false, error: { field: "wms_url", message: "errors.wms.undecodable", params: { detail: "" } } };
  }
  const { west, south, east, north } = settings.request;
  const geo = geoColumns({ corners: { north, west, south, east } }, image.width, image.height);
  if ("error" in geo) return { ok: false, error: geo.error };
  await replacePlanImage(db, {
    organisationId: args.organisationId,
    procedureId: args.procedureId,
    image,
    values: { alt_text: settings.alt, grid_columns: settings.columns, grid_rows: settings.rows, ...geo.columns, document_id: null, wms_request: getMap },
    entry: {
      ...args.actor,
      action: "plan_saved",
      targetType: "procedure",
      targetId: args.procedureId,
      details: { source: "wms", wms_host: settings.request.url.host, layers: settings.request.layers, columns: settings.columns, rows: settings.rows, georeferenced: true, georeference: "corners", image_changed: true },
    },
    now: args.now ?? new Date(),
  });
  return { ok: true };
}
