/** "Benachrichtigen lassen" on the home page and every procedure page: the sign-up, the feed and the calendar. */
import { useTranslation } from "react-i18next";

export function AlertsLink({ organisationSlug, procedureSlug }: { organisationSlug: string; procedureSlug?: string }) {
  const { t } = useTranslation("alerts");
  const base = `/${organisationSlug}`;
  return (
    <section aria-labelledby="alerts-heading" className="inset">
      <h2 id="alerts-heading">{t("link.heading")}</h2>
      <p>{procedureSlug ? t("link.procedure") : t("link.home")}</p>
      <p>
        <a href={`${base}/benachrichtigung${procedureSlug ? `?verfahren=${procedureSlug}` : ""}`}>{t("link.action")}</a>
      </p>
      <p>
        {t("link.feeds")}:{" "}
        <a href={`${base}/verfahren.atom`} type="application/atom+xml">
          Atom
        </a>
        {" · "}
        <a href={procedureSlug ? `${base}/verfahren/${procedureSlug}/termine.ics` : `${base}/verfahren.ics`} type="text/calendar">
          iCalendar
        </a>
      </p>
    </section>
  );
}
