/**
 * Pictures of a procedure's plan (issue 18), drawn on our server: the whole plan with its grid at a
 * few widths (?b=), an enlarged grid cell (?zelle=C3), a small crop with a mark (?punkt=x-y). WebP;
 * cached for a long time because the URL carries the plan's version (?v=). Anything else is a 404.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { HttpError } from "~/modules/http/errors";
import { withResourceErrors } from "~/modules/http/route-errors.server";
import { planPictureResponse } from "~/modules/places/pictures.server";
import { loadProcedureContext } from "~/modules/procedures/context.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withResourceErrors(request, async () => {
    const { db, procedure } = await loadProcedureContext(request, params);
    return planPictureResponse(db, procedure, new URL(request.url).searchParams);
  });
}

/** A picture, nothing to send: 405. */
export async function action({ request }: ActionFunctionArgs) {
  return withResourceErrors(request, async () => {
    throw new HttpError(405, "method_not_allowed");
  });
}
