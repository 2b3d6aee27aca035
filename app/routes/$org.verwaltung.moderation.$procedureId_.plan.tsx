/**
 * The places of a procedure's statements (moderators, issue 18): the plan with every statement's
 * point as a numbered marker linked to its row in the list below, the queue's filters (channel,
 * state), a cell to look into, and the statements counted per grid cell. No JavaScript.
 */
import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Button } from "~/components/fields";
import { getDb } from "~/db.server";
import { getT } from "~/i18n/i18n.server";
import { requireStaff } from "~/modules/accounts/permissions.server";
import { MODERATION_ROLES } from "~/modules/accounts/roles";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { procedureForModeration, QUEUE_STATES } from "~/modules/moderation/moderation.server";
import { WHOLE_DRAFT_FILTER } from "~/modules/moderation/queue-filter.server";
import { parsePlacesFilter, placesOverview } from "~/modules/places/overview.server";
import { sectionLabel } from "~/modules/sections/outline";
import { sectionsOf } from "~/modules/sections/sections.server";
import { ChannelAndStateSelects, SectionSelect } from "~/modules/moderation/ui/QueueFilterSelects";
import { CellCountsTable } from "~/modules/places/ui/CellCountsTable";
import { CHANNELS } from "~/modules/procedures/dashboard.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params, MODERATION_ROLES);
    const db = getDb();
    const procedure = await procedureForModeration(db, user.organisationId, params.procedureId);
    const url = new URL(request.url);
    const sections = await sectionsOf(db, procedure);
    const base = `/${user.organisationSlug}/verwaltung/moderation`;
    const overview = await placesOverview(db, {
      organisationId: user.organisationId,
      procedureId: procedure.id,
      publicPath: `/${user.organisationSlug}/verfahren/${procedure.slug}`,
      here: `${base}/${procedure.id}/plan`,
      query: parsePlacesFilter(url.searchParams, sections),
    });
    const { t } = await getT(request, "plan");
    return json({
      pageTitle: t("moderation.title", { title: procedure.title }),
      procedure: { id: procedure.id, title: procedure.title },
      base,
      sections: sections.map((x) => ({ number: x.number, label: sectionLabel(x) })),
      ...overview,
    });
  });
}

export default function ModerationPlan() {
  const { procedure, base, plan, markers, counts, filter, section, sections, cell, page, pages, items, total, hrefs } = useLoaderData<typeof loader>();
  const { t } = useTranslation(["plan", "moderation", "staff"]);
  const here = `${base}/${procedure.id}/plan`;
  return (
    <>
      <p className="caption" lang="de">
        {procedure.title}
      </p>
      <h1>{t("moderation.heading")}</h1>
      <p>
        <a href={`${base}/${procedure.id}`}>{t("moderation.back")}</a>
      </p>
      <form method="get" action={here} className="filters">
        <ChannelAndStateSelects channels={CHANNELS} states={QUEUE_STATES} channel={filter.channel} state={filter.state} />
        <SectionSelect sections={sections} section={section} wholeDraft={WHOLE_DRAFT_FILTER} />
        <Button secondary>{t("moderation:queue.filter")}</Button>
      </form>
      <p role="status">{t("moderation.count", { count: total })}</p>
      {plan ? (
        <>
          <div className="plan-markers">
            <img src={plan.src} width={plan.width} height={plan.height} alt={t("moderation.planAlt", { alt: plan.alt })} lang="de" />
            {/* built as a string by the module: 10 000 markers as React elements cost far more */}
            <div className="plan-markers__layer" dangerouslySetInnerHTML={{ __html: markers }} />
          </div>
          <h2>{t("moderation.cellsHeading")}</h2>
          <CellCountsTable counts={counts} caption={t("moderation.cellsCaption")} hrefOf={(c) => `${hrefs.filter}${hrefs.filter.includes("?") ? "&" : "?"}zelle=${c}#liste`} />
          <p>{t("moderation.withoutCell", { count: counts.withoutCell })}</p>
        </>
      ) : (
        <p>{t("moderation.noPlan")}</p>
      )}
      <h2 id="liste">{cell ? t("moderation.listInCell", { cell }) : t("moderation.list")}</h2>
      {cell ? (
        <p>
          <a href={`${hrefs.filter}#liste`}>{t("moderation.allCells")}</a>
        </p>
      ) : null}
      {items.length === 0 ? (
        <p>{t("moderation.empty")}</p>
      ) : (
        <ol className="plan-list">
          {items.map((s) => (
            <li key={s.id} id={`ort-${s.number}`} value={s.number}>
              <a href={`${base}/beitrag/${s.id}`}>{t("moderation.statement", { id: s.id })}</a> · {t(`staff:channels.${s.channel}`)} · {t(`moderation:states.${s.state}`)}
              {" · "}
              {s.cell ? t("moderation.cell", { cell: s.cell }) : t("moderation.noCell")}
              {s.x !== null ? ` · ${t("moderation.point")}` : ""}
              {s.description ? (
                <>
                  {" · "}
                  <span lang="de">{s.description}</span>
                </>
              ) : null}
            </li>
          ))}
        </ol>
      )}
      {pages > 1 ? (
        <nav aria-label={t("moderation.pages")}>
          <p>
            {page > 1 ? <a href={`${hrefs.page}${page - 1}#liste`}>{t("moderation.previous")}</a> : null} {t("moderation.pageOf", { page, pages })}{" "}
            {page < pages ? <a href={`${hrefs.page}${page + 1}#liste`}>{t("moderation.next")}</a> : null}
          </p>
        </nav>
      ) : null}
    </>
  );
}
