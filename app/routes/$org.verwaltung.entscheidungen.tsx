/**
 * The municipality's decisions for considerations (admins only): rename, move up or down, stop
 * offering or offer again, add — each a small form, no JavaScript. A decision no longer offered
 * stays readable on the considerations that carry it. Every change is audited with it.
 */
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfField } from "~/components/CsrfField";
import { ErrorSummary } from "~/components/ErrorSummary";
import { Button, TextField } from "~/components/fields";
import { getDb } from "~/db.server";
import { getT } from "~/i18n/i18n.server";
import { requireStaff, requireStaffAction } from "~/modules/accounts/permissions.server";
import { changeDecisionSet, decisionUse, labelField, parseDecisionSetChange, DECISION_SET_INTENTS } from "~/modules/considerations/decision-set.server";
import { DECISION_LABEL_MAX, decisionSet, isStandardDecision } from "~/modules/considerations/decisions.server";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { errorMessageFor, type FieldError } from "~/modules/forms/fields";

const NOTICES = [...DECISION_SET_INTENTS, "unchanged"] as const;

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params, ["admin"]);
    const db = getDb();
    const { t } = await getT(request, "accounts");
    const use = await decisionUse(db, user.organisationId);
    const decisions = (await decisionSet(db, user.organisationId)).map((d) => ({
      key: d.key,
      active: d.active,
      standard: isStandardDecision(d.key) ? t(`moderation:decisions.${d.key}`) : "",
      own: d.label,
      used: use.get(d.key) ?? 0,
    }));
    const notice = new URL(request.url).searchParams.get("hinweis");
    return {
      pageTitle: t("decisionSet.title"),
      csrfToken: user.csrfToken,
      self: `/${user.organisationSlug}/verwaltung/entscheidungen`,
      decisions,
      notice: NOTICES.find((n) => n === notice) ?? null,
    };
  });
}

type ActionResult = { key: string | null; errors: FieldError[]; values: Record<string, string> };

export async function action({ request, params, context }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    const { user, fields } = await requireStaffAction(request, params, ["admin"]);
    const parsed = parseDecisionSetChange(fields);
    if (!parsed.ok) return data<ActionResult>({ key: parsed.key, errors: parsed.errors, values: parsed.values }, { status: 400 });
    const outcome = await changeDecisionSet(getDb(), { organisationId: user.organisationId, accountId: user.id, change: parsed.change, clientAddress: context.clientAddress as string | undefined });
    if (!outcome.ok) return data<ActionResult>({ key: "key" in parsed.change ? parsed.change.key : null, errors: outcome.errors, values: {} }, { status: 400 });
    const notice = outcome.changed ? parsed.change.intent : "unchanged";
    return redirect(`/${user.organisationSlug}/verwaltung/entscheidungen?hinweis=${notice}#entscheidung-${outcome.key}`, 303);
  }, `/${params.org}/verwaltung/entscheidungen`);
}

