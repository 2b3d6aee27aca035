/**
 * Checks a resident's export offline (decision 56): the checkpoint's signature, and for each event
 * of the privacy log its commitment (from the event as exported and its salt) and its inclusion
 * proof in that checkpoint. Shared by `npm run privacy:verify-export` and the upload page; pure.
 */
import { commitmentOf, type CommittedEvent } from "./commitment";
import { leafHash, verifyInclusion } from "./merkle";
import { openCheckpoint, type VerifierKey } from "./note";

export type ExportProblem =
  | { code: "not_an_export" }
  | { code: "no_checkpoint" }
  | { code: "bad_signature"; detail: string }
  | { code: "other_key" }
  | { code: "event_missing_proof"; seq: number }
  | { code: "event_not_included"; seq: number }
  | { code: "events_out_of_order"; seq: number };

export interface ExportVerification {
  ok: boolean;
  checkpoint: { origin: string; size: number; root: string } | null;
  events: number;
  proven: number;
  /** newer than the checkpoint: in the next one */
  waiting: number;
  /** salt erased: the leaf can no longer be linked to the event */
  unlinkable: number;
  problems: ExportProblem[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === "string";

function asEvent(v: unknown): CommittedEvent | null {
  if (!isObject(v)) return null;
  const { seq, occurredAt, type, actorRole, categories, purpose, legalBasis, details, hash } = v;
  if (!Number.isSafeInteger(seq) || ![occurredAt, type, actorRole, purpose, legalBasis, hash].every(isString)) return null;
  if (!Array.isArray(categories) || !categories.every(isString) || !isObject(details)) return null;
  return { seq: seq as number, occurredAt: occurredAt as string, type: type as string, actorRole: actorRole as string, categories, purpose: purpose as string, legalBasis: legalBasis as string, details, hash: hash as string };
}

export function describeProblem(p: ExportProblem): string {
  switch (p.code) {
    case "not_an_export":
      return "this is not a Teilhabe export with a transparency section";
    case "no_checkpoint":
      return "the export holds no checkpoint yet (it was made before the first one)";
    case "bad_signature":
      return `the checkpoint's signature does not hold: ${p.detail}`;
    case "other_key":
      return "the export names another key than the one given";
    case "event_missing_proof":
      return `event ${p.seq} has no proof although the checkpoint should hold it`;
    case "event_not_included":
      return `event ${p.seq} is not in the checkpoint as exported: it was changed, or the log was rewritten`;
    case "events_out_of_order":
      return `event ${p.seq} is missing or out of order`;
  }
}

export function verifyExport(doc: unknown, key: VerifierKey): ExportVerification {
  const result: ExportVerification = { ok: false, checkpoint: null, events: 0, proven: 0, waiting: 0, unlinkable: 0, problems: [] };
  const t = isObject(doc) ? doc.transparencyLog : undefined;
  const log = isObject(doc) ? doc.privacyLog : undefined;
  if (!isObject(t) || t.format !== "teilhabe-transparency/1" || !Array.isArray(t.events) || !Array.isArray(log)) {
    result.problems.push({ code: "not_an_export" });
    return result;
  }
  const events = log.map(asEvent);
  if (events.some((e) => e === null) || events.length > 100_000) {
    result.problems.push({ code: "not_an_export" });
    return result;
  }
  result.events = events.length;
  if (!isString(t.checkpoint)) {
    result.problems.push({ code: "no_checkpoint" });
    return result;
  }
  if (isString(t.verifierKey) && t.verifierKey.split("+")[0] !== key.name) result.problems.push({ code: "other_key" });
  const opened = openCheckpoint(t.checkpoint, key);
  if (!opened.ok) {
    result.problems.push({ code: "bad_signature", detail: opened.problem });
    return result;
  }
  const { checkpoint } = opened;
  result.checkpoint = { origin: checkpoint.origin, size: checkpoint.size, root: checkpoint.root.toString("base64") };
  const proofs = new Map<number, Record<string, unknown>>();
  for (const p of t.events) if (isObject(p) && Number.isSafeInteger(p.seq)) proofs.set(p.seq as number, p);
  events.forEach((event, i) => {
    const e = event!;
    if (e.seq !== i + 1) result.problems.push({ code: "events_out_of_order", seq: e.seq });
    const p = proofs.get(e.seq);
    if (!p) {
      result.problems.push({ code: "event_missing_proof", seq: e.seq });
      return;
    }
    if (p.leafIndex === null || p.inclusionProof === null) {
      result.waiting++;
      return;
    }
    if (p.salt === null) {
      result.unlinkable++;
      return;
    }
    const proof = Array.isArray(p.inclusionProof) && p.inclusionProof.every(isString) ? p.inclusionProof.map((h) => Buffer.from(h, "base64")) : null;
    if (!Number.isSafeInteger(p.leafIndex) || !isString(p.salt) || !/^[0-9a-f]{64}$/.test(p.salt) || !proof || proof.length > 64) {
      result.problems.push({ code: "event_not_included", seq: e.seq });
      return;
    }
    const leaf = leafHash(commitmentOf(e, p.salt));
    if (verifyInclusion(p.leafIndex as number, checkpoint.size, leaf, proof, checkpoint.root)) result.proven++;
    else result.problems.push({ code: "event_not_included", seq: e.seq });
  });
  result.ok = result.problems.length === 0;
  return result;
}
