/**
 * The staff area's frame: who is signed in, sign-out and what they may open. Shown around every
 * staff page and around an error inside the staff area (a moderator on an admin-only page keeps
 * the navigation and a way back), from the data of the `$org.verwaltung` route's loader.
 */
import type { ReactNode } from "react";
import { useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { MODERATION_ROLES } from "../roles";

/** The id of the route whose loader provides the frame's data. */
export const STAFF_AREA_ROUTE_ID = "routes/$org.verwaltung";

export interface StaffFrameData {
  organisation: { slug: string; name: string };
  staff: { displayName: string; roles: string[] };
}

export const staffAreaBase = (organisationSlug: string) => `/${organisationSlug}/verwaltung`;

export function StaffFrame({ organisation, staff, children }: StaffFrameData & { children: ReactNode }) {
  const { t } = useTranslation("staff");
  const { pathname } = useLocation();
  const base = staffAreaBase(organisation.slug);
  const isAdmin = staff.roles.includes("admin");
  const links = [
    { href: base, label: t("nav.dashboard"), show: true },
    { href: `${base}/schalter`, label: t("nav.desk"), show: staff.roles.includes("staff") },
    { href: `${base}/verfahren`, label: t("nav.procedures"), show: isAdmin },
    { href: `${base}/moderation`, label: t("nav.moderation"), show: MODERATION_ROLES.some((r) => staff.roles.includes(r)) },
    { href: `${base}/verfahren/neu`, label: t("nav.newProcedure"), show: isAdmin },
    { href: `${base}/konten`, label: t("nav.accounts"), show: isAdmin },
    { href: `${base}/einstellungen`, label: t("nav.settings"), show: isAdmin },
    { href: `${base}/protokoll`, label: t("nav.audit"), show: isAdmin },
    { href: `${base}/barrierefreiheit`, label: t("barriers:nav"), show: isAdmin },
    { href: `${base}/passwort`, label: t("nav.password"), show: true },
  ].filter((l) => l.show);
  return (
    <>
      <div className="staff-bar">
        <p className="staff-bar__who">
          {t("nav.signedInAs", { name: staff.displayName })} ({staff.roles.map((r) => t(`roles.${r}`)).join(", ")})
        </p>
        <form method="post" action="/abmelden">
          <button type="submit" className="link-button">
            {t("nav.signOut")}
          </button>
        </form>
      </div>
      <nav aria-label={t("nav.label")} className="staff-nav">
        <ul>
          {links.map((l) => (
            <li key={l.href}>
              <a href={l.href} aria-current={pathname === l.href ? "page" : undefined}>
                {l.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {children}
    </>
  );
}
