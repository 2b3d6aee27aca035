/**
 * Attachments of a procedure's form (admins only, issue 20): allow residents to attach files (off
 * by default), how many and how large. What is set here is what residents read at the file field
 * before they choose a file. Saving is audited.
 */
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfField } from "~/components/CsrfField";
import { ErrorSummary } from "~/components/ErrorSummary";
import { Button, ChoiceField, TextField } from "~/components/fields";
import { getDb } from "~/db.server";
import { CONTENT_LANGUAGE } from "~/i18n/config";
import { getT } from "~/i18n/i18n.server";
import { requireStaff, requireStaffAction } from "~/modules/accounts/permissions.server";
import { ATTACHMENT_LIMITS, attachmentSettings, saveAttachmentSettings } from "~/modules/attachments/attachments.server";
import { parseAttachmentSettings, settingsValues } from "~/modules/attachments/settings.server";
import { errorMessageFor } from "~/modules/forms/fields";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { requireProcedureForAdmin } from "~/modules/procedures/admin-procedures.server";

const procedureOf = (organisationId: number, rawId: string | undefined) => requireProcedureForAdmin(getDb(), organisationId, rawId);

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params, ["admin"]);
    const procedure = await procedureOf(user.organisationId, params.id);
    const { t } = await getT(request, "attachments-staff");
    const settings = await attachmentSettings(getDb(), procedure.id);
    return {
      pageTitle: `${t("settings.title")} – ${procedure.title}`,
      csrfToken: user.csrfToken,
      base: `/${user.organisationSlug}/verwaltung/verfahren/${procedure.id}`,
      procedure: { id: procedure.id, title: procedure.title },
      settings,
      values: settingsValues(settings),
      saved: new URL(request.url).searchParams.get("hinweis") === "gespeichert",
    };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    const { user, fields } = await requireStaffAction(request, params, ["admin"]);
    const procedure = await procedureOf(user.organisationId, params.id);
    const parsed = parseAttachmentSettings(fields);
    if (!parsed.ok) return data({ errors: parsed.errors, values: parsed.values }, { status: 400 });
    await saveAttachmentSettings(getDb(), procedure.id, parsed.settings, new Date(), {
      organisationId: user.organisationId,
      accountId: user.id,
      clientAddress: context.clientAddress as string | undefined,
    });
    return redirect(`/${user.organisationSlug}/verwaltung/verfahren/${procedure.id}/dateien?hinweis=gespeichert`, 303);
  }, `/${params.org}/verwaltung/verfahren/${params.id}/dateien`);
}

export default function AttachmentSettingsPage() {
  const { procedure, settings, values: saved, saved: justSaved, csrfToken, base } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation(["attachments-staff", "admin"]);
  const errors = actionData?.errors ?? [];
  const errorFor = errorMessageFor(errors, t);
  const values = actionData?.values ?? saved;
  return (
    <>
      <p className="caption" lang={CONTENT_LANGUAGE}>
        {procedure.title}
      </p>
      <h1>{t("settings.title")}</h1>
      {justSaved ? (
        <div className="notice notice--success" role="status">
          <p>{t("settings.saved")}</p>
        </div>
      ) : null}
      <ErrorSummary errors={errors} namespace="attachments-staff" />
      <p>
        <a href={base}>{t("admin:links.back")}</a>
      </p>
      <p>{t("settings.intro")}</p>
      <p>{settings ? t("settings.on", { count: settings.maxFiles, size: Math.round(settings.maxBytes / 1_000_000) }) : t("settings.off")}</p>
      <form method="post" action={`${base}/dateien`} noValidate className="form">
        <CsrfField token={csrfToken} />
        <ChoiceField name="enabled" type="checkbox" label={t("settings.enabled")} items={[{ value: "yes", label: t("settings.enabledYes") }]} values={values.enabled ? ["yes"] : []} />
        <TextField
          name="max_files"
          label={t("settings.maxFiles")}
          hint={t("settings.maxFilesHint", { max: ATTACHMENT_LIMITS.maxFiles })}
          value={values.max_files}
          error={errorFor("max_files")}
          inputMode="numeric"
          maxLength={2}
          width="half"
        />
        <TextField
          name="max_megabytes"
          label={t("settings.maxMegabytes")}
          hint={t("settings.maxMegabytesHint", { max: ATTACHMENT_LIMITS.maxBytes / 1_000_000 })}
          value={values.max_megabytes}
          error={errorFor("max_megabytes")}
          inputMode="numeric"
          maxLength={2}
          width="half"
        />
        <Button>{t("settings.save")}</Button>
      </form>
    </>
  );
}
