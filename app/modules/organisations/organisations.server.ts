import type { Kysely } from "kysely";
import type { Database, Organisation } from "#db/schema";

export async function listOrganisations(db: Kysely<Database>): Promise<Pick<Organisation, "id" | "slug" | "name">[]> {
  return db.selectFrom("organisations").select(["id", "slug", "name"]).orderBy("name").execute();
}

export async function findOrganisationBySlug(db: Kysely<Database>, slug: string): Promise<Organisation | undefined> {
  if (!/^[a-z0-9-]{1,64}$/.test(slug)) return undefined;
  return db.selectFrom("organisations").selectAll().where("slug", "=", slug).executeTakeFirst();
}
