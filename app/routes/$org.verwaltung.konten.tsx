/**
 * The organisation's accounts (admins only): who has which roles; invite a person (a one-time link,
 * shown once), reset a password (a new link), change roles, remove access. One form per action,
 * told apart by `intent`; every change is audited.
 */
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { isUniqueViolation } from "#db/connection.server";
import { CsrfField } from "~/components/CsrfField";
import { ErrorSummary } from "~/components/ErrorSummary";
import { Button, ChoiceField, TextField } from "~/components/fields";
import { getDb } from "~/db.server";
import { formatDateTime } from "~/i18n/format";
import { getT } from "~/i18n/i18n.server";
import {
  TOKEN_LIFETIME_MS,
  createAccount,
  createAccountToken,
  resetSecondFactor,
  deactivateAccount,
  getAccount,
  listAccounts,
  normaliseEmail,
  setRoles,
  type Account,
} from "~/modules/accounts/accounts.server";
import { requireStaff, requireStaffAction, type StaffUser } from "~/modules/accounts/permissions.server";
import { ROLES, type Role } from "~/modules/accounts/roles";
import { endAllSessions } from "~/modules/accounts/sessions.server";
import { audit } from "~/modules/audit/audit.server";
import { HttpError } from "~/modules/http/errors";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { errorMessageFor, type FieldError } from "~/modules/forms/fields";

