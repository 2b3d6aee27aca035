/**
 * The selects of the moderation queue's filter (channel, state, section), shared by the queue and the
 * plan page (issue 18), which read the same URL with `parseQueueFilter`. Option lists come from the
 * route: they are defined beside the queries, in *.server modules that UI code does not import.
 */
import { useTranslation } from "react-i18next";
import { FilterSelect } from "~/components/fields";

export function ChannelAndStateSelects({
  channels,
  states,
  channel,
  state,
}: {
  channels: readonly string[];
  states: readonly string[];
  channel?: string;
  state?: string;
}) {
  const { t } = useTranslation(["moderation", "staff"]);
  return (
    <>
      <FilterSelect name="kanal" label={t("queue.channel")} value={channel ?? ""} options={[{ value: "", label: t("queue.all") }, ...channels.map((c) => ({ value: c, label: t(`staff:channels.${c}`) }))]} />
      <FilterSelect name="stand" label={t("queue.state")} value={state ?? ""} options={[{ value: "", label: t("queue.all") }, ...states.map((s) => ({ value: s, label: t(`states.${s}`) }))]} />
    </>
  );
}

/** Only for a draft with sections; `wholeDraft` is the value for statements about the draft as a whole. */
export function SectionSelect({ sections, section, wholeDraft }: { sections: readonly { number: string; label: string }[]; section: string; wholeDraft: string }) {
  const { t } = useTranslation("moderation");
  if (sections.length === 0) return null;
  return (
    <FilterSelect
      name="abschnitt"
      label={t("queue.section")}
      value={section}
      wide
      options={[{ value: "", label: t("queue.all") }, { value: wholeDraft, label: t("queue.wholeDraft") }, ...sections.map((x) => ({ value: x.number, label: x.label, lang: "de" }))]}
    />
  );
}
