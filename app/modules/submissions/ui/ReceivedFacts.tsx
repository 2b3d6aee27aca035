/**
 * When a submission came in, for a `<dl className="facts">`: online, by phone and at the counter the
 * moment it was entered; paper and letters the day the post was received (postmark or entry stamp,
 * given by the clerk) — the one date of receipt — and, labelled apart, when staff typed it in.
 */
import { useTranslation } from "react-i18next";
import { formatDate, formatDateTime } from "~/i18n/format";

export function ReceivedFacts({ receivedOn, enteredAt }: { receivedOn: string | null; enteredAt: string }) {
  const { t, i18n } = useTranslation("privacy");
  return (
    <>
      <div>
        <dt>{t("log.received")}</dt>
        <dd>{receivedOn ? formatDate(receivedOn, i18n.language) : formatDateTime(enteredAt, i18n.language)}</dd>
      </div>
      {receivedOn ? (
        <div>
          <dt>{t("log.entered")}</dt>
          <dd>{formatDateTime(enteredAt, i18n.language)}</dd>
        </div>
      ) : null}
    </>
  );
}
