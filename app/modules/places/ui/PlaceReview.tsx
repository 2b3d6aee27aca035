/**
 * A statement's place on the moderation page (issue 18): words, cell and a picture of the point, what
 * of it is published, and the moderator's choice to withhold it (a point can reveal someone's home)
 * or publish it again. The statement's own publication is decided apart.
 */
import { useTranslation } from "react-i18next";
import { CsrfField } from "~/components/CsrfField";
import { Button } from "~/components/fields";
import type { ShownPlace } from "../place";
import { PlaceSummary } from "./PlaceSummary";

export const PLACE_PUBLICATION_INTENT = "place_publication";

export function PlaceReview({ place, csrfToken }: { place: ShownPlace; csrfToken: string }) {
  const { t } = useTranslation("plan");
  const given = place.description !== undefined || place.cell !== undefined;
  // only the cell and the point are ever published; words alone leave nothing to withhold
  const publishable = place.cell !== undefined;
  return (
    <section aria-labelledby="place-heading">
      <h2 id="place-heading">{t("review.heading")}</h2>
      {given ? <PlaceSummary place={place} /> : <p>{t("review.none")}</p>}
      {publishable ? (
        <form method="post">
          <CsrfField token={csrfToken} />
          <input type="hidden" name="intent" value={PLACE_PUBLICATION_INTENT} />
          <input type="hidden" name="withhold" value={place.withheld ? "no" : "yes"} />
          <p className={place.withheld ? "notice" : undefined} id="place-publication">
            {place.withheld ? t("review.withheld") : t("review.published")}
          </p>
          {place.withheld ? null : <p className="hint">{t("review.withholdHint")}</p>}
          <Button secondary>{place.withheld ? t("review.release") : t("review.withhold")}</Button>
        </form>
      ) : null}
    </section>
  );
}
