/**
 * Open data: the points of the published statements on the plan as GeoJSON (issue 18), streamed.
 * Only once the results are published and the plan is georeferenced; no personal data.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { HttpError } from "~/modules/http/errors";
import { withResourceErrors } from "~/modules/http/route-errors.server";
import { georeferenceOf } from "~/modules/places/plans.server";
import { loadProcedureContext } from "~/modules/procedures/context.server";
import { configuredOrigin } from "~/modules/results/dcat";
import { geoJsonExport } from "~/modules/results/open-data.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withResourceErrors(request, async () => {
    const { db, procedure, basePath } = await loadProcedureContext(request, params);
    if (procedure.status !== "results_published") throw new HttpError(404, "not_found");
    const geo = await georeferenceOf(db, procedure.id);
    if (!geo) throw new HttpError(404, "not_found");
    const headers = {
      "Content-Type": "application/geo+json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${procedure.slug}-orte.geojson"`,
      "X-Content-Type-Options": "nosniff",
    };
    if (request.method === "HEAD") return new Response(null, { headers });
    const meta = { title: procedure.title, url: `${configuredOrigin()}${basePath}/ergebnisse` };
    return new Response(geoJsonExport(db, procedure, geo, meta, { signal: request.signal }), { headers });
  });
}

/** A file to download, nothing to send: 405. */
export async function action({ request }: ActionFunctionArgs) {
  return withResourceErrors(request, async () => {
    throw new HttpError(405, "method_not_allowed");
  });
}
