/**
 * Report a barrier: which page, what the problem is, optionally how to answer. Works without
 * JavaScript; errors in a summary linking to the fields; a resent form finds its first report;
 * reports per client are limited. Then the confirmation with the reference and the answer date.
 */
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { randomBytes } from "node:crypto";
import { useTranslation } from "react-i18next";
import { ErrorSummary } from "~/components/ErrorSummary";
import { Button, TextField } from "~/components/fields";
import { getDb } from "~/db.server";
import { getT } from "~/i18n/i18n.server";
import { createBarrierReport } from "~/modules/accessibility/accessibility.server";
import { CONTACT_RETENTION_DAYS, FORM_TOKEN_FIELD, REPORT_LIMITS, validateReport, type ReportError } from "~/modules/accessibility/reports";
import { HttpError } from "~/modules/http/errors";
import { readForm } from "~/modules/http/form-body.server";
import { requirePost, withErrorPages } from "~/modules/http/route-errors.server";
import { publicOrganisation, requireOrganisation } from "~/modules/procedures/context.server";
import { errorMessageFor } from "~/modules/forms/fields";

const newToken = () => randomBytes(18).toString("base64url");

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const organisation = await requireOrganisation(params);
    const { t } = await getT(request, "accessibility");
    // ?seite= pre-fills the page concerned (a link from that page)
    const page = (new URL(request.url).searchParams.get("seite") ?? "").slice(0, REPORT_LIMITS.page);
    return { pageTitle: t("form.title"), organisation: publicOrganisation(organisation), token: newToken(), page };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    requirePost(request);
    const organisation = await requireOrganisation(params);
    const fields = await readForm(request, { maxBytes: 32 * 1024 });
    const result = validateReport(fields);
    if ("malformed" in result) throw new HttpError(400, result.malformed);
    if (!result.ok) {
      return data({ errors: result.errors as ReportError[], values: result.values, token: result.token ?? newToken() }, { status: 400 });
    }
    const { locale } = await getT(request, "accessibility");
    const stored = await createBarrierReport(getDb(), {
      organisationId: organisation.id,
      input: result.values,
      token: result.token ?? newToken(),
      language: locale,
      clientKey: context?.clientAddress ?? "unknown",
    });
    return redirect(`/${organisation.slug}/barrierefreiheit/melden/bestaetigung?nummer=${stored.reference}`, 303);
  }, `/${params.org}/barrierefreiheit/melden`);
}

export default function ReportBarrier() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("accessibility");
  const errors = actionData?.errors ?? [];
  const values = actionData?.values ?? { page: loaderData.page, description: "", email: "", phone: "" };
  const errorFor = errorMessageFor(errors, t);
  return (
    <>
      <h1>{t("form.title")}</h1>
      <p className="lead">{t("form.intro")}</p>
      <form method="post" noValidate className="form">
        <ErrorSummary errors={errors} namespace="accessibility" />
        <input type="hidden" name={FORM_TOKEN_FIELD} value={actionData?.token ?? loaderData.token} />
        <TextField name="page" label={t("form.page.label")} hint={t("form.page.hint")} value={values.page} maxLength={REPORT_LIMITS.page} error={errorFor("page")} required />
        <TextField
          name="description"
          label={t("form.description.label")}
          hint={t("form.description.hint")}
          value={values.description}
          maxLength={REPORT_LIMITS.description}
          error={errorFor("description")}
          multiline
          required
        />
        <fieldset className="fieldset fieldset--group" aria-describedby="contact-hint">
          <legend className="legend legend--heading">{t("form.contact.legend")}</legend>
          <p id="contact-hint" className="hint">
            {t("form.contact.hint")}
          </p>
          <TextField name="email" type="email" label={t("form.email.label")} value={values.email} error={errorFor("email")} autoComplete="email" maxLength={REPORT_LIMITS.email} />
          <TextField name="phone" type="tel" label={t("form.phone.label")} value={values.phone} error={errorFor("phone")} autoComplete="tel" width="half" maxLength={REPORT_LIMITS.phone} />
        </fieldset>
        <h2>{t("form.privacy.heading")}</h2>
        <p>{t("form.privacy.body", { days: CONTACT_RETENTION_DAYS })}</p>
        <Button>{t("form.submit")}</Button>
      </form>
    </>
  );
}
