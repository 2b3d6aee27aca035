/** A submission as staff may describe it to a caller: status, channel, and the privacy log. */
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { PrivacyEvent } from "~/modules/privacy-log/events";
import { PrivacyTimeline } from "~/modules/privacy-log/ui/PrivacyTimeline";
import { ReceivedFacts } from "~/modules/submissions/ui/ReceivedFacts";

export interface StaffSubmission {
  channel: string;
  state: string;
  response_state: string;
  created_at: string;
  source_reference: string | null;
  received_on: string | null;
  title: string;
  withdrawn_at: string | null;
  events: PrivacyEvent[];
  chainIntact: boolean;
}

/** `between`: shown after the facts and before the privacy log (the eintrag page's answers). */
export function StaffSubmissionView({ s, between }: { s: StaffSubmission; between?: ReactNode }) {
  const { t } = useTranslation(["desk", "privacy"]);
  return (
    <>
      <dl className="facts">
        <div>
          <dt>{t("desk:view.procedure")}</dt>
          <dd lang="de">{s.title}</dd>
        </div>
        <ReceivedFacts receivedOn={s.received_on} enteredAt={s.created_at} />
        <div>
          <dt>{t("privacy:log.channel")}</dt>
          <dd>{t(`privacy:channels.${s.channel}`)}</dd>
        </div>
        {s.source_reference ? (
          <div>
            <dt>{t("desk:view.reference")}</dt>
            <dd>{s.source_reference}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t("privacy:log.status")}</dt>
          <dd>{t(`privacy:states.${s.withdrawn_at ? "withdrawn" : s.state}`)}</dd>
        </div>
        <div>
          <dt>{t("privacy:log.response")}</dt>
          <dd>{t(`privacy:responseStates.${s.response_state}`)}</dd>
        </div>
      </dl>
      {between}
      <h2>{t("privacy:log.timelineHeading")}</h2>
      <p>
        <strong>{s.chainIntact ? t("privacy:log.chainIntact") : t("privacy:log.chainBroken")}</strong>
      </p>
      <PrivacyTimeline events={s.events} />
    </>
  );
}
