import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { sameOriginPath } from "~/modules/http/same-origin-path";
import type { Account } from "./accounts.server";

/** Only our own paths may follow sign-in: never another site (open redirect). */
export const safeNextPath = sameOriginPath;

export async function staffHome(db: Kysely<Database>, account: Pick<Account, "organisationId">): Promise<string> {
  const org = await db.selectFrom("organisations").select("slug").where("id", "=", account.organisationId).executeTakeFirstOrThrow();
  return `/${org.slug}/verwaltung`;
}
