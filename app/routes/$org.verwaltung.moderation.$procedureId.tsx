/** The moderation queue of one procedure: filter, page through, select several to answer together. */
import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ErrorSummary } from "~/components/ErrorSummary";
import { Button, FilterSelect, TextField } from "~/components/fields";
import { getDb } from "~/db.server";
import { formatDate, formatDateTime } from "~/i18n/format";
import { getT } from "~/i18n/i18n.server";
import { requireStaff } from "~/modules/accounts/permissions.server";
import { MODERATION_ROLES } from "~/modules/accounts/roles";
import { CHANNELS } from "~/modules/procedures/dashboard.server";
import { sectionLabel } from "~/modules/sections/outline";
import { sectionsOf } from "~/modules/sections/sections.server";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { QUEUE_SEARCH_COUNT_LIMIT, QUEUE_STATES, countQueueBySection, countQueueSearch, listQueue, procedureForModeration } from "~/modules/moderation/moderation.server";
import { GROUP_BY_SECTION, WHOLE_DRAFT_FILTER, parseQueueFilter } from "~/modules/moderation/queue-filter.server";
import { QUEUE_SEARCH_MAX_LENGTH } from "~/modules/moderation/queue-search";
import { ChannelAndStateSelects, SectionSelect } from "~/modules/moderation/ui/QueueFilterSelects";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params, MODERATION_ROLES);
    const db = getDb();
    const procedure = await procedureForModeration(db, user.organisationId, params.procedureId);
    const url = new URL(request.url);
    const sections = await sectionsOf(db, procedure);
    const { filter, searchText, searchError, section, groupBySection } = parseQueueFilter(url.searchParams, sections);
    const queue = searchError ? { items: [], next: null } : await listQueue(db, user.organisationId, procedure, filter);
    const found = filter.words && !searchError ? await countQueueSearch(db, user.organisationId, procedure.id, filter) : null;
    const numberOf = new Map(sections.map((x) => [x.id, x.number]));
    // grouped: each section (and the draft as a whole) with its count under the other filters, linked to its list
    const withSection = (value: string) => {
      const p = new URLSearchParams(url.searchParams);
      p.delete("nach");
      p.set("abschnitt", value);
      return `?${p}`;
    };
    const counts = groupBySection && sections.length && !searchError ? await countQueueBySection(db, user.organisationId, procedure.id, filter) : null;
    const groups = counts
      ? [
          { key: WHOLE_DRAFT_FILTER, label: null, count: counts.get(null) ?? 0, href: withSection(WHOLE_DRAFT_FILTER) },
          ...sections.map((x) => ({ key: x.number, label: sectionLabel(x), count: counts.get(x.id) ?? 0, href: withSection(x.number) })),
        ]
      : null;
    const { t } = await getT(request, "moderation");
    const nextParams = new URLSearchParams(url.searchParams);
    if (queue.next) nextParams.set("nach", String(queue.next));
    return json(
      {
        pageTitle: t("queue.title", { title: procedure.title }),
        procedure: { id: procedure.id, title: procedure.title },
        filter,
        queue: { ...queue, items: queue.items.map((i) => ({ ...i, section: i.sectionId === null ? null : numberOf.get(i.sectionId) ?? null })) },
        sections: sections.map((x) => ({ number: x.number, label: sectionLabel(x) })),
        section,
        groupBySection,
        groups,
        searchText,
        searchError,
        found,
        nextHref: queue.next ? `?${nextParams}` : null,
      // after a group response: how many it answered (issue 14, point 12)
      answeredCount: /^[1-9][0-9]{0,2}$/.test(url.searchParams.get("beantwortet") ?? "") ? Number(url.searchParams.get("beantwortet")) : null,
        base: `/${user.organisationSlug}/verwaltung/moderation`,
      },
      { status: searchError ? 400 : 200 },
    );
  });
}

