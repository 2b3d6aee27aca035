/**
 * The checkpoint signing key: TLOG_SIGNING_KEY (a note signer key, made by `npm run tlog:keygen`),
 * a production secret like SESSION_SECRET; only in demo mode is one generated, kept beside the
 * database. Its name is the log's origin, the first line of every checkpoint.
 */
import { ConfigurationError, demoSecretFile, isDemoMode, readOrCreateSecretFile } from "~/modules/http/secrets.server";
import { log } from "~/modules/http/log.server";
import { formatVerifierKey, generateSignerKey, parseSignerKey, type SignerKey } from "./note";

let cached: { text: string; key: SignerKey } | undefined;

export function getSigningKey(env: NodeJS.ProcessEnv = process.env): SignerKey {
  const fromEnv = env.TLOG_SIGNING_KEY?.trim();
  if (fromEnv) {
    if (cached?.text === fromEnv) return cached.key;
    try {
      cached = { text: fromEnv, key: parseSignerKey(fromEnv) };
    } catch (error) {
      throw new ConfigurationError(`TLOG_SIGNING_KEY is not usable: ${(error as Error).message}. Make a new one with: npm run tlog:keygen -- <host>/transparenz`);
    }
    return cached.key;
  }
  if (!isDemoMode(env)) throw new ConfigurationError("TLOG_SIGNING_KEY is not set (required outside demo mode). Make one with: npm run tlog:keygen -- <host>/transparenz");
  const file = demoSecretFile("tlog-signing-key");
  const text = readOrCreateSecretFile(file, () => generateSignerKey("localhost/teilhabe-demo-transparenz"));
  if (cached?.text === text) return cached.key;
  cached = { text, key: parseSignerKey(text) };
  log("warn", "demo_tlog_signing_key", { message: `TLOG_SIGNING_KEY is not set: using a generated key kept in ${file} (demo mode).` });
  return cached.key;
}

/** The public key as published: `<name>+<key ID>+<key>`. */
export const publishedVerifierKey = (key: SignerKey = getSigningKey()) => formatVerifierKey(key);
