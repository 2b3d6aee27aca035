/** A procedure: what it is about, the short privacy notice, and the form (step 1 of 3). */
import { data, redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { listDocuments } from "~/modules/documents/documents.server";
import { AlertsLink } from "~/modules/alerts/ui/AlertsLink";
import { DocumentList } from "~/modules/documents/ui/DocumentList";
import { formatDate } from "~/i18n/format";
import { getLocale } from "~/i18n/i18n.server";
import { HttpError } from "~/modules/http/errors";
import { readForm } from "~/modules/http/form-body.server";
import { requirePost, withErrorPages } from "~/modules/http/route-errors.server";
import { loadProcedureContext, publicOrganisation } from "~/modules/procedures/context.server";
import { acceptanceState } from "~/modules/procedures/procedure";
import { ShortPrivacyNotice } from "~/modules/procedures/ui/PrivacyNotice";
import { ContentLanguageNote } from "~/modules/procedures/ui/ContentLanguageNote";
import { ProcedureDetails } from "~/modules/procedures/ui/ProcedureDetails";
import { contentAttrs } from "~/modules/procedures/translations";
import { procedureForReader } from "~/modules/procedures/translations.server";
import { draftIdFor, rememberDraft } from "~/modules/submissions/draft-cookie.server";
import { readDraft, saveDraft } from "~/modules/submissions/drafts.server";
import { SubmissionForm } from "~/modules/submissions/ui/SubmissionForm";
import { inputToValues, validateSubmission } from "~/modules/submissions/validation";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const { db, organisation, procedure: original, basePath, locale } = await loadProcedureContext(request, params);
    // in the reader's language where translated; each text keeps its language
    const procedure = await procedureForReader(db, original, locale);
    const acceptance = acceptanceState(procedure);
    // answers not yet sent are shown again ("change your answer", or coming back later)
    const draft = acceptance === "open" ? await readDraft(db, await draftIdFor(request, procedure.id), procedure.id) : null;
    const pending = draft?.state === "pending";
    return data(
      {
        pageTitle: procedure.title,
        pageDescription: procedure.summary,
        organisation: publicOrganisation(organisation),
        controller: organisation.controller_name,
        procedure,
        acceptance,
        basePath,
        values: pending ? inputToValues(procedure, draft.input) : {},
        documents: await listDocuments(db, procedure.id),
      },
      // the form filled with what the resident entered (contact data, too): kept by no cache
      pending ? { headers: { "Cache-Control": "no-store" } } : undefined,
    );
  });
}

export const headers: HeadersFunction = ({ loaderHeaders }) => {
  const cacheControl = loaderHeaders.get("Cache-Control");
  const headers: Record<string, string> = {};
  if (cacheControl) headers["Cache-Control"] = cacheControl;
  return headers;
};

export async function action({ request, params }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    requirePost(request);
    const { db, procedure, basePath } = await loadProcedureContext(request, params);
    const acceptance = acceptanceState(procedure);
    if (acceptance !== "open") throw new HttpError(403, acceptance === "closed" ? "procedure_closed" : "procedure_not_yet_open");
    const fields = await readForm(request);
    const result = validateSubmission(procedure, fields);
    if (!result.ok) return data({ errors: result.errors, values: result.values }, { status: 400 });
    const draftId = await saveDraft(db, {
      draftId: await draftIdFor(request, procedure.id),
      procedureId: procedure.id,
      input: result.input,
      language: await getLocale(request),
    });
    return redirect(`${basePath}/pruefen`, {
      status: 303,
      headers: { "Set-Cookie": await rememberDraft(request, procedure.id, draftId) },
    });
  }, `/${params.org}/verfahren/${params.slug}`);
}

export default function ProcedurePage() {
  const { procedure, acceptance, basePath, values, controller, documents } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation(["procedures", "results"]);
  return (
    <>
      <h1 {...contentAttrs(procedure.langs.title, i18n.language)}>{procedure.title}</h1>
      <ContentLanguageNote coverage={procedure.coverage} />
      <ProcedureDetails procedure={procedure} acceptance={acceptance} />
      <DocumentList documents={documents} basePath={basePath} />
      <ShortPrivacyNotice procedure={procedure} controller={controller} fullNoticeHref={`${basePath}/datenschutz`} />
      {acceptance === "open" ? (
        <p>
          <a href={`${basePath}/papier`}>{t("paper.link")}</a> · <a href={`${basePath}/papier?gross=1`}>{t("paper.linkLarge")}</a>
        </p>
      ) : null}
      {acceptance === "open" ? (
        <SubmissionForm
          procedure={procedure}
          action={basePath}
          values={actionData?.values ?? values}
          errors={actionData?.errors ?? []}
        />
      ) : (
        <div className="inset">
          <h2>{t(`closedNotice.${acceptance}.title`)}</h2>
          <p>
            {t(`closedNotice.${acceptance}.body`, {
              date: formatDate(acceptance === "closed" ? procedure.closesAt : procedure.opensAt, i18n.language),
            })}
          </p>
          {procedure.status === "results_published" ? (
            <p>
              {t("results:procedureLink.intro")} <a href={`${basePath}/ergebnisse`}>{t("results:procedureLink.link")}</a>
            </p>
          ) : null}
        </div>
      )}
      <AlertsLink organisationSlug={basePath.split("/")[1]} procedureSlug={procedure.slug} />
    </>
  );
}
