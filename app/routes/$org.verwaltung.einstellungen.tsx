/**
 * The organisation's settings (admins only): name, address, who is responsible for data protection,
 * accessibility contact, supervisory authority, privacy policy. They appear in every procedure's
 * privacy notice and in residents' data-rights pages. Audited with the names of the changed fields.
 */
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfField } from "~/components/CsrfField";
import { ErrorSummary } from "~/components/ErrorSummary";
import { Button, TextField } from "~/components/fields";
import { getDb } from "~/db.server";
import { getT } from "~/i18n/i18n.server";
import { requireStaff, requireStaffAction } from "~/modules/accounts/permissions.server";
import { HttpError } from "~/modules/http/errors";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { ORGANISATION_SETTINGS, getOrganisationSettings, updateOrganisationSettingsAs, validateOrganisationSettings } from "~/modules/organisations/organisations.server";
import { errorMessageFor } from "~/modules/forms/fields";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params, ["admin"]);
    const settings = await getOrganisationSettings(getDb(), user.organisationId);
    if (!settings) throw new HttpError(404, "not_found");
    const { t } = await getT(request, "accounts");
    return {
      pageTitle: t("settings.title"),
      csrfToken: user.csrfToken,
      settings,
      fields: ORGANISATION_SETTINGS,
      saved: new URL(request.url).searchParams.get("hinweis") === "settingsSaved",
      self: `/${user.organisationSlug}/verwaltung/einstellungen`,
    };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    const { user, fields } = await requireStaffAction(request, params, ["admin"]);
    const result = validateOrganisationSettings(fields);
    if (!result.ok) return data({ errors: result.errors, values: result.values }, { status: 400 });
    const db = getDb();
    await updateOrganisationSettingsAs(db, { organisationId: user.organisationId, accountId: user.id, clientAddress: context.clientAddress }, result.values);
    return redirect(`/${user.organisationSlug}/verwaltung/einstellungen?hinweis=settingsSaved`, 303);
  });
}

export default function Settings() {
  const { csrfToken, settings, fields, saved, self } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("accounts");
  const errors = actionData?.errors ?? [];
  const values = actionData?.values ?? settings;
  const errorFor = errorMessageFor(errors, t);
  const field = (f: (typeof fields)[number]) => (
    <TextField
      key={f.key}
      name={f.key}
      label={t(`settings.fields.${f.key}.label`)}
      hint={t(`settings.fields.${f.key}.hint`)}
      value={values[f.key]}
      multiline={f.multiline}
      maxLength={f.procedureDefault === "months" ? null : f.max}
      error={errorFor(f.key)}
      required={f.required}
      inputMode={f.procedureDefault === "months" ? "numeric" : undefined}
      width={f.procedureDefault === "months" ? "half" : undefined}
    />
  );
  return (
    <>
      <h1>{t("settings.title")}</h1>
      {saved && !actionData ? (
        <div className="notice notice--success" role="status">
          <p>{t("notices.settingsSaved")}</p>
        </div>
      ) : null}
      <p>{t("settings.intro")}</p>
      <p>
        <a href={self.replace(/einstellungen$/, "entscheidungen")}>{t("decisionSet.settingsLink")}</a>
      </p>
      <form method="post" action={self} noValidate className="form">
        <ErrorSummary errors={errors} namespace="accounts" labelFor={(field) => t(`settings.fields.${field}.label`)} />
        <CsrfField token={csrfToken} />
        {fields.filter((f) => !f.procedureDefault).map(field)}
        <fieldset className="fieldset fieldset--group">
          <legend className="legend legend--heading">{t("settings.procedureDefaults")}</legend>
          <p className="hint">{t("settings.procedureDefaultsHint")}</p>
          {fields.filter((f) => f.procedureDefault).map(field)}
        </fieldset>
        <Button>{t("settings.submit")}</Button>
      </form>
    </>
  );
}
