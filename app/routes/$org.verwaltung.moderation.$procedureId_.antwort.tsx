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
import { withAudit } from "~/modules/audit/audit.server";
import { HttpError } from "~/modules/http/errors";
import { SelectedStatements } from "~/modules/moderation/ui/SelectedStatements";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { RESPONSE_DECISIONS, RESPONSE_MAX, groupForResponse, procedureForModeration, respond } from "~/modules/moderation/moderation.server";
import type { ResponseDecision } from "#db/schema";
import { errorMessageFor, type FieldError } from "~/modules/forms/fields";

const parseIds = (values: string[]) => {
  const ids = values.map(Number);
  if (ids.length === 0 || ids.length > 500 || ids.some((n) => !Number.isInteger(n) || n <= 0)) throw new HttpError(400, "unknown_field");
  return [...new Set(ids)];
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params, MODERATION_ROLES);
    const procedure = await procedureForModeration(getDb(), user.organisationId, Number(params.procedureId));
    const ids = parseIds(new URL(request.url).searchParams.getAll("id"));
    const { t } = await getT(request, "moderation");
    const group = await groupForResponse(getDb(), user.organisationId, procedure, ids);
    return { pageTitle: t("group.title"), csrfToken: user.csrfToken, ids, group, procedure: { id: procedure.id, title: procedure.title }, base: `/${user.organisationSlug}/verwaltung/moderation` };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    const { user, fields } = await requireStaffAction(request, params, MODERATION_ROLES);
    const db = getDb();
    const procedure = await procedureForModeration(db, user.organisationId, Number(params.procedureId));
    for (const name of fields.keys()) if (!["id", "decision", "response_text"].includes(name)) throw new HttpError(400, "unknown_field");
    const ids = parseIds(fields.get("id") ?? []);
    const decision = fields.get("decision")?.[0] ?? "";
    const text = (fields.get("response_text")?.[0] ?? "").replace(/\r\n?/g, "\n").trim();
    const errors: FieldError[] = [];
    if (!(RESPONSE_DECISIONS as readonly string[]).includes(decision)) errors.push({ field: "decision", message: "moderation:errors.decision" });
    if (!text) errors.push({ field: "response_text", message: "moderation:errors.responseText" });
    else if (text.length > RESPONSE_MAX) errors.push({ field: "response_text", message: "moderation:errors.tooLong" });
    if (errors.length) return data({ errors }, { status: 400 });
    await withAudit(
      db,
      (trx) => respond(trx, { organisationId: user.organisationId, procedureId: procedure.id, submissionIds: ids, moderatorId: user.id, decision: decision as ResponseDecision, text }),
      (responseId) => ({ organisationId: user.organisationId, accountId: user.id, action: "response_given", targetType: "response", targetId: responseId, details: { decision, submissions: ids.length, ids: ids.join(",") }, clientAddress: context?.clientAddress }),
    );
    // the queue says what happened: these N submissions are answered
    return redirect(`/${user.organisationSlug}/verwaltung/moderation/${procedure.id}?antwort=yes&beantwortet=${ids.length}`, 303);
  });
}

export default function GroupResponse() {
  const { ids, group, procedure, csrfToken, base } = useLoaderData<typeof loader>();
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
        <ChoiceField name="decision" type="radio" label={t("review.decision")} items={RESPONSE_DECISIONS.map((d) => ({ value: d, label: t(`decisions.${d}`) }))} error={errorFor("decision")} required />
        <TextField name="response_text" label={t("review.responseText")} hint={t("review.responseHint")} multiline error={errorFor("response_text")} required />
        <Button>{t("group.submit", { count: ids.length })}</Button>
      </form>
    </>
  );
}
