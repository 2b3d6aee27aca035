/** A submission's privacy log as its author reads it: when, what, who (as a role), why, in plain words. */
import { useTranslation } from "react-i18next";
import { formatDateTime } from "~/i18n/format";
import { explainEvent } from "../explain";
import type { PrivacyEvent } from "../events";
import { localiseLegalBasis } from "../legal-basis";

export function useExplainEvent() {
  const { t, i18n } = useTranslation("privacy");
  return (e: PrivacyEvent) => explainEvent(e, t, i18n.language);
}

export function PrivacyTimeline({ events }: { events: PrivacyEvent[] }) {
  const { t, i18n } = useTranslation("privacy");
  const explain = useExplainEvent();
  return (
    <ol className="timeline">
      {events.map((e) => (
        <li key={e.seq} className="timeline__item">
          <h3 className="timeline__title">{t(`events.${e.type}.title`)}</h3>
          <p className="timeline__meta">
            <time dateTime={e.occurredAt}>{formatDateTime(e.occurredAt, i18n.language)}</time> · {t(`actors.${e.actorRole}`)}
          </p>
          <p>{explain(e)}</p>
          <dl className="timeline__facts">
            {e.categories.length > 0 ? (
              <div>
                <dt>{t("timeline.categories")}</dt>
                <dd>{e.categories.map((c) => t(`categories.${c}`)).join(", ")}</dd>
              </div>
            ) : null}
            <div>
              <dt>{t("timeline.purpose")}</dt>
              <dd>{t(`purposes.${e.purpose}`)}</dd>
            </div>
            <div>
              <dt>{t("timeline.legalBasis")}</dt>
              <LegalBasis stored={e.legalBasis} />
            </div>
          </dl>
        </li>
      ))}
    </ol>
  );
}

/** A legal basis in the reader's language; a procedure's own (free text) as typed, marked German. */
function LegalBasis({ stored }: { stored: string }) {
  const { t, i18n } = useTranslation("privacy");
  const { text, lang, dir } = localiseLegalBasis(stored, t, i18n.language);
  return (
    <dd lang={lang} dir={dir}>
      {text}
    </dd>
  );
}
