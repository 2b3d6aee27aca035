/**
 * The preview (admins only): the procedure exactly as residents will see it while it is open —
 * the same details, short privacy notice and form components as the resident page. Nothing can be
 * sent from here: the form's target is this page, which refuses every POST and stores nothing.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getDb } from "~/db.server";
import { CONTENT_LANGUAGE } from "~/i18n/config";
import { getT } from "~/i18n/i18n.server";
import { requireStaff } from "~/modules/accounts/permissions.server";
import { HttpError } from "~/modules/http/errors";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { findOrganisationBySlug } from "~/modules/organisations/organisations.server";
import { getProcedureForAdmin } from "~/modules/procedures/admin-procedures.server";
import { parseId } from "~/modules/forms/parse.server";
import type { Procedure } from "~/modules/procedures/procedure";
import { ShortPrivacyNotice } from "~/modules/procedures/ui/PrivacyNotice";
import { ProcedureDetails } from "~/modules/procedures/ui/ProcedureDetails";
import { SubmissionForm } from "~/modules/submissions/ui/SubmissionForm";
import { SECTION_FIELD, headingSections, sectionsForReader } from "~/modules/sections/outline";
import { sectionsOf } from "~/modules/sections/sections.server";
import { SectionChoice } from "~/modules/sections/ui/SectionChoice";
import { SectionContents } from "~/modules/sections/ui/SectionContents";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params, ["admin"]);
    const id = parseId(params.id);
    const found = id === null ? undefined : await getProcedureForAdmin(getDb(), user.organisationId, id);
    const organisation = await findOrganisationBySlug(getDb(), user.organisationSlug);
    if (!found || !organisation) throw new HttpError(404, "procedure_not_found");
    // only what the resident page has: no admin fields
    const { derivedFromId: _d, formValues: _f, submissionCount: _s, createdAt: _c, updatedAt: _u, ...procedure } = found;
    const { t } = await getT(request, "admin");
    const base = `/${user.organisationSlug}/verwaltung/verfahren/${procedure.id}`;
    const publicPath = `/${user.organisationSlug}/verfahren/${procedure.slug}`;
    return {
      pageTitle: `${t("preview.title")}: ${procedure.title}`,
      procedure: procedure satisfies Procedure,
      // numbered as residents will see them (a draft's live outline, an opened one's fixed sections)
      ...sectionsForReader(await sectionsOf(getDb(), procedure), procedure.body, CONTENT_LANGUAGE),
      controller: organisation.controller_name,
      base,
      // a draft's public pages do not exist yet
      fullNoticeHref: procedure.status === "draft" ? "#privacy-heading" : `${publicPath}/datenschutz`,
    };
  });
}

/** Nothing is ever sent from the preview. */
export async function action({ request, params }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    await requireStaff(request, params, ["admin"]);
    throw new HttpError(405, "method_not_allowed");
  }, `/${params.org}/verwaltung/verfahren/${params.id}/vorschau`);
}

export default function ProcedurePreview() {
  const { procedure, controller, base, fullNoticeHref, sections, numbered } = useLoaderData<typeof loader>();
  const { t } = useTranslation(["admin", "sections"]);
  // the form is on this page: each section's link goes to the choice
  const link = (number: string) => ({ href: `#${SECTION_FIELD}`, text: t("sections:link", { number }) });
  const notice = (
    <div className="inset" role="note">
      <p>
        <strong>{t("preview.title")}.</strong> {t("preview.notice")}
      </p>
      <p>
        <a href={base}>{t("links.back")}</a> · <a href={`${base}/fragen`}>{t("links.questionsShort")}</a>
      </p>
    </div>
  );
  return (
    <>
      {notice}
      <h1 lang={CONTENT_LANGUAGE}>{procedure.title}</h1>
      <ProcedureDetails
        procedure={procedure}
        acceptance="open"
        bodySections={numbered ? headingSections(procedure.body, sections, link) : null}
        contents={numbered ? <SectionContents sections={sections} /> : null}
      />
      <ShortPrivacyNotice procedure={procedure} controller={controller} fullNoticeHref={fullNoticeHref} />
      <SubmissionForm procedure={procedure} action={`${base}/vorschau`} sectionChoice={<SectionChoice sections={sections} />} />
      <div className="inset" role="note">
        <p>{t("preview.notSent")}</p>
      </div>
    </>
  );
}
