/** Every procedure's participation period as an iCalendar file, in the reader's language. */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/db.server";
import { getT } from "~/i18n/i18n.server";
import { calendarFile, feedOrigin } from "~/modules/alerts/feeds.server";
import { HttpError } from "~/modules/http/errors";
import { withResourceErrors } from "~/modules/http/route-errors.server";
import { requireOrganisation } from "~/modules/procedures/context.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withResourceErrors(request, async () => {
    const organisation = await requireOrganisation(params);
    const { locale } = await getT(request, "alerts");
    const body = await calendarFile(getDb(), { organisation, origin: feedOrigin(request), language: locale });
    if (body === null) throw new HttpError(404, "not_found");
    return new Response(body, {
      headers: { "Content-Type": "text/calendar; charset=utf-8", "Content-Disposition": `attachment; filename="${organisation.slug}-verfahren.ics"`, "Cache-Control": "public, max-age=300", "Content-Language": locale },
    });
  });
}

/** A file to read, nothing to send: 405. */
export async function action({ request }: ActionFunctionArgs) {
  return withResourceErrors(request, async () => {
    throw new HttpError(405, "method_not_allowed");
  });
}
