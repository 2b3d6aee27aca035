/**
 * Errors a request can end in, each with a reason that the error page explains in the
 * reader's language (locales/<lng>/errors.json, key `reasons.<reason>`).
 */
import { data } from "@remix-run/node";
import { sameOriginPath } from "./same-origin-path";

export type ErrorReason =
  | "not_found"
  | "procedure_not_found"
  | "procedure_closed"
  | "procedure_not_yet_open"
  | "unknown_field"
  | "repeated_field"
  | "too_many_fields"
  | "invalid_encoding"
  | "too_large"
  | "unsupported_media_type"
  | "method_not_allowed"
  | "draft_missing"
  | "too_many_attempts"
  | "receipt_session_missing"
  | "withdraw_not_possible"
  | "forbidden"
  | "csrf"
  | "cross_site_request"
  | "link_invalid"
  | "second_factor_needs_link"
  | "too_many_submissions";

export class HttpError extends Error {
  constructor(
    public readonly status: number,
    public readonly reason: ErrorReason,
  ) {
    super(reason);
  }
}

export interface ErrorPayload {
  reason: ErrorReason;
  /** a link that helps the person go on */
  next?: string;
}

/** Something a route can throw; the root ErrorBoundary renders it in the reader's language. */
export function errorResponse(status: number, reason: ErrorReason, next?: string) {
  // links are built from route parameters (`/${params.org}/…`): `%2F` in the address must not turn one into `//other.site`
  const link = next ? sameOriginPath(next) : null;
  const payload: ErrorPayload = link ? { reason, next: link } : { reason };
  return data(payload, { status });
}

/** Turn our own errors into responses; let anything else through (a real bug, logged as such). */
export function asErrorResponse(error: unknown, next?: string): unknown {
  if (error instanceof HttpError) return errorResponse(error.status, error.reason, next);
  return error;
}
