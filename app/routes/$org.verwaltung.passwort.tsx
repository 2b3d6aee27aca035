/**
 * Change your own password (every signed-in staff member): the current one, the new one twice.
 * Every session of the account ends; this browser gets a fresh session and stays signed in.
 */
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfField } from "~/components/CsrfField";
import { ErrorSummary } from "~/components/ErrorSummary";
import { Button, TextField } from "~/components/fields";
import { getDb } from "~/db.server";
import { getT } from "~/i18n/i18n.server";
import { checkPassword, hashedPassword } from "~/modules/accounts/accounts.server";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblems } from "~/modules/accounts/password.server";
import { requireStaff, requireStaffAction } from "~/modules/accounts/permissions.server";
import { HttpError } from "~/modules/http/errors";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { errorMessageFor, type FieldError } from "~/modules/forms/fields";
import { changeOwnPassword } from "~/modules/accounts/credentials.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params);
    const { t } = await getT(request, "accounts");
    const changed = new URL(request.url).searchParams.get("hinweis") === "passwordChanged";
    return { pageTitle: t("password.title"), csrfToken: user.csrfToken, changed, self: `/${user.organisationSlug}/verwaltung/passwort` };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    const { user, fields } = await requireStaffAction(request, params);
    for (const [name, values] of fields) {
      if (!["current", "password", "repeat"].includes(name)) throw new HttpError(400, "unknown_field");
      if (values.length > 1) throw new HttpError(400, "repeated_field");
    }
    const current = fields.get("current")?.[0] ?? "";
    const password = fields.get("password")?.[0] ?? "";
    const repeat = fields.get("repeat")?.[0] ?? "";
    const errors: FieldError[] = [];
    const limits = { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH };
    let status = 400;
    const db = getDb();
    const clientAddress = context.clientAddress;
    if (current === "") errors.push({ field: "current", message: "errors.currentRequired" });
    else {
      // the same throttled check as signing in: this form must not become a way to guess passwords
      const check = await checkPassword(db, { email: user.email, password: current, clientKey: clientAddress });
      if (!check.ok) {
        errors.push({ field: "current", message: check.reason === "throttled" ? "errors.throttled" : "errors.currentWrong" });
        if (check.reason === "throttled") status = 429;
      }
    }
    if (password === "") errors.push({ field: "password", message: "errors.passwordRequired" });
    else for (const p of passwordProblems(password)) errors.push({ field: "password", message: `errors.password.${p}`, params: limits });
    if (!errors.some((e) => e.field === "password")) {
      if (password === current) errors.push({ field: "password", message: "errors.sameAsCurrent" });
      else if (repeat !== password) errors.push({ field: "repeat", message: "errors.repeatMismatch" });
    }
    if (errors.length) return data({ errors }, { status });

    const hashed = await hashedPassword(password);
    // every session of the account ends (another computer, a stolen cookie); this browser gets a new one
    const session = await changeOwnPassword(db, { organisationId: user.organisationId, accountId: user.id, clientAddress }, hashed);
    return redirect(`/${user.organisationSlug}/verwaltung/passwort?hinweis=passwordChanged`, { status: 303, headers: { "Set-Cookie": session.setCookie } });
  });
}

export default function ChangePassword() {
  const { csrfToken, changed, self } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("accounts");
  const errors = actionData?.errors ?? [];
  const errorFor = errorMessageFor(errors, t);
  return (
    <>
      <h1>{t("password.title")}</h1>
      {changed ? (
        <div className="notice notice--success" role="status">
          <p>{t("notices.passwordChanged")}</p>
        </div>
      ) : null}
      <p>{t("password.intro")}</p>
      <form method="post" action={self} noValidate className="form">
        <ErrorSummary errors={errors} namespace="accounts" />
        <CsrfField token={csrfToken} />
        <TextField name="current" type="password" label={t("password.current")} autoComplete="current-password" error={errorFor("current")} required />
        <TextField
          name="password"
          type="password"
          label={t("password.new")}
          hint={t("invitation.passwordHint")}
          autoComplete="new-password"
          error={errorFor("password")}
          required
        />
        <TextField name="repeat" type="password" label={t("password.repeat")} autoComplete="new-password" error={errorFor("repeat")} required />
        <Button>{t("password.submit")}</Button>
      </form>
    </>
  );
}
