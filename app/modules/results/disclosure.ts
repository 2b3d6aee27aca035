/**
 * Which counts the published statistics may show (decision 30).
 *
 * A count below MIN_GROUP_SIZE is never shown. That alone is not enough: the groups of one
 * *partition* — the channels, or the answers to a question that takes one answer — add up to the
 * number of statements (the total is not published, but a reader may learn it from another
 * partition whose groups are all shown). With the total, one hidden group is the total minus the
 * shown ones. So within a partition, the smallest shown group is hidden as well
 * ("protects_small_group") until no group below the minimum can be worked out exactly, even by a
 * reader who knows the total and the rule.
 *
 * A reader knows of each hidden group: "small_group" lies in [0, MIN_GROUP_SIZE − 1],
 * "protects_small_group" in [MIN_GROUP_SIZE, ∞), and the unlisted part of an optional question
 * (statements that left it unanswered, never shown) in [0, ∞).
 */

/** Groups smaller than this are not shown as a number (anywhere: page, chart, table, files). */
export const MIN_GROUP_SIZE = 5;

export type HiddenReason = "small_group" | "protects_small_group";

export interface ProtectedCount {
  /** null: hidden */
  count: number | null;
  hidden: HiddenReason | null;
}

interface Part {
  n: number;
  lo: number;
  hi: number;
}

/** The range a reader who knows the partition's total can narrow each part to. */
function narrowed(parts: readonly Part[]): { lo: number; hi: number }[] {
  const total = parts.reduce((s, p) => s + p.n, 0);
  // summed without the part itself: ∞ − ∞ has no value
  const others = (i: number, bound: "lo" | "hi") => parts.reduce((s, p, j) => (j === i ? s : s + p[bound]), 0);
  return parts.map((p, i) => ({ lo: Math.max(p.lo, total - others(i, "hi")), hi: Math.min(p.hi, total - others(i, "lo")) }));
}

/** Whether a hidden part below the minimum has only one possible value. */
function workedOut(parts: readonly Part[]): boolean {
  const ranges = narrowed(parts);
  return parts.some((p, i) => p.n < MIN_GROUP_SIZE && ranges[i].lo === ranges[i].hi);
}

/**
 * The counts of one partition as they may be published. `unlisted`: statements of the partition's
 * total that no shown group holds (an optional question left unanswered), null when every
 * statement is in one of the groups (channels, required questions).
 */
export function protectPartition(counts: readonly number[], unlisted: number | null = null): ProtectedCount[] {
  const hidden: (HiddenReason | null)[] = counts.map((n) => (n < MIN_GROUP_SIZE ? "small_group" : null));
  const parts = (): Part[] => [
    ...counts.flatMap((n, i) => (hidden[i] === "small_group" ? [{ n, lo: 0, hi: MIN_GROUP_SIZE - 1 }] : hidden[i] ? [{ n, lo: MIN_GROUP_SIZE, hi: Infinity }] : [])),
    ...(unlisted === null ? [] : [{ n: unlisted, lo: 0, hi: Infinity }]),
  ];
  while (workedOut(parts())) {
    let smallest = -1;
    counts.forEach((n, i) => {
      if (hidden[i] === null && (smallest === -1 || n < counts[smallest])) smallest = i;
    });
    if (smallest === -1) break; // everything hidden already
    hidden[smallest] = "protects_small_group";
  }
  return counts.map((n, i) => ({ count: hidden[i] ? null : n, hidden: hidden[i] }));
}

/** Counts that do not form a partition (multiple choice: one statement may be in several groups). */
export const protectEach = (counts: readonly number[]): ProtectedCount[] =>
  counts.map((n) => (n < MIN_GROUP_SIZE ? { count: null, hidden: "small_group" } : { count: n, hidden: null }));
