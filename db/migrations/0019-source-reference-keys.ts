/**
 * Paper form numbers and letter references compared without case, spaces and separators:
 * `submissions.source_reference_key`, unique per procedure (the old index compared them exactly,
 * so `f1-b2ecpq` and `F1-B2ECPQ` became two submissions). Rows that already exist get their key
 * here; where existing rows of one procedure share a key, the oldest keeps it and each later one
 * gets `<key>#<id>` — nothing is deleted (both may be answered or published), the unique index
 * holds, and `source_reference_key like '%#%'` lists the pairs for a person to look at (`#` cannot
 * occur in a reference). New rows: a reference without a key is refused by the database (a check
 * constraint on PostgreSQL, a trigger on SQLite), so no write path can skip the comparison.
 * Frozen once shipped; imports nothing from the app (the key function is copied, as it was on
 * the day this shipped); runs on SQLite and PostgreSQL.
 */
import { Kysely, PostgresAdapter, sql } from "kysely";

const keyOf = (reference: string) => reference.normalize("NFKC").toUpperCase().replace(/[\s./_\-\u2010-\u2015]+/gu, "");

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema.alterTable("submissions").addColumn("source_reference_key", "varchar(100)").execute();

  const rows = await db
    .selectFrom("submissions")
    .select(["id", "procedure_id", "source_reference"])
    .where("source_reference", "is not", null)
    .orderBy("id")
    .execute();
  const taken = new Set<string>();
  for (const row of rows as { id: number; procedure_id: number; source_reference: string }[]) {
    const key = keyOf(row.source_reference);
    const first = !taken.has(`${row.procedure_id} ${key}`);
    taken.add(`${row.procedure_id} ${key}`);
    await db
      .updateTable("submissions")
      .set({ source_reference_key: first ? key : `${key}#${row.id}` })
      .where("id", "=", row.id)
      .execute();
  }

  await db.schema
    .createIndex("submissions_procedure_reference_key_unique")
    .on("submissions")
    .columns(["procedure_id", "source_reference_key"])
    .unique()
    .execute();

  if (pg) {
    await sql`alter table submissions add constraint submissions_reference_has_key check (source_reference is null or source_reference_key is not null)`.execute(db);
    return;
  }
  for (const event of ["insert", "update"]) {
    await sql
      .raw(
        `create trigger submissions_reference_has_key_${event} before ${event} on submissions
           when new.source_reference is not null and new.source_reference_key is null
           begin select raise(abort, 'source_reference_key missing'); end`,
      )
      .execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  if (pg) await sql`alter table submissions drop constraint submissions_reference_has_key`.execute(db);
  else for (const event of ["insert", "update"]) await sql.raw(`drop trigger submissions_reference_has_key_${event}`).execute(db);
  await db.schema.dropIndex("submissions_procedure_reference_key_unique").execute();
  await db.schema.alterTable("submissions").dropColumn("source_reference_key").execute();
}
