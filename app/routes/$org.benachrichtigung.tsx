/**
 * Sign up for e-mail alerts, no account: an address and what to be told about (every new
 * procedure, or only those on some topics or in some districts; with ?verfahren=<slug> also that
 * procedure's results). Only a confirmation mail goes
 * out; the answer is the same for a known, an unknown or a limited address.
 */
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ErrorSummary } from "~/components/ErrorSummary";
import { TagChoices } from "~/modules/alerts/ui/TagChoices";
import { Button, ChoiceField, TextField } from "~/components/fields";
import { getDb } from "~/db.server";
import { getT } from "~/i18n/i18n.server";
import { EMAIL_MAX, validateSignup, type SignupInput } from "~/modules/alerts/alerts";
import { signUp, signupProcedure } from "~/modules/alerts/alerts.server";
import { offeredTags } from "~/modules/alerts/tags.server";
import { errorMessageFor, type FieldError } from "~/modules/forms/fields";
import { HttpError } from "~/modules/http/errors";
import { readForm } from "~/modules/http/form-body.server";
import { requirePost, withErrorPages } from "~/modules/http/route-errors.server";
import { startJob } from "~/modules/jobs/jobs.server";
import { publicOrganisation, requireOrganisation } from "~/modules/procedures/context.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const organisation = await requireOrganisation(params);
    const { t } = await getT(request, "alerts");
    const slug = new URL(request.url).searchParams.get("verfahren") ?? "";
    const procedure = slug ? await signupProcedure(getDb(), organisation.id, slug) : null;
    return { pageTitle: t("form.title"), organisation: publicOrganisation(organisation), procedure, offered: await offeredTags(getDb(), organisation.id) };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    requirePost(request);
    const organisation = await requireOrganisation(params);
    const fields = await readForm(request, { maxBytes: 8 * 1024 });
    const result = validateSignup(fields, [], await offeredTags(getDb(), organisation.id));
    if ("malformed" in result) throw new HttpError(400, result.malformed);
    const procedure = result.values.procedure ? await signupProcedure(getDb(), organisation.id, result.values.procedure) : null;
    if (!result.ok) return data({ errors: result.errors as FieldError[], values: result.values, procedure }, { status: 400 });
    const { locale } = await getT(request, "alerts");
    const outcome = await signUp(getDb(), { organisationId: organisation.id, input: result.values, language: locale, clientKey: context?.clientAddress ?? "unknown" });
    if (outcome.stored) startJob(getDb(), "alerts");
    return redirect(`/${organisation.slug}/benachrichtigung/gesendet`, 303);
  }, `/${params.org}/benachrichtigung`);
}

export default function AlertSignup() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("alerts");
  const procedure = actionData?.procedure ?? loaderData.procedure;
  const errors = actionData?.errors ?? [];
  const values: SignupInput = actionData?.values ?? { email: "", topics: procedure ? ["results"] : ["new_procedures"], procedure: procedure?.slug ?? "" };
  const errorFor = errorMessageFor(errors, t);
  const items = [
    { value: "new_procedures", label: t("form.topics.new_procedures", { organisation: loaderData.organisation.name }) },
    ...(procedure ? [{ value: "results", label: t("form.topics.results", { title: procedure.title }) }] : []),
  ];
  return (
    <>
      <h1>{t("form.title")}</h1>
      <p className="lead">{t("form.intro")}</p>
      <form method="post" noValidate className="form">
        <ErrorSummary errors={errors} namespace="alerts" />
        {procedure ? <input type="hidden" name="procedure" value={procedure.slug} /> : null}
        <TextField name="email" type="email" label={t("form.email.label")} hint={t("form.email.hint")} value={values.email} error={errorFor("email")} autoComplete="email" maxLength={EMAIL_MAX} required />
        <ChoiceField name="topics" type="checkbox" label={t("form.topics.legend")} items={items} values={values.topics} error={errorFor("topics")} required />
        <TagChoices offered={loaderData.offered} values={values} />
        <h2>{t("form.privacy.heading")}</h2>
        <p>{t("form.privacy.body")}</p>
        <Button>{t("form.submit")}</Button>
      </form>
    </>
  );
}
