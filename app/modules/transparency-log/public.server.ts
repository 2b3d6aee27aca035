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

/** When the public record began and when it last changed (the first and the latest checkpoint), or null before the first. */
export async function checkpointDates(db: Kysely<Database>): Promise<{ issued: string; modified: string } | null> {
  const first = await db.selectFrom("tlog_checkpoints").select("signed_at").orderBy("tree_size").limit(1).executeTakeFirst();
  const last = await latestCheckpoint(db);
  return first && last ? { issued: first.signed_at, modified: last.signedAt } : null;
}
