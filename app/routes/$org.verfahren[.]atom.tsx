/** The municipality's procedures as an Atom feed, in the reader's language (?lng= or the language cookie). */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/db.server";
import { getT } from "~/i18n/i18n.server";
import { atomFeed, feedOrigin } from "~/modules/alerts/feeds.server";
import { withResourceErrors } from "~/modules/http/route-errors.server";
import { requireOrganisation } from "~/modules/procedures/context.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withResourceErrors(request, async () => {
    const organisation = await requireOrganisation(params);
    const { locale } = await getT(request, "alerts");
    const body = await atomFeed(getDb(), { organisation, origin: feedOrigin(request), language: locale });
    return new Response(body, { headers: { "Content-Type": "application/atom+xml; charset=utf-8", "Cache-Control": "public, max-age=300", "Content-Language": locale } });
  });
}
