/** An alert's privacy log as its holder reads it: when, what, who (as a role), why, in plain words. */
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { formatDate, formatDateTime } from "~/i18n/format";
import type { AlertEvent } from "~/modules/privacy-log/alert-log.server";
import { localiseLegalBasis } from "~/modules/privacy-log/legal-basis";

/** The sentence of one event in the reader's language (the same words for the page and any export). */
export function explainAlertEvent(e: AlertEvent, t: TFunction, locale: string): string {
  const d = e.details;
  const until = typeof d.until === "string" ? formatDate(d.until, locale) : "";
  if (e.type === "deleted") return t(`alerts:events.deleted_${String(d.reason)}`);
  if (e.type === "mail_sent") return t("alerts:events.mail_sent", { what: t(`alerts:events.kinds.${String(d.kind)}`, { title: String(d.procedure ?? "") }) });
  return t(`alerts:events.${e.type}`, { until });
}

export function AlertLog({ events }: { events: AlertEvent[] }) {
  const { t, i18n } = useTranslation(["alerts", "privacy"]);
  return (
    <ol className="timeline">
      {events.map((e) => {
        const basis = localiseLegalBasis(e.legalBasis, t, i18n.language);
        return (
          <li key={e.seq} className="timeline__item">
            <h3 className="timeline__title">{t(`alerts:eventTitles.${e.type}`)}</h3>
            <p className="timeline__meta">
              <time dateTime={e.occurredAt}>{formatDateTime(e.occurredAt, i18n.language)}</time> · {t(`privacy:actors.${e.actorRole}`)}
            </p>
            <p>{explainAlertEvent(e, t, i18n.language)}</p>
            <dl className="timeline__facts">
              {e.categories.length > 0 ? (
                <div>
                  <dt>{t("privacy:timeline.categories")}</dt>
                  <dd>{e.categories.map((c) => t(`privacy:categories.${c}`)).join(", ")}</dd>
                </div>
              ) : null}
              <div>
                <dt>{t("privacy:timeline.purpose")}</dt>
                <dd>{t("alerts:purpose")}</dd>
              </div>
              <div>
                <dt>{t("privacy:timeline.legalBasis")}</dt>
                <dd lang={basis.lang} dir={basis.dir}>
                  {basis.text}
                </dd>
              </div>
            </dl>
          </li>
        );
      })}
    </ol>
  );
}
