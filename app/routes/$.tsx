import { errorResponse } from "~/modules/http/errors";

/** Anything no other route matches: the localized "page not found". */
export function loader() {
  throw errorResponse(404, "not_found");
}

export function action() {
  throw errorResponse(404, "not_found");
}

export default function NotFound() {
  return null;
}
