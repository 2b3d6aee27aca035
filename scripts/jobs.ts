/** `npm run jobs`: runs the scheduled jobs (retention) once now, against DATABASE_URL. */
import { databaseUrlFromEnv, openDatabase } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { runJobs } from "~/modules/jobs/jobs.server";

const { db, close } = openDatabase(databaseUrlFromEnv());
try {
  await migrateToLatest(db);
  const results = await runJobs(db);
  console.log(JSON.stringify(results, null, 2));
} finally {
  await close();
}
