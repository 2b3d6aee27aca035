/**
 * Issue 13 (safe by default):
 * - `server_keys`: keys the app makes for itself and keeps sealed with CONTACT_DATA_KEYS (the
 *   receipt-code HMAC key): a stolen database alone does not hold them; key rotation re-seals them.
 * - `staff_sessions.pending_totp_secret`: the second factor being set up belongs to one session
 *   (sealed), not to the account; `staff_sessions.may_enrol`: only a session opened by a one-time
 *   link (invitation, reset) may set up a second factor.
 * Frozen once shipped; imports nothing from the app; runs on SQLite and PostgreSQL.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("server_keys")
    .addColumn("name", "varchar(64)", (c) => c.primaryKey())
    .addColumn("sealed", "text", (c) => c.notNull())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema.alterTable("staff_sessions").addColumn("pending_totp_secret", "text").execute();
  await db.schema.alterTable("staff_sessions").addColumn("may_enrol", "integer", (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("staff_sessions").dropColumn("may_enrol").execute();
  await db.schema.alterTable("staff_sessions").dropColumn("pending_totp_secret").execute();
  await db.schema.dropTable("server_keys").execute();
}
