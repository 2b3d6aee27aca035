/** What the transparency page shows: the latest checkpoint and the key, as published. */
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { formatVerifierKey, type SignerKey } from "./note";
import { latestCheckpoint } from "./tlog.server";

export async function transparencyOverview(db: Kysely<Database>, key: SignerKey) {
  const last = await latestCheckpoint(db);
  return {
    origin: key.name,
    verifierKey: formatVerifierKey(key),
    checkpoint: last ? { size: last.size, signedAt: last.signedAt, root: last.root.toString("base64") } : null,
  };
}
