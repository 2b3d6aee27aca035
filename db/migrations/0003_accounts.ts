/**
 * Staff accounts, roles, sessions, one-time links, the audit log, organisation settings.
 * Frozen once shipped; imports nothing from the app.
 */
import { Kysely, PostgresAdapter } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const idColumn = (c: any) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement());

  await db.schema
    .createTable("accounts")
    .addColumn("id", "integer", idColumn)
    .addColumn("organisation_id", "integer", (c) => c.notNull().references("organisations.id"))
    .addColumn("email", "varchar(254)", (c) => c.notNull().unique())
    .addColumn("display_name", "varchar(200)", (c) => c.notNull())
    .addColumn("password_hash", "varchar(200)")
    .addColumn("password_changed_at", "varchar(32)")
    .addColumn("totp_secret", "text")
    .addColumn("totp_enabled", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("totp_last_step", "bigint")
    .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("accounts_organisation_idx").on("accounts").column("organisation_id").execute();

  await db.schema
    .createTable("account_roles")
    .addColumn("account_id", "integer", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("role", "varchar(20)", (c) => c.notNull())
    .addPrimaryKeyConstraint("account_roles_pk", ["account_id", "role"])
    .execute();

  await db.schema
    .createTable("staff_sessions")
    // SHA-256 of the token in the cookie: a database leak does not hand out sessions
    .addColumn("id_hash", "varchar(64)", (c) => c.primaryKey())
    .addColumn("account_id", "integer", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("organisation_id", "integer", (c) => c.notNull().references("organisations.id"))
    .addColumn("csrf_token", "varchar(64)", (c) => c.notNull())
    .addColumn("second_factor_done", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("last_seen_at", "varchar(32)", (c) => c.notNull())
    .addColumn("expires_at", "varchar(32)", (c) => c.notNull())
    .addColumn("client_address", "varchar(64)", (c) => c.notNull().defaultTo(""))
    .execute();
  await db.schema.createIndex("staff_sessions_account_idx").on("staff_sessions").column("account_id").execute();

  await db.schema
    .createTable("account_tokens")
    .addColumn("token_hash", "varchar(64)", (c) => c.primaryKey())
    .addColumn("account_id", "integer", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("purpose", "varchar(20)", (c) => c.notNull())
    .addColumn("expires_at", "varchar(32)", (c) => c.notNull())
    .addColumn("used_at", "varchar(32)")
    .addColumn("created_by", "integer")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("audit_log")
    .addColumn("id", "integer", idColumn)
    .addColumn("organisation_id", "integer", (c) => c.notNull().references("organisations.id"))
    .addColumn("account_id", "integer")
    .addColumn("action", "varchar(60)", (c) => c.notNull())
    .addColumn("target_type", "varchar(40)", (c) => c.notNull().defaultTo(""))
    .addColumn("target_id", "varchar(64)", (c) => c.notNull().defaultTo(""))
    .addColumn("details_json", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("client_address", "varchar(64)", (c) => c.notNull().defaultTo(""))
    .addColumn("occurred_at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("audit_log_org_time_idx").on("audit_log").columns(["organisation_id", "occurred_at"]).execute();

  await db.schema.alterTable("organisations").addColumn("privacy_policy", "text", (c) => c.notNull().defaultTo("")).execute();
  await db.schema.alterTable("procedures").addColumn("derived_from_id", "integer").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("procedures").dropColumn("derived_from_id").execute();
  await db.schema.alterTable("organisations").dropColumn("privacy_policy").execute();
  for (const t of ["audit_log", "account_tokens", "staff_sessions", "account_roles", "accounts"]) await db.schema.dropTable(t).execute();
}
