/** Open data: the published submissions and the statistics (small groups suppressed) as JSON, streamed. No personal data. */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { HttpError } from "~/modules/http/errors";
import { withResourceErrors } from "~/modules/http/route-errors.server";
import { loadProcedureContext } from "~/modules/procedures/context.server";
import { configuredOrigin } from "~/modules/results/dcat";
import { exportLabels, jsonExport } from "~/modules/results/open-data.server";
import { resultsDates } from "~/modules/results/results-procedure.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withResourceErrors(request, async () => {
    const { db, organisation, procedure, basePath } = await loadProcedureContext(request, params);
    if (procedure.status !== "results_published") throw new HttpError(404, "not_found");
    const headers = {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${procedure.slug}-ergebnisse.json"`,
      "X-Content-Type-Options": "nosniff",
    };
    if (request.method === "HEAD") return new Response(null, { headers });
    const dates = await resultsDates(db, organisation.id, procedure.id);
    const meta = {
      title: procedure.title,
      organisation: organisation.name,
      url: `${configuredOrigin()}${basePath}/ergebnisse`,
      opensAt: procedure.opensAt,
      closesAt: procedure.closesAt,
      ...dates,
    };
    return new Response(jsonExport(db, procedure, meta, exportLabels(), { signal: request.signal }), { headers });
  });
}

/** A file to download, nothing to send: 405. */
export async function action({ request }: ActionFunctionArgs) {
  return withResourceErrors(request, async () => {
    throw new HttpError(405, "method_not_allowed");
  });
}