export default function Queue() {
  const { procedure, filter, queue, nextHref, base, answeredCount, searchText, searchError, found, sections, section, groupBySection, groups } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation(["moderation", "staff"]);
  // a page has 25 rows but only a dozen different channel, state and response labels: each looked up once
  const labels = new Map<string, string>();
  const label = (key: string) => {
    let text = labels.get(key);
    if (text === undefined) labels.set(key, (text = t(key)));
    return text;
  };
  // the two per-row texts with the id: translated once with a stand-in for the id, filled in per row
  const slot = "\u0000id\u0000";
  const selectText = t("queue.select", { id: slot });
  const openText = t("queue.open", { id: slot });
  const withId = (text: string, id: number) => text.replace(slot, String(id));
  return (
    <>
      <p className="caption" lang="de">
        {procedure.title}
      </p>
      <h1>{t("queue.heading")}</h1>
      {answeredCount ? (
        <div className="notice notice--success" role="status">
          <p>{t("queue.answeredNotice", { count: answeredCount })}</p>
        </div>
      ) : null}
      <p>
        <a href={`${base}/${procedure.id}/ergebnisse`}>{t("results.link")}</a> · <a href={`${base}/${procedure.id}/briefe`}>{t("letters.heading")}</a> ·{" "}
        <a href={`${base}/${procedure.id}/abwaegung`}>{t("weighing.link")}</a> · <a href={`${base}/${procedure.id}/plan`}>{t("plan:moderation.link")}</a>
      </p>
      <ErrorSummary errors={searchError ? [{ field: "suche", message: `moderation:${searchError}` }] : []} namespace="moderation" />
      <form method="get" className="filters">
        <TextField
          name="suche"
          label={t("queue.search")}
          hint={t("queue.searchHint")}
          maxLength={QUEUE_SEARCH_MAX_LENGTH}
          value={searchText}
          error={searchError ? t(searchError) : undefined}
        />
        <ChannelAndStateSelects channels={CHANNELS} states={QUEUE_STATES} channel={filter.channel} state={filter.state} />
        <FilterSelect name="antwort" label={t("queue.responded")} value={filter.responded ?? ""} options={[{ value: "", label: t("queue.all") }, { value: "no", label: t("queue.notYet") }, { value: "yes", label: t("queue.answered") }]} />
        <FilterSelect name="reihenfolge" label={t("queue.order")} value={filter.newestFirst ? "neu" : ""} options={[{ value: "", label: t("queue.oldestFirst") }, { value: "neu", label: t("queue.newestFirst") }]} />
        <SectionSelect sections={sections} section={section} wholeDraft={WHOLE_DRAFT_FILTER} />
        {sections.length ? (
          <div className="choice">
            <input className="choice__input" type="checkbox" name="gruppen" value={GROUP_BY_SECTION} id="gruppen" defaultChecked={groupBySection} />
            <label className="choice__label" htmlFor="gruppen">
              {t("queue.groupBySection")}
            </label>
          </div>
        ) : null}
        <Button secondary>{t("queue.filter")}</Button>
      </form>
      {groups ? (
        <table className="table">
          <caption>{t("queue.bySectionCaption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("queue.section")}</th>
              <th scope="col" className="num">
                {t("queue.bySectionCount")}
              </th>
            </tr>
          </thead>
          <tbody>
            {groups.map((g) => (
              <tr key={g.key}>
                <th scope="row">
                  <a href={g.href} aria-current={g.key === section ? "true" : undefined}>
                    {g.label === null ? t("queue.wholeDraft") : <span lang="de">{g.label}</span>}
                  </a>
                </th>
                <td className="num">{g.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {found !== null ? (
        <p role="status">{found > QUEUE_SEARCH_COUNT_LIMIT ? t("queue.foundMore", { count: QUEUE_SEARCH_COUNT_LIMIT }) : found === 0 ? t("queue.notFound") : t("queue.found", { count: found })}</p>
      ) : null}
      {searchError ? null : queue.items.length === 0 ? (
        found === 0 ? null : <p>{t("queue.empty")}</p>
      ) : (
        <form method="get" action={`${base}/${procedure.id}/antwort`}>
          <ul className="queue">
            {queue.items.map((s) => (
              <li key={s.id} className="queue__item">
                <div className="choice">
                  <input className="choice__input" type="checkbox" name="id" value={s.id} id={`sel-${s.id}`} />
                  <label className="choice__label" htmlFor={`sel-${s.id}`}>
                    <span className="visually-hidden">{withId(selectText, s.id)}</span>
                    <span aria-hidden="true">#{s.id}</span>
                  </label>
                </div>
                <div className="queue__body">
                  <p className="queue__meta">
                    <a href={`${base}/beitrag/${s.id}`}>{withId(openText, s.id)}</a> · {s.receivedOn ? formatDate(s.receivedOn, i18n.language) : formatDateTime(s.createdAt, i18n.language)} · {label(`staff:channels.${s.channel}`)} ·{" "}
                    {label(`states.${s.state}`)} · {label(`responseStates.${s.responseState}`)}
                    {sections.length ? <> · {s.section ? t("queue.aboutSection", { number: s.section }) : label("queue.aboutWhole")}</> : null}
                    {s.personalData ? (
                      <>
                        {" · "}
                        <strong className="error-message">{label("queue.personalData")}</strong>
                      </>
                    ) : null}
                  </p>
                  {s.excerpt ? (
                    <p lang="de" className="pre">
                      {s.excerpt}
                    </p>
                  ) : null}
                </div>
              </li>
            ))}
          </ul>
          <div className="channel-links">
            <Button>{t("queue.respondSelected")}</Button>
            <button type="submit" formAction={`${base}/${procedure.id}/sammel`} className="button button--secondary">
              {t("queue.moderateSelected")}
            </button>
          </div>
        </form>
      )}
      {nextHref ? (
        <p>
          <a href={nextHref}>{t("queue.next")}</a>
        </p>
      ) : null}
    </>
  );
}
