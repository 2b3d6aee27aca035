/**
 * Translations of a procedure's own content, one row per procedure and language: title, summary,
 * body, and the questions' texts as JSON keyed by question id and, for answer options, by option
 * value (values stored in answers never change; only labels are translated). An empty text means
 * "not translated": residents see the German original, marked lang="de". Who saved it last, and
 * when. Frozen once shipped; imports nothing from the app; runs on SQLite and PostgreSQL.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("procedure_translations")
    .addColumn("procedure_id", "integer", (c) => c.notNull().references("procedures.id").onDelete("cascade"))
    // a BCP 47 tag such as "en" or "de-x-ls"
    .addColumn("language", "varchar(16)", (c) => c.notNull())
    // the same sizes as the German columns; '' = not translated
    .addColumn("title", "varchar(300)", (c) => c.notNull().defaultTo(""))
    .addColumn("summary", "varchar(1000)", (c) => c.notNull().defaultTo(""))
    .addColumn("body", "text", (c) => c.notNull().defaultTo(""))
    // { "<question id>": { label, hint, minLabel, maxLabel, options: { "<option value>": label } } }
    .addColumn("questions_json", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("updated_by", "integer", (c) => c.references("accounts.id"))
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .addPrimaryKeyConstraint("procedure_translations_pk", ["procedure_id", "language"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("procedure_translations").execute();
}
