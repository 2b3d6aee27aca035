/** Staff sign-in: e-mail and password; admins and moderators continue to the second factor. */
import { data, redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ErrorSummary } from "~/components/ErrorSummary";
import { Button, TextField } from "~/components/fields";
import { getDb } from "~/db.server";
import { getT } from "~/i18n/i18n.server";
import { checkPassword } from "~/modules/accounts/accounts.server";
import { beginSession, safeNextPath, staffHome } from "~/modules/accounts/sign-in.server";
import { HttpError } from "~/modules/http/errors";
import { readForm } from "~/modules/http/form-body.server";
import { requirePost, withErrorPages } from "~/modules/http/route-errors.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { t } = await getT(request, "staff");
  const url = new URL(request.url);
  return { pageTitle: t("signIn.title"), next: safeNextPath(url.searchParams.get("weiter")), notice: url.searchParams.get("hinweis") };
}

/** A slowed-down sign-in says when to try again. */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  const headers: Record<string, string> = {};
  if (retryAfter) headers["Retry-After"] = retryAfter;
  return headers;
};

export async function action({ request, context }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    requirePost(request);
    const fields = await readForm(request, { maxBytes: 4096 });
    for (const [name, values] of fields) {
      if (!["email", "password", "weiter"].includes(name)) throw new HttpError(400, "unknown_field");
      if (values.length > 1) throw new HttpError(400, "repeated_field");
    }
    const email = fields.get("email")?.[0] ?? "";
    const password = fields.get("password")?.[0] ?? "";
    const next = safeNextPath(fields.get("weiter")?.[0] ?? null);
    const db = getDb();
    const clientAddress = context?.clientAddress ?? "unknown";
    const result = await checkPassword(db, { email, password, clientKey: clientAddress });
    if (!result.ok) {
      // the same words for an unknown e-mail and a wrong password
      return data(
        { errors: [{ field: "email", message: result.reason === "throttled" ? "signIn.throttled" : "signIn.invalid" }], email: email.slice(0, 254) },
        result.reason === "throttled" ? { status: 429, headers: { "Retry-After": String(result.retryAfterSeconds) } } : { status: 400 },
      );
    }
    const account = result.account;
    // the sign-in's session and its audit entry in one transaction
    const { cookies, secondFactor } = await beginSession(db, request, account, clientAddress);
    const target = secondFactor ? (account.totpEnabled ? "/anmelden/code" : "/anmelden/einrichten") : next ?? (await staffHome(db, account));
    const headers = new Headers();
    for (const cookie of cookies) headers.append("Set-Cookie", cookie);
    const withNext = secondFactor && next ? `${target}?weiter=${encodeURIComponent(next)}` : target;
    return redirect(withNext, { status: 303, headers });
  });
}

export default function SignIn() {
  const { next, notice } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("staff");
  const errors = actionData?.errors ?? [];
  return (
    <>
      <h1>{t("signIn.title")}</h1>
      {notice ? (
        <div className="notice notice--success" role="status">
          <p>{t(`signIn.notices.${notice}`, { defaultValue: "" })}</p>
        </div>
      ) : null}
      <p>{t("signIn.intro")}</p>
      <form method="post" action="/anmelden" noValidate className="form">
        <ErrorSummary errors={errors} namespace="staff" />
        {next ? <input type="hidden" name="weiter" value={next} /> : null}
        <TextField name="email" type="email" label={t("signIn.email")} autoComplete="username" value={actionData?.email} error={errors[0] ? t(errors[0].message) : undefined} required />
        <TextField name="password" type="password" label={t("signIn.password")} autoComplete="current-password" required />
        <Button>{t("signIn.submit")}</Button>
      </form>
      <p className="hint">{t("signIn.forgot")}</p>
    </>
  );
}
