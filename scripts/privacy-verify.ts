/**
 * `npm run privacy:verify`: checks the hash chain of every submission's privacy log in the
 * database named by DATABASE_URL. Names each broken chain and exits 1 if there is one.
 */
import { databaseUrlFromEnv, openDatabase } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { verifyAllChains } from "~/modules/privacy-log/privacy-log.server";

const { db, close } = openDatabase(databaseUrlFromEnv());
try {
  await migrateToLatest(db);
  const { checked, broken } = await verifyAllChains(db);
  for (const b of broken) {
    console.error(`BROKEN: submission ${b.submissionId}, event ${b.check.brokenAt}: ${b.check.problem}`);
  }
  console.log(`Checked ${checked} privacy logs: ${checked - broken.length} intact, ${broken.length} broken.`);
  process.exitCode = broken.length > 0 ? 1 : 0;
} finally {
  await close();
}
