/**
 * The organisation's accounts, administered by its admins: invite a person (a one-time link),
 * renew someone's link (password reset, or a fresh invitation for one who never chose a password),
 * reset a lost second factor, change roles, remove access. Each reads its own form's fields (a
 * field no form of ours sends is an HttpError 400), and each change is written in one transaction
 * with its audit entry.
 */
import type { Kysely } from "kysely";
import { isUniqueViolation } from "#db/connection.server";
import type { Database } from "#db/schema";
import { withAudit, type AuditActor } from "~/modules/audit/audit.server";
import { EMAIL, normaliseText, textProblem, type FieldError, type FormFields } from "~/modules/forms/fields";
import { parseId } from "~/modules/forms/parse.server";
import { HttpError } from "~/modules/http/errors";
import {
  TOKEN_LIFETIME_MS,
  createAccount,
  createAccountToken,
  deactivateAccount,
  getAccount,
  normaliseEmail,
  resetSecondFactor,
  setRoles,
  type Account,
} from "./accounts.server";
import { ROLES, type Role } from "./roles";
import { endAllSessions } from "./sessions.server";

export const ACCOUNT_LIMITS = { email: 254, name: 200 } as const;

/** An administering admin: who acts, in which organisation, from where. */
export type Admin = AuditActor & { accountId: number };

/** A one-time link as the page shows it once: the token (the route makes the address) and until when it works. */
export interface IssuedLink {
  accountId: number;
  email: string;
  token: string;
  validUntil: string;
}

const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

/** Only the fields a form of this page sends, each once (roles may repeat). */
function checkFields(fields: FormFields, allowed: string[], repeatable: string[] = []) {
  for (const [name, values] of fields) {
    if (!allowed.includes(name) && !repeatable.includes(name)) throw new HttpError(400, "unknown_field");
    if (values.length > 1 && !repeatable.includes(name)) throw new HttpError(400, "repeated_field");
  }
}

function parseRoles(values: string[]): Role[] {
  if (values.length > ROLES.length || new Set(values).size !== values.length) throw new HttpError(400, "repeated_field");
  if (!values.every(isRole)) throw new HttpError(400, "unknown_field");
  return ROLES.filter((r) => values.includes(r));
}

/** The account named by the form, in the admin's own organisation (another one's does not exist here). */
async function targetAccount(db: Kysely<Database>, fields: FormFields, admin: Admin): Promise<Account> {
  const id = parseId(fields.get("account")?.[0]);
  const account = id === null ? undefined : await getAccount(db, id);
  if (!account || account.organisationId !== admin.organisationId) throw new HttpError(404, "not_found");
  return account;
}

const validUntil = (now: Date) => new Date(now.getTime() + TOKEN_LIFETIME_MS).toISOString();

export type InviteResult =
  | ({ ok: true } & IssuedLink)
  | { ok: false; errors: FieldError[]; values: { email: string; name: string; roles: Role[] } };

/** A new account with its invitation link; the e-mail address must be new in the organisation. */
export async function inviteAccount(db: Kysely<Database>, admin: Admin, fields: FormFields, now: Date = new Date()): Promise<InviteResult> {
  checkFields(fields, ["intent", "email", "name"], ["roles"]);
  const rawEmail = fields.get("email")?.[0] ?? "";
  const email = normaliseEmail(rawEmail);
  const name = normaliseText(fields.get("name")?.[0] ?? "");
  const roles = parseRoles(fields.get("roles") ?? []);
  const errors: FieldError[] = [];
  const emailLength = Array.from(email).length;
  if (email === "") errors.push({ field: "email", message: "errors.emailRequired" });
  else if (emailLength > ACCOUNT_LIMITS.email) errors.push({ field: "email", message: "errors.tooLong", params: { max: ACCOUNT_LIMITS.email, length: emailLength } });
  else if (!EMAIL.test(email)) errors.push({ field: "email", message: "errors.emailInvalid" });
  const nameProblem = textProblem(name, { max: ACCOUNT_LIMITS.name, multiLine: false });
  if (name === "") errors.push({ field: "name", message: "errors.nameRequired" });
  else if (nameProblem?.problem === "tooLong") errors.push({ field: "name", message: "errors.tooLong", params: { max: ACCOUNT_LIMITS.name, length: nameProblem.length } });
  else if (nameProblem) errors.push({ field: "name", message: "errors.forbiddenCharacters" });
  if (roles.length === 0) errors.push({ field: "roles", message: "errors.rolesRequired" });
  const values = { email: rawEmail.slice(0, 300), name: name.slice(0, 300), roles };
  if (errors.length) return { ok: false, errors, values };
  try {
    return await withAudit(
      db,
      async (trx) => {
        const account = await createAccount(trx, { organisationId: admin.organisationId, email, displayName: name, roles, now });
        const token = await createAccountToken(trx, { accountId: account.id, purpose: "invite", createdBy: admin.accountId, now });
        return { ok: true as const, accountId: account.id, email: account.email, token, validUntil: validUntil(now) };
      },
      (r) => ({ ...admin, action: "account_invited", targetType: "account", targetId: r.accountId, details: { email: r.email, roles: roles.join(",") }, at: now }),
    );
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return { ok: false, errors: [{ field: "email", message: "errors.emailTaken" }], values };
  }
}

