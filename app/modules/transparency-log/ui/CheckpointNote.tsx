/** "This log is part of the public record of checkpoint N, signed on …" — under a submission's or an alert's privacy log. */
import { useTranslation } from "react-i18next";
import { formatDate } from "~/i18n/format";

export function CheckpointNote({ checkpoint, organisationSlug }: { checkpoint: { size: number; signedAt: string; proven: number; waiting: number } | null; organisationSlug: string }) {
  const { t, i18n } = useTranslation("transparency");
  const held = checkpoint !== null && checkpoint.proven > 0;
  return (
    <p>
      {held ? t("log.inCheckpoint", { size: checkpoint.size, date: formatDate(checkpoint.signedAt, i18n.language) }) : t("log.none")}{" "}
      {held && checkpoint.waiting > 0 ? t("log.waiting", { n: checkpoint.waiting }) + " " : null}
      <a href={`/${organisationSlug}/transparenz`}>{t("log.link")}</a>
    </p>
  );
}
