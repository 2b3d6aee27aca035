/** Open data: DCAT-AP.de metadata of the results (JSON-LD) — the dataset and its CSV, JSON (and, with a georeferenced plan, GeoJSON) distributions. */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { HttpError } from "~/modules/http/errors";
import { withResourceErrors } from "~/modules/http/route-errors.server";
import { georeferenceOf } from "~/modules/places/plans.server";
import { loadProcedureContext } from "~/modules/procedures/context.server";
import { configuredOrigin, dcatMetadata } from "~/modules/results/dcat";
import { resultsDates, resultsSummaryOf } from "~/modules/results/results-procedure.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withResourceErrors(request, async () => {
    const { db, organisation, procedure, basePath } = await loadProcedureContext(request, params);
    if (procedure.status !== "results_published") throw new HttpError(404, "not_found");
    const [dates, resultsSummary, geo] = await Promise.all([resultsDates(db, organisation.id, procedure.id), resultsSummaryOf(db, procedure.id), georeferenceOf(db, procedure.id)]);
    const metadata = dcatMetadata({
      origin: configuredOrigin(),
      basePath,
      organisationPath: `/${organisation.slug}`,
      organisation: organisation.name,
      contact: { email: organisation.open_data_email, phone: organisation.open_data_phone, url: organisation.open_data_url },
      contributorId: organisation.govdata_contributor_id,
      title: procedure.title,
      procedureSummary: procedure.summary,
      resultsSummary,
      opensAt: procedure.opensAt,
      closesAt: procedure.closesAt,
      ...dates,
      geoJson: geo !== null,
    });
    return new Response(`${JSON.stringify(metadata, null, 2)}\n`, {
      headers: {
        "Content-Type": "application/ld+json; charset=utf-8",
        "Content-Disposition": `inline; filename="${procedure.slug}-dcat.jsonld"`,
        "X-Content-Type-Options": "nosniff",
      },
    });
  });
}

/** A file to download, nothing to send: 405. */
export async function action({ request }: ActionFunctionArgs) {
  return withResourceErrors(request, async () => {
    throw new HttpError(405, "method_not_allowed");
  });
}
