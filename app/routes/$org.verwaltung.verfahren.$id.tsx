/**
 * One procedure for admins: its state and the next step (open, close, archive), its questions,
 * and its details. What may still change depends on the state: once open, the form residents
 * fill in and what the privacy notice promised stay as they were (a new draft copy changes them).
 */
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfField } from "~/components/CsrfField";
import { ErrorSummary } from "~/components/ErrorSummary";
import { Button, TextField } from "~/components/fields";
import { getDb } from "~/db.server";
import { CONTENT_LANGUAGE, LANGUAGE_NAMES } from "~/i18n/config";
import { formatDate, formatDateTime } from "~/i18n/format";
import { getT } from "~/i18n/i18n.server";
import { requireStaff, requireStaffAction } from "~/modules/accounts/permissions.server";
import { HttpError } from "~/modules/http/errors";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { reopenDayFor } from "~/modules/procedures/lifecycle.server";
import { changeProcedure, PROCEDURE_INTENTS } from "~/modules/procedures/admin-actions.server";
import { canArchive, canClose, canOpen, canReopen, editableFields, PROCEDURE_FIELDS, questionsFrozen } from "~/modules/procedures/admin-rules";
import { getProcedureForAdmin, requireProcedureForAdmin } from "~/modules/procedures/admin-procedures.server";
import { parseId, takeIntent } from "~/modules/forms/parse.server";
import { errorMessageFor } from "~/modules/forms/fields";
import { CONTACT_FIELDS } from "~/modules/procedures/procedure";
import { translationStates } from "~/modules/procedures/translations.server";
import { ProcedureFields } from "~/modules/procedures/ui/ProcedureFields";
import { TAG_FIELDS, procedureTags, setProcedureTags } from "~/modules/alerts/tags.server";

const NOTICES = ["created", "saved", "unchanged", "opened", "closed", "archived", "reopened"] as const;

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params, ["admin"]);
    const procedure = await requireProcedureForAdmin(getDb(), user.organisationId, params.id);
    const derivedFrom = procedure.derivedFromId === null ? undefined : await getProcedureForAdmin(getDb(), user.organisationId, procedure.derivedFromId);
    const { t } = await getT(request, "admin");
    const notice = new URL(request.url).searchParams.get("hinweis");
    return {
      pageTitle: `${procedure.title} – ${t("edit.caption")}`,
      csrfToken: user.csrfToken,
      base: `/${user.organisationSlug}/verwaltung`,
      organisationSlug: user.organisationSlug,
      procedure,
      derivedFrom: derivedFrom ? { id: derivedFrom.id, title: derivedFrom.title } : null,
      editable: editableFields(procedure.status),
      fixed: PROCEDURE_FIELDS.filter((f) => !editableFields(procedure.status).includes(f)),
      frozen: questionsFrozen(procedure.status),
      next: { open: canOpen(procedure.status), close: canClose(procedure.status), archive: canArchive(procedure.status), reopen: canReopen(procedure.status) },
      reopenDay: reopenDayFor(procedure),
      notice: NOTICES.find((n) => n === notice) ?? null,
      translations: await translationStates(getDb(), procedure),
      alertTags: await procedureTags(getDb(), procedure.id),
    };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    const { user, fields } = await requireStaffAction(request, params, ["admin"]);
    const id = parseId(params.id);
    if (id === null) throw new HttpError(404, "procedure_not_found");
    const intent = takeIntent(fields, [...PROCEDURE_INTENTS, "alert_tags"] as const);
    const admin = { organisationId: user.organisationId, accountId: user.id, clientAddress: context.clientAddress };
    if (intent === "alert_tags") {
      const tags = await setProcedureTags(getDb(), admin, id, fields);
      if (tags.ok) return redirect(`/${user.organisationSlug}/verwaltung/verfahren/${id}?hinweis=${tags.changed ? "saved" : "unchanged"}`, 303);
      return data({ intent, errors: tags.errors, values: tags.values }, { status: 400 });
    }
    const result = await changeProcedure(getDb(), admin, id, intent, fields);
    if (result.ok) return redirect(`/${user.organisationSlug}/verwaltung/verfahren/${id}?hinweis=${result.notice}`, 303);
    if ("confirmClose" in result) return data({ intent, errors: [], values: null, confirmClose: result.confirmClose });
    return data({ intent, errors: result.errors, values: result.values }, { status: result.status });
  }, `/${params.org}/verwaltung/verfahren/${params.id}`);
}

