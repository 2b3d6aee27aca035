/**
 * The app's one database handle, opened lazily from DATABASE_URL (SQLite file by default).
 * Modules receive `db` (or a transaction) as their first argument; only loaders/actions call getDb().
 */
import { databaseUrlFromEnv, openDatabase, type DatabaseHandle } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { seedDemoIfEmpty } from "#db/seed";
import { seedDemoAccounts } from "~/modules/accounts/demo.server";
import { seedDemoDocuments } from "~/modules/documents/demo.server";
import { runJobs } from "~/modules/jobs/jobs.server";

let handle: DatabaseHandle | undefined;

export function getDatabaseHandle(): DatabaseHandle {
  handle ??= openDatabase(databaseUrlFromEnv());
  return handle;
}

export const getDb = () => getDatabaseHandle().db;

/** Bring the schema up to date and, unless SEED_DEMO=false, load demo data into an empty database. */
export async function prepareDatabase(): Promise<{ seeded: boolean }> {
  const { db } = getDatabaseHandle();
  await migrateToLatest(db);
  if (process.env.SEED_DEMO === "false") return { seeded: false };
  const seeded = await seedDemoIfEmpty(db);
  if (seeded) await seedDemoDocuments(db);
  // demo accounts belong to the demo data: also added to a demo database made before they existed
  await seedDemoAccounts(db);
  return { seeded };
}

export async function closeDatabase(): Promise<void> {
  const h = handle;
  handle = undefined;
  await h?.close();
}

/** The scheduled jobs (retention), for server.js's timer. */
export async function runScheduledJobs() {
  return runJobs(getDb());
}
