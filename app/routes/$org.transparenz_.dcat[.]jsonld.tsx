/** Open data: the transparency log's public files (checkpoint, history, key) as DCAT-AP.de metadata (JSON-LD). */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/db.server";
import { HttpError } from "~/modules/http/errors";
import { withResourceErrors } from "~/modules/http/route-errors.server";
import { requireOrganisation } from "~/modules/procedures/context.server";
import { configuredOrigin, transparencyLogDcat } from "~/modules/results/dcat";
import { checkpointDates } from "~/modules/transparency-log/public.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withResourceErrors(request, async () => {
    const organisation = await requireOrganisation(params);
    const dates = await checkpointDates(getDb());
    if (!dates) throw new HttpError(404, "not_found");
    const metadata = transparencyLogDcat({
      origin: configuredOrigin(),
      organisationPath: `/${organisation.slug}`,
      organisation: organisation.name,
      contact: { email: organisation.open_data_email, phone: organisation.open_data_phone, url: organisation.open_data_url },
      contributorId: organisation.govdata_contributor_id,
      ...dates,
    });
    return new Response(`${JSON.stringify(metadata, null, 2)}\n`, {
      headers: { "Content-Type": "application/ld+json; charset=utf-8", "X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=60" },
    });
  });
}

/** A file to download, nothing to send: 405. */
export async function action({ request }: ActionFunctionArgs) {
  return withResourceErrors(request, async () => {
    throw new HttpError(405, "method_not_allowed");
  });
}
