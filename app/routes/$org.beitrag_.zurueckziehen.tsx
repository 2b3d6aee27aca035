/** Withdraw the whole submission while the procedure is open. Asks first. */
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Button } from "~/components/fields";
import { getDb } from "~/db.server";
import { getT } from "~/i18n/i18n.server";
import { HttpError } from "~/modules/http/errors";
import { readForm } from "~/modules/http/form-body.server";
import { requirePost, withErrorPages } from "~/modules/http/route-errors.server";
import { publicOrganisation } from "~/modules/procedures/context.server";
import { requireReceiptSession } from "~/modules/privacy/context.server";
import { describeSubmission, withdrawSubmission } from "~/modules/privacy/rights.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const { organisation, submissionId, basePath } = await requireReceiptSession(request, params);
    const o = await describeSubmission(getDb(), submissionId);
    if (!o.canWithdraw) throw new HttpError(409, "withdraw_not_possible");
    const { t } = await getT(request, "privacy");
    return { pageTitle: t("withdraw.title"), organisation: publicOrganisation(organisation), basePath };
  }, `/${params.org}/beitrag/protokoll`);
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    requirePost(request);
    const { submissionId, basePath } = await requireReceiptSession(request, params);
    if ((await readForm(request)).size > 0) throw new HttpError(400, "unknown_field");
    await withdrawSubmission(getDb(), submissionId);
    return redirect(`${basePath}/protokoll?done=withdrawn`, 303);
  }, `/${params.org}/beitrag/protokoll`);
}

export default function Withdraw() {
  const { basePath } = useLoaderData<typeof loader>();
  const { t } = useTranslation("privacy");
  return (
    <>
      <h1>{t("withdraw.title")}</h1>
      <p>{t("withdraw.what")}</p>
      <p>{t("withdraw.logStays")}</p>
      <form method="post" action={`${basePath}/zurueckziehen`}>
        <Button>{t("withdraw.button")}</Button>
      </form>
      <p>
        <a href={`${basePath}/protokoll`}>{t("back")}</a>
      </p>
    </>
  );
}
