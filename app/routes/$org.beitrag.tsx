/** Look up a submission with its receipt code. The code goes in a POST, never into a URL. */
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ErrorSummary } from "~/components/ErrorSummary";
import { Button, TextField } from "~/components/fields";
import { getDb } from "~/db.server";
import { getT } from "~/i18n/i18n.server";
import { HttpError } from "~/modules/http/errors";
import { readForm } from "~/modules/http/form-body.server";
import { requirePost, withErrorPages } from "~/modules/http/route-errors.server";
import { publicOrganisation, requireOrganisation } from "~/modules/procedures/context.server";
import { startReceiptSession } from "~/modules/privacy/receipt-session.server";
import { lookupByReceiptCode } from "~/modules/privacy/rights.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const organisation = await requireOrganisation(params);
    const { t } = await getT(request, "privacy");
    return { pageTitle: t("lookup.title"), organisation: publicOrganisation(organisation) };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    requirePost(request);
    const organisation = await requireOrganisation(params);
    const fields = await readForm(request, { maxBytes: 2048 });
    for (const [name, values] of fields) {
      if (name !== "code") throw new HttpError(400, "unknown_field");
      if (values.length > 1) throw new HttpError(400, "repeated_field");
    }
    const code = fields.get("code")?.[0] ?? "";
    const submissionId = await lookupByReceiptCode(getDb(), {
      organisationId: organisation.id,
      code,
      clientKey: context?.clientAddress ?? "unknown",
    });
    if (submissionId === null) {
      // the same answer for a mistyped, a wrong and an unknown code
      return data({ errors: [{ field: "code", message: code.trim() ? "lookup.notFound" : "lookup.empty" }], code: code.slice(0, 40) }, { status: 400 });
    }
    return redirect(`/${organisation.slug}/beitrag/protokoll`, {
      status: 303,
      headers: { "Set-Cookie": await startReceiptSession(submissionId, organisation.id) },
    });
  }, `/${params.org}/beitrag`);
}

export default function LookUpSubmission() {
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("privacy");
  const errors = actionData?.errors ?? [];
  return (
    <>
      <h1>{t("lookup.title")}</h1>
      <p className="lead">{t("lookup.intro")}</p>
      <form method="post" noValidate className="form">
        <ErrorSummary errors={errors} namespace="privacy" />
        <TextField
          name="code"
          label={t("lookup.codeLabel")}
          hint={t("lookup.codeHint")}
          value={actionData?.code}
          error={errors[0] ? t(errors[0].message) : undefined}
          required
          autoComplete="off"
          width="half"
        />
        <Button>{t("lookup.submit")}</Button>
      </form>
      <h2>{t("lookup.phoneHeading")}</h2>
      <p>{t("lookup.phone")}</p>
    </>
  );
}
