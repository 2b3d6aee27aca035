/**
 * Feeds for websites and calendars, in the reader's language: an Atom feed of a municipality's
 * procedures (coming, open, closing soon, closed, results published) written by the `feed` library,
 * and iCalendar files with each procedure's participation period written by `ical-generator`
 * (decision 59). Only what the public pages show: never a draft, never a person.
 */
import { Feed } from "feed";
import ical from "ical-generator";
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { formatDate } from "~/i18n/format";
import { fixedT } from "~/i18n/i18n.server";
import type { Language } from "~/i18n/config";
import { translatedTitles } from "~/modules/procedures/translations.server";

/** An open procedure ending within this time is "closing soon". */
export const CLOSING_SOON_MS = 7 * 86_400_000;
const FEED_LIMIT = 100;

interface FeedProcedure {
  id: number;
  slug: string;
  title: string;
  summary: string;
  opensAt: string;
  closesAt: string;
  status: string;
  updatedAt: string;
}

async function publicProcedures(db: Kysely<Database>, organisationId: number, language: string, slug?: string): Promise<FeedProcedure[]> {
  let q = db
    .selectFrom("procedures")
    .select(["id", "slug", "title", "summary", "opens_at", "closes_at", "status", "updated_at"])
    .where("organisation_id", "=", organisationId)
    .where("status", "!=", "draft");
  if (slug) q = q.where("slug", "=", slug);
  const rows = await q.orderBy("opens_at", "desc").limit(FEED_LIMIT).execute();
  const translated = await translatedTitles(db, rows.map((r) => r.id), language);
  return rows.map((r) => ({
    id: r.id,
    slug: r.slug,
    title: translated.get(r.id)?.title || r.title,
    summary: translated.get(r.id)?.summary || r.summary,
    opensAt: r.opens_at,
    closesAt: r.closes_at,
    status: r.status,
    updatedAt: r.updated_at,
  }));
}

export interface FeedArgs {
  organisation: { id: number; slug: string; name: string };
  origin: string;
  language: Language;
  now?: Date;
}

const procedureUrl = (origin: string, orgSlug: string, slug: string) => `${origin.replace(/\/+$/, "")}/${orgSlug}/verfahren/${slug}`;

/** The Atom feed: one entry per thing that happened to a procedure, newest first. */
export async function atomFeed(db: Kysely<Database>, args: FeedArgs): Promise<string> {
  const now = args.now ?? new Date();
  const nowIso = now.toISOString();
  const t = fixedT(args.language, "alerts");
  const origin = args.origin.replace(/\/+$/, "");
  const home = `${origin}/${args.organisation.slug}`;
  const procedures = await publicProcedures(db, args.organisation.id, args.language);
  const snapshots = await db
    .selectFrom("results_snapshots")
    .select(["procedure_id", "computed_at"])
    .where("procedure_id", "in", procedures.length ? procedures.map((p) => p.id) : [0])
    .execute();
  const resultsAt = new Map(snapshots.map((s) => [s.procedure_id, s.computed_at]));
  const entries: { id: string; title: string; body: string; link: string; date: string }[] = [];
  for (const p of procedures) {
    const link = procedureUrl(origin, args.organisation.slug, p.slug);
    const d = (iso: string) => formatDate(iso, args.language);
    if (p.status === "open" && p.opensAt > nowIso) {
      entries.push({ id: `${link}#upcoming`, title: t("feed.upcoming", { title: p.title }), body: t("feed.upcomingBody", { from: d(p.opensAt), to: d(p.closesAt) }), link, date: p.updatedAt });
      continue;
    }
    entries.push({ id: `${link}#opened`, title: t("feed.opened", { title: p.title }), body: `${p.summary}\n\n${t("feed.openedBody", { date: d(p.closesAt) })}`, link, date: p.opensAt });
    const soon = new Date(new Date(p.closesAt).getTime() - CLOSING_SOON_MS).toISOString();
    if (p.status === "open" && p.closesAt > nowIso && soon <= nowIso) {
      entries.push({ id: `${link}#closing-soon`, title: t("feed.closingSoon", { title: p.title }), body: t("feed.closingSoonBody", { date: d(p.closesAt) }), link, date: soon });
    }
    if (p.closesAt <= nowIso || p.status !== "open") {
      entries.push({ id: `${link}#closed`, title: t("feed.closed", { title: p.title }), body: t("feed.closedBody", { date: d(p.closesAt) }), link, date: p.closesAt < nowIso ? p.closesAt : p.updatedAt });
    }
    if (p.status === "results_published" || p.status === "archived") {
      entries.push({ id: `${link}#results`, title: t("feed.results", { title: p.title }), body: t("feed.resultsBody"), link: `${link}/ergebnisse`, date: resultsAt.get(p.id) ?? p.updatedAt });
    }
  }
  entries.sort((a, b) => b.date.localeCompare(a.date));
  const feed = new Feed({
    id: `${home}/verfahren.atom`,
    title: t("feed.title", { organisation: args.organisation.name }),
    description: t("feed.subtitle"),
    link: home,
    language: args.language,
    copyright: args.organisation.name,
    updated: new Date(entries[0]?.date ?? nowIso),
    generator: "Teilhabe",
    feedLinks: { atom: `${home}/verfahren.atom` },
    author: { name: args.organisation.name, link: home },
  });
  for (const e of entries.slice(0, FEED_LIMIT)) {
    feed.addItem({ id: e.id, title: e.title, link: e.link, description: e.body, date: new Date(e.date) });
  }
  return feed.atom1();
}

/** iCalendar: each procedure's participation period as one event (one municipality, or one procedure with `slug`). */
export async function calendarFile(db: Kysely<Database>, args: FeedArgs & { slug?: string }): Promise<string | null> {
  const t = fixedT(args.language, "alerts");
  const origin = args.origin.replace(/\/+$/, "");
  const procedures = await publicProcedures(db, args.organisation.id, args.language, args.slug);
  if (args.slug && procedures.length === 0) return null;
  const host = new URL(origin).host;
  const calendar = ical({
    name: t("feed.calendar", { organisation: args.organisation.name }),
    prodId: { company: args.organisation.name, product: "Teilhabe", language: args.language.toUpperCase() },
    url: `${origin}/${args.organisation.slug}`,
  });
  for (const p of procedures) {
    const link = procedureUrl(origin, args.organisation.slug, p.slug);
    calendar.createEvent({
      id: `procedure-${p.id}-participation@${host}`,
      start: new Date(p.opensAt),
      end: new Date(p.closesAt),
      summary: t("feed.event", { title: p.title }),
      description: `${p.summary}\n\n${link}`,
      url: link,
      stamp: new Date(p.updatedAt),
    });
  }
  return calendar.toString();
}

/** Absolute links in feeds: PUBLIC_ORIGIN when set (behind a proxy), else the address the request used. */
export const feedOrigin = (request: Request) => process.env.PUBLIC_ORIGIN?.trim() || new URL(request.url).origin;
