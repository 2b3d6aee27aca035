/** Setting up the second factor: scan the QR code or type the secret, then confirm with a code. */
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ErrorSummary } from "~/components/ErrorSummary";
import { Button, TextField } from "~/components/fields";
import { getT } from "~/i18n/i18n.server";
import { qrCodeSvg } from "~/modules/accounts/qr.server";
import { completeSignIn, pendingTotpSecret, requireEnrolmentAllowed, requirePendingSecondFactor } from "~/modules/accounts/second-factor.server";
import { formatSecretForTyping, otpauthUri, verifyTotp } from "~/modules/accounts/totp.server";
import { HttpError } from "~/modules/http/errors";
import { readForm } from "~/modules/http/form-body.server";
import { requirePost, withErrorPages } from "~/modules/http/route-errors.server";
import { enableTotpAs } from "~/modules/accounts/credentials.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { db, account, session } = await requirePendingSecondFactor(request);
  if (account.totpEnabled) throw new Response(null, { status: 303, headers: { Location: "/anmelden/code" } });
  await withErrorPages(async () => requireEnrolmentAllowed(session));
  const secret = await pendingTotpSecret(db, session);
  const { t } = await getT(request, "staff");
  const uri = otpauthUri({ secret, accountName: account.email, issuer: "Teilhabe" });
  return {
    pageTitle: t("setup.title"),
    qr: await qrCodeSvg(uri, t("setup.qrLabel")),
    typed: formatSecretForTyping(secret),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    requirePost(request);
    const { db, account, session } = await requirePendingSecondFactor(request);
    if (account.totpEnabled) throw new HttpError(409, "link_invalid");
    requireEnrolmentAllowed(session);
    const fields = await readForm(request, { maxBytes: 1024 });
    for (const name of fields.keys()) if (name !== "code") throw new HttpError(400, "unknown_field");
    const secret = await pendingTotpSecret(db, session);
    const result = verifyTotp(secret, fields.get("code")?.[0] ?? "");
    if (!result.ok) return data({ errors: [{ field: "code", message: "code.invalid" }] }, { status: 400 });
    const clientAddress = context?.clientAddress ?? "unknown";
    await enableTotpAs(db, { organisationId: account.organisationId, accountId: account.id, clientAddress }, secret, result.step);
    return completeSignIn(request, account.id, account.organisationId, clientAddress, new URL(request.url).searchParams.get("weiter"));
  });
}

export default function SetUpSecondFactor() {
  const { qr, typed } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("staff");
  const errors = actionData?.errors ?? [];
  return (
    <>
      <h1>{t("setup.title")}</h1>
      <p>{t("setup.intro")}</p>
      <ol className="steps">
        <li>{t("setup.step1")}</li>
        <li>
          {t("setup.step2")}
          <div className="qr" dangerouslySetInnerHTML={{ __html: qr }} />
          <p>
            {t("setup.typed")} <code className="secret" dir="ltr">{typed}</code>
          </p>
        </li>
        <li>{t("setup.step3")}</li>
      </ol>
      <form method="post" noValidate className="form">
        <ErrorSummary errors={errors} namespace="staff" />
        <TextField name="code" label={t("code.label")} hint={t("code.hint")} autoComplete="one-time-code" inputMode="numeric" width="half" error={errors[0] ? t(errors[0].message) : undefined} required />
        <Button>{t("setup.submit")}</Button>
      </form>
    </>
  );
}
