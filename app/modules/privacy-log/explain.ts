/**
 * The parameters that turn an event into its plain-language explanation
 * (`privacy:events.<type>.explanation`), the same for the resident's page and the JSON download.
 */
import type { TFunction } from "i18next";
import { formatDate, readableDay } from "~/i18n/format";
import type { PrivacyEvent, PrivacyEventType } from "./events";

/**
 * Events whose sentence names who acted. Each has one whole sentence per actor kind
 * (`explanation_<actorRole>`, chosen through i18next's context): an actor phrase pasted into one
 * sentence reads wrongly in some case or at the start of a sentence ("Sie selbst hat …").
 */
export const EVENTS_NAMING_THE_ACTOR: ReadonlySet<PrivacyEventType> = new Set(["received", "personal_data_opened", "status_looked_up"]);

export function explanationOptions(e: PrivacyEvent, t: TFunction, locale: string) {
  const d = e.details;
  return {
    channel: d.channel ? t(`privacy:channels.${d.channel}`) : "",
    version: readableDay(d.version, locale),
    until: typeof d.until === "string" ? formatDate(d.until, locale) : "",
    receivedOn: typeof d.received_on === "string" ? formatDate(d.received_on, locale) : "",
    categories: e.categories.map((c) => t(`privacy:categories.${c}`)).join(", "),
    reason: d.reason ? t(`privacy:deletionReasons.${d.reason}`) : "",
    count: typeof d.count === "number" ? d.count : 0,
    context: explanationContext(e),
  };
}

/** Which wording of an event's explanation fits (i18next context: `explanation_<context>`). */
function explanationContext(e: PrivacyEvent): string | undefined {
  const d = e.details;
  if (e.type === "erasure_requested" && d.held) return "held";
  // post (paper, letters) has its own sentence with the day it arrived, entered by staff
  if (e.type === "received" && typeof d.received_on === "string") return "post";
  if (e.type === "entry_viewed" && d.via === "search") return "search";
  if (e.type === "attachment_stored" && d.source === "desk") return "desk";
  if (e.type === "attachment_published" && d.published === false) return "withdrawn";
  if (EVENTS_NAMING_THE_ACTOR.has(e.type)) return e.actorRole;
  return undefined;
}

export const explainEvent = (e: PrivacyEvent, t: TFunction, locale: string): string =>
  t(`privacy:events.${e.type}.explanation`, explanationOptions(e, t, locale));
