/** One procedure question rendered as the matching accessible field. */
import { useTranslation } from "react-i18next";
import { questionFieldName, type Question } from "~/modules/procedures/procedure";
import { ChoiceField, TextField } from "./fields";

export function QuestionField({
  question: q,
  values,
  error,
  contentLang,
}: {
  question: Question;
  values?: string[];
  error?: string;
  contentLang?: string;
}) {
  const { t } = useTranslation("submissions");
  const name = questionFieldName(q);
  const base = { name, label: q.label, hint: q.hint || undefined, error, required: q.required, contentLang };
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
          items={q.options.map((o) => ({ value: o.value, label: o.label, lang: contentLang }))}
          values={values}
        />
      );
    case "scale": {
      const scale = q.scale!;
      const items = [];
      for (let n = scale.min; n <= scale.max; n++) {
        const end = n === scale.min ? scale.minLabel : n === scale.max ? scale.maxLabel : "";
        items.push({
          value: String(n),
          label: end ? (
            <>
              {n} <span lang={contentLang}>({end})</span>
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
              {q.hint ? <span lang={contentLang}>{q.hint} </span> : null}
              {t("scaleHint", { min: scale.min, max: scale.max })}
            </>
          }
          contentLang={undefined}
          label={<span lang={contentLang}>{q.label}</span>}
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
