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
import { barrierReportCounts } from "~/modules/accessibility/accessibility.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params);
    const { t } = await getT(request, "staff");
    return {
      pageTitle: t("dashboard.title"),
      rows: await dashboard(getDb(), user.organisationId),
      isAdmin: user.roles.includes("admin"),
      // barrier reports waiting for an answer (admins answer them within a month)
      barriers: user.roles.includes("admin") ? await barrierReportCounts(getDb(), user.organisationId) : null,
      base: `/${user.organisationSlug}/verwaltung`,
    };
  });
}

export default function Dashboard() {
  const { rows, isAdmin, base, barriers } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("staff");
  return (
    <>
      <h1>{t("dashboard.title")}</h1>
      {barriers ? (
        <div className="notice" role="status">
          <p>
            {t("barriers:dashboard.open", { count: barriers.open })}
            {barriers.overdue > 0 ? <strong> {t("barriers:dashboard.overdue", { count: barriers.overdue })}</strong> : null}{" "}
            <a href={`${base}/barrierefreiheit`}>{t("barriers:dashboard.link")}</a>
          </p>
        </div>
      ) : null}
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
