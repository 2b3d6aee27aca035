/**
 * The organisation's accounts (admins only): who has which roles; invite a person (a one-time link,
 * shown once), reset a password (a new link), change roles, remove access. One form per action,
 * told apart by `intent`; every change is audited.
 */
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfField } from "~/components/CsrfField";
import { ErrorSummary } from "~/components/ErrorSummary";
import { Button, ChoiceField, TextField } from "~/components/fields";
import { getDb } from "~/db.server";
import { formatDateTime } from "~/i18n/format";
import { getT } from "~/i18n/i18n.server";
import { changeRoles, inviteAccount, removeAccess, renewAccessLink, resetAccountSecondFactor, type IssuedLink } from "~/modules/accounts/administration.server";
import { listAccounts, type Account } from "~/modules/accounts/accounts.server";
import { requireStaff, requireStaffAction } from "~/modules/accounts/permissions.server";
import { ROLES, type Role } from "~/modules/accounts/roles";
import { HttpError } from "~/modules/http/errors";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { errorMessageFor, type FieldError } from "~/modules/forms/fields";

const NOTICES = ["rolesChanged", "accessRemoved"] as const;

type AccountState = "active" | "pending" | "removed";
const stateOf = (a: Account): AccountState => (!a.active ? "removed" : a.hasPassword ? "active" : "pending");

function accountView(a: Account, me: number) {
  return { id: a.id, email: a.email, displayName: a.displayName, roles: a.roles, state: stateOf(a), totpEnabled: a.totpEnabled, isMe: a.id === me };
}

/** Links go out by hand: they must work from anywhere, so they are absolute. */
function linkTo(request: Request, token: string): string {
  const origin = process.env.PUBLIC_ORIGIN?.trim().replace(/\/+$/, "") || new URL(request.url).origin;
  return `${origin}/einladung/${token}`;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params, ["admin"]);
    const { t } = await getT(request, "accounts");
    const url = new URL(request.url);
    const accounts = (await listAccounts(getDb(), user.organisationId)).map((a) => accountView(a, user.id));
    let selected: ReturnType<typeof accountView> | undefined;
    const wanted = url.searchParams.get("konto");
    if (wanted !== null) {
      selected = accounts.find((a) => String(a.id) === wanted);
      if (!selected) throw new HttpError(404, "not_found");
    }
    const notice = url.searchParams.get("hinweis");
    return {
      pageTitle: selected ? `${selected.displayName} – ${t("list.title")}` : t("list.title"),
      csrfToken: user.csrfToken,
      base: `/${user.organisationSlug}/verwaltung/konten`,
      accounts,
      selected,
      notice: NOTICES.find((n) => n === notice) ?? null,
    };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    const { user, fields } = await requireStaffAction(request, params, ["admin"]);
    const db = getDb();
    const admin = { organisationId: user.organisationId, accountId: user.id, clientAddress: context.clientAddress };
    const base = `/${user.organisationSlug}/verwaltung/konten`;
    const shown = (link: IssuedLink) => ({ email: link.email, url: linkTo(request, link.token), validUntil: link.validUntil });
    const intent = fields.get("intent");
    if (!intent || intent.length !== 1) throw new HttpError(400, "unknown_field");

    switch (intent[0]) {
      case "invite": {
        const result = await inviteAccount(db, admin, fields);
        if (!result.ok) return data({ intent: "invite" as const, errors: result.errors, values: result.values }, { status: 400 });
        return { intent: "invite" as const, link: shown(result) };
      }
      case "reset":
        return { intent: "reset" as const, link: shown(await renewAccessLink(db, admin, fields)) };
      case "second_factor_reset":
        return { intent: "reset" as const, link: shown(await resetAccountSecondFactor(db, admin, fields)) };
      case "roles": {
        const result = await changeRoles(db, admin, fields);
        if (!result.ok) return data({ intent: "roles" as const, errors: result.errors, values: result.values }, { status: 400 });
        return redirect(`${base}?konto=${result.accountId}&hinweis=rolesChanged`, 303);
      }
      case "remove": {
        const { accountId } = await removeAccess(db, admin, fields);
        return redirect(`${base}?konto=${accountId}&hinweis=accessRemoved`, 303);
      }
      default:
        throw new HttpError(400, "unknown_field");
    }
  });
}

type AccountRow = ReturnType<typeof accountView>;

function Notice({ notice }: { notice: string | null }) {
  const { t } = useTranslation("accounts");
  if (!notice) return null;
  return (
    <div className="notice notice--success" role="status">
      <p>{t(`notices.${notice}`)}</p>
    </div>
  );
}

