/**
 * The translation of one procedure's own content into one language (admins only): each German
 * text beside a field for its translation. Empty = not translated (residents see the German
 * text, marked as German). Allowed in every state: questions and answer values stay as they are.
 */
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfField } from "~/components/CsrfField";
import { ErrorSummary } from "~/components/ErrorSummary";
import { Button } from "~/components/fields";
import { getDb } from "~/db.server";
import { CONTENT_LANGUAGE, directionOf, LANGUAGE_NAMES } from "~/i18n/config";
import { formatDateTime } from "~/i18n/format";
import { getT } from "~/i18n/i18n.server";
import { requireStaff, requireStaffAction } from "~/modules/accounts/permissions.server";
import { HttpError } from "~/modules/http/errors";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { requireProcedureForAdmin } from "~/modules/procedures/admin-procedures.server";
import { isTranslationLanguage, translatablePieces, type TranslatablePiece } from "~/modules/procedures/translations";
import { pieceLimit, readTranslation, translationFormValues } from "~/modules/procedures/translations.server";
import { saveTranslationAs } from "~/modules/procedures/admin-actions.server";

async function load(organisationId: number, params: { id?: string; lng?: string }) {
  const procedure = await requireProcedureForAdmin(getDb(), organisationId, params.id);
  if (!isTranslationLanguage(params.lng)) throw new HttpError(404, "not_found");
  return { procedure, language: params.lng };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params, ["admin"]);
    const { procedure, language } = await load(user.organisationId, params);
    const translation = await readTranslation(getDb(), procedure.id, language);
    const { t } = await getT(request, "admin");
    const pieces = translatablePieces(procedure);
    return {
      pageTitle: `${t("translations.title", { language: t(`translations.languages.${language}`) })} – ${procedure.title}`,
      csrfToken: user.csrfToken,
      back: `/${user.organisationSlug}/verwaltung/verfahren/${procedure.id}`,
      here: `/${user.organisationSlug}/verwaltung/verfahren/${procedure.id}/uebersetzung/${language}`,
      procedureTitle: procedure.title,
      language,
      pieces: pieces.map((p) => ({ ...p, max: pieceLimit(p) })),
      questionNumbers: Object.fromEntries(procedure.questions.map((q, i) => [q.id, i + 1])),
      values: translationFormValues(procedure, translation),
      updatedAt: translation?.updatedAt ?? null,
      saved: new URL(request.url).searchParams.get("hinweis") === "gespeichert",
    };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    const { user, fields } = await requireStaffAction(request, params, ["admin"]);
    const { procedure, language } = await load(user.organisationId, params);
    const db = getDb();
    const result = await saveTranslationAs(db, { organisationId: user.organisationId, accountId: user.id, clientAddress: context.clientAddress }, procedure, language, fields);
    if (!result.ok) return data({ errors: result.errors, values: result.values }, { status: result.status });
    return redirect(`/${user.organisationSlug}/verwaltung/verfahren/${procedure.id}/uebersetzung/${language}?hinweis=gespeichert`, 303);
  }, `/${params.org}/verwaltung/verfahren/${params.id}/uebersetzung/${params.lng}`);
}

type Piece = TranslatablePiece & { max: number };

export default function TranslationEditor() {
  const { procedureTitle, language, pieces, questionNumbers, values: stored, updatedAt, saved, csrfToken, back, here } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation(["admin", "common"]);
  const errors = actionData?.errors ?? [];
  const values = actionData?.values ?? stored;
  const languageName = t(`admin:translations.languages.${language}`);
  const fieldLabel = (p: Piece) => {
    const target = p.target;
    const what =
      target.kind === "procedure"
        ? t(`admin:translations.fields.${target.column}`)
        : target.kind === "option"
          ? t("admin:translations.fields.option", { n: Number(p.field.split("_o")[1]) })
          : t(`admin:translations.fields.${target.part}`);
    return t("admin:translations.inLanguage", { field: what, language: languageName });
  };
  const labelFor = (field: string) => {
    const p = pieces.find((x) => x.field === field);
    return p ? fieldLabel(p) : field;
  };
  const procedurePieces = pieces.filter((p) => p.questionId === null);
  const questionIds = [...new Set(pieces.filter((p) => p.questionId !== null).map((p) => p.questionId!))];

  const field = (p: Piece) => {
    const error = errors.find((e) => e.field === p.field);
    const message = error ? t(`admin:${error.message}`, error.params) : undefined;
    const describedBy = [`${p.field}-hint`, `${p.field}-length`, message ? `${p.field}-error` : null].filter(Boolean).join(" ");
    const common = {
      id: p.field,
      name: p.field,
      className: p.multiLine ? "input textarea" : "input",
      defaultValue: values[p.field] ?? "",
      "aria-describedby": describedBy,
      "aria-invalid": message ? true : undefined,
      lang: language,
      dir: directionOf(language),
    } as const;
    return (
      <div key={p.field} className={`field${message ? " field--error" : ""}`}>
        <label className="label" htmlFor={p.field}>
          {fieldLabel(p)} <span className="requirement">{t("common:optional")}</span>
        </label>
        <div id={`${p.field}-hint`} className="hint">
          {t("admin:translations.original")}{" "}
          <span className="pre" lang={CONTENT_LANGUAGE} dir="ltr">
            {p.source}
          </span>
        </div>
        <p id={`${p.field}-length`} className="hint">
          {t("common:maxLength", { count: p.max })}
        </p>
        {message ? (
          <p id={`${p.field}-error`} className="error-message">
            <span className="visually-hidden">{t("common:errorPrefix")}: </span>
            {message}
          </p>
        ) : null}
        {p.multiLine ? <textarea rows={p.field === "body" ? 12 : 4} {...common} /> : <input type="text" {...common} />}
      </div>
    );
  };

  return (
    <>
      <p className="caption" lang={CONTENT_LANGUAGE}>
        {procedureTitle}
      </p>
      <h1>{t("admin:translations.title", { language: languageName })}</h1>
      {saved && errors.length === 0 ? (
        <div className="notice notice--success" role="status">
          <p>{t("admin:translations.saved")}</p>
        </div>
      ) : null}
      <ErrorSummary errors={errors} namespace="admin" labelFor={labelFor} />
      <p>{t("admin:translations.editorIntro")}</p>
      {updatedAt ? <p className="hint">{t("admin:translations.lastSaved", { date: formatDateTime(updatedAt, i18n.language) })}</p> : null}
      <form method="post" action={here} noValidate className="form">
        <CsrfField token={csrfToken} />
        <fieldset className="fieldset fieldset--group">
          <legend className="legend legend--heading">{t("admin:translations.procedureHeading")}</legend>
          {procedurePieces.map(field)}
        </fieldset>
        {questionIds.map((id) => (
          <fieldset key={id} className="fieldset fieldset--group">
            <legend className="legend legend--heading">{t("admin:translations.questionHeading", { n: questionNumbers[id] })}</legend>
            {pieces.filter((p) => p.questionId === id).map(field)}
          </fieldset>
        ))}
        <Button>{t("admin:translations.save")}</Button>
      </form>
      <p>
        <a href={back}>{t("admin:links.back")}</a>
      </p>
    </>
  );
}
