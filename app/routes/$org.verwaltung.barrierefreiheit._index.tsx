/** Admins: the barrier reports with their age and due date, overdue ones first and marked. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getDb } from "~/db.server";
import { formatDate } from "~/i18n/format";
import { getT } from "~/i18n/i18n.server";
import { listBarrierReports } from "~/modules/accessibility/accessibility.server";
import { ageInDays } from "~/modules/accessibility/reports";
import { requireStaff } from "~/modules/accounts/permissions.server";
import { withErrorPages } from "~/modules/http/route-errors.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params, ["admin"]);
    const { t } = await getT(request, "barriers");
    const now = new Date();
    const reports = await listBarrierReports(getDb(), user.organisationId, now);
    return {
      pageTitle: t("list.title"),
      reports: reports.map((r) => ({ ...r, age: ageInDays(r.receivedAt, now) })),
      base: `/${user.organisationSlug}/verwaltung/barrierefreiheit`,
      statementPath: `/${user.organisationSlug}/barrierefreiheit`,
      signLanguagePath: `/${user.organisationSlug}/verwaltung/gebaerdensprache`,
    };
  });
}

export default function BarrierReports() {
  const { reports, base, statementPath, signLanguagePath } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("barriers");
  const overdue = reports.filter((r) => r.overdue).length;
  return (
    <>
      <h1>{t("list.title")}</h1>
      <p>{t("list.intro")}</p>
      <ul>
        <li>
          <a href={`${base}/erklaerung`}>{t("list.editStatement")}</a>
        </li>
        <li>
          <a href={statementPath}>{t("list.viewStatement")}</a>
        </li>
        <li>
          <a href={signLanguagePath}>{t("list.signLanguage")}</a>
        </li>
      </ul>
      {overdue > 0 ? (
        <div className="notice" role="status">
          <p>
            <strong>{t("list.overdueNotice", { count: overdue })}</strong>
          </p>
        </div>
      ) : null}
      {reports.length === 0 ? (
        <p>{t("list.empty")}</p>
      ) : (
        <div className="table-wrap" role="region" aria-labelledby="reports-caption" tabIndex={0}>
          <table className="table">
            <caption id="reports-caption">{t("list.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("list.reference")}</th>
                <th scope="col">{t("list.page")}</th>
                <th scope="col">{t("list.received")}</th>
                <th scope="col" className="num">
                  {t("list.age")}
                </th>
                <th scope="col">{t("list.due")}</th>
                <th scope="col">{t("list.status")}</th>
              </tr>
            </thead>
            <tbody>
              {reports.map((r) => (
                <tr key={r.id}>
                  <th scope="row">
                    <a href={`${base}/${r.id}`}>{r.reference}</a>
                  </th>
                  <td>{r.page}</td>
                  <td>{formatDate(r.receivedAt, i18n.language)}</td>
                  <td className="num">{t("list.days", { count: r.age })}</td>
                  <td>{formatDate(r.dueAt, i18n.language)}</td>
                  <td>{r.overdue ? <strong>{t("status.overdue")}</strong> : t(`status.${r.status}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
