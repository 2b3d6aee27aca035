/**
 * `npm run keys:rotate`            re-encrypt all contact data with the first key of CONTACT_DATA_KEYS
 * `npm run keys:rotate -- --new`   print a new key entry to put first in CONTACT_DATA_KEYS
 * See docs/privacy-operations.md, "Contact-data encryption and key rotation".
 */
import { databaseUrlFromEnv, openDatabase } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { generateKeySpec } from "~/modules/privacy/contact-crypto.server";
import { reencryptAll } from "~/modules/privacy/key-rotation.server";
import { getKeyRing } from "~/modules/privacy/keys.server";

if (process.argv.includes("--new")) {
  console.log(generateKeySpec());
  process.exit(0);
}
const { db, close } = openDatabase(databaseUrlFromEnv());
try {
  await migrateToLatest(db);
  const ring = getKeyRing();
  const result = await reencryptAll(db, ring);
  console.log(
    `Re-encrypted with key "${ring.current.id}": ${result.contactRows} contact records, ${result.drafts} drafts, ${result.draftCodes} receipt codes in drafts, ` +
      `${result.totpSecrets} second-factor secrets, ${result.serverKeys} app keys, ${result.barrierReports} barrier reports, ${result.alerts} e-mail alerts, ${result.attachments} attached files (their keys).`,
  );
} finally {
  await close();
}
