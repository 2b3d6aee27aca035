/** Open data: every published submission as CSV (UTF-8 with BOM, RFC 4180), streamed. No personal data. */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { HttpError } from "~/modules/http/errors";
import { withResourceErrors } from "~/modules/http/route-errors.server";
import { loadProcedureContext } from "~/modules/procedures/context.server";
import { csvExport, exportLabels } from "~/modules/results/open-data.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withResourceErrors(request, async () => {
    const { db, procedure } = await loadProcedureContext(request, params);
    if (procedure.status !== "results_published") throw new HttpError(404, "not_found");
    const headers = {
      "Content-Type": "text/csv; charset=utf-8; header=present",
      "Content-Disposition": `attachment; filename="${procedure.slug}-ergebnisse.csv"`,
      "X-Content-Type-Options": "nosniff",
    };
    if (request.method === "HEAD") return new Response(null, { headers });
    return new Response(csvExport(db, procedure, exportLabels(), { signal: request.signal }), { headers });
  });
}

/** A file to download, nothing to send: 405. */
export async function action({ request }: ActionFunctionArgs) {
  return withResourceErrors(request, async () => {
    throw new HttpError(405, "method_not_allowed");
  });
}
