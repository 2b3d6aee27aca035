/**
 * The document. Resident pages ship no JavaScript: there is no <Scripts />, no live reload and
 * no scroll restoration, only server-rendered HTML and one small stylesheet.
 */
import { Links, Outlet, isRouteErrorResponse, useLocation, useMatches, useRouteError, useRouteLoaderData } from "@remix-run/react";
import type { LinksFunction } from "@remix-run/node";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { SiteHeader, SiteFooter } from "~/components/layout";
import { directionOf } from "~/i18n/config";
import { STAFF_AREA_ROUTE_ID, StaffFrame, staffAreaBase, type StaffFrameData } from "~/modules/accounts/ui/StaffFrame";
import type { ErrorPayload } from "~/modules/http/errors";
import stylesheet from "~/styles/app.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: stylesheet }];

interface PageData {
  pageTitle?: string;
  /** what search engines and link previews show; else a sentence about the organisation or the site */
  pageDescription?: string;
  organisation?: { slug: string; name: string };
}

function usePageData(): PageData {
  const matches = useMatches();
  const found: PageData = {};
  for (const m of matches) {
    const d = m.data as PageData | undefined;
    if (d?.pageTitle) found.pageTitle = d.pageTitle;
    if (d?.pageDescription) found.pageDescription = d.pageDescription;
    if (d?.organisation) found.organisation = d.organisation;
  }
  return found;
}

function errorReason(error: unknown): { status: number; reason: string; next?: string } {
  if (isRouteErrorResponse(error)) {
    const payload = error.data as Partial<ErrorPayload> | undefined;
    return { status: error.status, reason: payload?.reason ?? (error.status === 404 ? "not_found" : "generic"), next: payload?.next };
  }
  return { status: 500, reason: "server_error" };
}

export function Layout({ children }: { children: ReactNode }) {
  const { t, i18n } = useTranslation("common");
  const error = useRouteError();
  const page = usePageData();
  const lang = i18n.language;
  const title = error
    ? `${t(`errors:reasons.${errorReason(error).reason}.title`)} – ${t("siteName")}`
    : page.pageTitle
      ? `${page.pageTitle} – ${t("siteName")}`
      : t("siteName");
  const description =
    (!error && page.pageDescription) ||
    (!error && page.organisation ? t("metaDescriptionOrganisation", { organisation: page.organisation.name }) : t("metaDescription"));
  return (
    <html lang={lang} dir={directionOf(lang)}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <meta name="description" content={description} />
        <link rel="icon" href="data:," />
        {!error && page.organisation ? (
          <link rel="alternate" type="application/atom+xml" title={t("alerts:feed.title", { organisation: page.organisation.name })} href={`/${page.organisation.slug}/verfahren.atom`} />
        ) : null}
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          {t("skipToContent")}
        </a>
        <SiteHeader organisation={error ? undefined : page.organisation} />
        <main id="main" className="container" tabIndex={-1}>
          {children}
        </main>
        <SiteFooter organisation={error ? undefined : page.organisation} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation("errors");
  const location = useLocation();
  const { status, reason, next } = errorReason(error);
  // an error inside the staff area keeps the staff navigation, with a way back to its overview
  const staffFrame = useRouteLoaderData<StaffFrameData>(STAFF_AREA_ROUTE_ID);
  const page = (
    <div className="error-page">
      <h1>{t(`reasons.${reason}.title`)}</h1>
      <p>{t(`reasons.${reason}.body`)}</p>
      <p>{t("whatToDo")}</p>
      <ul>
        {next ? (
          <li>
            <a href={next}>{t("continue")}</a>
          </li>
        ) : null}
        {![403, 404, 405].includes(status) && !next ? (
          <li>
            <a href={location.pathname}>{t("tryAgain")}</a>
          </li>
        ) : null}
        {staffFrame ? (
          <li>
            <a href={staffAreaBase(staffFrame.organisation.slug)}>{t("staff:backToOverview")}</a>
          </li>
        ) : (
          <li>
            <a href="/">{t("home")}</a>
          </li>
        )}
      </ul>
      <p className="hint">{t("statusCode", { status })}</p>
    </div>
  );
  return staffFrame ? <StaffFrame {...staffFrame}>{page}</StaffFrame> : page;
}
