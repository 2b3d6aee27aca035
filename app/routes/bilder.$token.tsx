/**
 * A photo a moderator published with the results (issue 20, decision 55): by its random public name,
 * outside every organisation's pages; no cookie is read or set here, a strict CSP, nosniff. Gone as
 * soon as it is taken back, its submission is no longer published or its files are erased.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/db.server";
import { publicImageResponse } from "~/modules/attachments/response.server";
import { findPublishedImage } from "~/modules/attachments/staff.server";
import { HttpError } from "~/modules/http/errors";
import { withResourceErrors } from "~/modules/http/route-errors.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withResourceErrors(request, async () => {
    const image = await findPublishedImage(getDb(), params.token ?? "");
    if (!image) throw new HttpError(404, "not_found");
    return publicImageResponse(request, image);
  });
}

export async function action({ request }: ActionFunctionArgs) {
  return withResourceErrors(request, async () => {
    throw new HttpError(405, "method_not_allowed");
  });
}
