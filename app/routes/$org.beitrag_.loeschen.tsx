/** Art. 17: erase the personal data (or, where the law keeps them, record the request). Asks first. */
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Button } from "~/components/fields";
import { getDb } from "~/db.server";
import { getT } from "~/i18n/i18n.server";
import { readForm } from "~/modules/http/form-body.server";
import { HttpError } from "~/modules/http/errors";
import { requirePost, withErrorPages } from "~/modules/http/route-errors.server";
import { publicOrganisation } from "~/modules/procedures/context.server";
import { requireReceiptSession } from "~/modules/privacy/context.server";
import { describeSubmission, requestErasure } from "~/modules/privacy/rights.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const { organisation, submissionId, basePath } = await requireReceiptSession(request, params);
    const o = await describeSubmission(getDb(), submissionId);
    const { t } = await getT(request, "privacy");
    return {
      pageTitle: t("erase.title"),
      organisation: publicOrganisation(organisation),
      basePath,
      held: o.procedure.erasureHold && !o.procedure.concluded,
      reason: o.procedure.erasureHoldReason,
      hasData: o.personalData.length > 0,
    };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    requirePost(request);
    const { submissionId, basePath } = await requireReceiptSession(request, params);
    if ((await readForm(request)).size > 0) throw new HttpError(400, "unknown_field");
    const result = await requestErasure(getDb(), submissionId);
    const done = result.outcome === "deleted" ? "deleted" : result.outcome === "held" ? "held" : "nothing";
    return redirect(`${basePath}/protokoll?done=${done}`, 303);
  });
}

export default function EraseData() {
  const { basePath, held, reason, hasData } = useLoaderData<typeof loader>();
  const { t } = useTranslation("privacy");
  return (
    <>
      <h1>{t("erase.title")}</h1>
      {hasData ? (
        <>
          <p>{t("erase.what")}</p>
          <p>{t("erase.contentStays")}</p>
          {held ? (
            <div className="inset">
              <p>{t("erase.held")}</p>
              <p lang="de">{reason}</p>
            </div>
          ) : null}
          <form method="post" action={`${basePath}/loeschen`}>
            <Button>{held ? t("erase.requestButton") : t("erase.button")}</Button>
          </form>
        </>
      ) : (
        <p>{t("log.noData")}</p>
      )}
      <p>
        <a href={`${basePath}/protokoll`}>{t("back")}</a>
      </p>
    </>
  );
}
