/**
 * The desk attaches the scan of a letter or paper form to its entry (issue 20): a multipart form
 * without JavaScript (the CSRF token before the file), the scans kept so far by name and size. The
 * person sees in their privacy log that a scan is kept, never the scan itself.
 */
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfField } from "~/components/CsrfField";
import { ErrorSummary } from "~/components/ErrorSummary";
import { Button, FileField } from "~/components/fields";
import { getDb } from "~/db.server";
import { getT } from "~/i18n/i18n.server";
import { requireStaff, requireStaffUpload } from "~/modules/accounts/permissions.server";
import { ACCEPTED_TYPES, formatSize } from "~/modules/attachments/attachments";
import { ATTACHMENT_LIMITS } from "~/modules/attachments/attachments.server";
import { DESK_SCAN_LIMITS, SCAN_FIELD, attachDeskScan, scannedEntry } from "~/modules/attachments/desk-scan.server";
import { errorMessageFor, type FieldError } from "~/modules/forms/fields";
import { parseId } from "~/modules/forms/parse.server";
import { HttpError } from "~/modules/http/errors";
import { withErrorPages } from "~/modules/http/route-errors.server";

async function entryOf(organisationId: number, rawId: string | undefined) {
  const id = parseId(rawId);
  const entry = id === null ? undefined : await scannedEntry(getDb(), organisationId, id);
  if (!entry) throw new HttpError(404, "not_found");
  return entry;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params, ["staff"]);
    const entry = await entryOf(user.organisationId, params.id);
    const { t } = await getT(request, "attachments-staff");
    return {
      pageTitle: t("desk.heading"),
      csrfToken: user.csrfToken,
      here: `/${user.organisationSlug}/verwaltung/schalter/eintrag/${entry.id}/scan`,
      desk: `/${user.organisationSlug}/verwaltung/schalter`,
      scans: entry.scans.map((s) => ({ token: s.token, name: s.name, byteSize: s.byteSize })),
      stored: new URL(request.url).searchParams.get("hinweis") === "gespeichert",
    };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    const { user, body } = await requireStaffUpload(request, params, ["staff"], DESK_SCAN_LIMITS);
    try {
      const entry = await entryOf(user.organisationId, params.id);
      if (body.fields.size > 0 || body.files.some((f) => f.field !== SCAN_FIELD)) throw new HttpError(400, "unknown_field");
      const result = await attachDeskScan(getDb(), {
        actor: { organisationId: user.organisationId, accountId: user.id, clientAddress: context.clientAddress as string | undefined },
        entry,
        file: body.files[0],
        fileTooLarge: body.fileTooLarge !== null,
      });
      if (!result.ok) return data({ errors: result.errors }, { status: result.status });
      return redirect(`/${user.organisationSlug}/verwaltung/schalter/eintrag/${entry.id}/scan?hinweis=gespeichert`, 303);
    } finally {
      await body.cleanup();
    }
  }, `/${params.org}/verwaltung/schalter/eintrag/${params.id}/scan`);
}

export default function DeskScan() {
  const { csrfToken, here, desk, scans, stored } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation(["attachments-staff", "attachments", "desk"]);
  const errors: FieldError[] = actionData?.errors ?? [];
  const errorFor = errorMessageFor(errors, t);
  return (
    <>
      <h1>{t("desk.heading")}</h1>
      {stored ? (
        <div className="notice notice--success" role="status">
          <p>{t("desk.stored")}</p>
        </div>
      ) : null}
      <ErrorSummary errors={errors} namespace="attachments-staff" />
      {scans.length > 0 ? (
        <ul className="list">
          {scans.map((s) => (
            <li key={s.token}>
              {s.name} ({formatSize(s.byteSize, i18n.language)})
            </li>
          ))}
        </ul>
      ) : null}
      <form method="post" action={here} encType="multipart/form-data" noValidate className="form">
        <CsrfField token={csrfToken} />
        <FileField name={SCAN_FIELD} label={t("desk.label")} hint={t("desk.hint", { size: ATTACHMENT_LIMITS.maxBytes / 1_000_000 })} accept={ACCEPTED_TYPES} error={errorFor(SCAN_FIELD)} required />
        <Button>{t("desk.submit")}</Button>
      </form>
      <p>
        <a href={desk}>{t("desk:receipt.backToDesk")}</a>
      </p>
    </>
  );
}
