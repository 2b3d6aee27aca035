/**
 * The queue's search field: the words a moderator typed, as the full-text indexes of migration
 * 0022 split text (runs of letters and digits). Every word must occur in the statement's text
 * answers, as a word or the start of one, regardless of case.
 */
export const QUEUE_SEARCH_MAX_LENGTH = 200;
export const QUEUE_SEARCH_MAX_WORDS = 10;

export type QueueSearch = { words: string[] } | { error: "too_long" | "invalid" | "too_many_words" };

// control characters (C0, DEL, C1) are never typed into a search field
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export function parseQueueSearch(raw: string | null): QueueSearch {
  const text = (raw ?? "").trim();
  if (text.length > QUEUE_SEARCH_MAX_LENGTH) return { error: "too_long" };
  if (CONTROL.test(text)) return { error: "invalid" };
  const words = [...new Set((text.normalize("NFC").toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []))];
  if (words.length > QUEUE_SEARCH_MAX_WORDS) return { error: "too_many_words" };
  return { words };
}
