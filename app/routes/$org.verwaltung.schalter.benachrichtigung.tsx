/**
 * The desk signs a caller up for e-mail alerts: the privacy notice is read aloud (and recorded in
 * the alert's log with the staff member as actor), the mails go out in the caller's language, and
 * the confirmation mail still decides — nothing else is sent until the caller uses its link.
 */
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfField } from "~/components/CsrfField";
import { ErrorSummary } from "~/components/ErrorSummary";
import { Button, ChoiceField, SelectField, TextField } from "~/components/fields";
import { getDb } from "~/db.server";
import { LANGUAGE_NAMES, SUPPORTED_LANGUAGES, isSupportedLanguage } from "~/i18n/config";
import { getT } from "~/i18n/i18n.server";
import { requireStaff, requireStaffAction } from "~/modules/accounts/permissions.server";
import { EMAIL_MAX, validateSignup } from "~/modules/alerts/alerts";
import { signUp, signupProcedures } from "~/modules/alerts/alerts.server";
import { offeredTags } from "~/modules/alerts/tags.server";
import { TagChoices } from "~/modules/alerts/ui/TagChoices";
import { errorMessageFor, type FieldError } from "~/modules/forms/fields";
import { HttpError } from "~/modules/http/errors";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { startJob } from "~/modules/jobs/jobs.server";

const DESK_FIELDS = ["language", "notice_read"] as const;

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params, ["staff"]);
    const { t } = await getT(request, "desk");
    return { pageTitle: t("alerts.title"), csrfToken: user.csrfToken, procedures: await signupProcedures(getDb(), user.organisationId), offered: await offeredTags(getDb(), user.organisationId), done: false };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    const { user, fields } = await requireStaffAction(request, params, ["staff"]);
    for (const name of DESK_FIELDS) if ((fields.get(name)?.length ?? 0) > 1) throw new HttpError(400, "repeated_field");
    const result = validateSignup(fields, DESK_FIELDS, await offeredTags(getDb(), user.organisationId));
    if ("malformed" in result) throw new HttpError(400, result.malformed);
    const language = fields.get("language")?.[0] ?? "de";
    if (!isSupportedLanguage(language)) throw new HttpError(400, "unknown_field");
    const noticeRead = fields.get("notice_read")?.[0];
    if (noticeRead !== undefined && noticeRead !== "yes") throw new HttpError(400, "unknown_field");
    const errors: FieldError[] = result.ok ? [] : result.errors.map((e) => ({ ...e, message: `alerts:${e.message}` }));
    if (result.values.topics.includes("results") && !result.values.procedure) errors.push({ field: "procedure", message: "desk:alerts.procedureRequired" });
    if (!noticeRead) errors.push({ field: "notice_read", message: "desk:alerts.noticeRequired" });
    if (errors.length) return data({ errors, values: { ...result.values, language }, done: false }, { status: 400 });
    const db = getDb();
    const outcome = await signUp(db, { organisationId: user.organisationId, input: result.values, language, clientKey: null, desk: { accountId: user.id } });
    if (outcome.stored) startJob(db, "alerts");
    // the same answer whether or not a mail goes out (the address's daily limit)
    return data({ errors: [] as FieldError[], values: null, done: true });
  });
}

export default function DeskAlertSignup() {
  const { csrfToken, procedures, offered } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation(["desk", "alerts"]);
  const errors = actionData?.errors ?? [];
  const values = actionData?.values ?? { email: "", topics: ["new_procedures"], procedure: "", language: "de" };
  const errorFor = errorMessageFor(errors, t);
  return (
    <>
      <h1>{t("alerts.title")}</h1>
      {actionData?.done ? (
        <div className="notice notice--success" role="status">
          <p>{t("alerts.done")}</p>
        </div>
      ) : null}
      <p>{t("alerts.intro")}</p>
      <form method="post" noValidate className="form">
        <CsrfField token={csrfToken} />
        <ErrorSummary errors={errors} namespace="alerts" />
        <TextField name="email" type="email" label={t("alerts.email")} hint={t("alerts.emailHint")} value={values.email} error={errorFor("email")} autoComplete="off" maxLength={EMAIL_MAX} required />
        <ChoiceField
          name="topics"
          type="checkbox"
          label={t("alerts:form.topics.legend")}
          items={[
            { value: "new_procedures", label: t("alerts.newProcedures") },
            { value: "results", label: t("alerts.results") },
          ]}
          values={values.topics}
          error={errorFor("topics")}
          required
        />
        <TagChoices offered={offered} values={values} />
        <SelectField
          name="procedure"
          label={t("alerts.procedure")}
          error={errorFor("procedure")}
          value={values.procedure}
          options={[{ value: "", label: t("alerts.noProcedure") }, ...procedures.map((p) => ({ value: p.slug, label: p.title, lang: "de" }))]}
        />
        <div className="field">
          <label className="label" htmlFor="language">
            {t("alerts.language")}
          </label>
          <select id="language" name="language" className="input" defaultValue={values.language}>
            {SUPPORTED_LANGUAGES.map((l) => (
              <option key={l} value={l} lang={l === "de-x-ls" ? "de" : l}>
                {LANGUAGE_NAMES[l]}
              </option>
            ))}
          </select>
        </div>
        <h2>{t("alerts.noticeHeading")}</h2>
        <p className="inset">{t("alerts:form.privacy.body")}</p>
        <ChoiceField name="notice_read" type="checkbox" label={t("alerts.noticeLegend")} items={[{ value: "yes", label: t("alerts.noticeRead") }]} values={[]} error={errorFor("notice_read")} required />
        <Button>{t("alerts.submit")}</Button>
      </form>
    </>
  );
}
