/**
 * The app's one database handle, opened lazily from DATABASE_URL (SQLite file by default).
 * Modules receive `db` (or a transaction) as their first argument; only loaders/actions call getDb().
 * Infrastructure: it knows no domain module (what the app does with the database before the first
 * request is in startup.server.ts).
 */
import { databaseUrlFromEnv, openDatabase, type DatabaseHandle } from "#db/connection.server";

let handle: DatabaseHandle | undefined;

export function getDatabaseHandle(): DatabaseHandle {
  handle ??= openDatabase(databaseUrlFromEnv());
  return handle;
}

export const getDb = () => getDatabaseHandle().db;

export async function closeDatabase(): Promise<void> {
  const h = handle;
  handle = undefined;
  await h?.close();
}
