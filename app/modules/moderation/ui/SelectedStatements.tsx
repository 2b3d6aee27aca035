/**
 * The statements a moderator selected in the queue, each with its texts, before one step applies
 * to all of them (a common response, or publishing / not publishing them together).
 */
import { useTranslation } from "react-i18next";
import type { Channel } from "#db/schema";

export interface SelectedStatement {
  id: number;
  channel: Channel;
  state: string;
  texts: string[];
}

export function SelectedStatements({ statements, base }: { statements: readonly SelectedStatement[]; base: string }) {
  const { t } = useTranslation(["moderation", "staff"]);
  return (
    <ul className="queue">
      {statements.map((s) => (
        <li key={s.id} className="queue__item">
          <div className="queue__body">
            <p className="queue__meta">
              <a href={`${base}/beitrag/${s.id}`}>{t("queue.open", { id: s.id })}</a> · {t(`staff:channels.${s.channel}`)} · {t(`states.${s.state}`)}
            </p>
            {s.texts.length ? (
              s.texts.map((text, i) => (
                <p key={i} lang="de" className="pre">
                  {text}
                </p>
              ))
            ) : (
              <p className="hint">{t("group.noText")}</p>
            )}
          </div>
        </li>
      ))}
    </ul>
  );
}
