/**
 * The results of a procedure, once published: the summary, submissions per channel, every choice
 * question as a chart with its table (small groups suppressed), the published submissions (number
 * and free text only, decision 30) with the council's responses (20 per page, ?seite=N) and links to the open data. Never personal data.
 * A draft with numbered sections: the published statements per section, each linked to its list (?abschnitt=3.2; decision 62).
 * Before the results are out: a 404 that says so.
 */
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PrevNextNav } from "~/components/PrevNextNav";
import { CONTENT_LANGUAGE } from "~/i18n/config";
import { fixedT } from "~/i18n/i18n.server";
import { HttpError } from "~/modules/http/errors";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { loadProcedureContext, publicOrganisation } from "~/modules/procedures/context.server";
import { renderMarkdown } from "~/modules/procedures/markdown";
import { contentAttrs, languageNote, type LocalizedQuestion } from "~/modules/procedures/translations";
import { procedureForReader } from "~/modules/procedures/translations.server";
import { ContentLanguageNote } from "~/modules/procedures/ui/ContentLanguageNote";
import { MIN_GROUP_SIZE, type HiddenReason } from "~/modules/results/disclosure";
import { RESPONSE_EXCERPT_MAX, TEXT_KINDS, excerpt, excerptLength, parsePage } from "~/modules/results/rules";
import { publishedPage, sectionCounts } from "~/modules/results/published.server";
import { sectionByNumber, sectionLabel } from "~/modules/sections/outline";
import { resultsStatistics } from "~/modules/results/statistics.server";
import { resultsSummaryOf } from "~/modules/results/results-procedure.server";
import { BarChart, countText } from "~/modules/results/ui/BarChart";
import { georeferenceOf } from "~/modules/places/plans.server";
import { resultsPlan } from "~/modules/places/published-places.server";
import { CellCountsTable } from "~/modules/places/ui/CellCountsTable";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const { db, organisation, procedure: original, basePath, locale } = await loadProcedureContext(request, params);
    const t = fixedT(locale, "results");
    // titles, questions and option labels in the reader's language where translated (counts are by option value)
    const procedure = await procedureForReader(db, original, locale);
    const common = { organisation: publicOrganisation(organisation), basePath, title: procedure.title, titleLang: procedure.langs.title };
    if (procedure.status !== "results_published") {
      return data({ ...common, pageTitle: t("notPublished.title"), note: languageNote(locale, [procedure.langs.title]) ? ("partial" as const) : null, results: null }, { status: 404 });
    }
    const url = new URL(request.url);
    const page = parsePage(url.searchParams.get("seite"));
    if (page === null) throw new HttpError(404, "not_found");
    // the statistics and the number published come from the stored snapshot, not a count per request
    const [summary, { channels, statistics, published: total }, bySection] = await Promise.all([
      resultsSummaryOf(db, procedure.id),
      resultsStatistics(db, procedure, { yes: t("yes"), no: t("no") }),
      sectionCounts(db, procedure.id),
    ]);
    // ?abschnitt=3.2 (or =gesamt): the published statements about one section; anything else: all
    const chosen = url.searchParams.get("abschnitt") ?? "";
    const section = !bySection
      ? null
      : chosen === WHOLE_DRAFT_PARAM
        ? { key: WHOLE_DRAFT_PARAM, id: null, number: null, title: null, total: bySection.wholeDraft }
        : (() => {
            const x = sectionByNumber(bySection.sections, chosen);
            return x ? { key: x.number, id: x.id, number: x.number, title: x.title, total: x.published } : null;
          })();
    const [published, places] = await Promise.all([publishedPage(db, procedure.id, page, total, section ?? undefined), resultsPlan(db, procedure.id, basePath)]);
    if (page > published.pages) throw new HttpError(404, "not_found");
    const textQuestions = procedure.questions.filter((q) => TEXT_KINDS.includes(q.kind));
    const questionById = new Map(procedure.questions.map((q) => [q.id, q]));
    const shown = [procedure.langs.title, ...statistics.map((s) => questionById.get(s.questionId)!.langs.label), ...textQuestions.map((q) => q.langs.label)];
    for (const s of statistics) shown.push(...s.rows.map((r) => rowLang(questionById.get(s.questionId)!, r.value)).filter((l): l is string => l !== undefined));
    return data({
      ...common,
      pageTitle: `${t("title")}: ${procedure.title}`,
      pageDescription: procedure.summary,
      note: languageNote(locale, shown) ? ("partial" as const) : null,
      results: {
        summaryHtml: renderMarkdown(summary, { headingOffset: 2 }),
        channels,
        statistics: statistics.map((s) => {
          const q = questionById.get(s.questionId)!;
          return { ...s, labelLang: q.langs.label, rows: s.rows.map((r) => ({ ...r, lang: rowLang(q, r.value) })) };
        }),
        places,
        geoJson: places !== null && (await georeferenceOf(db, procedure.id)) !== null,
        bySection: bySection
          ? [
              ...bySection.sections.map((x) => ({ key: x.number, label: sectionLabel(x), published: x.published })),
              { key: WHOLE_DRAFT_PARAM, label: null, published: bySection.wholeDraft },
            ]
          : null,
        section: section ? { key: section.key, number: section.number, title: section.title } : null,
        page,
        pages: published.pages,
        total: section ? total : published.total,
        submissions: published.items.map((s) => {
          const texts = textQuestions.map((q) => ({ id: q.id, label: q.label, labelLang: q.langs.label, text: (s.answers.get(q.id) ?? []).join("\n") })).filter((a) => a.text !== "");
          const length = excerptLength(texts.length);
          return {
            number: s.number,
            section: s.section,
            texts: texts.map((a) => ({ ...a, text: excerpt(a.text, length).text })),
            images: s.images.map((im) => ({ src: im.path, alt: im.altText })),
            response: s.response ? { decision: s.response.decision, text: excerpt(s.response.text, RESPONSE_EXCERPT_MAX).text } : null,
          };
        }),
      },
    });
  });
}

