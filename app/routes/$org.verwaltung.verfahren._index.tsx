/** The organisation's procedures, for admins: each with its state, period and the pages to work on it. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getDb } from "~/db.server";
import { formatDate } from "~/i18n/format";
import { getT } from "~/i18n/i18n.server";
import { requireStaff } from "~/modules/accounts/permissions.server";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { dashboard } from "~/modules/procedures/dashboard.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params, ["admin"]);
    const { t } = await getT(request, "staff");
    return { pageTitle: t("procedures.title"), rows: await dashboard(getDb(), user.organisationId), base: `/${user.organisationSlug}/verwaltung` };
  });
}

export default function Procedures() {
  const { rows, base } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("staff");
  return (
    <>
      <h1>{t("procedures.title")}</h1>
      <p>
        <a href={`${base}/verfahren/neu`}>{t("procedures.new")}</a>
      </p>
      {rows.length === 0 ? (
        <p>{t("procedures.none")}</p>
      ) : (
        <div className="table-wrap" role="region" aria-labelledby="procedures-caption" tabIndex={0}>
          <table className="table">
            <caption id="procedures-caption">{t("procedures.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("procedures.procedure")}</th>
                <th scope="col">{t("procedures.status")}</th>
                <th scope="col">{t("procedures.period")}</th>
                <th scope="col" className="num">
                  {t("procedures.submissions")}
                </th>
                <th scope="col">{t("procedures.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <th scope="row" id={`procedure-${r.id}`}>
                    <a href={`${base}/verfahren/${r.id}`} lang="de">
                      {r.title}
                    </a>
                  </th>
                  <td>{t(`status.${r.status}`)}</td>
                  <td>{t("dashboard.period", { from: formatDate(r.opensAt, i18n.language), until: formatDate(r.closesAt, i18n.language) })}</td>
                  <td className="num">{r.total}</td>
                  <td>
                    {/* the row's title describes the link ("Fragen" alone is the same in every row) */}
                    <a href={`${base}/verfahren/${r.id}/fragen`} aria-describedby={`procedure-${r.id}`}>
                      {t("procedures.questions")}
                    </a>
                    {r.status !== "draft" ? (
                      <>
                        {" · "}
                        <a href={`${base}/moderation/${r.id}`} aria-describedby={`procedure-${r.id}`}>
                          {t("procedures.moderation")}
                        </a>
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
