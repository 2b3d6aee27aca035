/** After a sign-up: look in your inbox. The same page whether or not a mail was sent (nothing about the address is revealed). */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useTranslation } from "react-i18next";
import { getT } from "~/i18n/i18n.server";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { publicOrganisation, requireOrganisation } from "~/modules/procedures/context.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const organisation = await requireOrganisation(params);
    const { t } = await getT(request, "alerts");
    return { pageTitle: t("sent.title"), organisation: publicOrganisation(organisation) };
  });
}

export default function AlertSent() {
  const { t } = useTranslation("alerts");
  return (
    <>
      <h1>{t("sent.title")}</h1>
      <p className="lead">{t("sent.body")}</p>
      <p>{t("sent.expiry")}</p>
    </>
  );
}
