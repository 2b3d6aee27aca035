/** One official response for several submissions with the same content. */
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfField } from "~/components/CsrfField";
import { ErrorSummary } from "~/components/ErrorSummary";
import { Button, ChoiceField, TextField } from "~/components/fields";
import { getDb } from "~/db.server";
import { getT } from "~/i18n/i18n.server";
import { requireStaff, requireStaffAction } from "~/modules/accounts/permissions.server";
import { MODERATION_ROLES } from "~/modules/accounts/roles";
import { HttpError } from "~/modules/http/errors";
import { SelectedStatements } from "~/modules/moderation/ui/SelectedStatements";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { groupForResponse, procedureForModeration } from "~/modules/moderation/moderation.server";
import { GROUP_MAX, considerationErrors, recordConsideration } from "~/modules/considerations/considerations.server";
import { decisionChoices } from "~/modules/considerations/labels.server";
import { errorMessageFor, type FieldError } from "~/modules/forms/fields";
import { parseIds } from "~/modules/forms/parse.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params, MODERATION_ROLES);
    const procedure = await procedureForModeration(getDb(), user.organisationId, params.procedureId);
    const ids = parseIds(new URL(request.url).searchParams.getAll("id"), GROUP_MAX);
    const { t, locale } = await getT(request, "moderation");
    const group = await groupForResponse(getDb(), user.organisationId, procedure, ids);
    const { choices: decisions } = await decisionChoices(getDb(), user.organisationId, t, locale);
    return { pageTitle: t("group.title"), decisions, csrfToken: user.csrfToken, ids, group, procedure: { id: procedure.id, title: procedure.title }, base: `/${user.organisationSlug}/verwaltung/moderation` };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    const { user, fields } = await requireStaffAction(request, params, MODERATION_ROLES);
    const db = getDb();
    const procedure = await procedureForModeration(db, user.organisationId, params.procedureId);
    for (const name of fields.keys()) if (!["id", "decision", "response_text"].includes(name)) throw new HttpError(400, "unknown_field");
    const ids = parseIds(fields.get("id") ?? [], GROUP_MAX);
    const decision = fields.get("decision")?.[0] ?? "";
    const text = (fields.get("response_text")?.[0] ?? "").replace(/\r\n?/g, "\n").trim();
    const errors: FieldError[] = await considerationErrors(db, user.organisationId, decision, text);
    if (errors.length) return data({ errors }, { status: 400 });
    // one common consideration, audited in its own transaction
    await recordConsideration(db, { organisationId: user.organisationId, procedureId: procedure.id, submissionIds: ids, moderatorId: user.id, decision, text, clientAddress: context?.clientAddress });
    // the queue says what happened: these N submissions are answered
    return redirect(`/${user.organisationSlug}/verwaltung/moderation/${procedure.id}?antwort=yes&beantwortet=${ids.length}`, 303);
  });
}

export default function GroupResponse() {
  const { ids, group, procedure, decisions, csrfToken, base } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation(["moderation", "staff"]);
  const errors = actionData?.errors ?? [];
  const errorFor = errorMessageFor(errors, t);
  return (
    <>
      <p className="caption" lang="de">
        {procedure.title}
      </p>
      <h1>{t("group.title")}</h1>
      <p>{t("group.intro", { count: ids.length })}</p>
      <SelectedStatements statements={group} base={base} />
      <form method="post" noValidate>
        <CsrfField token={csrfToken} />
        <ErrorSummary errors={errors} namespace="moderation" />
        {ids.map((id) => (
          <input key={id} type="hidden" name="id" value={id} />
        ))}
        <ChoiceField name="decision" type="radio" label={t("review.decision")} items={decisions} error={errorFor("decision")} required />
        <TextField name="response_text" label={t("review.responseText")} hint={t("review.responseHint")} multiline error={errorFor("response_text")} required />
        <Button>{t("group.submit", { count: ids.length })}</Button>
      </form>
    </>
  );
}
