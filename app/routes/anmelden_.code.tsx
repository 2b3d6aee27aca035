/** Second factor: the 6-digit code from the authenticator app. */
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ErrorSummary } from "~/components/ErrorSummary";
import { Button, TextField } from "~/components/fields";
import { getT } from "~/i18n/i18n.server";
import { checkSecondFactorAs, completeSignIn, requirePendingSecondFactor } from "~/modules/accounts/second-factor.server";
import { HttpError } from "~/modules/http/errors";
import { readForm } from "~/modules/http/form-body.server";
import { requirePost, withErrorPages } from "~/modules/http/route-errors.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { account } = await requirePendingSecondFactor(request);
  if (!account.totpEnabled) throw new Response(null, { status: 303, headers: { Location: "/anmelden/einrichten" } });
  const { t } = await getT(request, "staff");
  return { pageTitle: t("code.title") };
}

export async function action({ request, context }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    requirePost(request);
    const { db, account } = await requirePendingSecondFactor(request);
    const fields = await readForm(request, { maxBytes: 1024 });
    for (const name of fields.keys()) if (name !== "code") throw new HttpError(400, "unknown_field");
    const code = fields.get("code")?.[0] ?? "";
    const clientAddress = context?.clientAddress ?? "unknown";
    // a wrong code is counted and recorded in one transaction
    const checked = await checkSecondFactorAs(db, account, code, clientAddress);
    if (!checked.ok && checked.reason === "throttled") {
      return data({ errors: [{ field: "code", message: "signIn.throttled" }] }, { status: 429, headers: { "Retry-After": String(checked.retryAfterSeconds) } });
    }
    if (!checked.ok) {
      return data({ errors: [{ field: "code", message: "code.invalid" }] }, { status: 400 });
    }
    const next = new URL(request.url).searchParams.get("weiter");
    return completeSignIn(request, account.id, account.organisationId, clientAddress, next);
  });
}

export default function SecondFactor() {
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("staff");
  const errors = actionData?.errors ?? [];
  return (
    <>
      <h1>{t("code.title")}</h1>
      <p>{t("code.intro")}</p>
      <form method="post" noValidate className="form">
        <ErrorSummary errors={errors} namespace="staff" />
        <TextField name="code" label={t("code.label")} hint={t("code.hint")} autoComplete="one-time-code" inputMode="numeric" width="half" error={errors[0] ? t(errors[0].message) : undefined} required />
        <Button>{t("code.submit")}</Button>
      </form>
    </>
  );
}
