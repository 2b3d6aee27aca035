/**
 * The second step of signing in: a session that has passed the password but not yet the TOTP
 * code. Completing it replaces the session with a new one (new token) that counts as signed in.
 */
import { redirect } from "@remix-run/node";
import type { Kysely } from "kysely";
import { inTransaction } from "#db/connection.server";
import type { Database } from "#db/schema";
import { getDb } from "~/db.server";
import { audit } from "~/modules/audit/audit.server";
import { decryptField, encryptField } from "~/modules/privacy/contact-crypto.server";
import { getKeyRing } from "~/modules/privacy/keys.server";
import type { StaffSessionRow } from "#db/schema";
import { HttpError } from "~/modules/http/errors";
import { checkSecondFactor, getAccount, pendingTotpAad, type Account } from "./accounts.server";
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

/**
 * The secret being set up, made on this session's first visit and kept with the session (sealed)
 * until confirmed: every half-signed-in session has its own, none is stored on the account.
 */
export async function pendingTotpSecret(db: Kysely<Database>, session: Pick<StaffSessionRow, "id_hash" | "pending_totp_secret">): Promise<string> {
  const aad = pendingTotpAad(session.id_hash);
  if (session.pending_totp_secret) {
    try {
      return decryptField(getKeyRing(), session.pending_totp_secret, aad);
    } catch {
      // sealed with a key no longer held: a new one
    }
  }
  const secret = generateTotpSecret();
  await db.updateTable("staff_sessions").set({ pending_totp_secret: encryptField(getKeyRing(), secret, aad) }).where("id_hash", "=", session.id_hash).execute();
  return secret;
}

/** Setting up a second factor needs more than the password: a session opened right after a one-time link. */
export function requireEnrolmentAllowed(session: Pick<StaffSessionRow, "may_enrol">) {
  if (session.may_enrol !== 1) throw new HttpError(403, "second_factor_needs_link");
}

/**
 * The code from the authenticator app: a wrong one slows further attempts down and is recorded
 * ("second_factor_failed") in the same transaction as the count of failures.
 */
export async function checkSecondFactorAs(
  db: Kysely<Database>,
  account: Pick<Account, "id" | "organisationId">,
  code: string,
  clientAddress: string,
): ReturnType<typeof checkSecondFactor> {
  return inTransaction(db, async (trx) => {
    const checked = await checkSecondFactor(trx, account.id, code);
    if (!checked.ok && checked.reason === "invalid") await audit(trx, { organisationId: account.organisationId, accountId: account.id, action: "second_factor_failed", clientAddress });
    return checked;
  });
}

/** Both factors passed: a fresh session with its "sign_in" entry, the old one gone, and on to the page asked for. */
export async function completeSignIn(request: Request, accountId: number, organisationId: number, clientAddress: string, next: string | null) {
  const db = getDb();
  const [cleared, session] = await inTransaction(db, async (trx) => {
    const ended = await endSession(trx, request);
    const created = await createSession(trx, { accountId, organisationId, secondFactorDone: true, clientAddress });
    await audit(trx, { organisationId, accountId, action: "sign_in", details: { second_factor: true }, clientAddress });
    return [ended, created] as const;
  });
  const headers = new Headers();
  headers.append("Set-Cookie", cleared);
  headers.append("Set-Cookie", session.setCookie);
  const account = (await getAccount(db, accountId))!;
  return redirect(safeNextPath(next) ?? (await staffHome(db, account)), { status: 303, headers });
}
