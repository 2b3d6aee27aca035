/** Staff dashboard: the organisation's procedures with their submissions per channel. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getDb } from "~/db.server";
import { getT } from "~/i18n/i18n.server";
import { formatDate } from "~/i18n/format";
import { requireStaff } from "~/modules/accounts/permissions.server";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { CHANNELS, dashboard } from "~/modules/procedures/dashboard.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params);
    const { t } = await getT(request, "staff");
    return {
      pageTitle: t("dashboard.title"),
      rows: await dashboard(getDb(), user.organisationId),
      isAdmin: user.roles.includes("admin"),
      base: `/${user.organisationSlug}/verwaltung`,
    };
  });
}

export default function Dashboard() {
  const { rows, isAdmin, base } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("staff");
  return (
    <>
      <h1>{t("dashboard.title")}</h1>
      <div className="table-wrap" role="region" aria-labelledby="dashboard-caption" tabIndex={0}>
        <table className="table">
          <caption id="dashboard-caption">{t("dashboard.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("dashboard.procedure")}</th>
              <th scope="col">{t("dashboard.status")}</th>
              {CHANNELS.map((c) => (
                <th scope="col" key={c} className="num">
                  {t(`channels.${c}`)}
                </th>
              ))}
              <th scope="col" className="num">
                {t("dashboard.total")}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <th scope="row">
                  {isAdmin ? (
                    <a href={`${base}/verfahren/${r.id}`} lang="de">
                      {r.title}
                    </a>
                  ) : (
                    <span lang="de">{r.title}</span>
                  )}
                  <br />
                  <span className="hint">{t("dashboard.period", { from: formatDate(r.opensAt, i18n.language), until: formatDate(r.closesAt, i18n.language) })}</span>
                </th>
                <td>{t(`status.${r.status}`)}</td>
                {CHANNELS.map((c) => (
                  <td key={c} className="num">
                    {r.byChannel[c]}
                  </td>
                ))}
                <td className="num">
                  <strong>{r.total}</strong>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
