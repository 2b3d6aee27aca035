import { getT } from "~/i18n/i18n.server";
import { HttpError, errorResponse } from "./errors";

/**
 * Run a loader or action body; our own HttpErrors become the localized error page,
 * anything else is a real bug and goes to handleError.
 */
export async function withErrorPages<T>(fn: () => Promise<T>, next?: string): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof HttpError) throw errorResponse(error.status, error.reason, next);
    throw error;
  }
}

/**
 * Every state-changing request: a POST from one of our own pages. Browsers say where a request
 * comes from (Sec-Fetch-Site, else Origin); a form posted from another site is refused.
 */
export function requirePost(request: Request) {
  if (request.method !== "POST") throw new HttpError(405, "method_not_allowed");
  // set by the server pipeline (server/pipeline.ts), which removes any such header a client sends
  if (request.headers.get("x-teilhabe-cross-site") === "1") throw new HttpError(403, "cross_site_request");
  const site = request.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") throw new HttpError(403, "cross_site_request");
  const origin = request.headers.get("origin");
  if (!site && origin && origin !== "null") {
    const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
    let originHost: string | null = null;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = null;
    }
    if (originHost !== host) throw new HttpError(403, "cross_site_request");
  }
}

/**
 * For resource routes (downloads), which have no error page of their own: our HttpErrors become a
 * short plain-text answer in the reader's language.
 */
export async function withResourceErrors(request: Request, fn: () => Promise<Response>): Promise<Response> {
  try {
    return await fn();
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    const { t } = await getT(request, "errors");
    const body = `${t(`reasons.${error.reason}.title`)}\n\n${t(`reasons.${error.reason}.body`)}\n`;
    return new Response(body, { status: error.status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
}
