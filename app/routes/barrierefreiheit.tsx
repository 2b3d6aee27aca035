/**
 * /barrierefreiheit, linked from pages that belong to no organisation (error pages, sign-in): the
 * only organisation's statement, or the list of organisations to choose from.
 */
import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getDb } from "~/db.server";
import { getT } from "~/i18n/i18n.server";
import { listOrganisations } from "~/modules/organisations/organisations.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const organisations = await listOrganisations(getDb());
  if (organisations.length === 1) throw redirect(`/${organisations[0].slug}/barrierefreiheit${new URL(request.url).search}`);
  const { t } = await getT(request, "accessibility");
  return { pageTitle: t("statement.title"), organisations: organisations.map((o) => ({ slug: o.slug, name: o.name })) };
}

export default function ChooseStatement() {
  const { organisations } = useLoaderData<typeof loader>();
  const { t } = useTranslation("accessibility");
  return (
    <>
      <h1>{t("statement.title")}</h1>
      <p>{t("statement.choose")}</p>
      <ul className="list">
        {organisations.map((o) => (
          <li key={o.slug}>
            <a href={`/${o.slug}/barrierefreiheit`} lang="de">
              {o.name}
            </a>
          </li>
        ))}
      </ul>
    </>
  );
}
