/**
 * Considerations (Abwägung, issue 19): the decisions a municipality chooses from.
 *
 * The consideration itself stays where the official responses have always been (`responses`:
 * decision, text, shared by a group of statements through `submissions.response_id`), so nothing
 * stored before is moved or rewritten (decision 52). What is new is the set of decisions per
 * municipality: without rows the four standard ones apply (accepted, partly_accepted, not_accepted,
 * noted); with rows, the active ones in their order. A decision once used is never deleted, only
 * made inactive, so every stored consideration keeps its label.
 * Frozen once shipped; imports nothing from the app; runs on SQLite and PostgreSQL.
 */
import { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("consideration_decisions")
    .addColumn("organisation_id", "integer", (c) => c.notNull().references("organisations.id"))
    // lower-case letters and underscores; the four standard keys are translated, others use the labels
    .addColumn("key", "varchar(40)", (c) => c.notNull())
    .addColumn("label_de", "varchar(80)", (c) => c.notNull().defaultTo(""))
    .addColumn("label_en", "varchar(80)", (c) => c.notNull().defaultTo(""))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
    .addPrimaryKeyConstraint("consideration_decisions_pk", ["organisation_id", "key"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("consideration_decisions").execute();
}
