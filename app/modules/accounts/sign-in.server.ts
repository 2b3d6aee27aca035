/**
 * Signing in and out: the sessions a step makes or ends, and its audit entry, in one transaction —
 * a session never exists without the entry that records who opened it.
 */
import type { Kysely } from "kysely";
import { inTransaction } from "#db/connection.server";
import type { Database } from "#db/schema";
import { audit } from "~/modules/audit/audit.server";
import { sameOriginPath } from "~/modules/http/same-origin-path";
import { claimEnrolment, type Account } from "./accounts.server";
import { needsSecondFactor } from "./roles";
import { createSession, currentSession, endSession } from "./sessions.server";

/** Only our own paths may follow sign-in: never another site (open redirect). */
export const safeNextPath = sameOriginPath;

export async function staffHome(db: Kysely<Database>, account: Pick<Account, "organisationId">): Promise<string> {
  const org = await db.selectFrom("organisations").select("slug").where("id", "=", account.organisationId).executeTakeFirstOrThrow();
  return `/${org.slug}/verwaltung`;
}

/**
 * The password was right: any old session ends, a new one begins (new token). Without a second
 * factor that is the sign-in ("sign_in" entry); with one, the session waits for the code (and may
 * set it up only in the first sign-in after a one-time link). Returns the two Set-Cookie values.
 */
export async function beginSession(
  db: Kysely<Database>,
  request: Request,
  account: Pick<Account, "id" | "organisationId" | "roles" | "totpEnabled">,
  clientAddress: string,
): Promise<{ cookies: [string, string]; secondFactor: boolean }> {
  const secondFactor = needsSecondFactor(account.roles);
  return inTransaction(db, async (trx) => {
    const cleared = await endSession(trx, request);
    const mayEnrol = secondFactor && !account.totpEnabled && (await claimEnrolment(trx, account.id));
    const session = await createSession(trx, { accountId: account.id, organisationId: account.organisationId, secondFactorDone: !secondFactor, clientAddress, mayEnrol });
    if (!secondFactor) await audit(trx, { organisationId: account.organisationId, accountId: account.id, action: "sign_in", clientAddress });
    return { cookies: [cleared, session.setCookie], secondFactor };
  });
}

/** Sign out: the request's session ends on the server with its "sign_out" entry; returns the clearing Set-Cookie. */
export async function signOut(db: Kysely<Database>, request: Request, clientAddress: string | undefined): Promise<string> {
  return inTransaction(db, async (trx) => {
    const session = await currentSession(trx, request);
    if (session) await audit(trx, { organisationId: session.organisation_id, accountId: session.account_id, action: "sign_out", clientAddress });
    return endSession(trx, request);
  });
}
