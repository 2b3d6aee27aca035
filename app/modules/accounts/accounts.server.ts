/**
 * Staff accounts: sign-in with throttling, the TOTP second factor, invitations and password resets
 * (one-time links, 72 hours), removing access. Every change is written to the audit log by the caller.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { AccountRow, Database, Role } from "#db/schema";
import { clearFailures, clientBucket, failureDelaySeconds, recordFailure, type DelayPolicy } from "~/modules/http/rate-limit.server";
import { decryptField, encryptField, needsReencryption, type KeyRing } from "~/modules/privacy/contact-crypto.server";
import { getKeyRing } from "~/modules/privacy/keys.server";
import { dummyVerify, hashPassword, needsRehash, verifyPassword } from "./password.server";
import { verifyTotp } from "./totp.server";
import { endAllSessions, hashToken } from "./sessions.server";

export const TOKEN_LIFETIME_MS = 72 * 60 * 60 * 1000;
/**
 * Failed sign-ins slow down (progressive delay), per client for this account and per client over
 * all accounts; successes are not counted. No limit counts an account's failures from everywhere:
 * a stranger's wrong passwords slow only the stranger, never lock the account's owner out.
 */
export const SIGN_IN_DELAYS: { perAccountAndClient: DelayPolicy; perClient: DelayPolicy; secondFactor: DelayPolicy } = {
  perAccountAndClient: { free: 5, baseMs: 30_000, maxMs: 15 * 60 * 1000, forgetMs: 60 * 60 * 1000 },
  perClient: { free: 20, baseMs: 30_000, maxMs: 15 * 60 * 1000, forgetMs: 60 * 60 * 1000 },
  // wrong TOTP codes of one account (only someone with its password gets this far)
  secondFactor: { free: 5, baseMs: 30_000, maxMs: 15 * 60 * 1000, forgetMs: 60 * 60 * 1000 },
};

export interface Account {
  id: number;
  organisationId: number;
  email: string;
  displayName: string;
  roles: Role[];
  active: boolean;
  totpEnabled: boolean;
  hasPassword: boolean;
}

export const normaliseEmail = (email: string) => email.trim().toLowerCase().normalize("NFC");

async function rolesOf(db: Kysely<Database>, accountId: number): Promise<Role[]> {
  const rows = await db.selectFrom("account_roles").select("role").where("account_id", "=", accountId).execute();
  return rows.map((r) => r.role).sort();
}

async function toAccount(db: Kysely<Database>, row: AccountRow): Promise<Account> {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    email: row.email,
    displayName: row.display_name,
    roles: await rolesOf(db, row.id),
    active: row.active === 1,
    totpEnabled: row.totp_enabled === 1,
    hasPassword: row.password_hash !== null,
  };
}

export async function getAccount(db: Kysely<Database>, id: number): Promise<Account | undefined> {
  const row = await db.selectFrom("accounts").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toAccount(db, row) : undefined;
}

export async function listAccounts(db: Kysely<Database>, organisationId: number): Promise<Account[]> {
  const rows = await db.selectFrom("accounts").selectAll().where("organisation_id", "=", organisationId).orderBy("email").execute();
  return Promise.all(rows.map((r) => toAccount(db, r)));
}