const NOTICES = ["rolesChanged", "accessRemoved"] as const;
const EMAIL = /^[^\s@<>()\[\],;:"]+@[^\s@<>()\[\],;:"]+\.[^\s@<>()\[\],;:".]{2,}$/;
// C0/C1 controls, U+FFFD, bidi overrides, and line breaks: none belongs in a name
const FORBIDDEN_IN_NAME = /[\u0000-\u001F\u007F-\u009F\uFFFD\u202A-\u202E\u2066-\u2069]/;
const MAX_EMAIL = 254;
const MAX_NAME = 200;

type AccountState = "active" | "pending" | "removed";
const stateOf = (a: Account): AccountState => (!a.active ? "removed" : a.hasPassword ? "active" : "pending");

function accountView(a: Account, me: number) {
  return { id: a.id, email: a.email, displayName: a.displayName, roles: a.roles, state: stateOf(a), totpEnabled: a.totpEnabled, isMe: a.id === me };
}

const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

/** Only the fields a form of this page sends, each once (roles may repeat). */
function checkFields(fields: Map<string, string[]>, allowed: string[], repeatable: string[] = []) {
  for (const [name, values] of fields) {
    if (!allowed.includes(name) && !repeatable.includes(name)) throw new HttpError(400, "unknown_field");
    if (values.length > 1 && !repeatable.includes(name)) throw new HttpError(400, "repeated_field");
  }
}

function parseRoles(values: string[]): Role[] {
  if (values.length > ROLES.length || new Set(values).size !== values.length) throw new HttpError(400, "repeated_field");
  if (!values.every(isRole)) throw new HttpError(400, "unknown_field");
  return ROLES.filter((r) => values.includes(r));
}

/** The account named by the form, in the admin's own organisation (another one's does not exist here). */
async function targetAccount(fields: Map<string, string[]>, user: StaffUser): Promise<Account> {
  const raw = fields.get("account")?.[0] ?? "";
  const id = /^[1-9][0-9]{0,9}$/.test(raw) ? Number(raw) : NaN;
  const account = Number.isSafeInteger(id) ? await getAccount(getDb(), id) : undefined;
  if (!account || account.organisationId !== user.organisationId) throw new HttpError(404, "not_found");
  return account;
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
    const clientAddress = context.clientAddress;
    const base = `/${user.organisationSlug}/verwaltung/konten`;
    const intent = fields.get("intent");
    if (!intent || intent.length !== 1) throw new HttpError(400, "unknown_field");

    switch (intent[0]) {
      case "invite": {
        checkFields(fields, ["intent", "email", "name"], ["roles"]);
        const rawEmail = fields.get("email")?.[0] ?? "";
        const email = normaliseEmail(rawEmail);
        const name = (fields.get("name")?.[0] ?? "").normalize("NFC").trim();
        const roles = parseRoles(fields.get("roles") ?? []);
        const errors: FieldError[] = [];
        if (email === "") errors.push({ field: "email", message: "errors.emailRequired" });
        else if (Array.from(email).length > MAX_EMAIL) errors.push({ field: "email", message: "errors.tooLong", params: { max: MAX_EMAIL, length: Array.from(email).length } });
        else if (!EMAIL.test(email)) errors.push({ field: "email", message: "errors.emailInvalid" });
        if (name === "") errors.push({ field: "name", message: "errors.nameRequired" });
        else if (FORBIDDEN_IN_NAME.test(name)) errors.push({ field: "name", message: "errors.forbiddenCharacters" });
        else if (Array.from(name).length > MAX_NAME) errors.push({ field: "name", message: "errors.tooLong", params: { max: MAX_NAME, length: Array.from(name).length } });
        if (roles.length === 0) errors.push({ field: "roles", message: "errors.rolesRequired" });
        const values = { email: rawEmail.slice(0, 300), name: name.slice(0, 300), roles };
        if (errors.length) return data({ intent: "invite" as const, errors, values }, { status: 400 });
        const now = new Date();
        let token: string;
        try {
          token = await db.transaction().execute(async (trx) => {
            const account = await createAccount(trx, { organisationId: user.organisationId, email, displayName: name, roles, now });
            const created = await createAccountToken(trx, { accountId: account.id, purpose: "invite", createdBy: user.id, now });
            await audit(trx, {
              organisationId: user.organisationId,
              accountId: user.id,
              action: "account_invited",
              targetType: "account",
              targetId: account.id,
              details: { email: account.email, roles: roles.join(",") },
              clientAddress,
              at: now,
            });
            return created;
          });
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
          const taken: FieldError[] = [{ field: "email", message: "errors.emailTaken" }];
          return data({ intent: "invite" as const, errors: taken, values }, { status: 400 });
        }
        return { intent: "invite" as const, link: { email, url: linkTo(request, token), validUntil: new Date(now.getTime() + TOKEN_LIFETIME_MS).toISOString() } };
      }

      case "reset": {
        checkFields(fields, ["intent", "account"]);
        const account = await targetAccount(fields, user);
        if (!account.active) throw new HttpError(404, "not_found");
        // someone who never chose a password gets a fresh invitation instead
        const purpose = account.hasPassword ? "reset" : "invite";
        const now = new Date();
        const token = await createAccountToken(db, { accountId: account.id, purpose, createdBy: user.id, now });
        await audit(db, {
          organisationId: user.organisationId,
          accountId: user.id,
          action: purpose === "reset" ? "password_reset_link_created" : "invitation_renewed",
          targetType: "account",
          targetId: account.id,
          details: { email: account.email },
          clientAddress,
          at: now,
        });
        return { intent: "reset" as const, link: { email: account.email, url: linkTo(request, token), validUntil: new Date(now.getTime() + TOKEN_LIFETIME_MS).toISOString() } };
      }

      case "second_factor_reset": {
        // a lost phone: the old factor goes at once, and the person sets up a new one through a fresh link
        checkFields(fields, ["intent", "account"]);
        const account = await targetAccount(fields, user);
        if (!account.active || account.id === user.id) throw new HttpError(403, "forbidden");
        const now = new Date();
        const token = await resetSecondFactor(db, account.id, user.id, now);
        await audit(db, {
          organisationId: user.organisationId,
          accountId: user.id,
          action: "second_factor_reset",
          targetType: "account",
          targetId: account.id,
          details: { email: account.email },
          clientAddress,
          at: now,
        });
        return { intent: "reset" as const, link: { email: account.email, url: linkTo(request, token), validUntil: new Date(now.getTime() + TOKEN_LIFETIME_MS).toISOString() } };
      }

      case "roles": {
        checkFields(fields, ["intent", "account"], ["roles"]);
        const account = await targetAccount(fields, user);
        if (!account.active) throw new HttpError(404, "not_found");
        const roles = parseRoles(fields.get("roles") ?? []);
        const errors: FieldError[] = [];
        if (roles.length === 0) errors.push({ field: "roles", message: "errors.rolesRequired" });
        else if (account.id === user.id && !roles.includes("admin")) errors.push({ field: "roles", message: "errors.ownAdminRole" });
        if (errors.length) return data({ intent: "roles" as const, errors, values: { roles } }, { status: 400 });
        if (roles.join(",") !== account.roles.join(",")) {
          await setRoles(db, account.id, roles);
          // new roles may need a second factor the old session never asked for: sign in again
          if (account.id !== user.id) await endAllSessions(db, account.id);
          await audit(db, {
            organisationId: user.organisationId,
            accountId: user.id,
            action: "roles_changed",
            targetType: "account",
            targetId: account.id,
            details: { email: account.email, from: account.roles.join(","), to: roles.join(",") },
            clientAddress,
          });
        }
        return redirect(`${base}?konto=${account.id}&hinweis=rolesChanged`, 303);
      }

      case "remove": {
        checkFields(fields, ["intent", "account"]);
        const account = await targetAccount(fields, user);
        if (account.id === user.id) throw new HttpError(403, "forbidden");
        if (account.active) {
          await deactivateAccount(db, account.id);
          await audit(db, {
            organisationId: user.organisationId,
            accountId: user.id,
            action: "access_removed",
            targetType: "account",
            targetId: account.id,
            details: { email: account.email },
            clientAddress,
          });
        }
        return redirect(`${base}?konto=${account.id}&hinweis=accessRemoved`, 303);
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
