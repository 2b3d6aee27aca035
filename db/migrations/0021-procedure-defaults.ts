/**
 * The municipality's defaults for new procedures (legal basis, responsible office, retention in
 * months), set once in its settings and copied into the new-procedure form. Empty / null: no
 * default. Column sizes as the procedures' own columns (0001).
 * Frozen once shipped; imports nothing from the app; runs on SQLite and PostgreSQL.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("organisations").addColumn("default_legal_basis", "varchar(500)", (c) => c.notNull().defaultTo("")).execute();
  await db.schema.alterTable("organisations").addColumn("default_responsible_office", "varchar(300)", (c) => c.notNull().defaultTo("")).execute();
  await db.schema.alterTable("organisations").addColumn("default_retention_months", "integer").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("organisations").dropColumn("default_retention_months").execute();
  await db.schema.alterTable("organisations").dropColumn("default_responsible_office").execute();
  await db.schema.alterTable("organisations").dropColumn("default_legal_basis").execute();
}
