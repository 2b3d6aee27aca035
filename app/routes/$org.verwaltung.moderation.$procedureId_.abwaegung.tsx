/**
 * The weighing table of a procedure: download it as XLSX or ODT (named or anonymised, original or
 * redacted text), or print the anonymised table from this page (print stylesheet, A4 landscape).
 * The page itself shows no names, so viewing it opens nothing that needs logging.
 */
import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ChoiceField } from "~/components/fields";
import { getDb } from "~/db.server";
import { getT } from "~/i18n/i18n.server";
import { requireStaff } from "~/modules/accounts/permissions.server";
import { MODERATION_ROLES } from "~/modules/accounts/roles";
import { printableWeighingTable } from "~/modules/considerations/printable.server";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { procedureForModeration } from "~/modules/moderation/moderation.server";
import weighingStylesheet from "~/styles/weighing.css";

// a stylesheet file, not a <style> element: the Content-Security-Policy allows only our own files
export const links: LinksFunction = () => [{ rel: "stylesheet", href: weighingStylesheet }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params, MODERATION_ROLES);
    const db = getDb();
    const procedure = await procedureForModeration(db, user.organisationId, params.procedureId);
    const { t } = await getT(request, "moderation");
    const table = await printableWeighingTable(db, procedure, user.id);
    return {
      pageTitle: t("weighing.title"),
      procedure: { id: procedure.id, title: procedure.title },
      base: `/${user.organisationSlug}/verwaltung/moderation/${procedure.id}`,
      ...table,
    };
  });
}

export default function WeighingTable() {
  const { procedure, base, columns, groups, rows, total, considered, office } = useLoaderData<typeof loader>();
  const { t } = useTranslation(["moderation", "staff"]);
  return (
    <>
      <p className="caption" lang="de">
        {procedure.title}
      </p>
      <h1>{t("weighing.title")}</h1>
      <p>{t("weighing.intro", { total, considered })}</p>
      <form method="get" action={`${base}/abwaegung/xlsx`} className="weighing-form">
        <h2>{t("weighing.downloadHeading")}</h2>
        <ChoiceField
          name="variante"
          type="radio"
          label={t("weighing.variant")}
          values={["anonymisiert"]}
          items={[
            { value: "anonymisiert", label: t("weighing.anonymised") },
            { value: "namentlich", label: t("weighing.named") },
          ]}
        />
        <ChoiceField
          name="text"
          type="radio"
          label={t("weighing.text")}
          values={["geschwaerzt"]}
          items={[
            { value: "geschwaerzt", label: t("weighing.redacted") },
            { value: "original", label: t("weighing.original") },
          ]}
        />
        <p className="hint">{t("weighing.logged")}</p>
        <p>
          <button type="submit" className="button">
            {t("weighing.xlsx")}
          </button>{" "}
          <button type="submit" className="button button--secondary" formAction={`${base}/abwaegung/odt`}>
            {t("weighing.odt")}
          </button>
        </p>
      </form>
      <h2>{t("weighing.printHeading")}</h2>
      <p className="weighing-note">{rows.length < total ? t("weighing.printLimited", { shown: rows.length, total }) : t("weighing.printHint")}</p>
      <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="weighing-caption">
        <table className="table weighing">
          <caption id="weighing-caption">
            {t("weighing.caption", { office })}
          </caption>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.key} scope="col" lang="de">
                  {c.header}
                </th>
              ))}
            </tr>
          </thead>
          {groups.map((g) => (
            <tbody key={g.title}>
              {g.title ? (
                <tr className="weighing__group">
                  <th colSpan={columns.length} scope="rowgroup" lang="de">
                    {g.title}
                  </th>
                </tr>
              ) : null}
              {g.rows.map((r) => (
                <tr key={r[0]}>
                  {r.map((v, i) =>
                    i === 0 ? (
                      <th key={i} scope="row" className="weighing__number">
                        {v}
                      </th>
                    ) : (
                      <td key={i} lang="de">
                        {v}
                      </td>
                    ),
                  )}
                </tr>
              ))}
            </tbody>
          ))}
        </table>
      </div>
    </>
  );
}
