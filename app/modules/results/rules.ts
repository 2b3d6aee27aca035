/**
 * Results of a procedure: the moderators' summary, statistics with small groups suppressed, the
 * published submissions with their responses, and the open-data files (CSV, JSON, DCAT-AP.de).
 *
 * What is public here is never personal data: contact details are never read by this module, free
 * text is the moderated public version (answer_redactions.public_value when there is one), and
 * every count below MIN_GROUP_SIZE is shown as "fewer than 5", in statistics and channel counts
 * alike, with further groups hidden where it could otherwise be worked out (disclosure.ts). No
 * totals are published next to suppressed counts.
 *
 * A published statement carries its number, its free text and the council's response — never its
 * channel, its day of receipt or its choice answers (decision 30): those are counted only in the
 * statistics, so no artefact lets anyone count a small group, nor subtract the published rows
 * from the statistics to learn the answers of a statement that was not published.
 *
 * Published statements are numbered 1, 2, 3 … in the order received, among the published ones
 * only: no gap shows where a statement was not published.
 *
 * This file: page sizes, the summary's limit, which questions are counted and which are published
 * as text, from which states results may be published, and how free text is cut on the page.
 */
import type { ProcedureStatus, QuestionKind } from "#db/schema";
import { MIN_GROUP_SIZE } from "./disclosure";

export { MIN_GROUP_SIZE };
export const RESULTS_PAGE_SIZE = 20;
export const EXPORT_PAGE_SIZE = 1000;
export const SUMMARY_MAX = 20_000;
export const CHART_KINDS: readonly QuestionKind[] = ["single_choice", "multiple_choice", "scale", "yes_no"];
export const TEXT_KINDS: readonly QuestionKind[] = ["short_text", "long_text"];
export const LICENSE_URI = "http://dcat-ap.de/def/licenses/dl-zero-de/2.0";
/** Results can be published from these states; published results can be updated. */
export const PUBLISHABLE: readonly ProcedureStatus[] = ["closed", "in_evaluation"];
/** The summary can be drafted while the procedure still runs (issue 14, point 14); published only once it is closed. */
export const SUMMARY_EDITABLE: readonly ProcedureStatus[] = ["open", "closed", "in_evaluation", "results_published"];

/**
 * Free text on the results page is cut (at a word) so that a page of 20 stays light: the text
 * answers of one submission share EXCERPT_MAX characters (at least EXCERPT_MIN each), a response
 * gets RESPONSE_EXCERPT_MAX. The open data have every text in full.
 */
export const EXCERPT_MAX = 500;
export const EXCERPT_MIN = 150;
export const RESPONSE_EXCERPT_MAX = 400;

/** Each of `count` text answers of one submission gets this many characters on the page. */
export const excerptLength = (count: number) => Math.max(EXCERPT_MIN, Math.floor(EXCERPT_MAX / Math.max(1, count)));

/** A count as it may be published: the number, or null for a group smaller than MIN_GROUP_SIZE. */
export const suppress = (n: number): number | null => (n < MIN_GROUP_SIZE ? null : n);

/** Text cut at a word boundary to at most `max` characters, with an ellipsis when it was cut. */
export function excerpt(text: string, max: number = EXCERPT_MAX): { text: string; cut: boolean } {
  const chars = [...text];
  if (chars.length <= max) return { text, cut: false };
  let cut = chars.slice(0, max - 1).join("");
  const space = cut.search(/\s\S*$/);
  if (space > max / 2) cut = cut.slice(0, space);
  return { text: `${cut.trimEnd()}…`, cut: true };
}

/** `?seite=` of the results page: 1 when absent, null when it cannot be a page number. */
export function parsePage(raw: string | null): number | null {
  if (raw === null || raw === "") return 1;
  return /^[1-9][0-9]{0,5}$/.test(raw) ? Number(raw) : null;
}
