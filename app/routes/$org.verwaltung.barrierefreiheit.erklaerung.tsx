/** Admins: edit the accessibility statement residents see at /:org/barrierefreiheit. Audited. */
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfField } from "~/components/CsrfField";
import { ErrorSummary } from "~/components/ErrorSummary";
import { Button, ChoiceField, TextField } from "~/components/fields";
import { getDb } from "~/db.server";
import { getT } from "~/i18n/i18n.server";
import { getStatement } from "~/modules/accessibility/accessibility.server";
import { saveStatementAs } from "~/modules/accessibility/admin-actions.server";
import { CONFORMANCE, EMPTY_CUSTOM_ROWS, LEGAL_FRAMEWORKS, METHODS, STANDARD_LIMITATIONS, STATEMENT_LIMITS, validateStatement } from "~/modules/accessibility/statement";
import { requireStaff, requireStaffAction } from "~/modules/accounts/permissions.server";
import { HttpError } from "~/modules/http/errors";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { berlinDay } from "~/i18n/dates";
import { errorMessageFor } from "~/modules/forms/fields";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params, ["admin"]);
    const { t } = await getT(request, "barriers");
    return {
      pageTitle: t("statement.title"),
      statement: await getStatement(getDb(), user.organisationId),
      csrfToken: user.csrfToken,
      saved: new URL(request.url).searchParams.get("hinweis") === "saved",
      publicPath: `/${user.organisationSlug}/barrierefreiheit`,
      settingsPath: `/${user.organisationSlug}/verwaltung/einstellungen`,
    };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    const { user, fields } = await requireStaffAction(request, params, ["admin"]);
    const result = validateStatement(fields, berlinDay(new Date().toISOString()));
    if ("malformed" in result) throw new HttpError(400, result.malformed);
    if (!result.ok) return data({ errors: result.errors, statement: result.statement }, { status: 400 });
    const db = getDb();
    await saveStatementAs(db, { organisationId: user.organisationId, accountId: user.id, clientAddress: context.clientAddress as string | undefined }, result.statement);
    return redirect(`/${user.organisationSlug}/verwaltung/barrierefreiheit/erklaerung?hinweis=saved`, 303);
  });
}

export default function EditStatement() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation(["barriers", "accessibility"]);
  const errors = actionData?.errors ?? [];
  const s = actionData?.statement ?? loaderData.statement;
  const errorFor = errorMessageFor(errors, t);
  const rows = Math.min(s.customLimitations.length + EMPTY_CUSTOM_ROWS, STATEMENT_LIMITS.customCount + EMPTY_CUSTOM_ROWS);
  return (
    <>
      <h1>{t("statement.title")}</h1>
      {loaderData.saved && !actionData ? (
        <div className="notice notice--success" role="status">
          <p>{t("statement.saved")}</p>
        </div>
      ) : null}
      <p>
        {t("statement.intro")} <a href={loaderData.publicPath}>{t("statement.viewPublic")}</a>
      </p>
      {!loaderData.statement.saved ? <p className="hint">{t("statement.defaultsNote")}</p> : null}
      <form method="post" noValidate className="form">
        <ErrorSummary errors={errors} namespace="barriers" />
        <CsrfField token={loaderData.csrfToken} />
        <ChoiceField
          name="conformance"
          type="radio"
          label={t("statement.conformance")}
          items={CONFORMANCE.map((c) => ({ value: c, label: t(`statement.conformanceOptions.${c}`) }))}
          values={[s.conformance]}
          error={errorFor("conformance")}
          required
        />
        <ChoiceField
          name="method"
          type="radio"
          label={t("statement.method")}
          items={METHODS.map((m) => ({ value: m, label: t(`statement.methodOptions.${m}`) }))}
          values={[s.method]}
          error={errorFor("method")}
          required
        />
        <TextField name="prepared_on" type="date" label={t("statement.preparedOn")} value={s.preparedOn} error={errorFor("prepared_on")} required width="half" />
        <TextField name="reviewed_on" type="date" label={t("statement.reviewedOn")} value={s.reviewedOn} error={errorFor("reviewed_on")} required width="half" />
        <ChoiceField
          name="standard"
          type="checkbox"
          label={t("statement.standard")}
          hint={t("statement.standardHint")}
          items={STANDARD_LIMITATIONS.map((k) => ({ value: k, label: t(`accessibility:limitations.${k}.part`) }))}
          values={s.standardLimitations}
        />
        <h2>{t("statement.customHeading")}</h2>
        <p className="hint">{t("statement.customHint", { max: STATEMENT_LIMITS.customCount })}</p>
        {Array.from({ length: rows }, (_, i) => {
          const row = s.customLimitations[i] ?? { part: "", reason: "", alternative: "" };
          return (
            <fieldset className="fieldset fieldset--group" key={i}>
              <legend className="legend">{t("statement.customLegend", { number: i + 1 })}</legend>
              <TextField name={`custom_${i}_part`} label={t("statement.customPart")} value={row.part} maxLength={STATEMENT_LIMITS.part} error={errorFor(`custom_${i}_part`)} />
              <TextField name={`custom_${i}_reason`} label={t("statement.customReason")} value={row.reason} maxLength={STATEMENT_LIMITS.reason} error={errorFor(`custom_${i}_reason`)} multiline />
              <TextField
                name={`custom_${i}_alternative`}
                label={t("statement.customAlternative")}
                value={row.alternative}
                maxLength={STATEMENT_LIMITS.alternative}
                error={errorFor(`custom_${i}_alternative`)}
                multiline
              />
            </fieldset>
          );
        })}
        <h2>{t("statement.enforcementHeading")}</h2>
        <ChoiceField
          name="legal_framework"
          type="radio"
          label={t("statement.legalFramework")}
          hint={t("statement.legalFrameworkHint")}
          items={LEGAL_FRAMEWORKS.map((f) => ({ value: f, label: t(`statement.legalFrameworkOptions.${f}`) }))}
          values={[s.legalFramework]}
          error={errorFor("legal_framework")}
          required
        />
        <TextField name="state_body" label={t("statement.stateBody")} hint={t("statement.stateBodyHint")} value={s.stateBody} maxLength={STATEMENT_LIMITS.body} error={errorFor("state_body")} multiline />
        <TextField name="federal_body" label={t("statement.federalBody")} hint={t("statement.federalBodyHint")} value={s.federalBody} maxLength={STATEMENT_LIMITS.body} error={errorFor("federal_body")} multiline />
        <p>
          {t("statement.contactNote")} <a href={loaderData.settingsPath}>{t("statement.contactLink")}</a>
        </p>
        <Button>{t("statement.submit")}</Button>
      </form>
    </>
  );
}
