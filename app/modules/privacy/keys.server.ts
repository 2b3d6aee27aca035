/** The key ring for contact data: CONTACT_DATA_KEYS, or a generated demo key beside the database. */
import { demoSecretFile, isDemoMode, readOrCreateSecretFile } from "~/modules/http/secrets.server";
import { log } from "~/modules/http/log.server";
import { loadKeyRing, type KeyRing } from "./contact-crypto.server";

let ring: KeyRing | undefined;

export function getKeyRing(): KeyRing {
  ring ??= loadKeyRing({
    env: process.env,
    keyFile: demoSecretFile("contact-data.keys"),
    log: (message) => log("warn", "demo_contact_data_key", { message }),
    demo: isDemoMode(),
    readOrCreate: readOrCreateSecretFile,
  });
  return ring;
}

/** Forget the loaded ring (tests and key rotation read the environment again). */
export function resetKeyRing(): void {
  ring = undefined;
}
