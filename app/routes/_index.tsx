import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getDb } from "~/db.server";
import { getT } from "~/i18n/i18n.server";
import { listOrganisations } from "~/modules/organisations/organisations.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const organisations = await listOrganisations(getDb());
  // one municipality on this installation: its procedures are the home page
  if (organisations.length === 1) {
    const search = new URL(request.url).search;
    throw redirect(`/${organisations[0].slug}${search}`);
  }
  const { t } = await getT(request);
  return { pageTitle: t("organisationsTitle"), organisations: organisations.map((o) => ({ slug: o.slug, name: o.name })) };
}

export default function Home() {
  const { organisations } = useLoaderData<typeof loader>();
  const { t } = useTranslation("common");
  return (
    <>
      <h1>{t("organisationsTitle")}</h1>
      {organisations.length === 0 ? (
        <p>{t("noOrganisations")}</p>
      ) : (
        <ul className="list">
          {organisations.map((o) => (
            <li key={o.slug}>
              <a href={`/${o.slug}`} lang="de">
                {o.name}
              </a>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
