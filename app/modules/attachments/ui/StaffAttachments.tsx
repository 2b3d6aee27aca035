/**
 * A submission's files on the moderator's review page (issue 20): photos as the server's thumbnails,
 * every file as a download; under each photo the choice to publish it with the results (default: not
 * published), which needs a description of the photo for readers who cannot see it.
 */
import { useTranslation } from "react-i18next";
import { CsrfField } from "~/components/CsrfField";
import { Button, TextField } from "~/components/fields";
import { CONTENT_LANGUAGE } from "~/i18n/config";
import { formatSize } from "../attachments";

export interface StaffAttachment {
  token: string;
  name: string;
  kind: "jpeg" | "png" | "pdf";
  byteSize: number;
  source: "resident" | "desk";
  hasThumbnail: boolean;
  published: boolean;
  altText: string | null;
}

export function StaffAttachments({ files, base, csrfToken, errorFor }: { files: StaffAttachment[]; base: string; csrfToken: string; errorFor: (field: string) => string | undefined }) {
  const { t, i18n } = useTranslation("attachments-staff");
  return (
    <section aria-labelledby="attachments-heading">
      <h2 id="attachments-heading">{t("list.heading")}</h2>
      {files.length === 0 ? (
        <p>{t("list.none")}</p>
      ) : (
        <>
          <p className="hint">{t("list.logged")}</p>
          <ul className="list">
            {files.map((f) => (
              <li key={f.token} id={`anhang-${f.token}`}>
                {f.hasThumbnail ? (
                  <p>
                    <img src={`${base}/anhang/${f.token}/vorschau`} alt={t("list.thumbnailAlt", { name: f.name })} width={320} loading="lazy" />
                  </p>
                ) : null}
                <p>
                  <a href={`${base}/anhang/${f.token}`} download>
                    {t("list.download", { name: f.name })}
                  </a>{" "}
                  <span className="hint">
                    ({t("list.size", { kind: f.kind.toUpperCase(), size: formatSize(f.byteSize, i18n.language) })}, {f.source === "desk" ? t("list.fromDesk") : t("list.fromResident")})
                  </span>
                </p>
                {f.kind === "pdf" ? null : f.published ? (
                  <form method="post">
                    <CsrfField token={csrfToken} />
                    <input type="hidden" name="intent" value="publish_attachment" />
                    <input type="hidden" name="token" value={f.token} />
                    <input type="hidden" name="publish" value="no" />
                    <p>
                      {t("publish.published", { alt: "" })}
                      <span lang={CONTENT_LANGUAGE}>{f.altText}</span>
                    </p>
                    <Button secondary>{t("publish.withdraw")}</Button>
                  </form>
                ) : (
                  <form method="post" noValidate>
                    <CsrfField token={csrfToken} />
                    <input type="hidden" name="intent" value="publish_attachment" />
                    <input type="hidden" name="token" value={f.token} />
                    <input type="hidden" name="publish" value="yes" />
                    <p>{t("publish.notPublished")}</p>
                    <TextField name={`alt_${f.token}`} label={t("publish.alt")} hint={t("publish.altHint")} error={errorFor(`alt_${f.token}`)} maxLength={300} />
                    <Button secondary>{t("publish.submit")}</Button>
                  </form>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
