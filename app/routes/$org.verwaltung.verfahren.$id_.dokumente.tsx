/**
 * A procedure's documents (admins only): list, upload (title, short description, required plain-text
 * summary, file), add a video with its required WebVTT captions (decision 49), replace a file, move
 * up or down, withdraw — each a small form, no JavaScript. The
 * limits are shown before uploading; a file is checked by its bytes and refused with the reason,
 * nothing stored. Uploads are multipart forms whose CSRF token comes before the file.
 */
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfField } from "~/components/CsrfField";
import { ErrorSummary } from "~/components/ErrorSummary";
import { Button, FileField, TextField } from "~/components/fields";
import { getDb } from "~/db.server";
import { CONTENT_LANGUAGE } from "~/i18n/config";
import { formatFileSize } from "~/i18n/format";
import { getT } from "~/i18n/i18n.server";
import { requireStaff, requireStaffAction, requireStaffUpload } from "~/modules/accounts/permissions.server";
import {
  addDocument,
  addVideo,
  DOCUMENT_KINDS,
  DOCUMENT_LIMITS,
  DOCUMENT_MAX_BYTES,
  DOCUMENT_UPLOAD_LIMITS,
  listDocuments,
  moveDocument,
  replaceDocumentFile,
  withdrawDocument,
  type DocumentValues,
} from "~/modules/documents/documents.server";
import { CAPTIONS_MAX_BYTES } from "~/modules/files/captions.server";
import { isVideoKind, MEDIA_TYPES, VIDEO_KINDS } from "~/modules/files/detect.server";
import { HttpError } from "~/modules/http/errors";
import { isMultipart } from "~/modules/http/multipart.server";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { requireProcedureForAdmin } from "~/modules/procedures/admin-procedures.server";
import { takeId, takeIntent } from "~/modules/forms/parse.server";
import { errorMessageFor, type FieldError } from "~/modules/forms/fields";

const NOTICES = ["added", "videoAdded", "replaced", "unchanged", "moved", "withdrawn"] as const;

const procedureOf = (organisationId: number, rawId: string | undefined) => requireProcedureForAdmin(getDb(), organisationId, rawId);

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params, ["admin"]);
    const procedure = await procedureOf(user.organisationId, params.id);
    const { t } = await getT(request, "admin");
    const notice = new URL(request.url).searchParams.get("hinweis");
    return {
      pageTitle: `${t("documents.title")} – ${procedure.title}`,
      csrfToken: user.csrfToken,
      base: `/${user.organisationSlug}/verwaltung/verfahren/${procedure.id}`,
      publicPath: procedure.status === "draft" ? null : `/${user.organisationSlug}/verfahren/${procedure.slug}`,
      procedure: { id: procedure.id, title: procedure.title },
      documents: await listDocuments(getDb(), procedure.id),
      notice: NOTICES.find((n) => n === notice) ?? null,
    };
  });
}

type ActionResult = {
  intent: "add" | "add_video" | "replace";
  documentId: number | null;
  errors: FieldError[];
  values: DocumentValues | null;
};

/** The video form's fields carry a prefix (their ids must differ from the document form's on the same page). */
const VIDEO_FIELDS: Record<string, string> = {
  video_title: "title",
  video_description: "description",
  video_summary: "summary",
};
const videoField = (field: string) => (field === "captions" ? field : `video_${field}`);

