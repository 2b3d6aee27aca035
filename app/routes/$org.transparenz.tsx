/**
 * /:org/transparenz — the public record of the privacy log explained (what a checkpoint is, the
 * latest one, the key, the files for outsiders), how many e-mail alerts hold an address and when
 * they are deleted, and a form where anyone can upload a privacy-log
 * export and see it verified by the server. No JavaScript; nothing uploaded is stored.
 */
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ErrorSummary } from "~/components/ErrorSummary";
import { Button, FileField } from "~/components/fields";
import { getDb } from "~/db.server";
import { formatDateTime } from "~/i18n/format";
import { getT } from "~/i18n/i18n.server";
import { alertCounts } from "~/modules/alerts/alerts.server";
import { errorMessageFor } from "~/modules/forms/fields";
import { requirePost, withErrorPages } from "~/modules/http/route-errors.server";
import { publicOrganisation, requireOrganisation } from "~/modules/procedures/context.server";
import { getSigningKey } from "~/modules/transparency-log/keys.server";
import { transparencyOverview } from "~/modules/transparency-log/public.server";
import { EXPORT_FIELD, checkUploadedExport } from "~/modules/transparency-log/upload.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const organisation = await requireOrganisation(params);
    const { t } = await getT(request, "transparency");
    return {
      pageTitle: t("title"),
      organisation: publicOrganisation(organisation),
      overview: await transparencyOverview(getDb(), getSigningKey()),
      alerts: await alertCounts(getDb(), organisation.id),
    };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    requirePost(request);
    await requireOrganisation(params);
    const outcome = await checkUploadedExport(getDb(), getSigningKey(), request);
    return data(outcome, { status: "errors" in outcome ? 400 : 200 });
  }, `/${params.org}/transparenz`);
}

export default function TransparencyPage() {
  const { overview, organisation, alerts } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const { t, i18n } = useTranslation("transparency");
  const errors = outcome && "errors" in outcome ? outcome.errors : [];
  const result = outcome && "result" in outcome ? outcome.result : null;
  const errorFor = errorMessageFor(errors, t);
  return (
    <>
      <h1>{t("title")}</h1>
      <p className="lead">{t("intro")}</p>
      {result ? (
        <section aria-labelledby="result-heading" className={`notice ${result.ok ? "notice--success" : "notice--error"}`} role="status">
          <h2 id="result-heading">{result.ok ? t("verify.result.ok") : t("verify.result.failed")}</h2>
          {result.checkpoint ? <p>{t("verify.result.checkpoint", { size: result.checkpoint.size })}</p> : null}
          <p>{t("verify.result.proven", { count: result.proven, total: result.events })}</p>
          {result.waiting > 0 ? <p>{t("verify.result.waiting", { count: result.waiting })}</p> : null}
          {result.unlinkable > 0 ? <p>{t("verify.result.unlinkable", { count: result.unlinkable })}</p> : null}
          {result.extendedToday === true ? <p>{t("verify.result.extended", { size: result.todaySize })}</p> : null}
          {result.extendedToday === false ? <p>{t("verify.result.rewritten", { size: result.todaySize })}</p> : null}
          {result.problems.length > 0 ? (
            <ul>
              {result.problems.map((p, i) => (
                <li key={i}>{t(`verify.problems.${p.code}`, { seq: "seq" in p ? p.seq : "" })}</li>
              ))}
            </ul>
          ) : null}
        </section>
      ) : null}

      <h2>{t("what.heading")}</h2>
      <p>{t("what.leaves")}</p>
      <p>{t("what.checkpoint")}</p>
      <p>{t("what.proof")}</p>

      <h2>{t("latest.heading")}</h2>
      {overview.checkpoint ? (
        <p>{t("latest.text", { size: overview.checkpoint.size, date: formatDateTime(overview.checkpoint.signedAt, i18n.language) })}</p>
      ) : (
        <p>{t("latest.none")}</p>
      )}
      <ul>
        <li>
          <a href="/transparenz/checkpoint">{t("latest.checkpointLink")}</a>
        </li>
        <li>
          <a href="/transparenz/checkpoints">{t("latest.historyLink")}</a>
        </li>
        <li>
          <a href="/transparenz/key">{t("latest.keyLink")}</a>
        </li>
        {overview.checkpoint ? (
          // the catalogue describes the published checkpoints, so it exists from the first one on
          <li>
            <a href={`/${organisation.slug}/transparenz/dcat.jsonld`} type="application/ld+json">
              {t("latest.catalogueLink")}
            </a>
          </li>
        ) : null}
      </ul>
      <p>{t("latest.key")}</p>
      <p className="verbatim" dir="ltr" lang="en">
        <code>{overview.verifierKey}</code>
      </p>

      <h2>{t("held.heading")}</h2>
      <ul>
        <li>{t("held.confirmed", { n: alerts.confirmed })}</li>
        <li>{t("held.pending", { n: alerts.pending })}</li>
      </ul>

      <h2 id="pruefen">{t("verify.heading")}</h2>
      <p>{t("verify.text")}</p>
      <form method="post" encType="multipart/form-data" noValidate className="form">
        <ErrorSummary errors={errors} namespace="transparency" />
        <FileField name={EXPORT_FIELD} label={t("verify.file.label")} hint={t("verify.file.hint")} accept="application/json,.json" error={errorFor(EXPORT_FIELD)} required />
        <Button>{t("verify.submit")}</Button>
      </form>

      <h2>{t("outsiders.heading")}</h2>
      <p>{t("outsiders.text")}</p>
      <p className="verbatim" dir="ltr" lang="en">
        <code>npm run privacy:monitor -- https://…</code>
      </p>
    </>
  );
}
