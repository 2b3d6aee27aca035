/**
 * A one-time link from an invitation or a password reset: the person chooses a password. The link
 * works once, for 72 hours; an unknown, used, replaced or expired link gets one clear page (404).
 */
import { data, redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ErrorSummary } from "~/components/ErrorSummary";
import { Button, TextField } from "~/components/fields";
import { getDb } from "~/db.server";
import { getT } from "~/i18n/i18n.server";
import { findAccountToken, hashedPassword } from "~/modules/accounts/accounts.server";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblems } from "~/modules/accounts/password.server";
import { HttpError } from "~/modules/http/errors";
import { readForm } from "~/modules/http/form-body.server";
import { requirePost, withErrorPages } from "~/modules/http/route-errors.server";
import { errorMessageFor, type FieldError } from "~/modules/forms/fields";
import { redeemAccountTokenAs } from "~/modules/accounts/credentials.server";

/** The token is in the address: it must not travel on to any other page as a Referer. */
export const headers: HeadersFunction = () => ({ "Referrer-Policy": "no-referrer" });

async function requireLink(token: string | undefined) {
  const found = await findAccountToken(getDb(), token ?? "");
  if (!found) throw new HttpError(404, "link_invalid");
  return found;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const link = await requireLink(params.token);
    const { t } = await getT(request, "accounts");
    return { pageTitle: t(link.purpose === "reset" ? "invitation.resetTitle" : "invitation.inviteTitle"), email: link.email, purpose: link.purpose };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    requirePost(request);
    await requireLink(params.token);
    const fields = await readForm(request, { maxBytes: 8192 });
    for (const [name, values] of fields) {
      if (name !== "password" && name !== "repeat") throw new HttpError(400, "unknown_field");
      if (values.length > 1) throw new HttpError(400, "repeated_field");
    }
    const password = fields.get("password")?.[0] ?? "";
    const repeat = fields.get("repeat")?.[0] ?? "";
    const errors: FieldError[] = [];
    const limits = { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH };
    if (password === "") errors.push({ field: "password", message: "errors.passwordRequired" });
    else for (const p of passwordProblems(password)) errors.push({ field: "password", message: `errors.password.${p}`, params: limits });
    if (errors.length === 0 && repeat !== password) errors.push({ field: "repeat", message: "errors.repeatMismatch" });
    // passwords are never sent back into the page
    if (errors.length) return data({ errors }, { status: 400 });
    const hashed = await hashedPassword(password);
    const redeemed = await redeemAccountTokenAs(getDb(), params.token ?? "", hashed, context.clientAddress);
    // used up by another request in the meantime
    if (!redeemed) throw new HttpError(404, "link_invalid");
    return redirect("/anmelden?hinweis=passwordSet", 303);
  });
}

export default function ChoosePassword() {
  const { email, purpose } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("accounts");
  const errors = actionData?.errors ?? [];
  const errorFor = errorMessageFor(errors, t);
  return (
    <>
      <h1>{t(purpose === "reset" ? "invitation.resetTitle" : "invitation.inviteTitle")}</h1>
      <p>{t("invitation.intro", { email })}</p>
      <form method="post" noValidate className="form">
        <ErrorSummary errors={errors} namespace="accounts" />
        {/* for password managers: the account the new password belongs to (no name: not sent) */}
        <input type="email" value={email} autoComplete="username" readOnly hidden />
        <TextField
          name="password"
          type="password"
          label={t("invitation.password")}
          hint={t("invitation.passwordHint")}
          autoComplete="new-password"
          error={errorFor("password")}
          required
        />
        <TextField name="repeat" type="password" label={t("invitation.repeat")} autoComplete="new-password" error={errorFor("repeat")} required />
        <Button>{t("invitation.submit")}</Button>
      </form>
    </>
  );
}