export async function action({ request, params, context }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    const db = getDb();
    const here = `/${params.org}/verwaltung/verfahren/${params.id}/dokumente`;
    if (isMultipart(request)) {
      const { user, body } = await requireStaffUpload(request, params, ["admin"], DOCUMENT_UPLOAD_LIMITS);
      try {
        const procedure = await procedureOf(user.organisationId, params.id);
        const entry = {
          organisationId: user.organisationId,
          accountId: user.id,
          clientAddress: context.clientAddress as string | undefined,
        };
        const { fields } = body;
        const intent = takeIntent(fields, ["add", "add_video", "replace"] as const);
        if (intent === "add_video") {
          const texts = new Map<string, string[]>();
          for (const [name, value] of fields) {
            if (!(name in VIDEO_FIELDS)) throw new HttpError(400, "unknown_field");
            texts.set(VIDEO_FIELDS[name], value);
          }
          if (body.files.some((f) => f.field !== "video_file" && f.field !== "captions")) throw new HttpError(400, "unknown_field");
          const tooLarge = body.fileTooLarge === "video_file" ? "file" : body.fileTooLarge;
          const result = await addVideo(db, {
            organisationId: user.organisationId,
            procedureId: procedure.id,
            accountId: user.id,
            fields: texts,
            file: body.files.find((f) => f.field === "video_file"),
            captions: body.files.find((f) => f.field === "captions"),
            tooLarge,
            actor: entry,
          });
          if (!result.ok)
            return data<ActionResult>(
              {
                intent,
                documentId: null,
                errors: result.errors.map((e) => ({
                  ...e,
                  field: videoField(e.field),
                })),
                values: result.values,
              },
              { status: result.status }
            );
          return redirect(`${here}?hinweis=videoAdded#dokument-${result.id}`, 303);
        }
        if (body.files.some((f) => f.field !== "file")) throw new HttpError(400, "unknown_field");
        const file = body.files.find((f) => f.field === "file");
        const fileTooLarge = body.fileTooLarge === "file";
        if (intent === "add") {
          for (const name of fields.keys()) if (!["title", "description", "summary"].includes(name)) throw new HttpError(400, "unknown_field");
          // the document and its audit entry in one transaction
          const result = await addDocument(db, {
            organisationId: user.organisationId,
            procedureId: procedure.id,
            accountId: user.id,
            fields,
            file,
            fileTooLarge,
            actor: entry,
          });
          if (!result.ok)
            return data<ActionResult>(
              {
                intent,
                documentId: null,
                errors: result.errors,
                values: result.values,
              },
              { status: result.status }
            );
          return redirect(`${here}?hinweis=added#dokument-${result.id}`, 303);
        }
        const documentId = takeId(fields, "document_id");
        if (fields.size > 0) throw new HttpError(400, "unknown_field");
        const result = await replaceDocumentFile(db, {
          organisationId: user.organisationId,
          procedureId: procedure.id,
          accountId: user.id,
          documentId,
          file,
          fileTooLarge,
          actor: entry,
        });
        if (!result.ok) {
          if (result.status === 404) throw new HttpError(404, "not_found");
          const errors = result.errors.map((e) => ({
            ...e,
            field: `file-${documentId}`,
          }));
          return data<ActionResult>({ intent, documentId, errors, values: null }, { status: result.status });
        }
        if (!result.changed) return redirect(`${here}?hinweis=unchanged#dokument-${documentId}`, 303);
        return redirect(`${here}?hinweis=replaced#dokument-${documentId}`, 303);
      } finally {
        await body.cleanup();
      }
    }

    const { user, fields } = await requireStaffAction(request, params, ["admin"]);
    const procedure = await procedureOf(user.organisationId, params.id);
    const entry = {
      organisationId: user.organisationId,
      accountId: user.id,
      clientAddress: context.clientAddress as string | undefined,
    };
    const intent = takeIntent(fields, ["move", "withdraw"] as const);
    const documentId = takeId(fields, "document_id");
    if (intent === "move") {
      const direction = fields.get("direction") ?? [];
      fields.delete("direction");
      if (fields.size > 0 || direction.length !== 1 || (direction[0] !== "up" && direction[0] !== "down")) throw new HttpError(400, "unknown_field");
      await moveDocument(db, procedure.id, documentId, direction[0], entry);
      return redirect(`${here}?hinweis=moved#dokument-${documentId}`, 303);
    }
    if (fields.size > 0) throw new HttpError(400, "unknown_field");
    const gone = await withdrawDocument(db, procedure.id, documentId, entry);
    if (!gone) throw new HttpError(404, "not_found");
    return redirect(`${here}?hinweis=withdrawn`, 303);
  }, `/${params.org}/verwaltung/verfahren/${params.id}/dokumente`);
}

