/**
 * The staff audit log (admins only): who did what, when, from where; 50 entries a page (?seite=N),
 * filtered by person, action, procedure and days; each entry links to what it concerns; the same
 * selection as CSV for the data-protection officer (protokoll.csv).
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Button, FilterDate, FilterSelect } from "~/components/fields";
import { PrevNextNav } from "~/components/PrevNextNav";
import { getDb } from "~/db.server";
import { formatDateTime } from "~/i18n/format";
import { getT } from "~/i18n/i18n.server";
import { requireStaff } from "~/modules/accounts/permissions.server";
import { AUDIT_ACTIONS, auditPeople, listAudit, parseAuditFilter } from "~/modules/audit/audit.server";
import { dashboard } from "~/modules/procedures/dashboard.server";
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
    const url = new URL(request.url);
    const { fromDay, untilDay, ...filter } = parseAuditFilter(url.searchParams);
    const { entries, hasMore } = await listAudit(getDb(), user.organisationId, page, filter);
    // the filter's query, kept by the page links and the CSV link
    const query = new URLSearchParams();
    if (filter.accountId) query.set("person", String(filter.accountId));
    if (filter.action) query.set("aktion", filter.action);
    if (filter.procedureId) query.set("verfahren", String(filter.procedureId));
    if (fromDay) query.set("von", fromDay);
    if (untilDay) query.set("bis", untilDay);
    return {
      pageTitle: page > 1 ? `${t("audit.title")} (${page})` : t("audit.title"),
      page,
      hasMore,
      self: `/${user.organisationSlug}/verwaltung/protokoll`,
      base: `/${user.organisationSlug}/verwaltung`,
      query: query.toString(),
      filter: { ...filter, fromDay: fromDay ?? "", untilDay: untilDay ?? "" },
      people: await auditPeople(getDb(), user.organisationId),
      procedures: (await dashboard(getDb(), user.organisationId)).map((p) => ({ id: p.id, title: p.title })),
      entries: entries.map((e) => ({
        id: e.id,
        at: e.occurred_at,
        who: e.accountEmail,
        action: e.action,
        targetType: e.target_type,
        // a desk entry by its submission's number, not its internal entry key
        targetId: e.target_type === "submission" ? (e.submissionId === null ? "" : String(e.submissionId)) : e.target_id,
        // the e-mail address of an account an action was about, recorded with it
        targetEmail: typeof e.details.email === "string" ? e.details.email : null,
        from: e.client_address,
      })),
    };
  });
}

/** Where an entry's target is shown, for admins: the page of the procedure, submission, account… */
function targetHref(base: string, type: string, id: string): string | null {
  if (!/^\d+$/.test(id)) return type === "organisation" ? `${base}/einstellungen` : null;
  switch (type) {
    case "procedure":
      return `${base}/verfahren/${id}`;
    case "submission":
      return `${base}/moderation/beitrag/${id}`;
    case "account":
      return `${base}/konten?konto=${id}`;
    case "barrier_report":
      return `${base}/barrierefreiheit/${id}`;
    case "organisation":
      return `${base}/einstellungen`;
    default:
      return null;
  }
}

export default function AuditLog() {
  const { entries, page, hasMore, self, base, query, filter, people, procedures } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation(["staff", "accounts"]);
  const withQuery = (extra: string) => {
    const q = [query, extra].filter(Boolean).join("&");
    return q ? `${self}?${q}` : self;
  };
  return (
    <>
      <h1>{t("staff:audit.title")}</h1>
      <p>{t("staff:audit.intro")}</p>
      <form method="get" action={self} className="filters">
        <FilterSelect name="person" label={t("staff:audit.filter.person")} value={String(filter.accountId ?? "")} options={[{ value: "", label: t("staff:audit.filter.all") }, ...people.map((p) => ({ value: String(p.id), label: `${p.display_name} (${p.email})` }))]} />
        <FilterSelect name="aktion" label={t("staff:audit.filter.action")} value={filter.action ?? ""} options={[{ value: "", label: t("staff:audit.filter.all") }, ...AUDIT_ACTIONS.map((a) => ({ value: a, label: t(`accounts:audit.actions.${a}`) }))]} />
        <FilterSelect name="verfahren" label={t("staff:audit.filter.procedure")} value={String(filter.procedureId ?? "")} options={[{ value: "", label: t("staff:audit.filter.all") }, ...procedures.map((p) => ({ value: String(p.id), label: p.title, lang: "de" }))]} />
        <FilterDate name="von" label={t("staff:audit.filter.from")} value={filter.fromDay} />
        <FilterDate name="bis" label={t("staff:audit.filter.until")} value={filter.untilDay} />
        <Button secondary>{t("staff:audit.filter.submit")}</Button>
      </form>
      <p>
        <a href={query ? `${self}.csv?${query}` : `${self}.csv`} download>
          {t("staff:audit.csv")}
        </a>
      </p>
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
              {entries.map((e) => {
                const href = e.targetType ? targetHref(base, e.targetType, e.targetId) : null;
                const label = e.targetType ? `${t(`accounts:audit.targets.${e.targetType}`, { defaultValue: e.targetType })} ${e.targetId}`.trim() : "";
                return (
                  <tr key={e.id} data-action={e.action}>
                    <th scope="row">
                      <time dateTime={e.at}>{formatDateTime(e.at, i18n.language)}</time>
                    </th>
                    <td dir={e.who ? "ltr" : undefined}>{e.who ?? t("staff:audit.system")}</td>
                    <td>{t(`accounts:audit.actions.${e.action}`, { defaultValue: e.action })}</td>
                    <td>
                      {e.targetType ? (
                        <>
                          {href ? <a href={href}>{label}</a> : label}
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
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <PrevNextNav
        label={t("accounts:audit.pagination")}
        previous={page > 1 ? { href: page === 2 ? withQuery("") : withQuery(`seite=${page - 1}`), text: t("staff:audit.newer") } : null}
        next={hasMore ? { href: withQuery(`seite=${page + 1}`), text: t("staff:audit.older") } : null}
      />
    </>
  );
}
