/** The full privacy notice of one procedure (Art. 13 GDPR), composed from its settings. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CONTENT_LANGUAGE } from "~/i18n/config";
import { contentAttrs } from "~/modules/procedures/translations";
import { titleForReader } from "~/modules/procedures/translations.server";
import { ContentLanguageNote } from "~/modules/procedures/ui/ContentLanguageNote";
import { formatDate, readableDay } from "~/i18n/format";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { loadProcedureContext, publicOrganisation } from "~/modules/procedures/context.server";
import { personalDataDeletionDate } from "~/modules/procedures/procedure";
import { Paragraphs } from "~/components/Paragraphs";
import { attachmentSettings } from "~/modules/attachments/attachments.server";
import { getPlanGrid } from "~/modules/places/plans.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const { db, organisation, procedure, basePath, t, locale } = await loadProcedureContext(request, params);
    const { procedureTitle, titleLang, note } = await titleForReader(db, procedure, locale);
    return {
      pageTitle: t("fullNotice.title"),
      organisation: publicOrganisation(organisation),
      controller: { name: organisation.controller_name, contact: organisation.controller_contact },
      dpo: { name: organisation.dpo_name, contact: organisation.dpo_contact },
      authority: organisation.supervisory_authority,
      privacyPolicy: organisation.privacy_policy,
      procedure: {
        title: procedureTitle,
        titleLang,
        legalBasis: procedure.legalBasis,
        publicationPolicy: procedure.publicationPolicy,
        retentionMonths: procedure.retentionMonths,
        deletion: personalDataDeletionDate(procedure),
        noticeVersion: procedure.noticeVersion,
        contactFields: procedure.contactFields,
        // files are personal data too: named where the form takes them (issue 20)
        attachments: (await attachmentSettings(db, procedure.id)) !== null,
        // a place is asked for where the procedure has a plan (issue 18): how it is published
        place: (await getPlanGrid(db, procedure.id)) !== null,
      },
      basePath,
      note,
    };
  });
}

export default function FullPrivacyNotice() {
  const { controller, dpo, authority, procedure, basePath, privacyPolicy, note, organisation } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation(["procedures", "attachments", "place"]);
  const de = CONTENT_LANGUAGE;
  return (
    <>
      <p className="caption" {...contentAttrs(procedure.titleLang, i18n.language)}>
        {procedure.title}
      </p>
      <h1>{t("fullNotice.title")}</h1>
      <ContentLanguageNote coverage={note} />
      <p className="hint">{t("fullNotice.version", { version: readableDay(procedure.noticeVersion, i18n.language) })}</p>
      <h2>{t("fullNotice.controllerHeading")}</h2>
      <p lang={de}>
        {controller.name}
        <br />
        {controller.contact}
      </p>
      <h2>{t("fullNotice.dpoHeading")}</h2>
      <p lang={de}>
        {dpo.name}
        <br />
        {dpo.contact}
      </p>
      <h2>{t("fullNotice.whatHeading")}</h2>
      <p>{t("fullNotice.answers")}</p>
      {procedure.contactFields.length === 0 ? (
        <p>{t("privacy.noPersonalData")}</p>
      ) : (
        <ul>
          {procedure.contactFields.map((f) => (
            <li key={f.key}>
              <strong>{t(`privacy.fields.${f.key}`)}</strong> ({t(`privacy.mode.${f.mode}`)}): <span lang={de}>{f.purpose}</span>
            </li>
          ))}
        </ul>
      )}
      {procedure.attachments ? <p>{t("attachments:notice", { date: formatDate(procedure.deletion, i18n.language) })}</p> : null}
      {procedure.place ? <p>{t("place:privacy")}</p> : null}
      <h2>{t("fullNotice.legalBasisHeading")}</h2>
      <p lang={de}>{procedure.legalBasis}</p>
      <h2>{t("fullNotice.publicationHeading")}</h2>
      <p lang={de}>{procedure.publicationPolicy}</p>
      <h2>{t("fullNotice.retentionHeading")}</h2>
      <p>
        {t("privacy.deletion", {
          date: formatDate(procedure.deletion, i18n.language),
          count: procedure.retentionMonths,
        })}
      </p>
      <h2>{t("fullNotice.recipientsHeading")}</h2>
      <p>{t("fullNotice.recipients")}</p>
      <h2>{t("fullNotice.rightsHeading")}</h2>
      <ul>
        <li>{t("fullNotice.rights.access")}</li>
        <li>{t("fullNotice.rights.rectification")}</li>
        <li>{t("fullNotice.rights.erasure")}</li>
        <li>{t("fullNotice.rights.restriction")}</li>
        <li>{t("fullNotice.rights.objection")}</li>
      </ul>
      <p>
        <a href={`/${organisation.slug}/transparenz`}>{t("transparency:log.link")}</a>
      </p>
      <h2>{t("fullNotice.complaintHeading")}</h2>
      <p>
        {t("fullNotice.complaint")} <span lang={de}>{authority}</span>
      </p>
      {privacyPolicy ? (
        <>
          <h2>{t("fullNotice.organisationPolicyHeading")}</h2>
          <Paragraphs text={privacyPolicy} lang={de} />
        </>
      ) : null}
      <p>
        <a href={basePath}>{t("fullNotice.back")}</a>
      </p>
    </>
  );
}
