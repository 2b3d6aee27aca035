/** The staff desk: choose a procedure and how the submission came in. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getDb } from "~/db.server";
import { formatDate } from "~/i18n/format";
import { getT } from "~/i18n/i18n.server";
import { requireStaff } from "~/modules/accounts/permissions.server";
import { ASSISTED_CHANNELS, SPOKEN, listDeskProcedures } from "~/modules/assisted-entry/desk.server";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { acceptanceState } from "~/modules/procedures/procedure";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params, ["staff"]);
    const { t } = await getT(request, "desk");
    const rows = await listDeskProcedures(getDb(), user.organisationId);
    return {
      pageTitle: t("home.title"),
      base: `/${user.organisationSlug}/verwaltung/schalter`,
      orgSlug: user.organisationSlug,
      procedures: rows.map((p) => {
        const open = acceptanceState({ status: p.status, opensAt: p.opens_at, closesAt: p.closes_at }) === "open";
        return { id: p.id, slug: p.slug, title: p.title, closesAt: p.closes_at, open, channels: ASSISTED_CHANNELS.filter((c) => open || !SPOKEN.includes(c)) };
      }),
    };
  });
}

export default function Desk() {
  const { procedures, base, orgSlug } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("desk");
  return (
    <>
      <h1>{t("home.title")}</h1>
      <p>{t("home.intro")}</p>
      <p>
        <a href={`${base}/suche`}>{t("home.lookUp")}</a>
      </p>
      <p>
        <a href={`${base}/finden`}>{t("home.find")}</a>
      </p>
      <p>
        <a href={`${base}/benachrichtigung`}>{t("alerts.link")}</a>
      </p>
      {procedures.length === 0 ? <p>{t("home.none")}</p> : null}
      <ul className="cards">
        {procedures.map((p) => (
          <li key={p.id} className="card">
            <h2 className="card__title" lang="de">
              {p.title}
            </h2>
            <p className="card__meta">{p.open ? t("home.openUntil", { date: formatDate(p.closesAt, i18n.language) }) : t("home.closedPostOnly", { date: formatDate(p.closesAt, i18n.language) })}</p>
            <ul className="channel-links">
              {p.channels.map((c) => (
                <li key={c}>
                  <a href={`${base}/${p.id}/${c}`}>
                    {t(`channels.${c}`)}
                    <span className="visually-hidden">: {p.title}</span>
                  </a>
                </li>
              ))}
              <li>
                <a href={`/${orgSlug}/verfahren/${p.slug}/papier?anzahl=10`}>
                  {t("home.printForms")}
                  <span className="visually-hidden">: {p.title}</span>
                </a>
              </li>
            </ul>
          </li>
        ))}
      </ul>
    </>
  );
}
