/** Confirmation (step 3 of 3): the receipt code, readable aloud, and what happens next. */
import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CONTENT_LANGUAGE } from "~/i18n/config";
import { HttpError } from "~/modules/http/errors";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { loadProcedureContext, publicOrganisation } from "~/modules/procedures/context.server";
import { draftIdFor } from "~/modules/submissions/draft-cookie.server";
import { readDraft } from "~/modules/submissions/drafts.server";
import { formatReceiptCode } from "~/modules/submissions/receipt-code";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const { db, organisation, procedure, basePath, t } = await loadProcedureContext(request, params);
    const draft = await readDraft(db, await draftIdFor(request, procedure.id), procedure.id);
    if (draft.state === "pending") throw redirect(`${basePath}/pruefen`, 303);
    if (draft.state === "missing" || !draft.receiptCode) throw new HttpError(404, "draft_missing");
    return {
      pageTitle: t("submissions:confirmation.title"),
      organisation: publicOrganisation(organisation),
      procedureTitle: procedure.title,
      receiptCode: formatReceiptCode(draft.receiptCode),
      orgPath: `/${organisation.slug}`,
    };
  }, `/${params.org}/verfahren/${params.slug}`);
}

export default function Confirmation() {
  const { receiptCode, procedureTitle, orgPath } = useLoaderData<typeof loader>();
  const { t } = useTranslation("submissions");
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
        {t("confirmation.for")} <span lang={CONTENT_LANGUAGE}>{procedureTitle}</span>
      </p>
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