/** The one-time link, shown once on the page that made it. */
function LinkPanel({ link, kind, created = false }: { link: { email: string; url: string; validUntil: string }; kind: "invite" | "reset"; created?: boolean }) {
  const { t, i18n } = useTranslation("accounts");
  return (
    <section className="notice notice--success" role="status" aria-labelledby="link-title">
      <h2 id="link-title">{t(kind === "invite" ? "link.inviteTitle" : "link.resetTitle", { email: link.email })}</h2>
      {created ? <p>{t("invite.done", { email: link.email })}</p> : null}
      <p>{t("link.send")}</p>
      <p>
        <code className="secret" dir="ltr">
          {link.url}
        </code>
      </p>
      <p>{t("link.once", { date: formatDateTime(link.validUntil, i18n.language) })}</p>
    </section>
  );
}

function RolesCell({ roles }: { roles: Role[] }) {
  const { t } = useTranslation(["accounts", "staff"]);
  return <>{roles.length ? roles.map((r) => t(`staff:roles.${r}`)).join(", ") : t("accounts:list.noRoles")}</>;
}

function roleItems(t: (key: string) => string) {
  return ROLES.map((r) => ({
    value: r,
    label: (
      <>
        <strong>{t(`staff:roles.${r}`)}</strong>
        <br />
        <span className="hint">{t(`accounts:roleHints.${r}`)}</span>
      </>
    ),
  }));
}

