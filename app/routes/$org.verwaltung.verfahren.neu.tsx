/**
 * A new procedure (admins only): every detail in one form, kept as a draft that residents do not
 * see. Questions come next, on the question editor.
 */
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfField } from "~/components/CsrfField";
import { ErrorSummary } from "~/components/ErrorSummary";
import { Button } from "~/components/fields";
import { getDb } from "~/db.server";
import { getT } from "~/i18n/i18n.server";
import { requireStaff, requireStaffAction } from "~/modules/accounts/permissions.server";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { procedureDefaults } from "~/modules/organisations/organisations.server";
import type { FormValues } from "~/modules/forms/fields";
import { createProcedureAs } from "~/modules/procedures/admin-actions.server";
import { PROCEDURE_FIELDS } from "~/modules/procedures/admin-rules";
import { CONTACT_FIELDS } from "~/modules/procedures/procedure";
import { ProcedureFields } from "~/modules/procedures/ui/ProcedureFields";

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
    const result = await createProcedureAs(getDb(), { organisationId: user.organisationId, accountId: user.id, clientAddress: context.clientAddress }, fields);
    if (!result.ok) return data({ errors: result.errors, values: result.values }, { status: result.status });
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
