import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import type { Account } from "./accounts.server";

/** Only our own paths may follow sign-in: never another site (open redirect). */
export function safeNextPath(next: string | null | undefined): string | null {
  if (!next || next.length > 500) return null;
  if (!next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return null;
  return next;
}

export async function staffHome(db: Kysely<Database>, account: Pick<Account, "organisationId">): Promise<string> {
  const org = await db.selectFrom("organisations").select("slug").where("id", "=", account.organisationId).executeTakeFirstOrThrow();
  return `/${org.slug}/verwaltung`;
}
