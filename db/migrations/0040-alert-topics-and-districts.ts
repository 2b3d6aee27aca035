/**
 * Alerts by topic and by district (issue 21): the admin gives each procedure its topics and its
 * districts (free labels, e.g. "Verkehr", "Nordviertel"); a resident's alert may name some of the
 * labels the municipality's procedures carry. A new procedure alerts those whose choice matches
 * (decision 65). `kind` is 'topic' or 'district'. Frozen once shipped; imports nothing from the app.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("procedure_alert_tags")
    .addColumn("procedure_id", "integer", (c) => c.notNull().references("procedures.id"))
    .addColumn("kind", "varchar(10)", (c) => c.notNull())
    .addColumn("label", "varchar(60)", (c) => c.notNull())
    .addPrimaryKeyConstraint("procedure_alert_tags_pk", ["procedure_id", "kind", "label"])
    .execute();
  await db.schema
    .createTable("alert_tags")
    .addColumn("alert_id", "integer", (c) => c.notNull().references("alerts.id"))
    .addColumn("kind", "varchar(10)", (c) => c.notNull())
    .addColumn("label", "varchar(60)", (c) => c.notNull())
    .addPrimaryKeyConstraint("alert_tags_pk", ["alert_id", "kind", "label"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("alert_tags").execute();
  await db.schema.dropTable("procedure_alert_tags").execute();
}
