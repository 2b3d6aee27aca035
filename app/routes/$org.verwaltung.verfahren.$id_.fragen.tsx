/**
 * The question editor (admins only): add a question, edit one (?frage=<id>), move it up or down,
 * remove it — each a small form told apart by `intent`, no JavaScript needed. Once the procedure
 * has opened the questions are frozen: the page lists them and offers a new draft copy instead.
 */
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfField } from "~/components/CsrfField";
import { ErrorSummary } from "~/components/ErrorSummary";
import { Button, ChoiceField, TextField } from "~/components/fields";
import { getDb } from "~/db.server";
import { CONTENT_LANGUAGE } from "~/i18n/config";
import { getT } from "~/i18n/i18n.server";
import { requireStaff, requireStaffAction } from "~/modules/accounts/permissions.server";
import { HttpError } from "~/modules/http/errors";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { changeQuestions, QUESTION_INTENTS } from "~/modules/procedures/admin-actions.server";
import { requireProcedureForAdmin } from "~/modules/procedures/admin-procedures.server";
import { MAX_LENGTH_LIMIT, QUESTION_KINDS, QUESTION_LIMITS, questionsFrozen } from "~/modules/procedures/admin-rules";
import { parseId, takeIntent } from "~/modules/forms/parse.server";
import { type FormValues, errorMessageFor, type FieldError } from "~/modules/forms/fields";
import { questionFormValues } from "~/modules/procedures/question-form.server";
import type { Question } from "~/modules/procedures/procedure";

const NOTICES = ["added", "updated", "unchanged", "moved", "removed", "copied"] as const;
const NEW_QUESTION_VALUES: FormValues = { kind: "long_text" };

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params, ["admin"]);
    const procedure = await requireProcedureForAdmin(getDb(), user.organisationId, params.id);
    const url = new URL(request.url);
    const frozen = questionsFrozen(procedure.status);
    let editing: { id: number; position: number; values: FormValues } | null = null;
    const wanted = url.searchParams.get("frage");
    if (wanted !== null && !frozen) {
      const q = procedure.questions.find((x) => String(x.id) === wanted);
      if (!q) throw new HttpError(404, "not_found");
      editing = { id: q.id, position: procedure.questions.indexOf(q) + 1, values: questionFormValues(q) };
    }
    const { t } = await getT(request, "admin");
    const notice = url.searchParams.get("hinweis");
    return {
      pageTitle: `${t("questions.title")} – ${procedure.title}`,
      csrfToken: user.csrfToken,
      base: `/${user.organisationSlug}/verwaltung/verfahren/${procedure.id}`,
      procedure: { id: procedure.id, title: procedure.title, status: procedure.status, questions: procedure.questions },
      frozen,
      editing,
      notice: NOTICES.find((n) => n === notice) ?? null,
    };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    const { user, fields } = await requireStaffAction(request, params, ["admin"]);
    const id = parseId(params.id);
    if (id === null) throw new HttpError(404, "procedure_not_found");
    const intent = takeIntent(fields, QUESTION_INTENTS);
    const admin = { organisationId: user.organisationId, accountId: user.id, clientAddress: context.clientAddress };
    const result = await changeQuestions(getDb(), admin, id, intent, fields);
    if (!result.ok) return data({ intent, questionId: result.questionId, errors: result.errors, values: result.values }, { status: result.status });
    if (result.notice === "copied") return redirect(`/${user.organisationSlug}/verwaltung/verfahren/${result.copyId}/fragen?hinweis=copied`, 303);
    const anchor = result.questionId === null ? "" : `#frage-${result.questionId}`;
    return redirect(`/${user.organisationSlug}/verwaltung/verfahren/${id}/fragen?hinweis=${result.notice}${anchor}`, 303);
  }, `/${params.org}/verwaltung/verfahren/${params.id}/fragen`);
}

