/**
 * The organisation's contact for its open data (DCAT-AP.de `dcat:contactPoint`: an e-mail
 * address, a telephone number, a web page) and its GovData contributor ID
 * (`dcatde:contributorID`). Empty until an admin sets them; the catalogue then falls back to the
 * organisation's participation page as the contact's web address.
 * Frozen once shipped; imports nothing from the app; runs on SQLite and PostgreSQL.
 */
import type { Kysely } from "kysely";

const COLUMNS = [
  ["open_data_email", 254],
  ["open_data_phone", 50],
  ["open_data_url", 500],
  ["govdata_contributor_id", 200],
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const [name, size] of COLUMNS) {
    await db.schema.alterTable("organisations").addColumn(name, `varchar(${size})`, (c) => c.notNull().defaultTo("")).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name] of COLUMNS) await db.schema.alterTable("organisations").dropColumn(name).execute();
}
