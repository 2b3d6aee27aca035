/**
 * A leaf of the transparency log commits to one privacy-log event without revealing it:
 * entry = SHA-256("teilhabe/privacy-event/v1\n" ‖ salt ‖ canonical event), with 32 random bytes of salt
 * per event. Whoever holds the salt and the event (the resident, from their export) can recompute
 * the entry; without the salt nobody can confirm a guess, so erasing the salt leaves a leaf that
 * proves nothing about anyone while the tree stays the same. The canonical event holds what the
 * resident's export shows, plus the event's chain hash, which binds the rest of the stored row.
 */
import { createHash } from "node:crypto";

const DOMAIN = "teilhabe/privacy-event/v1\n";

/** The fields of an event as its author's export shows them. */
export interface CommittedEvent {
  seq: number;
  occurredAt: string;
  type: string;
  actorRole: string;
  categories: readonly string[];
  purpose: string;
  legalBasis: string;
  details: Record<string, unknown>;
  hash: string;
}

/** Details with sorted keys, as the privacy log stores them. */
function sortedJson(value: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

export function canonicalEvent(e: CommittedEvent): string {
  return JSON.stringify([e.seq, e.occurredAt, e.type, e.actorRole, JSON.stringify(e.categories), e.purpose, e.legalBasis, sortedJson(e.details), e.hash]);
}

/** The leaf entry (32 bytes) for an event and its salt (hex). */
export function commitmentOf(event: CommittedEvent, saltHex: string): Buffer {
  return createHash("sha256").update(DOMAIN).update(Buffer.from(saltHex, "hex")).update(canonicalEvent(event)).digest();
}

