/**
 * The link in the confirmation (and the yearly "still interested?") mail. Opening it changes
 * nothing — mail scanners open links too — the button confirms (double opt-in) or renews.
 */
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Button } from "~/components/fields";
import { getDb } from "~/db.server";
import { getT } from "~/i18n/i18n.server";
import { confirmAlert, findAlert } from "~/modules/alerts/alerts.server";
import { HttpError } from "~/modules/http/errors";
import { readForm } from "~/modules/http/form-body.server";
import { requirePost, withErrorPages } from "~/modules/http/route-errors.server";
import { publicOrganisation, requireOrganisation } from "~/modules/procedures/context.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const organisation = await requireOrganisation(params);
    const alert = await findAlert(getDb(), organisation.id, params.token ?? "");
    if (alert.state !== "pending" && alert.state !== "confirmed") throw new HttpError(404, "not_found");
    const { t } = await getT(request, "alerts");
    return { pageTitle: t("confirm.title"), organisation: publicOrganisation(organisation), renewing: alert.state === "confirmed" };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    requirePost(request);
    const organisation = await requireOrganisation(params);
    const fields = await readForm(request, { maxBytes: 1024 });
    if (fields.size > 0) throw new HttpError(400, "unknown_field");
    const outcome = await confirmAlert(getDb(), organisation.id, params.token ?? "");
    return redirect(`/${organisation.slug}/benachrichtigung/verwalten/${params.token}?ok=${outcome === "renewed" ? "renewed" : "confirmed"}`, 303);
  });
}

export default function ConfirmAlert() {
  const { renewing } = useLoaderData<typeof loader>();
  const { t } = useTranslation("alerts");
  return (
    <>
      <h1>{t("confirm.title")}</h1>
      <p className="lead">{renewing ? t("confirm.renewBody") : t("confirm.body")}</p>
      <form method="post">
        <Button>{t("confirm.button")}</Button>
      </form>
    </>
  );
}
