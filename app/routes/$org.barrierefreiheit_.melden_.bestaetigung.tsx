/** After a barrier report: the reference to quote and the date by which the answer is due. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getDb } from "~/db.server";
import { formatDate } from "~/i18n/format";
import { getT } from "~/i18n/i18n.server";
import { findReceipt } from "~/modules/accessibility/accessibility.server";
import { REFERENCE_PATTERN } from "~/modules/accessibility/reports";
import { HttpError } from "~/modules/http/errors";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { publicOrganisation, requireOrganisation } from "~/modules/procedures/context.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const organisation = await requireOrganisation(params);
    const reference = new URL(request.url).searchParams.get("nummer") ?? "";
    const receipt = REFERENCE_PATTERN.test(reference) ? await findReceipt(getDb(), organisation.id, reference) : null;
    if (!receipt) throw new HttpError(404, "not_found");
    const { t } = await getT(request, "accessibility");
    return { pageTitle: t("confirmation.title"), organisation: publicOrganisation(organisation), receipt };
  }, `/${params.org}/barrierefreiheit/melden`);
}

export default function ReportConfirmation() {
  const { organisation, receipt } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("accessibility");
  const due = formatDate(receipt.dueAt, i18n.language);
  return (
    <>
      <div className="panel">
        <h1 className="panel__title">{t("confirmation.title")}</h1>
        <p className="panel__body">{t("confirmation.reference")}</p>
        <p className="receipt-code" id="reference">
          <strong>{receipt.reference}</strong>
        </p>
      </div>
      <p>{t("confirmation.received", { date: formatDate(receipt.receivedAt, i18n.language) })}</p>
      <p>
        <strong>{receipt.hasContact ? t("confirmation.answerBy", { date: due }) : t("confirmation.noContact", { date: due })}</strong>
      </p>
      <p>{t("confirmation.enforcement")}</p>
      <p>
        <a href={`/${organisation.slug}/barrierefreiheit`}>{t("confirmation.back")}</a>
      </p>
    </>
  );
}