export default function ProcedureAdmin() {
  const { procedure, derivedFrom, editable, fixed, frozen, next, reopenDay, notice, csrfToken, base, organisationSlug, translations, alertTags } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation(["admin", "staff", "procedures", "attachments-staff"]);
  const errors = actionData?.errors ?? [];
  const confirmClose = actionData && "confirmClose" in actionData ? (actionData.confirmClose as { plannedEnd: string }) : null;
  const here = `${base}/verfahren/${procedure.id}`;
  const publicPath = `/${organisationSlug}/verfahren/${procedure.slug}`;

  const lifecycleForm = (intent: "open" | "close" | "archive", secondary = false) => (
    <form method="post" action={here} className="form">
      <CsrfField token={csrfToken} />
      <input type="hidden" name="intent" value={intent} />
      <p className="hint">{t(`admin:lifecycle.${intent}Hint`)}</p>
      <Button secondary={secondary}>{t(`admin:lifecycle.${intent}`)}</Button>
    </form>
  );

  return (
    <>
      <p className="caption">{t("admin:edit.caption")}</p>
      <h1 lang={CONTENT_LANGUAGE}>{procedure.title}</h1>
      {notice ? (
        <div className="notice notice--success" role="status">
          <p>{t(`admin:notices.${notice}`)}</p>
        </div>
      ) : null}
      <ErrorSummary errors={errors} namespace="admin" />
      {derivedFrom ? (
        <p>
          {t("admin:edit.derivedFrom")}{" "}
          <a href={`${base}/verfahren/${derivedFrom.id}`} lang={CONTENT_LANGUAGE}>
            {derivedFrom.title}
          </a>
        </p>
      ) : null}

      <section id="lifecycle" aria-labelledby="lifecycle-heading" tabIndex={-1}>
        <h2 id="lifecycle-heading">{t("admin:lifecycle.heading")}</h2>
        <dl className="facts">
          <div>
            <dt>{t("admin:lifecycle.status")}</dt>
            <dd>{t(`staff:status.${procedure.status}`)}</dd>
          </div>
          <div>
            <dt>{t("admin:lifecycle.period")}</dt>
            <dd>
              {t("staff:dashboard.period", {
                from: formatDateTime(procedure.opensAt, i18n.language),
                until: formatDateTime(procedure.closesAt, i18n.language),
              })}
            </dd>
          </div>
          {procedure.plannedClosesAt ? (
            <div>
              <dt>{t("admin:lifecycle.plannedEnd")}</dt>
              <dd>{formatDateTime(procedure.plannedClosesAt, i18n.language)}</dd>
            </div>
          ) : null}
          <div>
            <dt>{t("admin:lifecycle.submissions")}</dt>
            <dd>{procedure.submissionCount}</dd>
          </div>
          <div>
            <dt>{t("admin:lifecycle.address")}</dt>
            <dd>{procedure.status === "draft" ? <code>{publicPath}</code> : <a href={publicPath}>{publicPath}</a>}</dd>
          </div>
        </dl>
        {confirmClose ? (
          <div className="notice" role="alert">
            <p>
              <strong>{t("admin:lifecycle.confirmClose", { date: formatDateTime(confirmClose.plannedEnd, i18n.language) })}</strong>
            </p>
            <p>{t("admin:lifecycle.confirmCloseHint")}</p>
            <form method="post" action={here} className="form">
              <CsrfField token={csrfToken} />
              <input type="hidden" name="intent" value="close" />
              <input type="hidden" name="confirm" value="yes" />
              <Button>{t("admin:lifecycle.confirmCloseYes")}</Button>
            </form>
            <p>
              <a href={here}>{t("admin:lifecycle.confirmCloseNo")}</a>
            </p>
          </div>
        ) : null}
        {next.open ? lifecycleForm("open") : null}
        {next.close ? lifecycleForm("close", true) : null}
        {next.reopen ? (
          <form method="post" action={here} className="form" noValidate>
            <CsrfField token={csrfToken} />
            <input type="hidden" name="intent" value="reopen" />
            <TextField
              name="reopen_on"
              type="date"
              width="half"
              label={t("admin:lifecycle.reopenOn")}
              hint={t("admin:lifecycle.reopenHint")}
              value={reopenDay}
              error={errors.find((e) => e.field === "reopen_on") ? t(errors.find((e) => e.field === "reopen_on")!.message) : undefined}
              required
            />
            <Button secondary>{t("admin:lifecycle.reopen")}</Button>
          </form>
        ) : null}
        {next.archive ? lifecycleForm("archive", true) : null}
      </section>

      <section aria-labelledby="questions-heading">
        <h2 id="questions-heading">{t("admin:questions.title")}</h2>
        {procedure.questions.length === 0 ? (
          <p>{t("admin:questions.none")}</p>
        ) : (
          <ol>
            {procedure.questions.map((q) => (
              <li key={q.id}>
                <span lang={CONTENT_LANGUAGE}>{q.label}</span> <span className="hint">({t(`admin:questionKinds.${q.kind}`)})</span>
              </li>
            ))}
          </ol>
        )}
        <ul>
          <li>
            <a href={`${here}/fragen`}>{frozen ? t("admin:links.questionsFrozen") : t("admin:links.questions")}</a>
          </li>
          <li>
            <a href={`${here}/vorschau`}>{t("admin:links.preview")}</a>
          </li>
          <li>
            <a href={`${here}/dokumente`}>{t("admin:links.documents")}</a>
          </li>
          <li>
            <a href={`${here}/plan`}>{t("plan:admin.link")}</a>
          </li>
          <li>
            <a href={`${here}/dateien`}>{t("attachments-staff:settings.link")}</a>
          </li>
        </ul>
        {frozen ? (
          <form method="post" action={`${here}/fragen`} className="form">
            <CsrfField token={csrfToken} />
            <input type="hidden" name="intent" value="copy" />
            <p className="hint">{t("admin:questions.frozenBody")}</p>
            <Button secondary>{t("admin:questions.copy")}</Button>
          </form>
        ) : null}
      </section>

      <section aria-labelledby="translations-heading">
        <h2 id="translations-heading">{t("admin:translations.heading")}</h2>
        <p className="hint">{t("admin:translations.intro")}</p>
        <ul aria-label={t("admin:translations.listLabel")}>
          {translations.map((tr) => (
            <li key={tr.language}>
              <a href={`${here}/uebersetzung/${tr.language}`}>
                {t(`admin:translations.languages.${tr.language}`)}
                {LANGUAGE_NAMES[tr.language] !== t(`admin:translations.languages.${tr.language}`) ? (
                  <>
                    {" "}
                    (<span lang={tr.language}>{LANGUAGE_NAMES[tr.language]}</span>)
                  </>
                ) : null}
              </a>
              : {t(`admin:translations.state.${tr.coverage}`)}
            </li>
          ))}
        </ul>
      </section>

      <section id="alert-tags" aria-labelledby="alert-tags-heading">
        <h2 id="alert-tags-heading">{t("admin:alertTags.heading")}</h2>
        <p>{t("admin:alertTags.intro")}</p>
        <form method="post" action={here} noValidate className="form">
          <CsrfField token={csrfToken} />
          <input type="hidden" name="intent" value="alert_tags" />
          {(["topic", "district"] as const).map((kind) => (
            <TextField
              key={kind}
              name={TAG_FIELDS[kind]}
              label={t(`admin:alertTags.${kind}.label`)}
              hint={t(`admin:alertTags.${kind}.hint`)}
              multiline
              value={actionData?.intent === "alert_tags" && actionData.values ? (actionData.values as Record<string, string>)[TAG_FIELDS[kind]] : alertTags[kind].join("\n")}
              error={actionData?.intent === "alert_tags" ? errorMessageFor(errors, t)(TAG_FIELDS[kind]) : undefined}
              maxLength={1000}
            />
          ))}
          <Button secondary>{t("admin:alertTags.save")}</Button>
        </form>
      </section>

      <section id="details" aria-labelledby="details-heading" tabIndex={-1}>
        <h2 id="details-heading">{t("admin:edit.detailsHeading")}</h2>
        {fixed.length > 0 && procedure.status !== "draft" ? (
          <>
            <h3>{t("admin:form.fixed")}</h3>
            <p className="hint">{t(procedure.status === "archived" ? "admin:edit.archivedNote" : "admin:form.fixedIntro")}</p>
            <dl className="summary">
              {fixed
                .filter((f) => !f.endsWith("_purpose"))
                .map((f) => (
                  <div className="summary__row" key={f}>
                    <dt className="summary__key">{f.startsWith("contact_") ? t(`admin:contactFields.${f.slice(8)}`) : t(`admin:form.${f}`)}</dt>
                    <dd className="summary__value">
                      <FixedValue field={f} values={procedure.formValues} opensAt={procedure.opensAt} closesAt={procedure.closesAt} locale={i18n.language} />
                    </dd>
                  </div>
                ))}
            </dl>
          </>
        ) : null}
        {editable.length > 0 ? (
          <form method="post" action={here} noValidate className="form">
            <CsrfField token={csrfToken} />
            <input type="hidden" name="intent" value="details" />
            <ProcedureFields
              values={actionData?.intent === "details" && actionData.values ? actionData.values : procedure.formValues}
              errors={actionData?.intent === "details" ? errors : []}
              editable={editable}
              organisationSlug={organisationSlug}
            />
            <Button>{t("admin:form.save")}</Button>
          </form>
        ) : null}
      </section>
    </>
  );
}

function FixedValue({ field, values, opensAt, closesAt, locale }: { field: string; values: Record<string, string>; opensAt: string; closesAt: string; locale: string }) {
  const { t } = useTranslation(["admin", "procedures"]);
  const v = values[field] ?? "";
  if (field === "kind") return <>{t(`procedures:kinds.${v}`, { defaultValue: v })}</>;
  if (field === "opens_on") return <>{formatDate(opensAt, locale)}</>;
  if (field === "closes_on") return <>{formatDate(closesAt, locale)}</>;
  if (field === "retention_months") return <>{t("admin:form.retentionValue", { count: Number(v) })}</>;
  const key = CONTACT_FIELDS.find((k) => field === `contact_${k}`);
  if (key) {
    return (
      <>
        {t(`admin:contactModes.${v}`)}
        {v !== "off" ? (
          <>
            {": "}
            <span lang={CONTENT_LANGUAGE}>{values[`contact_${key}_purpose`]}</span>
          </>
        ) : null}
      </>
    );
  }
  return (
    <span className="pre" lang={CONTENT_LANGUAGE}>
      {v}
    </span>
  );
}
