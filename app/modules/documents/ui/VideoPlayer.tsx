/**
 * A video with its captions, played by the browser itself (decision 49): <video controls
 * preload="none"> loads nothing until the resident presses play, so the page's budget counts only
 * this markup; the captions are a <track> shown by default. Below it, links to download the video
 * and the caption file, for those whose browser or device does not play it.
 */
import { useTranslation } from "react-i18next";
import { CONTENT_LANGUAGE } from "~/i18n/config";
import { formatFileSize } from "~/i18n/format";

export interface VideoForPlayer {
  title: string;
  kind: "mp4" | "webm";
  byteSize: number;
  captionsByteSize: number;
  videoPath: string;
  captionsPath: string;
}

export function VideoPlayer({ video, titleLang = CONTENT_LANGUAGE }: { video: VideoForPlayer; titleLang?: string | null }) {
  const { t, i18n } = useTranslation("procedures");
  return (
    <>
      <video className="video" controls preload="none" src={video.videoPath}>
        <track kind="captions" src={video.captionsPath} srcLang={CONTENT_LANGUAGE} label={t("video.captionsLabel")} default />
        <p>{t("video.noPlayer")}</p>
      </video>
      <ul className="list">
        <li>
          <a href={video.videoPath} download>
            {t("video.download")}
            <span className="visually-hidden" lang={titleLang ?? undefined}>
              {": "}
              {video.title}
            </span>
          </a>{" "}
          <span className="hint">({`${t(`documents.kinds.${video.kind}`)}, ${formatFileSize(video.byteSize, i18n.language)}`})</span>
        </li>
        <li>
          <a href={video.captionsPath} download>
            {t("video.captions")}
          </a>{" "}
          <span className="hint">({`${t("video.captionsKind")}, ${formatFileSize(video.captionsByteSize, i18n.language)}`})</span>
        </li>
      </ul>
    </>
  );
}