export async function createAccount(
  db: Kysely<Database>,
  args: { organisationId: number; email: string; displayName: string; roles: Role[]; password?: string; totpSecret?: string; now?: Date },
): Promise<Account> {
  const now = (args.now ?? new Date()).toISOString();
  const { id } = await db
    .insertInto("accounts")
    .values({
      organisation_id: args.organisationId,
      email: normaliseEmail(args.email),
      display_name: args.displayName,
      password_hash: args.password ? await hashPassword(args.password) : null,
      password_changed_at: args.password ? now : null,
      totp_secret: null,
      totp_last_step: null,
      created_at: now,
      updated_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  if (args.roles.length) await db.insertInto("account_roles").values(args.roles.map((role) => ({ account_id: id, role }))).execute();
  if (args.totpSecret) await enableTotp(db, id, args.totpSecret);
  return (await getAccount(db, id))!;
}

export type SignInResult = { ok: true; account: Account } | { ok: false; reason: "invalid" } | { ok: false; reason: "throttled"; retryAfterSeconds: number };

/**
 * Check e-mail and password. An unknown e-mail, a wrong password and a removed account get the
 * same answer after the same work; failures slow down further attempts (SIGN_IN_DELAYS).
 */
export async function checkPassword(
  db: Kysely<Database>,
  args: { email: string; password: string; clientKey: string; now?: Date },
): Promise<SignInResult> {
  const email = normaliseEmail(args.email).slice(0, 254);
  const now = args.now ?? new Date();
  const client = clientBucket(args.clientKey);
  const clientKey = `signin-fail-client:${client}`;
  // the address as a hash: the limits table holds no personal data and nothing a stranger typed
  const pairKey = `signin-fail:${createHash("sha256").update(email).digest("base64url").slice(0, 22)}:${client}`;
  const wait = Math.max(
    await failureDelaySeconds(db, clientKey, SIGN_IN_DELAYS.perClient, now),
    await failureDelaySeconds(db, pairKey, SIGN_IN_DELAYS.perAccountAndClient, now),
  );
  if (wait > 0) return { ok: false, reason: "throttled", retryAfterSeconds: wait };
  const failed = async (): Promise<SignInResult> => {
    await recordFailure(db, clientKey, SIGN_IN_DELAYS.perClient, now);
    await recordFailure(db, pairKey, SIGN_IN_DELAYS.perAccountAndClient, now);
    return { ok: false, reason: "invalid" };
  };
  const row = await db.selectFrom("accounts").selectAll().where("email", "=", email).executeTakeFirst();
  if (!row || !row.password_hash || row.active !== 1) {
    await dummyVerify(args.password);
    return failed();
  }
  if (!(await verifyPassword(args.password.slice(0, 1024), row.password_hash))) return failed();
  await clearFailures(db, pairKey);
  // stored with weaker parameters than today's: upgrade now that we have the password
  if (needsRehash(row.password_hash)) await setPassword(db, row.id, args.password, args.now);
  return { ok: true, account: await toAccount(db, row) };
}

const totpAad = (accountId: number) => `accounts:${accountId}:totp`;

/**
 * Store a (verified) TOTP secret, encrypted like contact data. `usedStep` is the time step of the
 * code that confirmed it, so that code cannot sign in a second time.
 */
export async function enableTotp(db: Kysely<Database>, accountId: number, secret: string, usedStep: number | null = null): Promise<void> {
  await db
    .updateTable("accounts")
    .set({ totp_secret: encryptField(getKeyRing(), secret, totpAad(accountId)), totp_enabled: 1, totp_last_step: usedStep, updated_at: new Date().toISOString() })
    .where("id", "=", accountId)
    .execute();
}

/** Check a TOTP code; a code is accepted once (its time step is remembered). */
export async function checkTotp(db: Kysely<Database>, accountId: number, code: string, now: Date = new Date()): Promise<boolean> {
  const row = await db.selectFrom("accounts").select(["totp_secret", "totp_last_step", "totp_enabled"]).where("id", "=", accountId).executeTakeFirst();
  if (!row?.totp_secret || row.totp_enabled !== 1) return false;
  const secret = decryptField(getKeyRing(), row.totp_secret, totpAad(accountId));
  const result = verifyTotp(secret, code, { at: now, lastUsedStep: row.totp_last_step === null ? null : Number(row.totp_last_step) });
  if (!result.ok) return false;
  // only one request can claim this step
  const claimed = await db
    .updateTable("accounts")
    .set({ totp_last_step: result.step })
    .where("id", "=", accountId)
    .where((eb) => eb.or([eb("totp_last_step", "is", null), eb("totp_last_step", "<", result.step)]))
    .executeTakeFirst();
  return Number(claimed.numUpdatedRows) === 1;
}

/**
 * Key rotation: TOTP secrets sealed with an older key, sealed again with the ring's current one —
 * accounts' secrets and those being set up in sessions.
 */
export async function reencryptTotpSecrets(db: Kysely<Database>, ring: KeyRing): Promise<number> {
  let n = 0;
  for (const row of await db.selectFrom("accounts").select(["id", "totp_secret"]).where("totp_secret", "is not", null).execute()) {
    if (!row.totp_secret || !needsReencryption(ring, row.totp_secret)) continue;
    const plain = decryptField(ring, row.totp_secret, totpAad(row.id));
    await db.updateTable("accounts").set({ totp_secret: encryptField(ring, plain, totpAad(row.id)) }).where("id", "=", row.id).execute();
    n++;
  }
  const pending = await db.selectFrom("staff_sessions").select(["id_hash", "account_id", "pending_totp_secret"]).where("pending_totp_secret", "is not", null).execute();
  for (const row of pending) {
    if (!row.pending_totp_secret || !needsReencryption(ring, row.pending_totp_secret)) continue;
    const aad = pendingTotpAad(row.id_hash);
    const plain = decryptField(ring, row.pending_totp_secret, aad);
    await db.updateTable("staff_sessions").set({ pending_totp_secret: encryptField(ring, plain, aad) }).where("id_hash", "=", row.id_hash).execute();
    n++;
  }
  return n;
}

/** A TOTP secret being set up belongs to one session, sealed and bound to it. */
export const pendingTotpAad = (sessionIdHash: string) => `staff_sessions:${sessionIdHash}:pending_totp`;

/** The second step of signing in: wrong codes slow further attempts down, a right one is never counted. */
export async function checkSecondFactor(
  db: Kysely<Database>,
  accountId: number,
  code: string,
  now: Date = new Date(),
): Promise<{ ok: true } | { ok: false; reason: "invalid" } | { ok: false; reason: "throttled"; retryAfterSeconds: number }> {
  const key = `totp-fail:${accountId}`;
  const wait = await failureDelaySeconds(db, key, SIGN_IN_DELAYS.secondFactor, now);
  if (wait > 0) return { ok: false, reason: "throttled", retryAfterSeconds: wait };
  if (!(await checkTotp(db, accountId, code, now))) {
    await recordFailure(db, key, SIGN_IN_DELAYS.secondFactor, now);
    return { ok: false, reason: "invalid" };
  }
  await clearFailures(db, key);
  return { ok: true };
}

/**
 * A password hashed ahead of its transaction: hashing takes a moment on purpose, and a transaction
 * holds SQLite's write lock (every submission would wait) — so a caller that writes the change and
 * its audit entry in one transaction hashes first.
 */
export interface HashedPassword {
  hashed: string;
}
export const hashedPassword = async (password: string): Promise<HashedPassword> => ({ hashed: await hashPassword(password) });

export async function setPassword(db: Kysely<Database>, accountId: number, password: string | HashedPassword, now: Date = new Date()): Promise<void> {
  const hash = typeof password === "string" ? await hashPassword(password) : password.hashed;
  await db
    .updateTable("accounts")
    .set({ password_hash: hash, password_changed_at: now.toISOString(), updated_at: now.toISOString() })
    .where("id", "=", accountId)
    .execute();
}


/** A one-time link token (invitation or password reset), valid 72 hours. Only its hash is stored. */
export async function createAccountToken(
  db: Kysely<Database>,
  args: { accountId: number; purpose: "invite" | "reset"; createdBy: number | null; now?: Date },
): Promise<string> {
  const now = args.now ?? new Date();
  const token = randomBytes(32).toString("base64url");
  // a new link replaces any earlier one
  await db.deleteFrom("account_tokens").where("account_id", "=", args.accountId).where("used_at", "is", null).execute();
  await db
    .insertInto("account_tokens")
    .values({
      token_hash: hashToken(token),
      account_id: args.accountId,
      purpose: args.purpose,
      expires_at: new Date(now.getTime() + TOKEN_LIFETIME_MS).toISOString(),
      used_at: null,
      created_by: args.createdBy,
      created_at: now.toISOString(),
    })
    .execute();
  return token;
}

export async function findAccountToken(db: Kysely<Database>, token: string, now: Date = new Date()) {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  const row = await db
    .selectFrom("account_tokens")
    .innerJoin("accounts", "accounts.id", "account_tokens.account_id")
    .select(["account_tokens.token_hash", "account_tokens.purpose", "account_tokens.account_id", "accounts.email", "accounts.organisation_id", "accounts.active"])
    .where("account_tokens.token_hash", "=", hashToken(token))
    .where("account_tokens.used_at", "is", null)
    .where("account_tokens.expires_at", ">", now.toISOString())
    .executeTakeFirst();
  return row && row.active === 1 ? row : undefined;
}

/** Use a one-time link: set the password, spend the token, end every old session. */
export async function redeemAccountToken(db: Kysely<Database>, token: string, password: string | HashedPassword, now: Date = new Date()) {
  const found = await findAccountToken(db, token, now);
  if (!found) return undefined;
  const spent = await db
    .updateTable("account_tokens")
    .set({ used_at: now.toISOString() })
    .where("token_hash", "=", found.token_hash)
    .where("used_at", "is", null)
    .executeTakeFirst();
  if (Number(spent.numUpdatedRows) !== 1) return undefined;
  await setPassword(db, found.account_id, password, now);
  await endAllSessions(db, found.account_id);
  return found;
}

/**
 * Whether this sign-in may set up the second factor: it is the first sign-in after a one-time link
 * (invitation, password reset) was used, within the link's lifetime. Claims the used link, so no
 * later sign-in with the same password can (someone who only learnt the password cannot enrol).
 */
export async function claimEnrolment(db: Kysely<Database>, accountId: number, now: Date = new Date()): Promise<boolean> {
  const claimed = await db
    .deleteFrom("account_tokens")
    .where("account_id", "=", accountId)
    .where("used_at", "is not", null)
    .where("used_at", ">", new Date(now.getTime() - TOKEN_LIFETIME_MS).toISOString())
    .executeTakeFirst();
  return Number(claimed.numDeletedRows) > 0;
}

/**
 * An admin resets someone's second factor (a lost phone): the secret goes, every session ends, and
 * the person sets a new one up through the one-time link returned (also a new password).
 */
export async function resetSecondFactor(db: Kysely<Database>, accountId: number, createdBy: number, now: Date = new Date()): Promise<string> {
  await db
    .updateTable("accounts")
    .set({ totp_secret: null, totp_enabled: 0, totp_last_step: null, updated_at: now.toISOString() })
    .where("id", "=", accountId)
    .execute();
  await endAllSessions(db, accountId);
  return createAccountToken(db, { accountId, purpose: "reset", createdBy, now });
}

export async function deactivateAccount(db: Kysely<Database>, accountId: number): Promise<void> {
  await db.updateTable("accounts").set({ active: 0, updated_at: new Date().toISOString() }).where("id", "=", accountId).execute();
  await db.deleteFrom("account_tokens").where("account_id", "=", accountId).execute();
  await endAllSessions(db, accountId);
}

export async function setRoles(db: Kysely<Database>, accountId: number, roles: Role[]): Promise<void> {
  await db.deleteFrom("account_roles").where("account_id", "=", accountId).execute();
  if (roles.length) await db.insertInto("account_roles").values(roles.map((role) => ({ account_id: accountId, role }))).execute();
}
