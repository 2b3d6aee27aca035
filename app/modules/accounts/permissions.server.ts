/**
 * Who may do what, in one place (the Epic Stack's pattern): loaders and actions of staff pages call
 * requireStaff(); it signs the person in or sends them to sign in, hides other organisations (404),
 * and refuses missing roles (403). Staff actions also prove the session's CSRF token.
 */
import { redirect } from "@remix-run/node";
import type { Params } from "@remix-run/react";
import { timingSafeEqual } from "node:crypto";
import { getDb } from "~/db.server";
import { HttpError } from "~/modules/http/errors";
import { readForm } from "~/modules/http/form-body.server";
import { readMultipart, type MultipartLimits } from "~/modules/http/multipart.server";
import { requirePost } from "~/modules/http/route-errors.server";
import { getAccount, type Account } from "./accounts.server";
import type { Role } from "./roles";
import { currentSession } from "./sessions.server";

export interface StaffUser extends Account {
  organisationSlug: string;
  organisationName: string;
  csrfToken: string;
}

export const CSRF_FIELD = "_csrf";

function signInRedirect(request: Request): never {
  const url = new URL(request.url);
  const back = `${url.pathname}${url.search}`;
  throw redirect(`/anmelden?weiter=${encodeURIComponent(back)}`, 303);
}

/**
 * The signed-in staff member (both factors done, account active), in the organisation of the URL.
 * Anonymous → sign-in page; another organisation → 404 (it does not exist for them); missing
 * role → 403.
 */
export async function requireStaff(request: Request, params: Params, roles: readonly Role[] = []): Promise<StaffUser> {
  const db = getDb();
  const session = await currentSession(db, request);
  if (!session || session.second_factor_done !== 1) signInRedirect(request);
  const account = await getAccount(db, session.account_id);
  if (!account || !account.active) signInRedirect(request);
  const organisation = await db.selectFrom("organisations").select(["slug", "name"]).where("id", "=", account.organisationId).executeTakeFirstOrThrow();
  if (params.org !== undefined && params.org !== organisation.slug) throw new HttpError(404, "not_found");
  if (roles.length > 0 && !roles.some((r) => account.roles.includes(r))) throw new HttpError(403, "forbidden");
  return { ...account, organisationSlug: organisation.slug, organisationName: organisation.name, csrfToken: session.csrf_token };
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A staff form submission: POST, signed in with the role, same origin, with this session's CSRF token. */
export async function requireStaffAction(request: Request, params: Params, roles: readonly Role[] = []) {
  requirePost(request);
  const user = await requireStaff(request, params, roles);
  const fields = await readForm(request);
  const token = fields.get(CSRF_FIELD);
  if (!token || token.length !== 1 || !sameToken(token[0], user.csrfToken)) throw new HttpError(403, "csrf");
  fields.delete(CSRF_FIELD);
  return { user, fields };
}

/**
 * A staff form with a file (multipart): like requireStaffAction, and the CSRF token, which the form
 * sends before its file, is checked when the file begins, so a forged upload is refused before a
 * byte of it is written anywhere. The caller must call `body.cleanup()` (temporary files).
 */
export async function requireStaffUpload(request: Request, params: Params, roles: readonly Role[], limits: MultipartLimits) {
  requirePost(request);
  const user = await requireStaff(request, params, roles);
  const checkToken = (fields: Map<string, string[]>) => {
    const token = fields.get(CSRF_FIELD);
    if (!token || token.length !== 1 || !sameToken(token[0], user.csrfToken)) throw new HttpError(403, "csrf");
  };
  const body = await readMultipart(request, limits, checkToken);
  try {
    checkToken(body.fields);
  } catch (error) {
    await body.cleanup();
    throw error;
  }
  body.fields.delete(CSRF_FIELD);
  return { user, body };
}