export default function DocumentsAdmin() {
  const { procedure, documents, notice, csrfToken, base, publicPath } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionResult | undefined;
  const { t, i18n } = useTranslation("admin");
  const errors = actionData?.errors ?? [];
  const errorFor = errorMessageFor(errors, t);
  const values: Partial<DocumentValues> = actionData?.intent === "add" ? actionData.values ?? {} : {};
  const videoValues: Partial<DocumentValues> = actionData?.intent === "add_video" ? actionData.values ?? {} : {};
  const videoLimits = t("documents.videoLimits", {
    kinds: VIDEO_KINDS.map((k) => t(`documents.kinds.${k}`)).join(", "),
    max: formatFileSize(DOCUMENT_MAX_BYTES, i18n.language),
  });
  const captionsLimits = t("documents.captionsLimits", {
    max: formatFileSize(CAPTIONS_MAX_BYTES, i18n.language),
  });
  const here = `${base}/dokumente`;
  const kinds = DOCUMENT_KINDS.map((k) => t(`documents.kinds.${k}`)).join(", ");
  const limits = t("documents.limits", {
    kinds,
    max: formatFileSize(DOCUMENT_MAX_BYTES, i18n.language),
  });
  const accept = DOCUMENT_KINDS.map((k) => MEDIA_TYPES[k]).join(",");

  const small = (intent: "move" | "withdraw", id: number, title: string, label: string, direction?: "up" | "down") => (
    <form method="post" action={here}>
      <CsrfField token={csrfToken} />
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="document_id" value={id} />
      {direction ? <input type="hidden" name="direction" value={direction} /> : null}
      <button type="submit" className="link-button">
        {label}
        <span className="visually-hidden" lang={CONTENT_LANGUAGE}>
          {": "}
          {title}
        </span>
      </button>
    </form>
  );

  return (
    <>
      <p className="caption" lang={CONTENT_LANGUAGE}>
        {procedure.title}
      </p>
      <h1>{t("documents.title")}</h1>
      {notice ? (
        <div className="notice notice--success" role="status">
          <p>{t(`documents.notices.${notice}`)}</p>
        </div>
      ) : null}
      <ErrorSummary errors={errors} namespace="admin" />
      <p>
        <a href={base}>{t("links.back")}</a>
        {publicPath ? (
          <>
            {" · "}
            <a href={publicPath}>{t("documents.publicLink")}</a>
          </>
        ) : null}
      </p>
      <p>{t("documents.intro")}</p>

      {documents.length === 0 ? (
        <p>{t("documents.none")}</p>
      ) : (
        <ol className="list">
          {documents.map((d, i) => (
            <li key={d.id} id={`dokument-${d.id}`}>
              <h2 lang={CONTENT_LANGUAGE}>{d.title}</h2>
              <p className="hint">
                {t(`documents.kinds.${d.kind}`)}, {formatFileSize(d.byteSize, i18n.language)} · <span lang={CONTENT_LANGUAGE}>{d.fileName}</span>
                {d.captionsByteSize !== null
                  ? ` · ${t("documents.withCaptions", {
                      size: formatFileSize(d.captionsByteSize, i18n.language),
                    })}`
                  : null}
              </p>
              {d.description ? <p lang={CONTENT_LANGUAGE}>{d.description}</p> : null}
              <ul className="list">
                {i > 0 ? <li>{small("move", d.id, d.title, t("documents.moveUp"), "up")}</li> : null}
                {i < documents.length - 1 ? <li>{small("move", d.id, d.title, t("documents.moveDown"), "down")}</li> : null}
                <li>{small("withdraw", d.id, d.title, t("documents.withdraw"))}</li>
              </ul>
              {isVideoKind(d.kind) ? (
                <p className="hint">{t("documents.videoReplaceHint")}</p>
              ) : (
                <form method="post" action={here} encType="multipart/form-data" noValidate className="form">
                  <CsrfField token={csrfToken} />
                  <input type="hidden" name="intent" value="replace" />
                  <input type="hidden" name="document_id" value={d.id} />
                  <FileField
                    name={`file-${d.id}`}
                    formName="file"
                    label={t("documents.replaceLabel", { title: d.title })}
                    hint={limits}
                    accept={accept}
                    error={errorFor(`file-${d.id}`)}
                    required
                  />
                  <Button secondary>{t("documents.replace")}</Button>
                </form>
              )}
            </li>
          ))}
        </ol>
      )}

      <form method="post" action={here} encType="multipart/form-data" noValidate className="form" id="document-form">
        <h2>{t("documents.addHeading")}</h2>
        <CsrfField token={csrfToken} />
        <input type="hidden" name="intent" value="add" />
        <TextField name="title" label={t("documents.fields.title")} value={values.title} error={errorFor("title")} required maxLength={DOCUMENT_LIMITS.title} />
        <TextField
          name="description"
          label={t("documents.fields.description")}
          hint={t("documents.fields.descriptionHint")}
          value={values.description}
          error={errorFor("description")}
          maxLength={DOCUMENT_LIMITS.description}
        />
        <TextField
          name="summary"
          label={t("documents.fields.summary")}
          hint={t("documents.fields.summaryHint")}
          value={values.summary}
          error={errorFor("summary")}
          required
          multiline
          maxLength={DOCUMENT_LIMITS.summary}
        />
        {/* last in the form: the fields above and the CSRF token arrive before the file's bytes */}
        <FileField name="file" label={t("documents.fields.file")} hint={limits} accept={accept} error={errorFor("file")} required />
        <Button>{t("documents.add")}</Button>
      </form>

      <form method="post" action={here} encType="multipart/form-data" noValidate className="form" id="video-form">
        <h2>{t("documents.addVideoHeading")}</h2>
        <p>{t("documents.videoIntro")}</p>
        <CsrfField token={csrfToken} />
        <input type="hidden" name="intent" value="add_video" />
        <TextField name="video_title" label={t("documents.fields.title")} value={videoValues.title} error={errorFor("video_title")} required maxLength={DOCUMENT_LIMITS.title} />
        <TextField
          name="video_description"
          label={t("documents.fields.description")}
          hint={t("documents.fields.descriptionHint")}
          value={videoValues.description}
          error={errorFor("video_description")}
          maxLength={DOCUMENT_LIMITS.description}
        />
        <TextField
          name="video_summary"
          label={t("documents.fields.summary")}
          hint={t("documents.fields.videoSummaryHint")}
          value={videoValues.summary}
          error={errorFor("video_summary")}
          required
          multiline
          maxLength={DOCUMENT_LIMITS.summary}
        />
        {/* the files last: the fields and the CSRF token arrive first; the captions after the video */}
        <FileField
          name="video_file"
          label={t("documents.fields.video")}
          hint={videoLimits}
          accept={VIDEO_KINDS.map((k) => MEDIA_TYPES[k]).join(",")}
          error={errorFor("video_file")}
          required
        />
        <FileField name="captions" label={t("documents.fields.captions")} hint={captionsLimits} accept=".vtt,text/vtt" error={errorFor("captions")} required />
        <Button>{t("documents.addVideo")}</Button>
      </form>
    </>
  );
}
