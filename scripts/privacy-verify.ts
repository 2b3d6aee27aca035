/**
 * `npm run privacy:verify`: checks the hash chain of every submission's privacy log and every
 * e-mail alert's in the database named by DATABASE_URL. Names each broken chain and exits 1 if
 * there is one.
 */
import { databaseUrlFromEnv, openDatabase } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { verifyAllAlertChains } from "~/modules/privacy-log/alert-log.server";
import { verifyAllChains } from "~/modules/privacy-log/privacy-log.server";

const { db, close } = openDatabase(databaseUrlFromEnv());
try {
  await migrateToLatest(db);
  const { checked, broken } = await verifyAllChains(db);
  for (const b of broken) {
    console.error(`BROKEN: submission ${b.submissionId}, event ${b.check.brokenAt}: ${b.check.problem}`);
  }
  console.log(`Checked ${checked} privacy logs: ${checked - broken.length} intact, ${broken.length} broken.`);
  const alerts = await verifyAllAlertChains(db);
  for (const b of alerts.broken) console.error(`BROKEN: alert ${b.alertId}, event ${b.check.brokenAt}: ${b.check.problem}`);
  console.log(`Checked ${alerts.checked} alert privacy logs: ${alerts.checked - alerts.broken.length} intact, ${alerts.broken.length} broken.`);
  process.exitCode = broken.length + alerts.broken.length > 0 ? 1 : 0;
} finally {
  await close();
}
