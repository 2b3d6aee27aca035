/**
 * What an outsider's monitor concludes from a newly fetched checkpoint and the last one it saw
 * (decision 56): the same tree, a tree that grew consistently, or a fork or rollback — proof that
 * the log was rewritten. Pure; `npm run privacy:monitor` does the fetching.
 */
import { verifyConsistency } from "./merkle";
import { openCheckpoint, type VerifierKey } from "./note";

export interface SeenCheckpoint {
  size: number;
  /** base64 */
  root: string;
}

export type MonitorVerdict =
  | { status: "first"; current: SeenCheckpoint }
  | { status: "unchanged"; current: SeenCheckpoint }
  | { status: "grew"; current: SeenCheckpoint; from: number }
  | { status: "bad_signature"; problem: string }
  | { status: "rollback"; current: SeenCheckpoint; previous: SeenCheckpoint }
  | { status: "fork"; current: SeenCheckpoint; previous: SeenCheckpoint };

export async function judgeCheckpoint(
  note: string,
  key: VerifierKey,
  previous: SeenCheckpoint | null,
  consistency: (from: number, to: number) => Promise<Buffer[]>,
): Promise<MonitorVerdict> {
  const opened = openCheckpoint(note, key);
  if (!opened.ok) return { status: "bad_signature", problem: opened.problem };
  const current = { size: opened.checkpoint.size, root: opened.checkpoint.root.toString("base64") };
  if (!previous) return { status: "first", current };
  if (current.size < previous.size) return { status: "rollback", current, previous };
  if (current.size === previous.size) return current.root === previous.root ? { status: "unchanged", current } : { status: "fork", current, previous };
  let proof: Buffer[];
  try {
    proof = await consistency(previous.size, current.size);
  } catch {
    proof = [];
  }
  const ok = verifyConsistency(previous.size, current.size, proof, Buffer.from(previous.root, "base64"), opened.checkpoint.root);
  return ok ? { status: "grew", current, from: previous.size } : { status: "fork", current, previous };
}
