/** Moderation: the procedures with their submissions by state. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getDb } from "~/db.server";
import { getT } from "~/i18n/i18n.server";
import { requireStaff } from "~/modules/accounts/permissions.server";
import { MODERATION_ROLES } from "~/modules/accounts/roles";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { moderationProcedures } from "~/modules/moderation/moderation.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params, MODERATION_ROLES);
    const { t } = await getT(request, "moderation");
    return { pageTitle: t("home.title"), procedures: await moderationProcedures(getDb(), user.organisationId), base: `/${user.organisationSlug}/verwaltung/moderation` };
  });
}

export default function ModerationHome() {
  const { procedures, base } = useLoaderData<typeof loader>();
  const { t } = useTranslation("moderation");
  const states = ["received", "published", "published_redacted", "not_published"] as const;
  return (
    <>
      <h1>{t("home.title")}</h1>
      <div className="table-wrap" role="region" aria-labelledby="mod-caption" tabIndex={0}>
        <table className="table">
          <caption id="mod-caption">{t("home.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("home.procedure")}</th>
              {states.map((s) => (
                <th scope="col" className="num" key={s}>
                  {t(`states.${s}`)}
                </th>
              ))}
              <th scope="col" className="num">
                {t("home.answered")}
              </th>
            </tr>
          </thead>
          <tbody>
            {procedures.map((p) => (
              <tr key={p.id}>
                <th scope="row">
                  <a href={`${base}/${p.id}`} lang="de">
                    {p.title}
                  </a>
                </th>
                {states.map((s) => (
                  <td className="num" key={s}>
                    {p.byState[s] ?? 0}
                  </td>
                ))}
                <td className="num">{p.answered}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
