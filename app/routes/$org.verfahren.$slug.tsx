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
import { ATTACHMENT_FIELD } from "~/modules/attachments/attachments";
import { formAttachments, readResidentForm } from "~/modules/attachments/form.server";
import { moveDraftAttachments } from "~/modules/attachments/attachments.server";
import { AttachmentsField } from "~/modules/attachments/ui/AttachmentsField";
import { timeOrderedKey } from "~/modules/privacy/random.server";
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
import { placePickerFor, takePlaceStep, withPlaceGrid } from "~/modules/places/form.server";
import { PlaceFieldset, usePlaceLabels } from "~/modules/places/ui/PlaceFieldset";
import { inputToValues, validateSubmission } from "~/modules/submissions/validation";
import { takeSectionChoice } from "~/modules/sections/choice";
import { SECTION_FIELD, headingSections, sectionByNumber, sectionValue, sectionsForReader } from "~/modules/sections/outline";
import { sectionsOf } from "~/modules/sections/sections.server";
import { SectionChoice } from "~/modules/sections/ui/SectionChoice";
import { SectionContents } from "~/modules/sections/ui/SectionContents";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const { db, organisation, procedure: original, basePath, locale } = await loadProcedureContext(request, params);
    // in the reader's language where translated; each text keeps its language
    const procedure = await procedureForReader(db, original, locale);
    const acceptance = acceptanceState(procedure);
    // answers not yet sent are shown again ("change your answer", or coming back later)
    const draftId = acceptance === "open" ? await draftIdFor(request, procedure.id) : null;
    const draft = acceptance === "open" ? await readDraft(db, draftId, procedure.id) : null;
    const pending = draft?.state === "pending";
    const attachments = acceptance === "open" ? await formAttachments(db, procedure.id, draftId) : null;
    // numbered from the German original (fixed when it opened); a translation numbers like it or shows as it is
    const sections = await sectionsOf(db, original);
    // "Stellung nehmen zu 3.2" opens the form with that section chosen
    const linked = sectionByNumber(sections, new URL(request.url).searchParams.get(SECTION_FIELD));
    const values = pending ? inputToValues(procedure, draft.input) : {};
    const section = linked?.number ?? (pending ? sectionValue(sections, draft.input.sectionId) : undefined);
    if (section) values[SECTION_FIELD] = [section];
    return data(
      {
        pageTitle: procedure.title,
        pageDescription: procedure.summary,
        organisation: publicOrganisation(organisation),
        controller: organisation.controller_name,
        procedure,
        acceptance,
        basePath,
        values,
        sectionLinked: linked !== undefined,
        ...sectionsForReader(sections, procedure.body, procedure.langs.body),
        documents: await listDocuments(db, procedure.id),
        placePicker: acceptance === "open" ? await placePickerFor(db, procedure.id, basePath) : null,
        attachments,
      },
      // the form filled with what the resident entered (contact data, files, too): kept by no cache
      pending || (attachments?.files.length ?? 0) > 0 ? { headers: { "Cache-Control": "no-store" } } : undefined,
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
    const cookieDraftId = await draftIdFor(request, procedure.id);
    // files are kept under the draft's id from the first post on, even before the answers are valid
    const draftKey = cookieDraftId ?? timeOrderedKey();
    const { fields, fileErrors, status, settings } = await readResidentForm(db, request, procedure, draftKey);
    const choice = takeSectionChoice(fields, await sectionsOf(db, procedure));
    const checked = await withPlaceGrid(db, procedure);
    // a click on the plan (or "enlarge", "remove the point"): the form again, answers kept, nothing saved
    const step = takePlaceStep(checked, fields);
    if (step) return data({ errors: [], values: { ...step.values, [SECTION_FIELD]: [choice.value] }, placeNotice: step.notice, attachments: await formAttachments(db, procedure.id, draftKey) }, { headers: { "Cache-Control": "no-store" } });
    const result = validateSubmission(checked, fields);
    // the draft's id is remembered with the first post when the form takes files (they wait under it)
    const keepDraft = settings ? { "Set-Cookie": await rememberDraft(request, procedure.id, draftKey) } : undefined;
    if (!result.ok || !choice.ok || fileErrors.length > 0) {
      const errors = [...(choice.ok ? [] : [choice.error]), ...(result.ok ? [] : result.errors), ...fileErrors];
      return data(
        { errors, values: { ...result.values, [SECTION_FIELD]: [choice.value] }, attachments: await formAttachments(db, procedure.id, draftKey), placeNotice: null },
        { status: fileErrors.length > 0 ? status : 400, headers: keepDraft },
      );
    }
    const draftId = await saveDraft(db, {
      draftId: cookieDraftId,
      newId: draftKey,
      procedureId: procedure.id,
      input: { ...result.input, sectionId: choice.section?.id ?? null },
      language: await getLocale(request),
    });
    await moveDraftAttachments(db, procedure.id, draftKey, draftId);
    return redirect(`${basePath}/pruefen`, {
      status: 303,
      headers: { "Set-Cookie": await rememberDraft(request, procedure.id, draftId) },
    });
  }, `/${params.org}/verfahren/${params.slug}`);
}

