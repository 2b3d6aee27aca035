/** A caller asks about their submission: look it up by receipt code (the look-up is recorded in its privacy log). */
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfField } from "~/components/CsrfField";
import { ErrorSummary } from "~/components/ErrorSummary";
import { Button, TextField } from "~/components/fields";
import { getDb } from "~/db.server";
import { getT } from "~/i18n/i18n.server";
import { requireStaff, requireStaffAction } from "~/modules/accounts/permissions.server";
import { describeForStaff } from "~/modules/assisted-entry/desk.server";
import { lookUpForCallerAs } from "~/modules/assisted-entry/desk-actions.server";
import { StaffSubmissionView } from "~/modules/assisted-entry/ui/StaffSubmissionView";
import { HttpError } from "~/modules/http/errors";
import { withErrorPages } from "~/modules/http/route-errors.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params, ["staff"]);
    const { t } = await getT(request, "desk");
    return { pageTitle: t("lookUp.title"), csrfToken: user.csrfToken };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    const { user, fields } = await requireStaffAction(request, params, ["staff"]);
    for (const [name, v] of fields) if (name !== "code" || v.length > 1) throw new HttpError(400, "unknown_field");
    const code = (fields.get("code")?.[0] ?? "").slice(0, 40);
    const db = getDb();
    const submissionId = await lookUpForCallerAs(db, { organisationId: user.organisationId, accountId: user.id, clientAddress: context?.clientAddress }, code);
    if (submissionId === null) return data({ errors: [{ field: "code", message: "desk:lookUp.notFound" }], code, found: null }, { status: 400 });
    return { errors: [], code, found: (await describeForStaff(db, user.organisationId, submissionId)) ?? null };
  });
}

export default function LookUpForCaller() {
  const { csrfToken } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("desk");
  const errors = actionData?.errors ?? [];
  return (
    <>
      <h1>{t("lookUp.title")}</h1>
      <p>{t("lookUp.intro")}</p>
      <form method="post" noValidate className="form">
        <CsrfField token={csrfToken} />
        <ErrorSummary errors={errors} namespace="desk" />
        <TextField name="code" label={t("lookUp.code")} hint={t("lookUp.codeHint")} value={actionData?.code} error={errors[0] ? t(errors[0].message) : undefined} required width="half" autoComplete="off" />
        <Button>{t("lookUp.submit")}</Button>
      </form>
      {actionData?.found ? (
        <section aria-labelledby="found-heading">
          <h2 id="found-heading">{t("lookUp.found")}</h2>
          <StaffSubmissionView s={actionData.found} />
        </section>
      ) : null}
    </>
  );
}
