/**
 * The selects of the moderation queue's filter (channel, state, section), shared by the queue and the
 * plan page (issue 18), which read the same URL with `parseQueueFilter`. Option lists come from the
 * route: they are defined beside the queries, in *.server modules that UI code does not import.
 */
import { useTranslation } from "react-i18next";

function FilterSelect({ name, label, value, wide, children }: { name: string; label: string; value: string; wide?: boolean; children: React.ReactNode }) {
  return (
    <div className="field">
      <label className="label" htmlFor={name}>
        {label}
      </label>
      <select id={name} name={name} className={wide ? "input" : "input input--half"} defaultValue={value}>
        {children}
      </select>
    </div>
  );
}

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
      <FilterSelect name="kanal" label={t("queue.channel")} value={channel ?? ""}>
        <option value="">{t("queue.all")}</option>
        {channels.map((c) => (
          <option key={c} value={c}>
            {t(`staff:channels.${c}`)}
          </option>
        ))}
      </FilterSelect>
      <FilterSelect name="stand" label={t("queue.state")} value={state ?? ""}>
        <option value="">{t("queue.all")}</option>
        {states.map((s) => (
          <option key={s} value={s}>
            {t(`states.${s}`)}
          </option>
        ))}
      </FilterSelect>
    </>
  );
}

/** Only for a draft with sections; `wholeDraft` is the value for statements about the draft as a whole. */
export function SectionSelect({ sections, section, wholeDraft }: { sections: readonly { number: string; label: string }[]; section: string; wholeDraft: string }) {
  const { t } = useTranslation("moderation");
  if (sections.length === 0) return null;
  return (
    <FilterSelect name="abschnitt" label={t("queue.section")} value={section} wide>
      <option value="">{t("queue.all")}</option>
      <option value={wholeDraft}>{t("queue.wholeDraft")}</option>
      {sections.map((x) => (
        <option key={x.number} value={x.number} lang="de">
          {x.label}
        </option>
      ))}
    </FilterSelect>
  );
}
