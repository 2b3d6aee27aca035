/**
 * The second step of signing in: a session that has passed the password but not yet the TOTP
 * code. Completing it replaces the session with a new one (new token) that counts as signed in.
 */
import { redirect } from "@remix-run/node";
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { getDb } from "~/db.server";
import { audit } from "~/modules/audit/audit.server";
import { decryptField, encryptField } from "~/modules/privacy/contact-crypto.server";
import { getKeyRing } from "~/modules/privacy/keys.server";
import { getAccount } from "./accounts.server";
import { safeNextPath, staffHome } from "./sign-in.server";
import { createSession, currentSession, endSession } from "./sessions.server";
import { generateTotpSecret } from "./totp.server";

/** The half-signed-in session and its account, or back to the sign-in page. */
export async function requirePendingSecondFactor(request: Request) {
  const db = getDb();
  const session = await currentSession(db, request);
  if (!session) throw redirect("/anmelden", 303);
  const account = await getAccount(db, session.account_id);
  if (!account || !account.active) throw redirect("/anmelden", 303);
  if (session.second_factor_done === 1) throw redirect(await staffHome(db, account), 303);
  return { db, session, account };
}

const aad = (accountId: number) => `accounts:${accountId}:totp`;

/** The secret being set up: made on first visit, kept (encrypted, not yet enabled) until confirmed. */
export async function pendingTotpSecret(db: Kysely<Database>, accountId: number): Promise<string> {
  const row = await db.selectFrom("accounts").select(["totp_secret", "totp_enabled"]).where("id", "=", accountId).executeTakeFirstOrThrow();
  if (row.totp_secret && row.totp_enabled === 0) return decryptField(getKeyRing(), row.totp_secret, aad(accountId));
  const secret = generateTotpSecret();
  await db
    .updateTable("accounts")
    .set({ totp_secret: encryptField(getKeyRing(), secret, aad(accountId)), totp_enabled: 0 })
    .where("id", "=", accountId)
    .execute();
  return secret;
}

/** Both factors passed: a fresh session, the old one gone, and on to the page asked for. */
export async function completeSignIn(request: Request, accountId: number, organisationId: number, clientAddress: string, next: string | null) {
  const db = getDb();
  const cleared = await endSession(db, request);
  const session = await createSession(db, { accountId, organisationId, secondFactorDone: true, clientAddress });
  await audit(db, { organisationId, accountId, action: "sign_in", details: { second_factor: true }, clientAddress });
  const headers = new Headers();
  headers.append("Set-Cookie", cleared);
  headers.append("Set-Cookie", session.setCookie);
  const account = (await getAccount(db, accountId))!;
  return redirect(safeNextPath(next) ?? (await staffHome(db, account)), { status: 303, headers });
}
