import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { ChoiceField, TextField } from "~/components/fields";
import { errorMessageFor, type FieldError, type FormValues } from "~/modules/forms/fields";
import { PROCEDURE_KINDS, PROCEDURE_LIMITS } from "../admin-rules";
import { CONTACT_FIELDS } from "../procedure";

/** The procedure's fields, grouped; only `editable` ones are form fields (the edit page lists the rest). */
export function ProcedureFields({
  values,
  errors,
  editable,
  organisationSlug,
}: {
  values: FormValues;
  errors: FieldError[];
  editable: readonly string[];
  organisationSlug: string;
}) {
  const { t } = useTranslation(["admin", "procedures"]);
  const errorFor = errorMessageFor(errors, t, "admin:");
  const can = (field: string) => editable.includes(field);
  const text = (
    field: string,
    opts: { hint?: string; multiline?: boolean; max?: number; type?: "text" | "date"; width?: "half"; inputMode?: "numeric"; required?: boolean } = {},
  ) =>
    can(field) ? (
      <TextField
        name={field}
        label={t(`admin:form.${field}`)}
        hint={opts.hint}
        value={values[field]}
        error={errorFor(field)}
        required={opts.required ?? true}
        multiline={opts.multiline}
        maxLength={opts.max}
        type={opts.type}
        width={opts.width}
        inputMode={opts.inputMode}
      />
    ) : null;
  const group = (heading: string, fields: string[], children: ReactNode) =>
    fields.some(can) ? (
      <fieldset className="fieldset fieldset--group">
        <legend className="legend legend--heading">{heading}</legend>
        {children}
      </fieldset>
    ) : null;

  return (
    <>
      {group(
        t("admin:form.about"),
        ["title", "slug", "summary", "body", "kind"],
        <>
          {text("title", { max: PROCEDURE_LIMITS.title })}
          {text("slug", {
            hint: t("admin:form.slugHint", { path: `/${organisationSlug}/verfahren/…` }),
            max: PROCEDURE_LIMITS.slug,
            required: false,
          })}
          {text("summary", { hint: t("admin:form.summaryHint"), multiline: true, max: PROCEDURE_LIMITS.summary })}
          {text("body", { hint: t("admin:form.bodyHint"), multiline: true, max: PROCEDURE_LIMITS.body })}
          {can("kind") ? (
            <ChoiceField
              name="kind"
              type="radio"
              label={t("admin:form.kind")}
              items={PROCEDURE_KINDS.map((k) => ({ value: k, label: t(`procedures:kinds.${k}`) }))}
              values={values.kind ? [values.kind] : []}
              error={errorFor("kind")}
              required
            />
          ) : null}
        </>,
      )}
      {group(
        t("admin:form.responsibility"),
        ["responsible_office", "legal_basis"],
        <>
          {text("responsible_office", { hint: t("admin:form.responsibleOfficeHint"), max: PROCEDURE_LIMITS.responsible_office })}
          {text("legal_basis", { hint: t("admin:form.legalBasisHint"), max: PROCEDURE_LIMITS.legal_basis })}
        </>,
      )}
      {group(
        t("admin:form.period"),
        ["opens_on", "closes_on"],
        <>
          {text("opens_on", { hint: t("admin:form.opensHint"), type: "date", width: "half" })}
          {text("closes_on", { hint: t("admin:form.closesHint"), type: "date", width: "half" })}
        </>,
      )}
      {group(
        t("admin:form.privacy"),
        ["retention_months", "publication_policy"],
        <>
          {text("retention_months", { hint: t("admin:form.retentionHint"), width: "half", inputMode: "numeric" })}
          {text("publication_policy", { hint: t("admin:form.publicationHint"), multiline: true, max: PROCEDURE_LIMITS.publication_policy })}
        </>,
      )}
      {group(
        t("admin:form.contact"),
        CONTACT_FIELDS.map((k) => `contact_${k}`),
        <>
          <p className="hint">{t("admin:form.contactIntro")}</p>
          {CONTACT_FIELDS.map((k) => (
            <div key={k}>
              <ChoiceField
                name={`contact_${k}`}
                type="radio"
                inline
                label={t(`admin:form.contactMode.${k}`)}
                items={(["off", "optional", "required"] as const).map((m) => ({ value: m, label: t(`admin:contactModes.${m}`) }))}
                values={values[`contact_${k}`] ? [values[`contact_${k}`]] : []}
                error={errorFor(`contact_${k}`)}
                required
              />
              <TextField
                name={`contact_${k}_purpose`}
                label={t(`admin:form.contactPurpose.${k}`)}
                hint={t("admin:form.purposeHint")}
                value={values[`contact_${k}_purpose`]}
                error={errorFor(`contact_${k}_purpose`)}
                maxLength={PROCEDURE_LIMITS.purpose}
              />
            </div>
          ))}
        </>,
      )}
    </>
  );
}
