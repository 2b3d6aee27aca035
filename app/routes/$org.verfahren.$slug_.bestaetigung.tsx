/** Confirmation (step 3 of 3): the receipt code, readable aloud, and what happens next. */
import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { HttpError } from "~/modules/http/errors";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { loadProcedureContext, publicOrganisation } from "~/modules/procedures/context.server";
import { contentAttrs } from "~/modules/procedures/translations";
import { titleForReader } from "~/modules/procedures/translations.server";
import { ContentLanguageNote } from "~/modules/procedures/ui/ContentLanguageNote";
import { draftIdFor } from "~/modules/submissions/draft-cookie.server";
import { readDraft } from "~/modules/submissions/drafts.server";
import { formatReceiptCode } from "~/modules/submissions/receipt-code";
import { CONTENT_LANGUAGE } from "~/i18n/config";
import { sectionLabel } from "~/modules/sections/outline";
import { sectionOfSubmission } from "~/modules/sections/sections.server";
import { placeOfStatement } from "~/modules/places/form.server";
import { PlaceSummary } from "~/modules/places/ui/PlaceSummary";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const { db, organisation, procedure, basePath, t, locale } = await loadProcedureContext(request, params);
    const draft = await readDraft(db, await draftIdFor(request, procedure.id), procedure.id);
    if (draft.state === "pending") throw redirect(`${basePath}/pruefen`, 303);
    if (draft.state === "missing" || !draft.receiptCode) throw new HttpError(404, "draft_missing");
    return {
      pageTitle: t("submissions:confirmation.title"),
      organisation: publicOrganisation(organisation),
      ...(await titleForReader(db, procedure, locale)),
      receiptCode: formatReceiptCode(draft.receiptCode),
      section: await sectionOfSubmission(db, draft.submissionId).then((s) => (s ? sectionLabel(s) : null)),
      orgPath: `/${organisation.slug}`,
      // the place as sent (issue 18): words, cell, a small picture of the point
      place: await placeOfStatement(db, procedure.id, basePath, draft.submissionId).then((p) => (p && (p.description || p.cell) ? p : null)),
    };
  }, `/${params.org}/verfahren/${params.slug}`);
}

export default function Confirmation() {
  const { receiptCode, procedureTitle, titleLang, note, orgPath, section, place } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("submissions");
  return (
    <>
      <div className="panel">
        <h1 className="panel__title">{t("confirmation.title")}</h1>
        <p className="panel__body">{t("confirmation.codeLabel")}</p>
        <p className="receipt-code" id="receipt-code">
          <strong>{receiptCode}</strong>
        </p>
      </div>
      <p>
        {t("confirmation.for")} <span {...contentAttrs(titleLang, i18n.language)}>{procedureTitle}</span>
      </p>
      {section ? (
        <p>
          {t("sections:receipt.about")} <span {...contentAttrs(CONTENT_LANGUAGE, i18n.language)}>{section}</span>
        </p>
      ) : null}
      {place ? (
        <>
          <h2>{t("place:legend")}</h2>
          <PlaceSummary place={place} />
        </>
      ) : null}
      <ContentLanguageNote coverage={note} />
      <p>{t("confirmation.keepCode")}</p>
      <h2>{t("confirmation.nextHeading")}</h2>
      <ol className="steps">
        <li>{t("confirmation.next1")}</li>
        <li>{t("confirmation.next2")}</li>
        <li>{t("confirmation.next3")}</li>
      </ol>
      <p>
        <a href={`${orgPath}/beitrag`}>{t("confirmation.lookupLink")}</a>
      </p>
      <p>
        <a href={orgPath}>{t("confirmation.backToList")}</a>
      </p>
    </>
  );
}
