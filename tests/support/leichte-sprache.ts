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

/**
 * Further mechanical rules (Netzwerk Leichte Sprache, DIN SPEC 33429): no abbreviations or
 * unexplained technical and legal short names, no genitive article forms ("des", "eines"), no
 * subordinate clauses with "wenn", "weil", "dass" (and their kin "obwohl", "falls", "damit", "ob"):
 * Leichte Sprache writes "Sie möchten eine Antwort? Dann …" instead.
 */
export const LEICHTE_SPRACHE_RULES = {
  abbreviation: /(?<!\p{L})(z\. ?B\.|bzw\.|usw\.|ggf\.|ca\.|Art\.|Abs\.|Nr\.|d\. ?h\.|u\. ?a\.|i\. ?V\. ?m\.|DSGVO|BGG|NBGG|BITV|NBITVO|EN 301 549|WCAG|Strg|JSON|CSV|PDF|DCAT)(?!\p{L})/u,
  foreignWord: /(?<!\p{L})(Cookies?|Download|Upload|Account|Login|Captcha|Screenreader)(?!\p{L})/u,
  lawName: /Daten·?schutz·?grund·?verordnung|Behinderten·?gleich·?stellungs·?gesetz|Informations·?technik·?verordnung/u,
  genitive: /(?<!\p{L})(des|eines|keines|Ihres|meines|seines|unseres)(?!\p{L})/u,
  subordinateClause: /(?<!\p{L})(wenn|weil|dass|obwohl|falls|sodass|damit|ob)(?!\p{L})/iu,
} as const;
export type LeichteSpracheRule = keyof typeof LEICHTE_SPRACHE_RULES | "sentenceLength";

/** The rules `text` breaks, with what broke them. */
export function ruleBreaches(text: string): { rule: LeichteSpracheRule; found: string }[] {
  const out: { rule: LeichteSpracheRule; found: string }[] = [];
  for (const [rule, pattern] of Object.entries(LEICHTE_SPRACHE_RULES) as [LeichteSpracheRule, RegExp][]) {
    const m = pattern.exec(text);
    if (m) out.push({ rule, found: m[0] });
  }
  for (const s of longSentences(text)) out.push({ rule: "sentenceLength", found: s });
  return out;
}
