/** Entering one submission for a resident: the resident form plus how it came in. */
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfField } from "~/components/CsrfField";
import { ChoiceField, TextField } from "~/components/fields";
import { getDb } from "~/db.server";
import { formatDate } from "~/i18n/format";
import { listDocuments } from "~/modules/documents/documents.server";
import { DocumentsOnPaper } from "~/modules/documents/ui/DocumentsOnPaper";
import { getLocale, getT } from "~/i18n/i18n.server";
import { requireStaff, requireStaffAction } from "~/modules/accounts/permissions.server";
import {
  SPOKEN,
  deskAcceptance,
  enterDeskSubmission,
  findDeskProcedure,
  isAssistedChannel,
  newEntryKey,
  withPostalAddress,
  type AssistedChannel,
} from "~/modules/assisted-entry/desk.server";
import { getOrganisationSettings } from "~/modules/organisations/organisations.server";
import { HttpError } from "~/modules/http/errors";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { personalDataDeletionDate } from "~/modules/procedures/procedure";
import { SubmissionForm } from "~/modules/submissions/ui/SubmissionForm";
import { placePickerFor, withPlaceGrid } from "~/modules/places/form.server";
import { PlaceFieldset, usePlaceLabels } from "~/modules/places/ui/PlaceFieldset";
import { errorMessageFor } from "~/modules/forms/fields";
import { SECTION_FIELD, sectionsForReader } from "~/modules/sections/outline";
import { sectionsOf } from "~/modules/sections/sections.server";
import { SectionChoice } from "~/modules/sections/ui/SectionChoice";
import { CONTENT_LANGUAGE } from "~/i18n/config";

async function load(request: Request, params: Record<string, string | undefined>, forAction: boolean) {
  const channel = params.channel ?? "";
  const id = Number(params.procedureId);
  if (!isAssistedChannel(channel) || !Number.isInteger(id) || id <= 0) throw new HttpError(404, "not_found");
  const { user, fields } = forAction ? await requireStaffAction(request, params, ["staff"]) : { user: await requireStaff(request, params, ["staff"]), fields: null };
  const found = await findDeskProcedure(getDb(), user.organisationId, id);
  if (!found) throw new HttpError(404, "procedure_not_found");
  const { t } = await getT(request, "desk");
  const procedure = withPostalAddress(found, channel as AssistedChannel, t("post.addressPurpose", { lng: "de" }));
  return { user, fields, procedure, channel: channel as AssistedChannel };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const { user, procedure, channel } = await load(request, params, false);
    const acceptance = deskAcceptance(procedure, channel, null);
    if (SPOKEN.includes(channel) && acceptance !== "ok") throw new HttpError(403, acceptance === "not_yet_open" ? "procedure_not_yet_open" : "procedure_closed");
    const { t } = await getT(request, "desk");
    const org = (await getOrganisationSettings(getDb(), user.organisationId))!;
    return {
      pageTitle: `${t(`channels.${channel}`)}: ${procedure.title}`,
      procedure,
      channel,
      csrfToken: user.csrfToken,
      entryKey: newEntryKey(),
      controller: org.controller_name,
      deletion: personalDataDeletionDate(procedure),
      base: `/${user.organisationSlug}/verwaltung/schalter`,
      documents: await listDocuments(getDb(), procedure.id),
      placePicker: await placePickerFor(getDb(), procedure.id, `/${user.organisationSlug}/verfahren/${procedure.slug}`),
      // the clerk chooses the section the caller or the letter names (German titles, as on paper)
      sections: sectionsForReader(await sectionsOf(getDb(), procedure), procedure.body, CONTENT_LANGUAGE).sections,
      onlineAt: `${new URL(request.url).origin}/${user.organisationSlug}/verfahren/${procedure.slug}`,
      onPaperAt: `${procedure.responsibleOffice}, ${org.postal_address}`,
    };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    const { user, fields, procedure, channel } = await load(request, params, true);
    const staff = { organisationId: user.organisationId, accountId: user.id, clientAddress: context?.clientAddress };
    const result = await enterDeskSubmission(getDb(), { procedure: await withPlaceGrid(getDb(), procedure), channel, fields: fields!, staff, language: await getLocale(request) });
    if (!result.ok) return data({ errors: result.errors, values: result.values, duplicateOf: result.duplicateOf }, { status: result.status });
    return redirect(`/${user.organisationSlug}/verwaltung/schalter/beleg/${result.entryKey}`, 303);
  });
}

