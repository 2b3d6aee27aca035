/**
 * Admins: the explanation in German Sign Language on the municipality's home page (BITV 2.0 § 4;
 * decision 49) — upload a video (MP4 or WebM) with its WebVTT captions, both required and checked by
 * their bytes, in place of the previous one; or remove it. A multipart form without JavaScript whose
 * CSRF token comes before the files.
 */
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfField } from "~/components/CsrfField";
import { ErrorSummary } from "~/components/ErrorSummary";
import { Button, FileField } from "~/components/fields";
import { getDb } from "~/db.server";
import { formatFileSize } from "~/i18n/format";
import { getT } from "~/i18n/i18n.server";
import { requireStaff, requireStaffAction, requireStaffUpload } from "~/modules/accounts/permissions.server";
import { DOCUMENT_MAX_BYTES, DOCUMENT_UPLOAD_LIMITS } from "~/modules/documents/documents.server";
import { findSignLanguageVideo, removeSignLanguageVideo, saveSignLanguageVideo } from "~/modules/documents/sign-language.server";
import { CAPTIONS_MAX_BYTES } from "~/modules/files/captions.server";
import { MEDIA_TYPES, VIDEO_KINDS } from "~/modules/files/detect.server";
import { errorMessageFor, type FieldError } from "~/modules/forms/fields";
import { takeIntent } from "~/modules/forms/parse.server";
import { HttpError } from "~/modules/http/errors";
import { isMultipart } from "~/modules/http/multipart.server";
import { withErrorPages } from "~/modules/http/route-errors.server";

const NOTICES = ["saved", "removed"] as const;

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params, ["admin"]);
    const { t } = await getT(request, "admin");
    const notice = new URL(request.url).searchParams.get("hinweis");
    return {
      pageTitle: t("signLanguage.title"),
      csrfToken: user.csrfToken,
      homePath: `/${user.organisationSlug}`,
      video: (await findSignLanguageVideo(getDb(), user.organisationId)) ?? null,
      notice: NOTICES.find((n) => n === notice) ?? null,
    };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    const db = getDb();
    const here = `/${params.org}/verwaltung/gebaerdensprache`;
    if (isMultipart(request)) {
      const { user, body } = await requireStaffUpload(request, params, ["admin"], DOCUMENT_UPLOAD_LIMITS);
      try {
        const entry = { organisationId: user.organisationId, accountId: user.id, clientAddress: context.clientAddress as string | undefined };
        takeIntent(body.fields, ["save"] as const);
        if (body.fields.size > 0 || body.files.some((f) => f.field !== "file" && f.field !== "captions")) throw new HttpError(400, "unknown_field");
        const result = await saveSignLanguageVideo(db, {
          organisationId: user.organisationId,
          accountId: user.id,
          file: body.files.find((f) => f.field === "file"),
          captions: body.files.find((f) => f.field === "captions"),
          tooLarge: body.fileTooLarge,
          actor: entry,
        });
        if (!result.ok) return data<{ errors: FieldError[] }>({ errors: result.errors }, { status: result.status });
        return redirect(`${here}?hinweis=saved`, 303);
      } finally {
        await body.cleanup();
      }
    }
    const { user, fields } = await requireStaffAction(request, params, ["admin"]);
    takeIntent(fields, ["remove"] as const);
    if (fields.size > 0) throw new HttpError(400, "unknown_field");
    const entry = { organisationId: user.organisationId, accountId: user.id, clientAddress: context.clientAddress as string | undefined };
    if (!(await removeSignLanguageVideo(db, user.organisationId, entry))) throw new HttpError(404, "not_found");
    return redirect(`${here}?hinweis=removed`, 303);
  }, `/${params.org}/verwaltung/gebaerdensprache`);
}

export default function SignLanguageAdmin() {
  const { video, notice, csrfToken, homePath } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as { errors: FieldError[] } | undefined;
  const { t, i18n } = useTranslation("admin");
  const errors = actionData?.errors ?? [];
  const errorFor = errorMessageFor(errors, t);
  const videoLimits = t("documents.videoLimits", { kinds: VIDEO_KINDS.map((k) => t(`documents.kinds.${k}`)).join(", "), max: formatFileSize(DOCUMENT_MAX_BYTES, i18n.language) });
  return (
    <>
      <h1>{t("signLanguage.title")}</h1>
      {notice ? (
        <div className="notice notice--success" role="status">
          <p>{t(`signLanguage.notices.${notice}`)}</p>
        </div>
      ) : null}
      <ErrorSummary errors={errors} namespace="admin" />
      <p>{t("signLanguage.intro")}</p>
      {video ? (
        <>
          <p>
            {t("signLanguage.current", {
              kind: t(`documents.kinds.${video.kind}`),
              size: formatFileSize(video.byteSize, i18n.language),
              captions: formatFileSize(video.captionsByteSize, i18n.language),
            })}{" "}
            <a href={homePath}>{t("signLanguage.homeLink")}</a>
          </p>
          <form method="post">
            <CsrfField token={csrfToken} />
            <input type="hidden" name="intent" value="remove" />
            <Button secondary>{t("signLanguage.remove")}</Button>
          </form>
        </>
      ) : (
        <p>{t("signLanguage.none")}</p>
      )}
      <form method="post" encType="multipart/form-data" noValidate className="form">
        <h2>{video ? t("signLanguage.replaceHeading") : t("signLanguage.addHeading")}</h2>
        <CsrfField token={csrfToken} />
        <input type="hidden" name="intent" value="save" />
        {/* the files last: the CSRF token arrives first; the captions after the video */}
        <FileField name="file" label={t("documents.fields.video")} hint={videoLimits} accept={VIDEO_KINDS.map((k) => MEDIA_TYPES[k]).join(",")} error={errorFor("file")} required />
        <FileField
          name="captions"
          label={t("documents.fields.captions")}
          hint={t("documents.captionsLimits", { max: formatFileSize(CAPTIONS_MAX_BYTES, i18n.language) })}
          accept=".vtt,text/vtt"
          error={errorFor("captions")}
          required
        />
        <Button>{t("signLanguage.save")}</Button>
      </form>
    </>
  );
}
