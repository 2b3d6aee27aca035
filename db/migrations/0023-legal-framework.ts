/**
 * `organisations.legal_framework`: which accessibility law applies to the municipality — the state's
 * (a municipality is a body of its state; "ni" = Lower Saxony: NBGG and NBITVO, conciliation at the
 * state commissioner for people with disabilities) or the federal one (BGG, BITV 2.0, § 16 BGG) for
 * federal bodies. Every existing organisation starts as Lower Saxony.
 * Frozen once shipped; imports nothing from the app; runs on SQLite and PostgreSQL.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("organisations")
    .addColumn("legal_framework", "varchar(16)", (c) => c.notNull().defaultTo("ni"))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("organisations").dropColumn("legal_framework").execute();
}
