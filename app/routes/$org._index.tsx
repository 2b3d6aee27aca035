import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getDb } from "~/db.server";
import { formatDate } from "~/i18n/format";
import { getT } from "~/i18n/i18n.server";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { publicOrganisation, requireOrganisation } from "~/modules/procedures/context.server";
import { listPublicProcedures, type ProcedureListItem } from "~/modules/procedures/procedures.server";
import { contentAttrs, languageNote } from "~/modules/procedures/translations";
import { ContentLanguageNote } from "~/modules/procedures/ui/ContentLanguageNote";
import { AlertsLink } from "~/modules/alerts/ui/AlertsLink";
import { findSignLanguageVideo } from "~/modules/documents/sign-language.server";
import { VideoPlayer } from "~/modules/documents/ui/VideoPlayer";
import { EASY_READ_LANGUAGE, EASY_READ_LINK_TEXT } from "~/modules/leichte-sprache/site-guide";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const organisation = await requireOrganisation(params);
    const { t, locale } = await getT(request, "procedures");
    const procedures = await listPublicProcedures(getDb(), organisation.id, new Date(), locale);
    const all = [...procedures.open, ...procedures.upcoming, ...procedures.closed];
    return {
      pageTitle: t("list.title", { organisation: organisation.name }),
      organisation: publicOrganisation(organisation),
      procedures,
      // the explanation in German Sign Language (BITV 2.0 § 4), when the admin has provided one
      signLanguageVideo: (await findSignLanguageVideo(getDb(), organisation.id)) ?? null,
      // the page's own texts are translated: German titles make it "partly" German
      note: languageNote(locale, all.flatMap((p) => [p.titleLang, p.summaryLang])) ? ("partial" as const) : null,
    };
  });
}

function ProcedureCards({ items, orgSlug }: { items: ProcedureListItem[]; orgSlug: string }) {
  const { t, i18n } = useTranslation("procedures");
  return (
    <ul className="cards">
      {items.map((p) => (
        <li key={p.slug} className="card">
          <h3 className="card__title">
            <a href={`/${orgSlug}/verfahren/${p.slug}`} {...contentAttrs(p.titleLang, i18n.language)}>
              {p.title}
            </a>
          </h3>
          <p {...contentAttrs(p.summaryLang, i18n.language)}>{p.summary}</p>
          <p className="card__meta">
            {p.acceptance === "open"
              ? t("list.openUntil", { date: formatDate(p.closesAt, i18n.language) })
              : p.acceptance === "not_yet_open"
                ? t("list.opensOn", { date: formatDate(p.opensAt, i18n.language) })
                : t("list.closedOn", { date: formatDate(p.closesAt, i18n.language) })}
          </p>
        </li>
      ))}
    </ul>
  );
}

export default function OrganisationHome() {
  const { organisation, procedures, note, signLanguageVideo } = useLoaderData<typeof loader>();
  const { t } = useTranslation("procedures");
  return (
    <>
      <h1>{t("list.heading", { organisation: organisation.name })}</h1>
      <p className="lead">{t("list.intro")}</p>
      <ContentLanguageNote coverage={note} />
      <p>
        <a href={`/${organisation.slug}/leichte-sprache`} lang="de" hrefLang={EASY_READ_LANGUAGE}>
          {EASY_READ_LINK_TEXT}
        </a>
      </p>
      {signLanguageVideo ? (
        <section aria-labelledby="sign-language-heading">
          <h2 id="sign-language-heading">{t("signLanguage.title")}</h2>
          <p>{t("signLanguage.intro")}</p>
          <VideoPlayer
            titleLang={null}
            video={{
              title: t("signLanguage.title"),
              kind: signLanguageVideo.kind,
              byteSize: signLanguageVideo.byteSize,
              captionsByteSize: signLanguageVideo.captionsByteSize,
              videoPath: `/${organisation.slug}/gebaerdensprache/video`,
              captionsPath: `/${organisation.slug}/gebaerdensprache/untertitel.vtt`,
            }}
          />
        </section>
      ) : null}
      <section aria-labelledby="open-heading">
        <h2 id="open-heading">{t("list.open")}</h2>
        {procedures.open.length ? <ProcedureCards items={procedures.open} orgSlug={organisation.slug} /> : <p>{t("list.noneOpen")}</p>}
      </section>
      {procedures.upcoming.length ? (
        <section aria-labelledby="upcoming-heading">
          <h2 id="upcoming-heading">{t("list.upcoming")}</h2>
          <ProcedureCards items={procedures.upcoming} orgSlug={organisation.slug} />
        </section>
      ) : null}
      <section aria-labelledby="closed-heading">
        <h2 id="closed-heading">{t("list.closed")}</h2>
        {procedures.closed.length ? <ProcedureCards items={procedures.closed} orgSlug={organisation.slug} /> : <p>{t("list.noneClosed")}</p>}
      </section>
      <AlertsLink organisationSlug={organisation.slug} />
    </>
  );
}