export default function ProcedurePage() {
  const { procedure, acceptance, basePath, values, controller, documents, sections, numbered, sectionLinked, attachments: loaded, placePicker } = useLoaderData<typeof loader>();
  const placeLabels = usePlaceLabels();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation(["procedures", "results", "sections", "attachments"]);
  const shownValues = actionData?.values ?? values;
  const errors = actionData?.errors ?? [];
  const sectionError = errors.find((e) => e.field === SECTION_FIELD);
  const attachments = actionData?.attachments ?? loaded;
  const fileError = errors.find((e) => e.field === ATTACHMENT_FIELD);
  // while open, every section links to the form with it chosen
  const link = acceptance === "open" ? (number: string) => ({ href: `${basePath}?${SECTION_FIELD}=${number}#${SECTION_FIELD}`, text: t("sections:link", { number }) }) : undefined;
  return (
    <>
      <h1 {...contentAttrs(procedure.langs.title, i18n.language)}>{procedure.title}</h1>
      <ContentLanguageNote coverage={procedure.coverage} />
      <ProcedureDetails
        procedure={procedure}
        acceptance={acceptance}
        bodySections={numbered ? headingSections(procedure.body, sections, link) : null}
        contents={numbered ? <SectionContents sections={sections} /> : null}
      />
      <DocumentList documents={documents} basePath={basePath} />
      <ShortPrivacyNotice procedure={procedure} controller={controller} fullNoticeHref={`${basePath}/datenschutz`} asksForPlace={placePicker !== null} />
      {acceptance === "open" ? (
        <p>
          <a href={`${basePath}/papier`}>{t("paper.link")}</a> · <a href={`${basePath}/papier?gross=1`}>{t("paper.linkLarge")}</a>
        </p>
      ) : null}
      {acceptance === "open" ? (
        <SubmissionForm
          procedure={procedure}
          action={basePath}
          values={shownValues}
          errors={errors}
          extraLabels={{ ...placeLabels, [SECTION_FIELD]: t("sections:choice.label"), [ATTACHMENT_FIELD]: t("attachments:form.legend") }}
          afterQuestions={
            placePicker ? <PlaceFieldset picker={placePicker} action={basePath} values={shownValues} errors={errors} notice={actionData?.placeNotice} /> : null
          }
          sectionChoice={
            <SectionChoice
              sections={sections}
              value={shownValues[SECTION_FIELD]?.[0]}
              error={sectionError ? t(sectionError.message, sectionError.params) : undefined}
              backLink={numbered && (sectionLinked || shownValues[SECTION_FIELD]?.[0] !== undefined)}
            />
          }
          encType={attachments ? "multipart/form-data" : undefined}
          beforeSubmit={
            attachments ? (
              <AttachmentsField files={attachments.files} maxFiles={attachments.maxFiles} maxBytes={attachments.maxBytes} error={fileError ? t(fileError.message, fileError.params) : undefined} />
            ) : null
          }
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
