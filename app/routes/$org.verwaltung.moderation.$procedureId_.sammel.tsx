/**
 * Several submissions at once: publish them as they are, or do not publish them with one reason.
 * The page lists each selected statement's text first. A submission whose text the detector finds
 * personal data in is not published in bulk (it needs its own review and redaction); the result
 * says which were done and which were left.
 */
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfField } from "~/components/CsrfField";
import { ErrorSummary } from "~/components/ErrorSummary";
import { Button, ChoiceField } from "~/components/fields";
import { getDb } from "~/db.server";
import { getT } from "~/i18n/i18n.server";
import { requireStaff, requireStaffAction } from "~/modules/accounts/permissions.server";
import { MODERATION_ROLES } from "~/modules/accounts/roles";
import { HttpError } from "~/modules/http/errors";
import { SelectedStatements } from "~/modules/moderation/ui/SelectedStatements";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { BULK_MAX, bulkModerateAs } from "~/modules/moderation/moderator-actions.server";
import { NOT_PUBLISHED_REASONS, groupForResponse, procedureForModeration, type NotPublishedReason } from "~/modules/moderation/moderation.server";
import type { FieldError } from "~/modules/forms/fields";
import { parseIds } from "~/modules/forms/parse.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params, MODERATION_ROLES);
    const procedure = await procedureForModeration(getDb(), user.organisationId, params.procedureId);
    const url = new URL(request.url);
    const ids = parseIds(url.searchParams.getAll("id"), BULK_MAX);
    const { t } = await getT(request, "moderation");
    const done = url.searchParams.get("erledigt");
    return {
      pageTitle: t("bulk.title"),
      csrfToken: user.csrfToken,
      ids,
      group: await groupForResponse(getDb(), user.organisationId, procedure, ids),
      procedure: { id: procedure.id, title: procedure.title },
      base: `/${user.organisationSlug}/verwaltung/moderation`,
      result: done === "published" || done === "not_published" ? { done, count: Number(url.searchParams.get("anzahl") ?? 0), left: url.searchParams.getAll("offen").map(Number).filter((n) => Number.isInteger(n) && n > 0) } : null,
    };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    const { user, fields } = await requireStaffAction(request, params, MODERATION_ROLES);
    const db = getDb();
    const procedure = await procedureForModeration(db, user.organisationId, params.procedureId);
    for (const [name, values] of fields) {
      if (!["id", "intent", "reason"].includes(name)) throw new HttpError(400, "unknown_field");
      if (name !== "id" && values.length > 1) throw new HttpError(400, "repeated_field");
    }
    const ids = parseIds(fields.get("id") ?? [], BULK_MAX);
    const intent = fields.get("intent")?.[0];
    if (intent !== "publish" && intent !== "not_publish") throw new HttpError(400, "unknown_field");
    const reason = fields.get("reason")?.[0] ?? "";
    if (intent === "not_publish" && !(NOT_PUBLISHED_REASONS as readonly string[]).includes(reason)) {
      return data({ errors: [{ field: "reason", message: "moderation:errors.reason" }] as FieldError[] }, { status: 400 });
    }
    // each submission in its own transaction with its privacy-log and audit entries
    const result = await bulkModerateAs(db, { organisationId: user.organisationId, accountId: user.id, clientAddress: context?.clientAddress }, {
      procedureId: procedure.id,
      submissionIds: ids,
      decision: intent === "publish" ? { publish: true } : { publish: false, reason: reason as NotPublishedReason },
    });
    const query = new URLSearchParams([...ids.map((id): [string, string] => ["id", String(id)]), ["erledigt", intent === "publish" ? "published" : "not_published"], ["anzahl", String(result.done.length)], ...result.left.map((id): [string, string] => ["offen", String(id)])]);
    return redirect(`/${user.organisationSlug}/verwaltung/moderation/${procedure.id}/sammel?${query}`, 303);
  });
}

export default function BulkModeration() {
  const { ids, group, procedure, csrfToken, base, result } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation(["moderation", "staff"]);
  const errors = actionData?.errors ?? [];
  const hidden = ids.map((id) => <input key={id} type="hidden" name="id" value={id} />);
  return (
    <>
      <p className="caption" lang="de">
        <a href={`${base}/${procedure.id}`}>{procedure.title}</a>
      </p>
      <h1>{t("bulk.title")}</h1>
      {result ? (
        <div className="notice notice--success" role="status">
          <p>{t(`bulk.done.${result.done}`, { count: result.count })}</p>
          {result.left.length ? <p>{t("bulk.left", { ids: result.left.join(", "), count: result.left.length })}</p> : null}
        </div>
      ) : null}
      <ErrorSummary errors={errors} namespace="moderation" />
      <p>{t("bulk.intro", { count: ids.length })}</p>
      <SelectedStatements statements={group} base={base} />
      <form method="post" noValidate>
        <CsrfField token={csrfToken} />
        {hidden}
        <input type="hidden" name="intent" value="publish" />
        <h2>{t("bulk.publishHeading")}</h2>
        <p className="hint">{t("bulk.publishHint")}</p>
        <Button>{t("bulk.publish", { count: ids.length })}</Button>
      </form>
      <form method="post" noValidate>
        <CsrfField token={csrfToken} />
        {hidden}
        <input type="hidden" name="intent" value="not_publish" />
        <h2>{t("review.notPublishHeading")}</h2>
        <p className="hint">{t("review.notPublishHint")}</p>
        <ChoiceField name="reason" type="radio" label={t("review.reason")} items={NOT_PUBLISHED_REASONS.map((r) => ({ value: r, label: t(`reasons.${r}`) }))} error={errors.find((e) => e.field === "reason") ? t("errors.reason") : undefined} />
        <Button secondary>{t("bulk.notPublish", { count: ids.length })}</Button>
      </form>
    </>
  );
}
