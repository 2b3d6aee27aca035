/**
 * `npm run tlog:keygen -- <key name>`: a new checkpoint signing key (Ed25519) for TLOG_SIGNING_KEY,
 * and the verifier key to publish. The name is the log's origin, e.g. beteiligung.musterstadt.de/transparenz.
 */
import { formatVerifierKey, generateSignerKey, isKeyName, parseSignerKey } from "~/modules/transparency-log/note";

const name = process.argv[2] ?? "";
if (!isKeyName(name)) {
  console.error("Usage: npm run tlog:keygen -- <host>/transparenz   (a name without spaces or '+', e.g. beteiligung.musterstadt.de/transparenz)");
  process.exit(2);
}
const signer = generateSignerKey(name);
console.log(`TLOG_SIGNING_KEY=${signer}`);
console.log(`# the verifier key (public; the site publishes it at /transparenz/key):`);
console.log(`# ${formatVerifierKey(parseSignerKey(signer))}`);