/** `?abschnitt=` for the statements about the draft as a whole. */
const WHOLE_DRAFT_PARAM = "gesamt";

/** The language of an answer's label in a chart: the option's or scale end's; none for numbers and yes/no (page language). */
function rowLang(q: LocalizedQuestion, value: string): string | undefined {
  if (q.kind === "single_choice" || q.kind === "multiple_choice") return q.langs.options[value];
  if (q.kind === "scale" && q.scale) return value === String(q.scale.min) ? q.langs.minLabel : value === String(q.scale.max) ? q.langs.maxLabel : undefined;
  return undefined;
}

/** Nothing is sent to this page: a clear 405, not Remix's logged one. */
export async function action({ params }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    throw new HttpError(405, "method_not_allowed");
  }, `/${params.org}/verfahren/${params.slug}/ergebnisse`);
}

export default function ResultsPage() {
  const { title, titleLang, basePath, results, note } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation(["results", "privacy", "place"]);
  const de = CONTENT_LANGUAGE;
  if (!results) {
    return (
      <>
        <p className="caption" {...contentAttrs(titleLang, i18n.language)}>
          {title}
        </p>
        <h1>{t("notPublished.title")}</h1>
        <ContentLanguageNote coverage={note} />
        <p>{t("notPublished.body")}</p>
        <p>
          <a href={basePath}>{t("back")}</a>
        </p>
      </>
    );
  }
  const number = new Intl.NumberFormat(i18n.language);
  const count = (c: { count: number | null; hidden: HiddenReason | null }) => countText(t, number, c, MIN_GROUP_SIZE);
  const protectiveNote = <p className="hint">{t("protectsSmallGroupNote", { limit: MIN_GROUP_SIZE })}</p>;
  const pageHref = (p: number) => {
    const q = new URLSearchParams();
    if (results.section) q.set("abschnitt", results.section.key);
    if (p > 1) q.set("seite", String(p));
    return `?${q}`;
  };
  return (
    <>
      <p className="caption" {...contentAttrs(titleLang, i18n.language)}>
        {title}
      </p>
      <h1>{t("title")}</h1>
      <ContentLanguageNote coverage={note} />
      {results.summaryHtml ? (
        <>
          <h2>{t("summaryHeading")}</h2>
          {/* safe by construction: the renderer escapes all text and writes only its own elements; `#` is an h3 under this h2 */}
          <div lang={de} dangerouslySetInnerHTML={{ __html: results.summaryHtml }} />
        </>
      ) : null}

      <h2>{t("channels.heading")}</h2>
      <div className="table-wrap" role="region" aria-labelledby="channels-caption" tabIndex={0}>
        <table className="table">
          <caption id="channels-caption">{t("channels.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("channels.channel")}</th>
              <th scope="col" className="num">
                {t("channels.count")}
              </th>
            </tr>
          </thead>
          <tbody>
            {results.channels.map((c) => (
              <tr key={c.channel}>
                <th scope="row">{t(`channels.${c.channel}`)}</th>
                <td className="num">{count(c)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {results.channels.some((c) => c.hidden === "protects_small_group") ? protectiveNote : null}

      <h2>{t("questions.heading")}</h2>
      {results.statistics.length === 0 ? (
        <p>{t("questions.none")}</p>
      ) : (
        <>
          <p>{t("questions.intro", { limit: MIN_GROUP_SIZE })}</p>
          {results.statistics.some((s) => s.rows.some((r) => r.hidden === "protects_small_group")) ? protectiveNote : null}
          {results.statistics.map((s) => (
            <section key={s.questionId} aria-labelledby={`q${s.number}`}>
              <h3 id={`q${s.number}`} {...contentAttrs(s.labelLang, i18n.language)}>
                {s.label}
              </h3>
              <BarChart
                id={`chart${s.number}`}
                question={s.label}
                questionLang={s.labelLang}
                rows={s.rows.map((r) => ({ key: r.value, label: r.label, lang: r.lang, count: r.count, hidden: r.hidden }))}
                minGroupSize={MIN_GROUP_SIZE}
                headerLabel={t("questions.answer")}
                note={s.kind === "multiple_choice" ? t("questions.multiple") : undefined}
              />
            </section>
          ))}
        </>
      )}

      {results.bySection ? (
        <>
          <h2>{t("bySection.heading")}</h2>
          <p>{t("bySection.intro")}</p>
          <div className="table-wrap" role="region" aria-labelledby="sections-caption" tabIndex={0}>
            <table className="table">
              <caption id="sections-caption">{t("bySection.caption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("bySection.section")}</th>
                  <th scope="col" className="num">
                    {t("bySection.count")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {results.bySection.map((x) => (
                  <tr key={x.key}>
                    <th scope="row">
                      {x.published > 0 ? (
                        <a href={`?abschnitt=${x.key}#beitraege`} aria-current={results.section?.key === x.key ? "true" : undefined}>
                          {x.label === null ? t("bySection.whole") : <span lang={de}>{x.label}</span>}
                        </a>
                      ) : x.label === null ? (
                        t("bySection.whole")
                      ) : (
                        <span lang={de}>{x.label}</span>
                      )}
                    </th>
                    <td className="num">{number.format(x.published)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}

      <h2 id="beitraege">{t("published.heading")}</h2>
      {results.section ? (
        <p>
          {results.section.number === null ? t("bySection.filteredWhole") : t("bySection.filtered", { number: results.section.number })}{" "}
          <a href="?#beitraege">{t("bySection.showAll")}</a>
        </p>
      ) : null}
      {results.total === 0 ? (
        <p>{t("published.none")}</p>
      ) : (
        <>
          <p>{t("published.intro")}</p>
          <p>{t("published.total", { number: number.format(results.total) })}</p>
          <ul className="cards">
            {results.submissions.map((s) => (
              <li key={s.number} className="card">
                <h3 className="card__title">{t("published.item", { number: s.number })}</h3>
                {results.bySection ? (
                  <p className="card__meta">
                    {s.section ? (
                      <>
                        {t("bySection.about", { number: s.section.number })} <span lang={de}>{s.section.title}</span>
                      </>
                    ) : (
                      t("bySection.whole")
                    )}
                  </p>
                ) : null}
                {s.texts.map((a) => (
                  <div key={a.id}>
                    <p className="card__meta" {...contentAttrs(a.labelLang, i18n.language)}>
                      {a.label}
                    </p>
                    <p className="pre" {...contentAttrs(de, i18n.language)}>
                      {a.text}
                    </p>
                  </div>
                ))}
                {s.images.map((im) => (
                  <p key={im.src}>
                    <img src={im.src} alt={im.alt} lang={de} loading="lazy" />
                  </p>
                ))}
                {s.response ? (
                  <div className="inset">
                    <p>
                      <strong>{t("published.response", { decision: t(`privacy:decisions.${s.response.decision}`) })}</strong>
                    </p>
                    <p className="pre" lang={de}>
                      {s.response.text}
                    </p>
                  </div>
                ) : (
                  <p>{t("published.noResponse")}</p>
                )}
              </li>
            ))}
          </ul>
          <PrevNextNav
            label={t("published.pagination")}
            listClassName="channel-links"
            previous={results.page > 1 ? { href: `${pageHref(results.page - 1)}#beitraege`, text: t("published.previous") } : null}
            current={t("published.pageOf", { page: results.page, pages: results.pages })}
            next={results.page < results.pages ? { href: `${pageHref(results.page + 1)}#beitraege`, text: t("published.next") } : null}
          />
        </>
      )}

      {results.places ? (
        <>
          <h2>{t("place:results.heading")}</h2>
          <p>{t("place:results.intro", { limit: MIN_GROUP_SIZE })}</p>
          <figure className="plan-figure">
            <img src={results.places.src} width={results.places.width} height={results.places.height} alt={t("place:results.alt", { alt: results.places.alt })} lang={CONTENT_LANGUAGE} />
          </figure>
          <CellCountsTable counts={results.places.counts} caption={t("place:results.caption")} textOf={count} />
          {results.places.counts.rows.some((r) => r.counts.some((c) => c.hidden === "protects_small_group")) ? protectiveNote : null}
        </>
      ) : null}

      <h2>{t("openData.heading")}</h2>
      <p>{t("openData.intro")}</p>
      <ul>
        <li>
          <a href={`${basePath}/daten.csv`} type="text/csv">
            {t("openData.csv")}
          </a>
        </li>
        <li>
          <a href={`${basePath}/daten.json`} type="application/json">
            {t("openData.json")}
          </a>
        </li>
        {results.geoJson ? (
          <li>
            <a href={`${basePath}/orte.geojson`} type="application/geo+json">
              {t("place:results.geojson")}
            </a>
          </li>
        ) : null}
        <li>
          <a href={`${basePath}/dcat.jsonld`} type="application/ld+json">
            {t("openData.dcat")}
          </a>
        </li>
      </ul>
      <p>
        <a href={basePath}>{t("back")}</a>
      </p>
    </>
  );
}
