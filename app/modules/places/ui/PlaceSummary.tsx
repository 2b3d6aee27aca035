/** A statement's place as a summary (check your answers, the receipt, staff views): words, cell, a small picture of the point. */
import { useTranslation } from "react-i18next";
import type { ShownPlace } from "../place";

export type { ShownPlace } from "../place";

export function PlaceSummary({ place, changeHref }: { place: ShownPlace; changeHref?: string }) {
  const { t } = useTranslation(["place", "submissions"]);
  const rows: { key: string; label: string; value: React.ReactNode }[] = [
    { key: "words", label: t("words.label"), value: place.description ?? <span className="hint">{t("submissions:check.notAnswered")}</span> },
    { key: "cell", label: t("cell.label"), value: place.cell ?? <span className="hint">{t("submissions:check.notAnswered")}</span> },
    {
      key: "point",
      label: t("point.heading"),
      value:
        place.x !== undefined && place.y !== undefined ? (
          place.pictureSrc ? (
            <img className="place-crop" src={place.pictureSrc} width={288} height={192} alt={t("point.cropAlt", { cell: place.cell })} />
          ) : (
            t("point.setShort", { cell: place.cell })
          )
        ) : (
          <span className="hint">{t("submissions:check.notAnswered")}</span>
        ),
    },
  ];
  return (
    <dl className="summary">
      {rows.map((r) => (
        <div className="summary__row" key={r.key}>
          <dt className="summary__key">{r.label}</dt>
          <dd className="summary__value">{r.value}</dd>
          {changeHref ? (
            <dd className="summary__action">
              <a href={changeHref}>
                {t("submissions:check.change")}
                <span className="visually-hidden"> {r.label}</span>
              </a>
            </dd>
          ) : null}
        </div>
      ))}
    </dl>
  );
}