export default function DeskEntry() {
  const { procedure, channel, csrfToken, entryKey, controller, deletion, base, documents, onlineAt, onPaperAt, sections, placePicker } = useLoaderData<typeof loader>();
  const placeLabels = usePlaceLabels();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation("desk");
  const errors = actionData?.errors ?? [];
  const values = actionData?.values ?? {};
  const errorFor = errorMessageFor(errors, t);
  const spoken = SPOKEN.includes(channel);
  const before = (
    <>
      <CsrfField token={csrfToken} />
      {actionData?.duplicateOf ? (
        <div className="notice" role="status">
          <p>
            {t("form.duplicate")} <a href={`${base}/eintrag/${actionData.duplicateOf}`}>{t("form.duplicateLink")}</a>
          </p>
        </div>
      ) : null}
      {spoken ? (
        <section className="script" aria-labelledby="script-heading">
          <h2 id="script-heading">{t("script.heading")}</h2>
          <p className="hint">{t("script.instruction")}</p>
          <blockquote className="script__text" lang="de">
            <p>{t("script.intro", { controller, lng: "de" })}</p>
            {procedure.contactFields.length > 0 ? (
              <p>
                {t("script.contact", { lng: "de" })}{" "}
                {procedure.contactFields.map((f) => `${t(`fields.${f.key}`, { lng: "de" })} (${f.purpose})`).join("; ")}.{" "}
                {t("script.deletion", { date: formatDate(deletion, "de"), lng: "de" })}
              </p>
            ) : (
              <p>{t("script.noContact", { lng: "de" })}</p>
            )}
            <p>{t("script.rights", { lng: "de" })}</p>
          </blockquote>
          <ChoiceField
            name="notice_read"
            type="checkbox"
            label={t("script.confirmLegend")}
            items={[{ value: "yes", label: t("script.confirm") }]}
            values={values.notice_read}
            error={errorFor("notice_read")}
            required
          />
        </section>
      ) : (
        <section aria-labelledby="post-heading">
          <h2 id="post-heading">{t("post.heading")}</h2>
          <TextField name="source_reference" label={t(`post.reference.${channel}`)} hint={t("post.referenceHint")} value={values.source_reference?.[0]} error={errorFor("source_reference")} required width="half" autoComplete="off" />
          <TextField name="received_on" type="date" label={t("post.receivedOn")} hint={t("post.receivedOnHint", { date: formatDate(procedure.closesAt, i18n.language) })} value={values.received_on?.[0]} error={errorFor("received_on")} required width="half" />
        </section>
      )}
      <h2>{t("form.answers")}</h2>
      <SectionChoice sections={sections} value={values[SECTION_FIELD]?.[0]} error={errorFor(SECTION_FIELD)} />
    </>
  );
  return (
    <>
      <p className="caption" lang="de">
        {procedure.title}
      </p>
      <h1>{t(`form.title.${channel}`)}</h1>
      {documents.length > 0 ? (
        <details className="desk-documents">
          <summary>{t("documents", { count: documents.length })}</summary>
          <DocumentsOnPaper id="desk-documents" documents={documents} onlineAt={onlineAt} onPaperAt={onPaperAt} />
        </details>
      ) : null}
      <SubmissionForm
        procedure={procedure}
        action={`${base}/${procedure.id}/${channel}`}
        values={values}
        errors={errors}
        before={before}
        hidden={{ entry_key: entryKey }}
        submitLabel={t("form.save")}
        afterQuestions={placePicker ? <PlaceFieldset picker={placePicker} action={`${base}/${procedure.id}/${channel}`} values={values} errors={errors} pointOnPlan={false} /> : null}
        extraLabels={{ ...placeLabels, [SECTION_FIELD]: t("sections:choice.label"), notice_read: t("script.confirmLegend"), source_reference: t(`post.reference.${channel}`), received_on: t("post.receivedOn"), entry_key: t("form.title." + channel) }}
        heading={false}
      />
    </>
  );
}
