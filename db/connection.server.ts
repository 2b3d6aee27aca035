/**
 * Opens the database named by a URL: `postgres://…` (or `postgresql://…`) for PostgreSQL, anything
 * else is a SQLite file path (`file:` prefix optional). SQLite is opened for durability:
 * WAL, synchronous=FULL (a commit is on disk before we answer), foreign keys, a busy timeout.
 */
import SqliteDatabase from "better-sqlite3";
import { CompiledQuery, Kysely, PostgresAdapter, PostgresDialect, SqliteDialect, SqliteDriver, type DatabaseConnection, type QueryResult, type Transaction } from "kysely";
import pg from "pg";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Database } from "./schema";

export type DatabaseEngine = "sqlite" | "postgres";

export interface DatabaseHandle {
  db: Kysely<Database>;
  engine: DatabaseEngine;
  /**
   * SQLite only: a synchronous read on the same connection, for the few reads on every request
   * where Kysely's async connection hand-off costs more than the read (the content version,
   * organisations.server.ts). It sees this process's uncommitted writes, so use it only where that is harmless.
   */
  readSync?: <Row>(sql: string, parameters: unknown[]) => Row | undefined;
  close(): Promise<void>;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export function openSqlite(file: string): SqliteDatabase.Database {
  if (file !== ":memory:") mkdirSync(dirname(resolve(file)), { recursive: true });
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  return sqlite;
}

/**
 * SQLite transactions begin IMMEDIATE: they take the write lock up front, so two processes writing
 * the same file wait for each other (busy_timeout) instead of failing with "database is locked"
 * when a reader tries to become a writer.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  /** prepared statements by SQL text: Kysely's driver prepares every query anew (a parse and plan each time) */
  readonly #statements = new Map<string, SqliteDatabase.Statement>();

  constructor(private readonly sqlite: SqliteDatabase.Database) {
    super({ database: sqlite });
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    // the driver's one connection, behind its mutex; queries go through the statement cache,
    // streams (iterate) keep their own statement
    const inner = await super.acquireConnection();
    return { executeQuery: (query) => this.#execute(query), streamQuery: (query, chunkSize) => inner.streamQuery(query, chunkSize) };
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }

  async #execute<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    let statement = this.#statements.get(query.sql);
    if (statement) {
      // most recently used last
      this.#statements.delete(query.sql);
    } else {
      statement = this.sqlite.prepare(query.sql);
      if (this.#statements.size >= 500) this.#statements.delete(this.#statements.keys().next().value!);
    }
    this.#statements.set(query.sql, statement);
    const parameters = query.parameters as unknown[];
    if (statement.reader) return { rows: statement.all(parameters) as R[] };
    const { changes, lastInsertRowid } = statement.run(parameters);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }
}

class DurableSqliteDialect extends SqliteDialect {
  constructor(private readonly sqlite: SqliteDatabase.Database) {
    super({ database: sqlite });
  }
  override createDriver() {
    return new ImmediateSqliteDriver(this.sqlite);
  }
}

export function openDatabase(url: string): DatabaseHandle {
  if (isPostgresUrl(url)) {
    // bigint counts come back as strings from pg; callers convert with Number()
    const pool = new pg.Pool({ connectionString: url, max: Number(process.env.PG_POOL_SIZE ?? 10) });
    // an idle connection dropped by the server (restart, failover) must not crash the process;
    // the pool replaces it on the next query
    pool.on("error", (error) => console.error(JSON.stringify({ time: new Date().toISOString(), level: "warn", event: "postgres_idle_client_error", error: error.message })));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, engine: "postgres", close: () => db.destroy() };
  }
  const file = url.replace(/^file:/, "");
  const sqlite = openSqlite(file);
  const db = new Kysely<Database>({ dialect: new DurableSqliteDialect(sqlite) });
  const statements = new Map<string, SqliteDatabase.Statement>();
  const readSync = <Row>(sql: string, parameters: unknown[]): Row | undefined => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = sqlite.prepare(sql)));
    return statement.get(parameters) as Row | undefined;
  };
  return { db, engine: "sqlite", readSync, close: () => db.destroy() };
}

/** The database URL the app uses: DATABASE_URL, or the SQLite file data/teilhabe.sqlite. */
export function databaseUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.DATABASE_URL?.trim() || "data/teilhabe.sqlite";
}

/**
 * `work` in one transaction: the caller's when `db` already is one (so that the caller can add to
 * it, e.g. the audit entry of the change), else a new one.
 */
export function inTransaction<T>(db: Kysely<Database>, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db as Transaction<Database>) : db.transaction().execute(work);
}

/** Whether an error is a unique-constraint violation, on either engine. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string } | null;
  return e?.code === "SQLITE_CONSTRAINT_UNIQUE" || e?.code === "SQLITE_CONSTRAINT_PRIMARYKEY" || e?.code === "23505";
}

/** Which engine a Kysely instance (or transaction) talks to, for the few statements that differ. */
export function engineOf(db: { getExecutor(): { adapter: unknown } }): DatabaseEngine {
  return db.getExecutor().adapter instanceof PostgresAdapter ? "postgres" : "sqlite";
}
