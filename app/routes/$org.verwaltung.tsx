/** The staff area's frame: who is signed in, what they may open, sign-out. Each page checks again. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, useLoaderData, useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireStaff } from "~/modules/accounts/permissions.server";
import { withErrorPages } from "~/modules/http/route-errors.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params);
    return {
      organisation: { slug: user.organisationSlug, name: user.organisationName },
      staff: { displayName: user.displayName, roles: user.roles },
    };
  });
}

export default function StaffArea() {
  const { organisation, staff } = useLoaderData<typeof loader>();
  const { t } = useTranslation("staff");
  const { pathname } = useLocation();
  const base = `/${organisation.slug}/verwaltung`;
  const isAdmin = staff.roles.includes("admin");
  const links = [
    { href: base, label: t("nav.dashboard"), show: true },
    { href: `${base}/schalter`, label: t("nav.desk"), show: staff.roles.includes("staff") },
    { href: `${base}/moderation`, label: t("nav.moderation"), show: staff.roles.includes("moderator") },
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
      <Outlet />
    </>
  );
}
