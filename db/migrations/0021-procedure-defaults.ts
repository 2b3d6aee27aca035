/**
 * The municipality's defaults for new procedures (legal basis, responsible office, retention in
 * months), set once in its settings and copied into the new-procedure form. Empty / null: no
 * default. Column sizes as the procedures' own columns (0001).
 * And a procedure's planned end, kept when it is closed early (closes_at becomes the day it really
 * ended) so that the admin can reopen it until the results are published.
 * Frozen once shipped; imports nothing from the app; runs on SQLite and PostgreSQL.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("organisations").addColumn("default_legal_basis", "varchar(500)", (c) => c.notNull().defaultTo("")).execute();
  await db.schema.alterTable("organisations").addColumn("default_responsible_office", "varchar(300)", (c) => c.notNull().defaultTo("")).execute();
  await db.schema.alterTable("organisations").addColumn("default_retention_months", "integer").execute();
  await db.schema.alterTable("procedures").addColumn("planned_closes_at", "varchar(32)").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("procedures").dropColumn("planned_closes_at").execute();
  await db.schema.alterTable("organisations").dropColumn("default_retention_months").execute();
  await db.schema.alterTable("organisations").dropColumn("default_responsible_office").execute();
  await db.schema.alterTable("organisations").dropColumn("default_legal_basis").execute();
}
