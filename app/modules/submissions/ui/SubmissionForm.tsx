/** The form generated from a procedure's questions and contact block. Works without JavaScript. */
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { ErrorSummary } from "~/components/ErrorSummary";
import { Button, ChoiceField, TextField } from "~/components/fields";
import { QuestionField } from "~/components/QuestionField";
import { CONTENT_LANGUAGE } from "~/i18n/config";
import {
  CONSENT_FIELD,
  contactFieldName,
  offersResultsNotification,
  questionFieldName,
  type ContactFieldKey,
  type Procedure,
} from "~/modules/procedures/procedure";
import { errorMessageFor, type FieldError } from "~/modules/forms/fields";
import type { FormValues } from "../validation";
import { CONTACT_MAX_LENGTH } from "../validation";

const CONTACT_INPUT: Record<ContactFieldKey, { type: "text" | "email" | "tel"; autoComplete: string; multiline?: boolean }> = {
  name: { type: "text", autoComplete: "name" },
  address: { type: "text", autoComplete: "street-address", multiline: true },
  email: { type: "email", autoComplete: "email" },
  phone: { type: "tel", autoComplete: "tel" },
};

export function SubmissionForm({
  procedure,
  action,
  values = {},
  errors = [],
  before,
  hidden = {},
  submitLabel,
  extraLabels = {},
  heading = true,
  encType,
  beforeSubmit,
  sectionChoice,
  afterQuestions,
}: {
  procedure: Procedure;
  action: string;
  values?: FormValues;
  errors?: FieldError[];
  /** fields shown before the questions (the staff desk's channel details) */
  before?: ReactNode;
  hidden?: Record<string, string>;
  submitLabel?: string;
  /** labels for error-summary entries of fields in `before` */
  extraLabels?: Record<string, string>;
  heading?: boolean;
  /** "multipart/form-data" when the form takes files (attachments) */
  encType?: "multipart/form-data";
  /** fields shown after the questions and contact block, before the button (attachments) */
  beforeSubmit?: ReactNode;
  /** the optional choice of the draft's section, first in the form (app/modules/sections) */
  sectionChoice?: ReactNode;
  /** fields shown after the questions (the place on the plan, issue 18) */
  afterQuestions?: ReactNode;
}) {
  const { t } = useTranslation("submissions");
  const errorFor = errorMessageFor(errors, t);
  const labelFor = (field: string) => {
    const q = procedure.questions.find((x) => questionFieldName(x) === field);
    if (q) return q.label;
    const c = procedure.contactFields.find((x) => contactFieldName(x.key) === field);
    if (field === CONSENT_FIELD) return t("consent.legend");
    if (extraLabels[field]) return extraLabels[field];
    return c ? t(`contact.${c.key}`) : field;
  };
  return (
    <form method="post" action={action} noValidate className="form" encType={encType}>
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <ErrorSummary errors={errors} labelFor={labelFor} />
      {before}
      {heading ? (
        <>
          <h2 id="form-heading">{t("form.heading")}</h2>
          <p>{t("form.intro")}</p>
        </>
      ) : null}
      {sectionChoice}
      {procedure.questions.map((q) => (
        <QuestionField
          key={q.id}
          question={q}
          values={values[questionFieldName(q)]}
          error={errorFor(questionFieldName(q))}
          contentLang={CONTENT_LANGUAGE}
        />
      ))}
      {afterQuestions}
      {procedure.contactFields.length > 0 ? (
        <fieldset className="fieldset fieldset--group">
          <legend className="legend legend--heading">{t("contact.heading")}</legend>
          <p className="hint">{t("contact.intro")}</p>
          {procedure.contactFields.map((c) => {
            const name = contactFieldName(c.key);
            const input = CONTACT_INPUT[c.key];
            return (
              <TextField
                key={c.key}
                name={name}
                label={t(`contact.${c.key}`)}
                hint={
                  <>
                    {t("contact.purposePrefix")} <span lang={CONTENT_LANGUAGE}>{c.purpose}</span>
                  </>
                }
                required={c.mode === "required"}
                value={values[name]?.[0]}
                error={errorFor(name)}
                type={input.type}
                autoComplete={input.autoComplete}
                multiline={input.multiline}
                maxLength={c.key === "address" ? CONTACT_MAX_LENGTH.address : null}
              />
            );
          })}
          {offersResultsNotification(procedure) ? (
            <ChoiceField
              name={CONSENT_FIELD}
              type="checkbox"
              label={t("consent.legend")}
              hint={t("consent.hint")}
              items={[{ value: "yes", label: t("consent.label") }]}
              values={values[CONSENT_FIELD]}
              error={errorFor(CONSENT_FIELD)}
            />
          ) : null}
        </fieldset>
      ) : null}
      {beforeSubmit}
      <Button>{submitLabel ?? t("form.continue")}</Button>
    </form>
  );
}
