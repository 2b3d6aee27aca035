/**
 * A procedure's documents for residents, as GOV.UK shows attachments: the title as the download
 * link, then type and size in words ("PDF, 2,4 MB"), the description and the plain-text summary
 * (the accessible alternative) behind a disclosure. A video is played in the page with its captions
 * (VideoPlayer). Titles and texts are the organisation's, in German.
 */
import { useTranslation } from "react-i18next";
import { CONTENT_LANGUAGE } from "~/i18n/config";
import { formatFileSize } from "~/i18n/format";
import type { ProcedureDocument } from "../documents.server";
import { VideoPlayer } from "./VideoPlayer";

export function DocumentList({ documents, basePath }: { documents: readonly ProcedureDocument[]; basePath: string }) {
  const { t, i18n } = useTranslation("procedures");
  if (documents.length === 0) return null;
  return (
    <section aria-labelledby="documents-title">
      <h2 id="documents-title">{t("documents.title")}</h2>
      <ul className="documents">
        {documents.map((d) => (
          <li key={d.id} className="document">
            {(d.kind === "mp4" || d.kind === "webm") && d.captionsByteSize !== null ? (
              <>
                <h3 className="document__title" lang={CONTENT_LANGUAGE}>
                  {d.title}
                </h3>
                <VideoPlayer
                  video={{
                    title: d.title,
                    kind: d.kind,
                    byteSize: d.byteSize,
                    captionsByteSize: d.captionsByteSize,
                    videoPath: `${basePath}/dokumente/${d.id}`,
                    captionsPath: `${basePath}/dokumente/${d.id}/untertitel.vtt`,
                  }}
                />
              </>
            ) : (
              <>
                <h3 className="document__title">
                  <a href={`${basePath}/dokumente/${d.id}`} lang={CONTENT_LANGUAGE}>
                    {d.title}
                  </a>
                </h3>
                <p className="hint">{`${t(`documents.kinds.${d.kind}`)}, ${formatFileSize(d.byteSize, i18n.language)}`}</p>
              </>
            )}
            {d.description ? <p lang={CONTENT_LANGUAGE}>{d.description}</p> : null}
            <details>
              <summary>{t("documents.summary")}</summary>
              <div lang={CONTENT_LANGUAGE} className="document__summary">
                {d.summary.split(/\n{2,}/).map((paragraph, i) => (
                  <p key={i}>{paragraph}</p>
                ))}
              </div>
            </details>
          </li>
        ))}
      </ul>
    </section>
  );
}
