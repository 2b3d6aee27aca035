/** A desk entry's answers as the resident gave them (question texts are procedure content, in German). */
import { useTranslation } from "react-i18next";
import type { StaffAnswer } from "../desk.server";

export function StaffAnswers({ answers }: { answers: StaffAnswer[] }) {
  const { t } = useTranslation("desk");
  const shown = (a: StaffAnswer, v: string) => (a.kind === "yes_no" && (v === "yes" || v === "no") ? t(`view.${v}`) : v);
  return (
    <section aria-labelledby="answers-heading">
      <h2 id="answers-heading">{t("view.answers")}</h2>
      <p className="hint">{t("view.answersIntro")}</p>
      <dl className="summary">
        {answers.map((a) => (
          <div className="summary__row" key={a.questionId}>
            <dt className="summary__key" lang="de">
              {a.label}
            </dt>
            <dd className="summary__value">
              {a.values.length === 0 ? (
                <span className="hint">{t("view.notAnswered")}</span>
              ) : a.values.length === 1 ? (
                <span className="pre" lang={a.kind === "yes_no" ? undefined : "de"}>
                  {shown(a, a.values[0])}
                </span>
              ) : (
                <ul lang="de">
                  {a.values.map((v) => (
                    <li key={v}>{v}</li>
                  ))}
                </ul>
              )}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
