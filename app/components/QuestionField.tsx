/** One procedure question rendered as the matching accessible field. */
import { useTranslation } from "react-i18next";
import { questionFieldName, type Question } from "~/modules/procedures/procedure";
import { contentAttrs, type QuestionLangs } from "~/modules/procedures/translations";
import { ChoiceField, TextField } from "./fields";

export function QuestionField({
  question: q,
  values,
  error,
  contentLang,
}: {
  /** with `langs` (a procedure in the reader's language) each text carries its own language */
  question: Question & { langs?: QuestionLangs };
  values?: string[];
  error?: string;
  /** the language of every text of a question without `langs` */
  contentLang?: string;
}) {
  const { t, i18n } = useTranslation("submissions");
  const name = questionFieldName(q);
  const langOf = (piece: "label" | "hint" | "minLabel" | "maxLabel") => q.langs?.[piece] ?? contentLang;
  // lang (and dir, where it differs from the page's) on each piece (WCAG 3.1.2)
  const attrs = (lang: string | undefined) => (lang ? contentAttrs(lang, i18n.language) : {});
  const label = <span {...attrs(langOf("label"))}>{q.label}</span>;
  const hint = q.hint ? <span {...attrs(langOf("hint"))}>{q.hint}</span> : undefined;
  const base = { name, label, hint, error, required: q.required };
  switch (q.kind) {
    case "short_text":
    case "long_text":
      return <TextField {...base} value={values?.[0]} multiline={q.kind === "long_text"} maxLength={q.maxLength} />;
    case "single_choice":
    case "multiple_choice":
      return (
        <ChoiceField
          {...base}
          type={q.kind === "single_choice" ? "radio" : "checkbox"}
          items={q.options.map((o) => ({ value: o.value, label: <span {...attrs(q.langs?.options[o.value] ?? contentLang)}>{o.label}</span> }))}
          values={values}
        />
      );
    case "scale": {
      const scale = q.scale!;
      const items = [];
      for (let n = scale.min; n <= scale.max; n++) {
        const end = n === scale.min ? scale.minLabel : n === scale.max ? scale.maxLabel : "";
        const endLang = langOf(n === scale.min ? "minLabel" : "maxLabel");
        items.push({
          value: String(n),
          label: end ? (
            <>
              {n} <span {...attrs(endLang)}>({end})</span>
            </>
          ) : (
            String(n)
          ),
        });
      }
      return (
        <ChoiceField
          {...base}
          hint={
            <>
              {hint ? <>{hint} </> : null}
              {t("scaleHint", { min: scale.min, max: scale.max })}
            </>
          }
          type="radio"
          inline
          items={items}
          values={values}
        />
      );
    }
    case "yes_no":
      return (
        <ChoiceField
          {...base}
          type="radio"
          inline
          items={[
            { value: "yes", label: t("yes") },
            { value: "no", label: t("no") },
          ]}
          values={values}
        />
      );
  }
}