export default function DecisionSet() {
  const { csrfToken, self, decisions, notice } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionResult | undefined;
  const { t, i18n } = useTranslation(["accounts", "moderation"]);
  const errors = actionData?.errors ?? [];
  const errorFor = errorMessageFor(errors, t, "accounts:");
  const values = actionData?.values ?? {};
  const english = i18n.language === "en";
  const nameOf = (d: (typeof decisions)[number]) => (d.own ? (english ? d.own.en || d.own.de : d.own.de) : d.standard || d.key);
  const active = decisions.filter((d) => d.active);
  const retired = decisions.filter((d) => !d.active);

  const small = (intent: "move" | "retire" | "restore", d: (typeof decisions)[number], label: string, direction?: "up" | "down") => (
    <form method="post" action={self}>
      <CsrfField token={csrfToken} />
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="key" value={d.key} />
      {direction ? <input type="hidden" name="direction" value={direction} /> : null}
      <button type="submit" className="link-button" id={direction ? undefined : `${intent}-${d.key}`}>
        {label}
        <span className="visually-hidden">
          {": "}
          {nameOf(d)}
        </span>
      </button>
    </form>
  );
  const usage = (d: (typeof decisions)[number]) => (
    <p className="hint">
      {d.own ? t("decisionSet.own") : t("decisionSet.standard")} {t("decisionSet.used", { count: d.used })}
    </p>
  );

  return (
    <>
      <h1>{t("decisionSet.title")}</h1>
      {notice && !actionData ? (
        <div className="notice notice--success" role="status">
          <p>{t(`decisionSet.notices.${notice}`)}</p>
        </div>
      ) : null}
      <ErrorSummary errors={errors} namespace="accounts" />
      <p>{t("decisionSet.intro")}</p>

      <h2>{t("decisionSet.activeHeading")}</h2>
      <ol className="list">
        {active.map((d, i) => {
          const mine = actionData?.key === d.key;
          const value = (lang: "de" | "en") => (mine && labelField(lang, d.key) in values ? values[labelField(lang, d.key)] : (d.own?.[lang] ?? ""));
          return (
            <li key={d.key} id={`entscheidung-${d.key}`}>
              <h3>{nameOf(d)}</h3>
              {usage(d)}
              <form method="post" action={self} noValidate className="form">
                <CsrfField token={csrfToken} />
                <input type="hidden" name="intent" value="rename" />
                <input type="hidden" name="key" value={d.key} />
                <TextField
                  name={labelField("de", d.key)}
                  label={t("decisionSet.labelDe")}
                  hint={d.own ? undefined : t("decisionSet.labelStandardHint", { standard: d.standard })}
                  value={value("de")}
                  error={errorFor(labelField("de", d.key))}
                  required={!!d.own}
                  maxLength={DECISION_LABEL_MAX}
                />
                <TextField
                  name={labelField("en", d.key)}
                  label={t("decisionSet.labelEn")}
                  hint={t("decisionSet.labelEnHint")}
                  value={value("en")}
                  error={errorFor(labelField("en", d.key))}
                  maxLength={DECISION_LABEL_MAX}
                />
                <Button secondary>
                  {t("decisionSet.rename")}
                  <span className="visually-hidden">
                    {": "}
                    {nameOf(d)}
                  </span>
                </Button>
              </form>
              <ul className="list">
                {i > 0 ? <li>{small("move", d, t("decisionSet.moveUp"), "up")}</li> : null}
                {i < active.length - 1 ? <li>{small("move", d, t("decisionSet.moveDown"), "down")}</li> : null}
                {active.length > 1 ? <li>{small("retire", d, t("decisionSet.retire"))}</li> : null}
              </ul>
            </li>
          );
        })}
      </ol>

      <h2>{t("decisionSet.retiredHeading")}</h2>
      <p>{t("decisionSet.retiredIntro")}</p>
      {retired.length === 0 ? (
        <p>{t("decisionSet.noneRetired")}</p>
      ) : (
        <ul className="list">
          {retired.map((d) => (
            <li key={d.key} id={`entscheidung-${d.key}`}>
              <h3>{nameOf(d)}</h3>
              {usage(d)}
              {small("restore", d, t("decisionSet.restore"))}
            </li>
          ))}
        </ul>
      )}

      <form method="post" action={self} noValidate className="form" id="entscheidung-neu">
        <h2>{t("decisionSet.addHeading")}</h2>
        <CsrfField token={csrfToken} />
        <input type="hidden" name="intent" value="add" />
        <TextField name={labelField("de")} label={t("decisionSet.labelDe")} value={actionData?.key === null ? values[labelField("de")] : ""} error={errorFor(labelField("de"))} required maxLength={DECISION_LABEL_MAX} />
        <TextField
          name={labelField("en")}
          label={t("decisionSet.labelEn")}
          hint={t("decisionSet.labelEnHint")}
          value={actionData?.key === null ? values[labelField("en")] : ""}
          error={errorFor(labelField("en"))}
          maxLength={DECISION_LABEL_MAX}
        />
        <Button>{t("decisionSet.add")}</Button>
      </form>
    </>
  );
}
