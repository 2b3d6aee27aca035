/**
 * A new procedure (admins only): every detail in one form, kept as a draft that residents do not
 * see. Questions come next, on the question editor. Also exports the procedure's fields, shared
 * with the edit page.
 */
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { CsrfField } from "~/components/CsrfField";
import { ErrorSummary } from "~/components/ErrorSummary";
import { Button, ChoiceField, TextField } from "~/components/fields";
import { getDb } from "~/db.server";
import { getT } from "~/i18n/i18n.server";
import { requireStaff, requireStaffAction } from "~/modules/accounts/permissions.server";
import { audit } from "~/modules/audit/audit.server";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { procedureDefaults } from "~/modules/organisations/organisations.server";
import { createProcedure } from "~/modules/procedures/admin-procedures.server";
import { PROCEDURE_FIELDS, PROCEDURE_KINDS, PROCEDURE_LIMITS } from "~/modules/procedures/admin-rules";
import { type FormValues, errorMessageFor, type FieldError } from "~/modules/forms/fields";
import { CONTACT_FIELDS } from "~/modules/procedures/procedure";

/** A new procedure asks for no personal data until the admin says otherwise. */
const NEW_PROCEDURE_VALUES: FormValues = Object.fromEntries(CONTACT_FIELDS.map((k) => [`contact_${k}`, "off"]));

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params, ["admin"]);
    const { t } = await getT(request, "admin");
    return {
      pageTitle: t("new.title"),
      csrfToken: user.csrfToken,
      base: `/${user.organisationSlug}/verwaltung`,
      organisationSlug: user.organisationSlug,
      // the municipality's defaults from its settings (legal basis, office, retention)
      defaults: await procedureDefaults(getDb(), user.organisationId),
    };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    const { user, fields } = await requireStaffAction(request, params, ["admin"]);
    const db = getDb();
    const result = await createProcedure(db, user.organisationId, fields);
    if (!result.ok) return data({ errors: result.errors, values: result.values }, { status: result.status });
    await audit(db, {
      organisationId: user.organisationId,
      accountId: user.id,
      action: "procedure_created",
      targetType: "procedure",
      targetId: result.id,
      details: { slug: result.slug },
      clientAddress: context.clientAddress,
    });
    return redirect(`/${user.organisationSlug}/verwaltung/verfahren/${result.id}?hinweis=created`, 303);
  }, `/${params.org}/verwaltung/verfahren/neu`);
}

export default function NewProcedure() {
  const { csrfToken, base, organisationSlug, defaults } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("admin");
  const errors = actionData?.errors ?? [];
  return (
    <>
      <h1>{t("new.title")}</h1>
      <p>{t("new.intro")}</p>
      <form method="post" action={`${base}/verfahren/neu`} noValidate className="form">
        <ErrorSummary errors={errors} namespace="admin" />
        <CsrfField token={csrfToken} />
        <ProcedureFields values={actionData?.values ?? { ...NEW_PROCEDURE_VALUES, ...defaults }} errors={errors} editable={PROCEDURE_FIELDS} organisationSlug={organisationSlug} />
        <Button>{t("new.submit")}</Button>
      </form>
    </>
  );
}

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
