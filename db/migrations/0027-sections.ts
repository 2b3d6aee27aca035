/**
 * Numbered sections of a procedure's text (issue 17). `procedure_sections` holds the outline as it
 * was when the procedure opened ("3.2 Radwege in der Innenstadt"): written once, never changed, so a
 * statement's `submissions.section_id` keeps its meaning for as long as the statement exists.
 * A statement without a section is about the draft as a whole.
 * Frozen once shipped; imports nothing from the app; runs on SQLite and PostgreSQL.
 */
import { Kysely, PostgresAdapter } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const idColumn = (c: any) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement());

  await db.schema
    .createTable("procedure_sections")
    .addColumn("id", "integer", idColumn)
    .addColumn("procedure_id", "integer", (c) => c.notNull().references("procedures.id"))
    // 0, 1, 2 … in document order
    .addColumn("position", "integer", (c) => c.notNull())
    // "3.2": what residents, staff and the open data name it by
    .addColumn("number", "varchar(20)", (c) => c.notNull())
    // 1 for "3", 2 for "3.2", 3 for "3.2.1"
    .addColumn("depth", "integer", (c) => c.notNull())
    .addColumn("title", "varchar(300)", (c) => c.notNull())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addUniqueConstraint("procedure_sections_position", ["procedure_id", "position"])
    .addUniqueConstraint("procedure_sections_number", ["procedure_id", "number"])
    .execute();

  await db.schema.alterTable("submissions").addColumn("section_id", "integer", (c) => c.references("procedure_sections.id")).execute();
  // moderation filters and groups a procedure's statements by section; results count them
  await db.schema.createIndex("submissions_procedure_section").on("submissions").columns(["procedure_id", "section_id"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("submissions_procedure_section").execute();
  await db.schema.alterTable("submissions").dropColumn("section_id").execute();
  await db.schema.dropTable("procedure_sections").execute();
}
