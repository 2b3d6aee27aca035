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

export function requirePost(request: Request) {
  if (request.method !== "POST") throw new HttpError(405, "method_not_allowed");
}
