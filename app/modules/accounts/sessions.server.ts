/**
 * Staff sessions live in the database (revocable; shared by every app instance). The cookie holds
 * a random token; the table holds its SHA-256. A new session (new token) is made at every sign-in
 * and again after the second factor. Sessions end after 30 idle minutes or 12 hours, whichever
 * comes first, and at sign-out.
 */
import { createHash, randomBytes } from "node:crypto";
import { createCookie } from "@remix-run/node";
import type { Kysely } from "kysely";
import type { Database, StaffSessionRow } from "#db/schema";
import { servedOverHttps } from "~/modules/http/secrets.server";

export const IDLE_TIMEOUT_MS = 30 * 60 * 1000;
export const ABSOLUTE_LIFETIME_MS = 12 * 60 * 60 * 1000;
/** last_seen_at is written at most this often, not on every request */
const TOUCH_EVERY_MS = 60 * 1000;

const secure = servedOverHttps;

let cookie: ReturnType<typeof createCookie> | undefined;
/** `__Host-` in production: only this host, only over HTTPS, path / — no subdomain can set it. */
export function sessionCookie() {
  cookie ??= createCookie(secure() ? "__Host-teilhabe_session" : "teilhabe_session", {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: secure(),
    // a browser-session cookie; the server enforces the lifetimes
  });
  return cookie;
}

/** Tokens (sessions, one-time links) are stored as their SHA-256 only. */
export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export async function createSession(
  db: Kysely<Database>,
  args: { accountId: number; organisationId: number; secondFactorDone: boolean; clientAddress: string; mayEnrol?: boolean; now?: Date },
): Promise<{ token: string; setCookie: string }> {
  const now = args.now ?? new Date();
  const token = randomBytes(32).toString("base64url");
  await db
    .insertInto("staff_sessions")
    .values({
      id_hash: hashToken(token),
      account_id: args.accountId,
      organisation_id: args.organisationId,
      csrf_token: randomBytes(24).toString("base64url"),
      second_factor_done: args.secondFactorDone ? 1 : 0,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: new Date(now.getTime() + ABSOLUTE_LIFETIME_MS).toISOString(),
      client_address: args.clientAddress.slice(0, 64),
      pending_totp_secret: null,
      may_enrol: args.mayEnrol ? 1 : 0,
    })
    .execute();
  return { token, setCookie: await sessionCookie().serialize(token) };
}

export async function sessionToken(request: Request): Promise<string | null> {
  try {
    const value = await sessionCookie().parse(request.headers.get("cookie"));
    return typeof value === "string" && /^[A-Za-z0-9_-]{20,100}$/.test(value) ? value : null;
  } catch {
    return null;
  }
}

/** The live session behind the request's cookie, touched; null when missing, idle too long or too old. */
export async function currentSession(db: Kysely<Database>, request: Request, now: Date = new Date()): Promise<StaffSessionRow | null> {
  const token = await sessionToken(request);
  if (!token) return null;
  const row = await db.selectFrom("staff_sessions").selectAll().where("id_hash", "=", hashToken(token)).executeTakeFirst();
  if (!row) return null;
  const idleSince = now.getTime() - new Date(row.last_seen_at).getTime();
  if (idleSince > IDLE_TIMEOUT_MS || now.toISOString() >= row.expires_at) {
    await db.deleteFrom("staff_sessions").where("id_hash", "=", row.id_hash).execute();
    return null;
  }
  if (idleSince > TOUCH_EVERY_MS) {
    await db.updateTable("staff_sessions").set({ last_seen_at: now.toISOString() }).where("id_hash", "=", row.id_hash).execute();
  }
  return row;
}

/** End the request's session on the server; returns the Set-Cookie that clears it. */
export async function endSession(db: Kysely<Database>, request: Request): Promise<string> {
  const token = await sessionToken(request);
  if (token) await db.deleteFrom("staff_sessions").where("id_hash", "=", hashToken(token)).execute();
  return sessionCookie().serialize("", { maxAge: 0 });
}

export async function endAllSessions(db: Kysely<Database>, accountId: number): Promise<void> {
  await db.deleteFrom("staff_sessions").where("account_id", "=", accountId).execute();
}

/** Remove sessions past their lifetime (run by the jobs). */
export async function purgeExpiredSessions(db: Kysely<Database>, now: Date = new Date()): Promise<number> {
  const result = await db
    .deleteFrom("staff_sessions")
    .where((eb) =>
      eb.or([eb("expires_at", "<=", now.toISOString()), eb("last_seen_at", "<", new Date(now.getTime() - IDLE_TIMEOUT_MS).toISOString())]),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
