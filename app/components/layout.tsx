/** Site header (name, language switcher made of plain links) and footer. */
import { useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { LANGUAGE_NAMES, STAFF_LANGUAGES, SUPPORTED_LANGUAGES } from "~/i18n/config";

/** Staff pages (German and English only) offer only those languages. */
const STAFF_PATH = /^\/(?:[^/]+\/verwaltung|anmelden|abmelden|einladung)(?:\/|$)/;

type Org = { slug: string; name: string } | undefined;

export function LanguageSwitcher() {
  const { t, i18n } = useTranslation("common");
  const location = useLocation();
  return (
    <nav className="languages" aria-label={t("languageNav")}>
      <ul>
        {(STAFF_PATH.test(location.pathname) ? STAFF_LANGUAGES : SUPPORTED_LANGUAGES).map((lng) => {
          const params = new URLSearchParams(location.search);
          params.set("lng", lng);
          const current = i18n.language === lng;
          return (
            <li key={lng}>
              <a
                href={`${location.pathname}?${params}`}
                lang={lng}
                hrefLang={lng}
                aria-current={current ? "true" : undefined}
              >
                {LANGUAGE_NAMES[lng]}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

export function SiteHeader({ organisation }: { organisation: Org }) {
  const { t } = useTranslation("common");
  return (
    <header className="site-header">
      <div className="container site-header__inner">
        <a className="site-header__name" href={organisation ? `/${organisation.slug}` : "/"}>
          {t("siteName")}
          {organisation ? <span className="site-header__org"> · {organisation.name}</span> : null}
        </a>
        <LanguageSwitcher />
      </div>
    </header>
  );
}

export function SiteFooter({ organisation }: { organisation: Org }) {
  const { t } = useTranslation("common");
  return (
    <footer className="site-footer">
      <div className="container">
        <p>{t("footerTagline")}</p>
        <ul className="site-footer__links">
          {organisation ? (
            <>
              <li>
                <a href={`/${organisation.slug}`}>{t("allProcedures")}</a>
              </li>
              <li>
                <a href={`/${organisation.slug}/beitrag`}>{t("footerLookup")}</a>
              </li>
              <li>
                <a href={`/${organisation.slug}/leichte-sprache`} lang="de" hrefLang="de-x-ls">
                  Leichte Sprache
                </a>
              </li>
            </>
          ) : null}
          <li>
            {/* the accessibility statement, from every page (BITV 2.0); /barrierefreiheit finds the organisation */}
            <a href={organisation ? `/${organisation.slug}/barrierefreiheit` : "/barrierefreiheit"}>{t("accessibility:footerLink")}</a>
          </li>
        </ul>
      </div>
    </footer>
  );
}
