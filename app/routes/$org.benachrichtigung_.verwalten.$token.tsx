/** An alert as its holder sees it through the link in every mail: topics, state, deletion date, the privacy log; erase it. */
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Button } from "~/components/fields";
import { getDb } from "~/db.server";
import { formatDate } from "~/i18n/format";
import { getT } from "~/i18n/i18n.server";
import { describeAlert, endAlertByToken } from "~/modules/alerts/alerts.server";
import { AlertLog } from "~/modules/alerts/ui/AlertLog";
import { CheckpointNote } from "~/modules/transparency-log/ui/CheckpointNote";
import { HttpError } from "~/modules/http/errors";
import { readForm } from "~/modules/http/form-body.server";
import { requirePost, withErrorPages } from "~/modules/http/route-errors.server";
import { publicOrganisation, requireOrganisation } from "~/modules/procedures/context.server";

const NOTICES = ["confirmed", "renewed"] as const;

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const organisation = await requireOrganisation(params);
    const described = await describeAlert(getDb(), organisation.id, params.token ?? "");
    const { t } = await getT(request, "alerts");
    const ok = new URL(request.url).searchParams.get("ok");
    // the token was found, so it is well formed: the download form posts back to it
    return { pageTitle: t("manage.title"), organisation: publicOrganisation(organisation), ...described, token: params.token ?? "", notice: NOTICES.find((n) => n === ok) ?? null };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    requirePost(request);
    const organisation = await requireOrganisation(params);
    const fields = await readForm(request, { maxBytes: 1024 });
    if (fields.size !== 1 || fields.get("intent")?.join() !== "erase") throw new HttpError(400, "unknown_field");
    await endAlertByToken(getDb(), organisation.id, params.token ?? "", "request");
    return redirect(`/${organisation.slug}/benachrichtigung/verwalten/${params.token}`, 303);
  });
}

export default function ManageAlert() {
  const { alert, events, check, checkpoint, token, notice, organisation } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("alerts");
  const live = alert.state === "pending" || alert.state === "confirmed";
  const narrowed = [...alert.tags.topic, ...alert.tags.district];
  const topics = [
    ...(alert.newProcedures ? [t("form.topics.new_procedures", { organisation: organisation.name }) + (narrowed.length > 0 ? ` (${t("manage.onlyTags", { labels: narrowed.join(", ") })})` : "")] : []),
    ...(alert.procedure ? [t("form.topics.results", { title: alert.procedure.title })] : []),
  ];
  return (
    <>
      <h1>{t("manage.title")}</h1>
      {notice ? (
        <div className="notice notice--success" role="status">
          <p>{t(`manage.${notice}`)}</p>
        </div>
      ) : null}
      {!live ? (
        <div className="notice" role="status">
          <p>{t("manage.ended")}</p>
        </div>
      ) : null}
      <dl className="facts">
        <div>
          <dt>{t("manage.address")}</dt>
          <dd>{alert.maskedEmail ?? t("manage.addressDeleted")}</dd>
        </div>
        <div>
          <dt>{t("manage.topics")}</dt>
          <dd>{topics.join("; ")}</dd>
        </div>
        <div>
          <dt>{t("manage.state")}</dt>
          <dd>{t(`manage.states.${alert.state}`)}</dd>
        </div>
        <div>
          <dt>{t("manage.since")}</dt>
          <dd>{formatDate(alert.createdAt, i18n.language)}</dd>
        </div>
        {live && alert.deleteAfter ? (
          <div>
            <dt>{t("manage.deleteAfter")}</dt>
            <dd>{formatDate(alert.deleteAfter, i18n.language)}</dd>
          </div>
        ) : null}
      </dl>
      {live ? (
        <section aria-labelledby="erase-heading">
          <h2 id="erase-heading">{t("manage.eraseHeading")}</h2>
          <p>{t("manage.eraseBody")}</p>
          <form method="post">
            <input type="hidden" name="intent" value="erase" />
            <Button secondary>{t("manage.eraseButton")}</Button>
          </form>
        </section>
      ) : null}
      <section aria-labelledby="log-heading">
        <h2 id="log-heading">{t("manage.logHeading")}</h2>
        <p>{t("manage.logIntro")}</p>
        <p>{check.intact ? t("manage.logIntact") : t("manage.logBroken")}</p>
        <AlertLog events={events} />
        <CheckpointNote checkpoint={checkpoint} organisationSlug={organisation.slug} />
      </section>
      <section aria-labelledby="download-heading">
        <h2 id="download-heading">{t("manage.downloadHeading")}</h2>
        <p>{t("manage.downloadBody")}</p>
        <form method="post" action={`/${organisation.slug}/benachrichtigung/verwalten/${token}/daten`}>
          <Button secondary>{t("manage.downloadButton")}</Button>
        </form>
      </section>
    </>
  );
}
