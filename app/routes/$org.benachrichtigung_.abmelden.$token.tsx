/**
 * Unsubscribe: the link in every alert mail. Opening it asks first (mail scanners open links);
 * the button, or a mail client's one-click POST (RFC 8058: body `List-Unsubscribe=One-Click`, sent
 * from the mail provider, not from our page), deletes the address at once. Unsubscribing twice is
 * the same as once.
 */
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Button } from "~/components/fields";
import { getDb } from "~/db.server";
import { getT } from "~/i18n/i18n.server";
import { endAlertByToken, findAlert } from "~/modules/alerts/alerts.server";
import { HttpError } from "~/modules/http/errors";
import { readForm } from "~/modules/http/form-body.server";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { publicOrganisation, requireOrganisation } from "~/modules/procedures/context.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const organisation = await requireOrganisation(params);
    const alert = await findAlert(getDb(), organisation.id, params.token ?? "");
    const { t } = await getT(request, "alerts");
    return { pageTitle: t("unsubscribe.title"), organisation: publicOrganisation(organisation), done: alert.state !== "pending" && alert.state !== "confirmed" };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    // not requirePost's same-site check: the one-click POST comes from the mail provider; the secret link is the authority
    if (request.method !== "POST") throw new HttpError(405, "method_not_allowed");
    const organisation = await requireOrganisation(params);
    const fields = await readForm(request, { maxBytes: 1024 });
    for (const [name, values] of fields) {
      if (name !== "List-Unsubscribe" || values.length !== 1 || values[0] !== "One-Click") throw new HttpError(400, "unknown_field");
    }
    await endAlertByToken(getDb(), organisation.id, params.token ?? "", "unsubscribed");
    const { t } = await getT(request, "alerts");
    return data({ pageTitle: t("unsubscribe.doneTitle"), done: true });
  });
}

export default function Unsubscribe() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("alerts");
  if (actionData?.done || loaderData.done) {
    return (
      <>
        <h1>{t("unsubscribe.doneTitle")}</h1>
        <p className="lead" role="status">
          {t("unsubscribe.doneBody")}
        </p>
      </>
    );
  }
  return (
    <>
      <h1>{t("unsubscribe.title")}</h1>
      <p className="lead">{t("unsubscribe.body")}</p>
      <form method="post">
        <Button>{t("unsubscribe.button")}</Button>
      </form>
    </>
  );
}
