/**
 * The parameters that turn an event into its plain-language explanation
 * (`privacy:events.<type>.explanation`), the same for the resident's page and the JSON download.
 */
import type { TFunction } from "i18next";
import { formatDate } from "~/i18n/format";
import type { PrivacyEvent } from "./events";

export function explanationOptions(e: PrivacyEvent, t: TFunction, locale: string) {
  const d = e.details;
  return {
    channel: d.channel ? t(`privacy:channels.${d.channel}`) : "",
    version: d.version ?? "",
    until: typeof d.until === "string" ? formatDate(d.until, locale) : "",
    receivedOn: typeof d.received_on === "string" ? formatDate(d.received_on, locale) : "",
    actor: t(`privacy:actors.${e.actorRole}`),
    categories: e.categories.map((c) => t(`privacy:categories.${c}`)).join(", "),
    reason: d.reason ? t(`privacy:deletionReasons.${d.reason}`) : "",
    context: explanationContext(e),
  };
}

/** Which wording of an event's explanation fits (i18next context: `explanation_<context>`). */
function explanationContext(e: PrivacyEvent): string | undefined {
  const d = e.details;
  if (e.type === "erasure_requested" && d.held) return "held";
  if (e.type === "received" && typeof d.received_on === "string") return "post";
  if (e.type === "entry_viewed" && d.via === "search") return "search";
  return undefined;
}

export const explainEvent = (e: PrivacyEvent, t: TFunction, locale: string): string =>
  t(`privacy:events.${e.type}.explanation`, explanationOptions(e, t, locale));