function AccountList({ accounts, base, csrfToken, notice }: { accounts: AccountRow[]; base: string; csrfToken: string; notice: string | null }) {
  const { t } = useTranslation(["accounts", "staff"]);
  const actionData = useActionData<typeof action>();
  const invite = actionData?.intent === "invite" ? actionData : undefined;
  const errors = invite && "errors" in invite ? invite.errors : [];
  const values = invite && "values" in invite ? invite.values : undefined;
  const errorFor = errorMessageFor(errors, t, "accounts:");
  return (
    <>
      <h1>{t("accounts:list.title")}</h1>
      {invite && "link" in invite ? <LinkPanel link={invite.link} kind="invite" created /> : null}
      <Notice notice={notice} />
      <p>{t("accounts:list.intro")}</p>
      <div className="table-wrap" role="region" aria-labelledby="accounts-caption" tabIndex={0}>
        <table className="table">
          <caption id="accounts-caption">{t("accounts:list.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("accounts:list.name")}</th>
              <th scope="col">{t("accounts:list.email")}</th>
              <th scope="col">{t("accounts:list.roles")}</th>
              <th scope="col">{t("accounts:list.access")}</th>
              <th scope="col">{t("accounts:list.secondFactor")}</th>
            </tr>
          </thead>
          <tbody>
            {accounts.map((a) => (
              <tr key={a.id} data-account={a.email}>
                <th scope="row">
                  <a href={`${base}?konto=${a.id}`}>{a.displayName}</a>
                  {a.isMe ? <> {t("accounts:list.you")}</> : null}
                </th>
                <td dir="ltr">{a.email}</td>
                <td>
                  <RolesCell roles={a.roles} />
                </td>
                <td>{t(`accounts:list.state.${a.state}`)}</td>
                <td>{t(a.totpEnabled ? "accounts:list.totp.yes" : "accounts:list.totp.no")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2 id="invite-heading">{t("accounts:invite.heading")}</h2>
      <p>{t("accounts:invite.intro")}</p>
      <form method="post" action={base} noValidate className="form" aria-labelledby="invite-heading">
        <ErrorSummary errors={errors} namespace="accounts" />
        <CsrfField token={csrfToken} />
        <input type="hidden" name="intent" value="invite" />
        <TextField
          name="email"
          type="email"
          label={t("accounts:invite.email")}
          hint={t("accounts:invite.emailHint")}
          autoComplete="off"
          value={values?.email}
          error={errorFor("email")}
          required
        />
        <TextField name="name" label={t("accounts:invite.name")} hint={t("accounts:invite.nameHint")} autoComplete="off" value={values?.name} error={errorFor("name")} required />
        <ChoiceField name="roles" type="checkbox" label={t("accounts:invite.roles")} items={roleItems(t)} values={values?.roles} error={errorFor("roles")} required />
        <Button>{t("accounts:invite.submit")}</Button>
      </form>
    </>
  );
}

function AccountDetail({ account, base, csrfToken, notice }: { account: AccountRow; base: string; csrfToken: string; notice: string | null }) {
  const { t } = useTranslation(["accounts", "staff"]);
  const actionData = useActionData<typeof action>();
  const reset = actionData?.intent === "reset" ? actionData : undefined;
  const rolesResult = actionData?.intent === "roles" ? actionData : undefined;
  const errors = rolesResult?.errors ?? [];
  const errorFor = errorMessageFor(errors, t, "accounts:");
  const here = `${base}?konto=${account.id}`;
  return (
    <>
      <p>
        <a href={base}>{t("accounts:account.back")}</a>
      </p>
      <h1>
        {account.displayName}
        {account.isMe ? <> {t("accounts:list.you")}</> : null}
      </h1>
      {reset ? <LinkPanel link={reset.link} kind={account.state === "pending" ? "invite" : "reset"} /> : null}
      <Notice notice={notice} />
      <dl className="summary" aria-label={t("accounts:account.facts")}>
        <div className="summary__row">
          <dt className="summary__key">{t("accounts:list.email")}</dt>
          <dd className="summary__value" dir="ltr">
            {account.email}
          </dd>
        </div>
        <div className="summary__row">
          <dt className="summary__key">{t("accounts:list.roles")}</dt>
          <dd className="summary__value">
            <RolesCell roles={account.roles} />
          </dd>
        </div>
        <div className="summary__row">
          <dt className="summary__key">{t("accounts:list.access")}</dt>
          <dd className="summary__value">{t(`accounts:list.state.${account.state}`)}</dd>
        </div>
        <div className="summary__row">
          <dt className="summary__key">{t("accounts:list.secondFactor")}</dt>
          <dd className="summary__value">{t(account.totpEnabled ? "accounts:list.totp.yes" : "accounts:list.totp.no")}</dd>
        </div>
      </dl>

      {account.state === "removed" ? (
        <p>{t("accounts:account.removed")}</p>
      ) : (
        <>
          <h2 id="roles-heading">{t("accounts:account.rolesHeading")}</h2>
          <form method="post" action={here} noValidate className="form" aria-labelledby="roles-heading">
            <ErrorSummary errors={errors} namespace="accounts" />
            <CsrfField token={csrfToken} />
            <input type="hidden" name="intent" value="roles" />
            <input type="hidden" name="account" value={account.id} />
            <ChoiceField
              name="roles"
              type="checkbox"
              label={t("accounts:list.roles")}
              hint={account.isMe ? undefined : t("accounts:account.rolesSignOut")}
              items={roleItems(t)}
              values={rolesResult?.values.roles ?? account.roles}
              error={errorFor("roles")}
              required
            />
            <Button>{t("accounts:account.rolesSubmit")}</Button>
          </form>

          <h2 id="reset-heading">{t(account.state === "pending" ? "accounts:account.reinviteHeading" : "accounts:account.resetHeading")}</h2>
          <p>{t(account.state === "pending" ? "accounts:account.reinviteIntro" : "accounts:account.resetIntro")}</p>
          <AccountActionForm here={here} csrfToken={csrfToken} labelledBy="reset-heading" intent="reset" accountId={account.id}>
            {t(account.state === "pending" ? "accounts:account.reinviteSubmit" : "accounts:account.resetSubmit")}
          </AccountActionForm>

          {account.totpEnabled && !account.isMe ? (
            <>
              <h2 id="second-factor-heading">{t("accounts:account.secondFactorResetHeading")}</h2>
              <p>{t("accounts:account.secondFactorResetIntro")}</p>
              <AccountActionForm here={here} csrfToken={csrfToken} labelledBy="second-factor-heading" intent="second_factor_reset" accountId={account.id}>
                {t("accounts:account.secondFactorResetSubmit")}
              </AccountActionForm>
            </>
          ) : null}

          <h2 id="remove-heading">{t("accounts:account.removeHeading")}</h2>
          {account.isMe ? (
            <p>{t("accounts:account.removeSelf")}</p>
          ) : (
            <>
              <p>{t("accounts:account.removeIntro")}</p>
              <AccountActionForm here={here} csrfToken={csrfToken} labelledBy="remove-heading" intent="remove" accountId={account.id}>
                {t("accounts:account.removeSubmit")}
              </AccountActionForm>
            </>
          )}
        </>
      )}
    </>
  );
}

/** One button that does one thing to the account (reset link, second-factor reset, remove access). */
function AccountActionForm(props: { here: string; csrfToken: string; labelledBy: string; intent: string; accountId: number; children: string }) {
  return (
    <form method="post" action={props.here} className="form" aria-labelledby={props.labelledBy}>
      <CsrfField token={props.csrfToken} />
      <input type="hidden" name="intent" value={props.intent} />
      <input type="hidden" name="account" value={props.accountId} />
      <Button secondary>{props.children}</Button>
    </form>
  );
}

export default function Accounts() {
  const { accounts, selected, base, csrfToken, notice } = useLoaderData<typeof loader>();
  return selected ? (
    <AccountDetail account={selected} base={base} csrfToken={csrfToken} notice={notice} />
  ) : (
    <AccountList accounts={accounts} base={base} csrfToken={csrfToken} notice={notice} />
  );
}
