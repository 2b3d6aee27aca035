/**
 * The moderation queue's filter as a URL carries it (`?kanal=phone&stand=received&abschnitt=3.2…`),
 * read in one place: the queue page and any other staff page that lists a procedure's statements
 * with the same filter (the plan page of issue 18) call `parseQueueFilter`. Unknown values are
 * ignored (a filter nobody can set by hand does nothing); a search that is too long or holds control
 * characters is an error for the page to show, not run.
 */
import { CHANNELS } from "~/modules/procedures/dashboard.server";
import { sectionByNumber, type Section } from "~/modules/sections/outline";
import { QUEUE_STATES, type QueueFilter } from "./moderation.server";
import { QUEUE_SEARCH_MAX_LENGTH, parseQueueSearch } from "./queue-search";

/** `?abschnitt=` for the statements about the draft as a whole (a section number never looks like it). */
export const WHOLE_DRAFT_FILTER = "gesamt";
/** `?gruppen=abschnitt`: the queue shows how many statements each section has. */
export const GROUP_BY_SECTION = "abschnitt";

export interface ParsedQueueFilter {
  filter: QueueFilter;
  /** the search field's text as typed (cut), to show it again */
  searchText: string;
  /** the translation key of the search's error (the page answers 400), or null */
  searchError: string | null;
  /** the section select's value: a section number, WHOLE_DRAFT_FILTER or "" for all */
  section: string;
  groupBySection: boolean;
}

export function parseQueueFilter(params: URLSearchParams, sections: readonly Section[]): ParsedQueueFilter {
  const channel = params.get("kanal") ?? "";
  const state = params.get("stand") ?? "";
  const responded = params.get("antwort") ?? "";
  const after = Number(params.get("nach") ?? "0");
  const filter: QueueFilter = {
    channel: (CHANNELS as readonly string[]).includes(channel) ? (channel as QueueFilter["channel"]) : undefined,
    state: (QUEUE_STATES as readonly string[]).includes(state) ? (state as QueueFilter["state"]) : undefined,
    responded: responded === "yes" || responded === "no" ? responded : undefined,
    after: Number.isInteger(after) && after > 0 ? after : undefined,
    newestFirst: params.get("reihenfolge") === "neu",
  };
  const sectionValue = params.get("abschnitt") ?? "";
  const chosen = sectionByNumber(sections, sectionValue);
  let section = "";
  if (sectionValue === WHOLE_DRAFT_FILTER) {
    filter.sectionId = null;
    section = WHOLE_DRAFT_FILTER;
  } else if (chosen && chosen.id > 0) {
    filter.sectionId = chosen.id;
    section = chosen.number;
  }
  const searchText = params.get("suche") ?? "";
  const search = parseQueueSearch(searchText);
  const searchError = "error" in search ? `queue.searchErrors.${search.error}` : null;
  if ("words" in search && search.words.length) filter.words = search.words;
  return {
    filter,
    searchText: searchText.slice(0, QUEUE_SEARCH_MAX_LENGTH * 2),
    searchError,
    section,
    groupBySection: params.get("gruppen") === GROUP_BY_SECTION,
  };
}