export default function QuestionEditor() {
  const { procedure, frozen, editing, notice, csrfToken, base } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("admin");
  const errors = actionData?.errors ?? [];
  const questions = procedure.questions;
  // a failed edit shows that question's form again, with what was typed
  const failedEdit = actionData?.intent === "update" && actionData.questionId ? questions.find((q) => q.id === actionData.questionId) : undefined;
  const edit = failedEdit
    ? { id: failedEdit.id, position: questions.indexOf(failedEdit) + 1, values: actionData?.values ?? {} }
    : editing
      ? { ...editing, values: editing.values }
      : null;
  const formValues = (actionData?.intent === "add" ? actionData.values : null) ?? NEW_QUESTION_VALUES;
  const formErrors = actionData?.intent === "add" || actionData?.intent === "update" ? errors : [];

  const small = (intent: "move" | "remove", q: Question, label: string, direction?: "up" | "down") => (
    <form method="post" action={base + "/fragen"}>
      <CsrfField token={csrfToken} />
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="question_id" value={q.id} />
      {direction ? <input type="hidden" name="direction" value={direction} /> : null}
      <button type="submit" className="link-button">
        {label}
        <span className="visually-hidden" lang={CONTENT_LANGUAGE}>
          {": "}
          {q.label}
        </span>
      </button>
    </form>
  );

  return (
    <>
      <p className="caption" lang={CONTENT_LANGUAGE}>
        {procedure.title}
      </p>
      <h1>{t("questions.title")}</h1>
      {notice ? (
        <div className="notice notice--success" role="status">
          <p>{t(`notices.${notice}`)}</p>
        </div>
      ) : null}
      <ErrorSummary errors={errors} namespace="admin" />
      <p>
        <a href={base}>{t("links.back")}</a> · <a href={`${base}/vorschau`}>{t("links.preview")}</a>
      </p>

      {frozen ? (
        <div className="inset" id="questions" tabIndex={-1}>
          <h2>{t("questions.frozenTitle")}</h2>
          <p>{t("questions.frozenBody")}</p>
          <form method="post" action={base + "/fragen"}>
            <CsrfField token={csrfToken} />
            <input type="hidden" name="intent" value="copy" />
            <Button secondary>{t("questions.copy")}</Button>
          </form>
        </div>
      ) : null}

      {questions.length === 0 ? (
        <p id={frozen ? undefined : "questions"}>{t("questions.none")}</p>
      ) : (
        <ol className="list" id={frozen ? undefined : "questions"}>
          {questions.map((q, i) => (
            <li key={q.id} id={`frage-${q.id}`}>
              <h2>
                <span lang={CONTENT_LANGUAGE}>{q.label}</span>
              </h2>
              <QuestionSummary question={q} />
              {frozen ? null : (
                <ul className="list">
                  <li>
                    <a href={`${base}/fragen?frage=${q.id}#question-form`}>
                      {t("questions.edit")}
                      <span className="visually-hidden" lang={CONTENT_LANGUAGE}>
                        {": "}
                        {q.label}
                      </span>
                    </a>
                  </li>
                  {i > 0 ? <li>{small("move", q, t("questions.moveUp"), "up")}</li> : null}
                  {i < questions.length - 1 ? <li>{small("move", q, t("questions.moveDown"), "down")}</li> : null}
                  <li>{small("remove", q, t("questions.remove"))}</li>
                </ul>
              )}
            </li>
          ))}
        </ol>
      )}

      {frozen ? null : edit ? (
        <form method="post" action={base + "/fragen"} noValidate className="form" id="question-form">
          <h2>{t("questions.editHeading", { n: edit.position })}</h2>
          <CsrfField token={csrfToken} />
          <input type="hidden" name="intent" value="update" />
          <input type="hidden" name="question_id" value={edit.id} />
          <QuestionFields values={edit.values} errors={formErrors} />
          <Button>{t("questions.save")}</Button>{" "}
          <a href={`${base}/fragen#frage-${edit.id}`}>{t("questions.cancel")}</a>
        </form>
      ) : (
        <form method="post" action={base + "/fragen"} noValidate className="form" id="question-form">
          <h2>{t("questions.addHeading")}</h2>
          <CsrfField token={csrfToken} />
          <input type="hidden" name="intent" value="add" />
          <QuestionFields values={formValues} errors={formErrors} />
          <Button>{t("questions.add")}</Button>
        </form>
      )}
    </>
  );
}