/** A new one-time link for an active account: a password reset, or a fresh invitation for one who never chose a password. */
export async function renewAccessLink(db: Kysely<Database>, admin: Admin, fields: FormFields, now: Date = new Date()): Promise<IssuedLink> {
  checkFields(fields, ["intent", "account"]);
  const account = await targetAccount(db, fields, admin);
  if (!account.active) throw new HttpError(404, "not_found");
  const purpose = account.hasPassword ? "reset" : "invite";
  const token = await withAudit(
    db,
    (trx) => createAccountToken(trx, { accountId: account.id, purpose, createdBy: admin.accountId, now }),
    () => ({
      ...admin,
      action: purpose === "reset" ? "password_reset_link_created" : "invitation_renewed",
      targetType: "account",
      targetId: account.id,
      details: { email: account.email },
      at: now,
    }),
  );
  return { accountId: account.id, email: account.email, token, validUntil: validUntil(now) };
}

/** A lost phone: the old second factor goes at once, and the person sets up a new one through the link returned. */
export async function resetAccountSecondFactor(db: Kysely<Database>, admin: Admin, fields: FormFields, now: Date = new Date()): Promise<IssuedLink> {
  checkFields(fields, ["intent", "account"]);
  const account = await targetAccount(db, fields, admin);
  if (!account.active || account.id === admin.accountId) throw new HttpError(403, "forbidden");
  const token = await withAudit(
    db,
    (trx) => resetSecondFactor(trx, account.id, admin.accountId, now),
    () => ({ ...admin, action: "second_factor_reset", targetType: "account", targetId: account.id, details: { email: account.email }, at: now }),
  );
  return { accountId: account.id, email: account.email, token, validUntil: validUntil(now) };
}

export type RolesResult = { ok: true; accountId: number } | { ok: false; errors: FieldError[]; values: { roles: Role[] } };

/** New roles for an active account; an admin keeps their own admin role. Nothing is written when nothing changed. */
export async function changeRoles(db: Kysely<Database>, admin: Admin, fields: FormFields): Promise<RolesResult> {
  checkFields(fields, ["intent", "account"], ["roles"]);
  const account = await targetAccount(db, fields, admin);
  if (!account.active) throw new HttpError(404, "not_found");
  const roles = parseRoles(fields.get("roles") ?? []);
  if (roles.length === 0) return { ok: false, errors: [{ field: "roles", message: "errors.rolesRequired" }], values: { roles } };
  if (account.id === admin.accountId && !roles.includes("admin")) return { ok: false, errors: [{ field: "roles", message: "errors.ownAdminRole" }], values: { roles } };
  if (roles.join(",") !== account.roles.join(",")) {
    await withAudit(
      db,
      async (trx) => {
        await setRoles(trx, account.id, roles);
        // new roles may need a second factor the old session never asked for: sign in again
        if (account.id !== admin.accountId) await endAllSessions(trx, account.id);
      },
      () => ({ ...admin, action: "roles_changed", targetType: "account", targetId: account.id, details: { email: account.email, from: account.roles.join(","), to: roles.join(",") } }),
    );
  }
  return { ok: true, accountId: account.id };
}

/** Ends someone else's access: the account stays (its name stays in the audit log), every link and session goes. */
export async function removeAccess(db: Kysely<Database>, admin: Admin, fields: FormFields): Promise<{ accountId: number }> {
  checkFields(fields, ["intent", "account"]);
  const account = await targetAccount(db, fields, admin);
  if (account.id === admin.accountId) throw new HttpError(403, "forbidden");
  if (account.active) {
    await withAudit(
      db,
      (trx) => deactivateAccount(trx, account.id),
      () => ({ ...admin, action: "access_removed", targetType: "account", targetId: account.id, details: { email: account.email } }),
    );
  }
  return { accountId: account.id };
}
