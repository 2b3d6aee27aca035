/**
 * `npm run privacy:verify`: checks the hash chain of every submission's privacy log and every
 * e-mail alert's in the database named by DATABASE_URL, and the transparency log over them (decision 56): every event in
 * the tree, unchanged; the tree without gaps; every stored checkpoint's root and signature.
 * Names each problem and exits 1 if there is one.
 *
 * The checkpoints' signatures are checked with the key from TLOG_SIGNING_KEY (or the demo key), or
 * with a published verifier key: `npm run privacy:verify -- --key <name>+<key ID>+<key>`.
 */
import { databaseUrlFromEnv, openDatabase } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { verifyAllAlertChains } from "~/modules/privacy-log/alert-log.server";
import { verifyAllChains } from "~/modules/privacy-log/privacy-log.server";
import { getSigningKey } from "~/modules/transparency-log/keys.server";
import { parseVerifierKey, type VerifierKey } from "~/modules/transparency-log/note";
import { verifyTransparencyLog } from "~/modules/transparency-log/verify.server";

function verifierKey(): VerifierKey | null {
  const at = process.argv.indexOf("--key");
  if (at >= 0) return parseVerifierKey(process.argv[at + 1] ?? "");
  try {
    return getSigningKey();
  } catch {
    return null;
  }
}

const key = verifierKey();
const { db, close } = openDatabase(databaseUrlFromEnv());
try {
  await migrateToLatest(db);
  const { checked, broken } = await verifyAllChains(db);
  for (const b of broken) {
    console.error(`BROKEN: submission ${b.subjectId}, event ${b.check.brokenAt}: ${b.check.problem}`);
  }
  console.log(`Checked ${checked} privacy logs: ${checked - broken.length} intact, ${broken.length} broken.`);
  const alerts = await verifyAllAlertChains(db);
  for (const b of alerts.broken) console.error(`BROKEN: alert ${b.subjectId}, event ${b.check.brokenAt}: ${b.check.problem}`);
  console.log(`Checked ${alerts.checked} alert privacy logs: ${alerts.checked - alerts.broken.length} intact, ${alerts.broken.length} broken.`);
  const tree = await verifyTransparencyLog(db, key);
  for (const p of tree.problems) console.error(`TRANSPARENCY LOG: ${p}`);
  if (!key) console.error("The checkpoints' signatures were not checked: set TLOG_SIGNING_KEY or pass --key <verifier key> (published at /transparenz/key).");
  console.log(`Checked the transparency log: ${tree.leaves} leaves, ${tree.checkpoints} checkpoints, ${tree.ok ? "consistent" : `${tree.problems.length} problem(s)`}.`);
  process.exitCode = broken.length + alerts.broken.length > 0 || !tree.ok ? 1 : 0;
} finally {
  await close();
}
