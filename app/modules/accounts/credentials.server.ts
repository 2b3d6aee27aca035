/**
 * A person's own credentials changed, each with its audit entry in the same transaction: the second
 * factor set up, a password set through a one-time link, the own password changed.
 */
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { withAudit, type AuditActor } from "~/modules/audit/audit.server";
import { enableTotp, redeemAccountToken, setPassword, type HashedPassword } from "./accounts.server";
import { createSession, endAllSessions } from "./sessions.server";

/** The person acting on their own account. */
export type AccountHolder = AuditActor & { accountId: number };

/** The confirmed TOTP secret stored (its confirming code's step spent), "second_factor_set_up". */
export async function enableTotpAs(db: Kysely<Database>, holder: AccountHolder, secret: string, usedStep: number): Promise<void> {
  await withAudit(
    db,
    (trx) => enableTotp(trx, holder.accountId, secret, usedStep),
    () => ({ ...holder, action: "second_factor_set_up" }),
  );
}

/** A one-time link (invitation or reset) spent and its password set, "password_set"; undefined when the link is not valid. */
export async function redeemAccountTokenAs(db: Kysely<Database>, token: string, password: HashedPassword, clientAddress: string | undefined) {
  return withAudit(
    db,
    (trx) => redeemAccountToken(trx, token, password),
    (r) =>
      r
        ? { organisationId: r.organisation_id, accountId: r.account_id, action: "password_set", targetType: "account", targetId: r.account_id, details: { purpose: r.purpose }, clientAddress }
        : null,
  );
}

/**
 * The own password changed: every session of the account ends (another computer, a stolen cookie)
 * and this browser gets a new one, "password_changed".
 */
export async function changeOwnPassword(db: Kysely<Database>, holder: AccountHolder & { clientAddress: string }, password: HashedPassword) {
  return withAudit(
    db,
    async (trx) => {
      await setPassword(trx, holder.accountId, password);
      await endAllSessions(trx, holder.accountId);
      return createSession(trx, { accountId: holder.accountId, organisationId: holder.organisationId, secondFactorDone: true, clientAddress: holder.clientAddress });
    },
    () => ({ ...holder, action: "password_changed", targetType: "account", targetId: holder.accountId }),
  );
}
