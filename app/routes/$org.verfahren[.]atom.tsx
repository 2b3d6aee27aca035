/** The municipality's procedures as an Atom feed, in the reader's language (?lng= or the language cookie). */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/db.server";
import { getT } from "~/i18n/i18n.server";
import { atomFeed, feedOrigin } from "~/modules/alerts/feeds.server";
import { HttpError } from "~/modules/http/errors";
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

/** A file to read, nothing to send: 405. */
export async function action({ request }: ActionFunctionArgs) {
  return withResourceErrors(request, async () => {
    throw new HttpError(405, "method_not_allowed");
  });
}
