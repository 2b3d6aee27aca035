/**
 * A mechanical guard for one rule of Leichte Sprache (Netzwerk Leichte Sprache, DIN SPEC 33429):
 * short sentences. A sentence ends at ".", "!" or "?" followed by a space or the end of the text;
 * a word is a run of non-space characters with at least one letter or digit ("–" is no word;
 * "E-Mail-Adresse", "Bürger·büro" and a {{placeholder}} are one word each).
 */

/** The most words a Leichte Sprache sentence may have in this project. */
export const MAX_WORDS_PER_SENTENCE = 12;

export function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function wordCount(sentence: string): number {
  return sentence.split(/\s+/).filter((token) => /[\p{L}\p{N}]/u.test(token)).length;
}

/** The sentences of `text` longer than `max` words, each with its word count. */
export function longSentences(text: string, max = MAX_WORDS_PER_SENTENCE): string[] {
  return sentencesOf(text)
    .filter((s) => wordCount(s) > max)
    .map((s) => `${wordCount(s)} words: ${s}`);
}
