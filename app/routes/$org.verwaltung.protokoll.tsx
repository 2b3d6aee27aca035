/** The staff audit log (admins only): who did what, when, from where; 50 entries a page (?seite=N). */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getDb } from "~/db.server";
import { formatDateTime } from "~/i18n/format";
import { getT } from "~/i18n/i18n.server";
import { requireStaff } from "~/modules/accounts/permissions.server";
import { listAudit } from "~/modules/audit/audit.server";
import { withErrorPages } from "~/modules/http/route-errors.server";

/** ?seite=N: a positive whole number; anything else is the first page. */
function pageOf(request: Request): number {
  const raw = new URL(request.url).searchParams.get("seite") ?? "";
  return /^[1-9][0-9]{0,5}$/.test(raw) ? Number(raw) : 1;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params, ["admin"]);
    const { t } = await getT(request, "staff");
    const page = pageOf(request);
    const { entries, hasMore } = await listAudit(getDb(), user.organisationId, page);
    return {
      pageTitle: page > 1 ? `${t("audit.title")} (${page})` : t("audit.title"),
      page,
      hasMore,
      self: `/${user.organisationSlug}/verwaltung/protokoll`,
      entries: entries.map((e) => ({
        id: e.id,
        at: e.occurred_at,
        who: e.accountEmail,
        action: e.action,
        targetType: e.target_type,
        targetId: e.target_id,
        // the e-mail address of an account an action was about, recorded with it
        targetEmail: typeof e.details.email === "string" ? e.details.email : null,
        from: e.client_address,
      })),
    };
  });
}

export default function AuditLog() {
  const { entries, page, hasMore, self } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation(["staff", "accounts"]);
  return (
    <>
      <h1>{t("staff:audit.title")}</h1>
      <p>{t("staff:audit.intro")}</p>
      {entries.length === 0 ? (
        <p>{t("staff:audit.empty")}</p>
      ) : (
        <div className="table-wrap" role="region" aria-labelledby="audit-caption" tabIndex={0}>
          <table className="table">
            <caption id="audit-caption">{t("accounts:audit.caption", { page })}</caption>
            <thead>
              <tr>
                <th scope="col">{t("staff:audit.when")}</th>
                <th scope="col">{t("staff:audit.who")}</th>
                <th scope="col">{t("staff:audit.what")}</th>
                <th scope="col">{t("staff:audit.target")}</th>
                <th scope="col">{t("staff:audit.from")}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id} data-action={e.action}>
                  <th scope="row">
                    <time dateTime={e.at}>{formatDateTime(e.at, i18n.language)}</time>
                  </th>
                  <td dir={e.who ? "ltr" : undefined}>{e.who ?? t("staff:audit.system")}</td>
                  <td>{t(`accounts:audit.actions.${e.action}`, { defaultValue: e.action })}</td>
                  <td>
                    {e.targetType ? (
                      <>
                        {t(`accounts:audit.targets.${e.targetType}`, { defaultValue: e.targetType })} {e.targetId}
                        {e.targetEmail ? (
                          <>
                            <br />
                            <span dir="ltr">{e.targetEmail}</span>
                          </>
                        ) : null}
                      </>
                    ) : null}
                  </td>
                  <td dir="ltr">{e.from}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page > 1 || hasMore ? (
        <nav aria-label={t("accounts:audit.pagination")}>
          <ul className="list">
            {page > 1 ? (
              <li>
                <a href={page === 2 ? self : `${self}?seite=${page - 1}`} rel="prev">
                  {t("staff:audit.newer")}
                </a>
              </li>
            ) : null}
            {hasMore ? (
              <li>
                <a href={`${self}?seite=${page + 1}`} rel="next">
                  {t("staff:audit.older")}
                </a>
              </li>
            ) : null}
          </ul>
        </nav>
      ) : null}
    </>
  );
}