function QuestionSummary({ question: q }: { question: Question }) {
  const { t } = useTranslation("admin");
  return (
    <dl className="summary">
      <div className="summary__row">
        <dt className="summary__key">{t("questions.fields.kind")}</dt>
        <dd className="summary__value">
          {t(`questionKinds.${q.kind}`)}, {q.required ? t("questions.required") : t("questions.optional")}
        </dd>
      </div>
      {q.hint ? (
        <div className="summary__row">
          <dt className="summary__key">{t("questions.fields.hint")}</dt>
          <dd className="summary__value" lang={CONTENT_LANGUAGE}>
            {q.hint}
          </dd>
        </div>
      ) : null}
      {q.maxLength ? (
        <div className="summary__row">
          <dt className="summary__key">{t("questions.fields.max_length")}</dt>
          <dd className="summary__value">{q.maxLength}</dd>
        </div>
      ) : null}
      {q.options.length > 0 ? (
        <div className="summary__row">
          <dt className="summary__key">{t("questions.fields.options")}</dt>
          <dd className="summary__value">
            <ul lang={CONTENT_LANGUAGE}>
              {q.options.map((o) => (
                <li key={o.value}>{o.label}</li>
              ))}
            </ul>
          </dd>
        </div>
      ) : null}
      {q.scale ? (
        <div className="summary__row">
          <dt className="summary__key">{t("questions.fields.scale")}</dt>
          <dd className="summary__value">
            {t("questions.scaleValue", { min: q.scale.min, max: q.scale.max, minLabel: q.scale.minLabel, maxLabel: q.scale.maxLabel })}
          </dd>
        </div>
      ) : null}
    </dl>
  );
}

/** The question's fields. Without JavaScript the form shows every kind's extras, each group saying when it applies. */
function QuestionFields({ values, errors }: { values: FormValues; errors: FieldError[] }) {
  const { t } = useTranslation("admin");
  const errorFor = errorMessageFor(errors, t);
  const field = (name: string, opts: { hint?: string; required?: boolean; multiline?: boolean; max?: number; width?: "half"; inputMode?: "numeric" } = {}) => (
    <TextField
      name={name}
      label={t(`questions.fields.${name}`)}
      hint={opts.hint}
      value={values[name]}
      error={errorFor(name)}
      required={opts.required}
      multiline={opts.multiline}
      maxLength={opts.max}
      width={opts.width}
      inputMode={opts.inputMode}
    />
  );
  return (
    <>
      <ChoiceField
        name="kind"
        type="radio"
        label={t("questions.fields.kind")}
        items={QUESTION_KINDS.map((k) => ({ value: k, label: t(`questionKinds.${k}`) }))}
        values={values.kind ? [values.kind] : []}
        error={errorFor("kind")}
        required
      />
      {field("label", { hint: t("questions.fields.labelHint"), required: true, max: QUESTION_LIMITS.label })}
      {field("hint", { hint: t("questions.fields.hintHint"), max: QUESTION_LIMITS.hint })}
      <ChoiceField
        name="required"
        type="checkbox"
        label={t("questions.fields.required")}
        items={[{ value: "yes", label: t("questions.fields.requiredLabel") }]}
        values={values.required === "yes" ? ["yes"] : []}
        error={errorFor("required")}
      />
      <fieldset className="fieldset fieldset--group">
        <legend className="legend legend--heading">{t("questions.fields.textOnly")}</legend>
        {field("max_length", {
          hint: t("questions.fields.maxLengthHint", { short: MAX_LENGTH_LIMIT.short_text, long: MAX_LENGTH_LIMIT.long_text }),
          width: "half",
          inputMode: "numeric",
        })}
      </fieldset>
      <fieldset className="fieldset fieldset--group">
        <legend className="legend legend--heading">{t("questions.fields.choiceOnly")}</legend>
        {field("options", {
          hint: t("questions.fields.optionsHint", { min: QUESTION_LIMITS.minOptions, max: QUESTION_LIMITS.maxOptions }),
          multiline: true,
        })}
      </fieldset>
      <fieldset className="fieldset fieldset--group">
        <legend className="legend legend--heading">{t("questions.fields.scaleOnly")}</legend>
        {field("scale_min_label", { hint: t("questions.fields.scaleMinHint"), max: QUESTION_LIMITS.scaleLabel })}
        {field("scale_max_label", { hint: t("questions.fields.scaleMaxHint"), max: QUESTION_LIMITS.scaleLabel })}
      </fieldset>
    </>
  );
}
