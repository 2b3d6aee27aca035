/**
 * "Where is it about?" in a submission form (issue 18): three equal ways, none required — in words,
 * a grid cell from a list, a point on the plan. The plan is an `<input type="image">`: a click posts
 * the pixel, the page comes back with a mark (an SVG drawn over the picture, no script) and the cell
 * filled in. Keyboard users choose the cell (and may enlarge it); a key press on the plan posts 0,0,
 * which the page explains. Both pictures are PICKER_WIDTH CSS pixels wide, so they fit 320 px and the
 * posted pixels map to the plan exactly.
 */
import { useTranslation } from "react-i18next";
import { SelectField, TextField } from "~/components/fields";
import type { FieldError } from "~/modules/forms/fields";
import { errorMessageFor } from "~/modules/forms/fields";
import { asSentence, cellBox, cellLabels, parseCell, parsePoint, PICKER_WIDTH, pickerHeight, PLACE_DESCRIPTION_MAX, PLACE_FIELDS, POINT_SCALE, type PlaceNotice, type PlacePicker } from "../place";

export type { PlaceNotice, PlacePicker } from "../place";

/** Labels of the place fields for the error summary. */
export function usePlaceLabels(): Record<string, string> {
  const { t } = useTranslation("place");
  return {
    [PLACE_FIELDS.description]: t("words.label"),
    [PLACE_FIELDS.cell]: t("cell.label"),
    [PLACE_FIELDS.plan]: t("point.heading"),
  };
}

function Marker({ x, y, width, height }: { x: number; y: number; width: number; height: number }) {
  return (
    <svg className="place-picker__marker" width={width} height={height} viewBox={`0 0 ${width} ${height}`} aria-hidden="true" focusable="false">
      <circle cx={x} cy={y} r="10" fill="none" stroke="#fff" strokeWidth="6" />
      <circle cx={x} cy={y} r="10" fill="none" stroke="#b00020" strokeWidth="3" />
      <circle cx={x} cy={y} r="2.5" fill="#b00020" />
    </svg>
  );
}

export function PlaceFieldset({
  picker,
  values,
  errors,
  notice,
  pointOnPlan = true,
  action,
}: {
  picker: PlacePicker;
  /** the form's action: steps on the plan post to it with #ort, so the page comes back at the plan */
  action: string;
  values: Record<string, string[] | undefined>;
  errors: readonly FieldError[];
  notice?: PlaceNotice | null;
  /** the desk enters words or a cell from what a caller says: no point */
  pointOnPlan?: boolean;
}) {
  const { t } = useTranslation(["place", "submissions"]);
  const { grid } = picker;
  const errorFor = errorMessageFor(errors, (key, params) => t(key.includes(":") ? key : `submissions:${key}`, params as Record<string, unknown>));
  const first = (name: string) => values[name]?.[0] ?? "";
  const point = parsePoint(first(PLACE_FIELDS.x), first(PLACE_FIELDS.y));
  const validPoint = point && point !== "malformed" ? point : null;
  const cell = first(PLACE_FIELDS.cell);
  const viewCell = parseCell(grid, first(PLACE_FIELDS.view));
  const viewLabel = viewCell ? first(PLACE_FIELDS.view).toUpperCase() : null;
  const planHeight = pickerHeight(grid.width, grid.height);
  const planError = errorFor(PLACE_FIELDS.plan);
  const lastColumn = String.fromCharCode(64 + grid.columns);
  const detail = viewCell ? cellBox(grid, viewCell) : null;
  const detailHeight = detail ? pickerHeight(detail.width, detail.height) : 0;
  const pointInDetail =
    validPoint && detail
      ? {
          x: (((validPoint.x * grid.width) / POINT_SCALE - detail.left) / detail.width) * PICKER_WIDTH,
          y: (((validPoint.y * grid.height) / POINT_SCALE - detail.top) / detail.height) * detailHeight,
        }
      : null;
  return (
    <fieldset className="fieldset fieldset--group" id="ort" aria-describedby="ort-hint">
      <legend className="legend legend--heading">
        {t("legend")} <span className="requirement">{t("common:optional")}</span>
      </legend>
      <p className="hint" id="ort-hint">
        {t(pointOnPlan ? "intro" : "introDesk")}
      </p>
      {notice ? (
        <p className={`notice${notice === "point_set" || notice === "zoomed" || notice === "cleared" ? " notice--success" : ""}`} id="ort-notice">
          {t(`notice.${notice}`, { cell })}
        </p>
      ) : null}
      <TextField
        name={PLACE_FIELDS.description}
        label={t("words.label")}
        hint={t("words.hint")}
        value={first(PLACE_FIELDS.description)}
        error={errorFor(PLACE_FIELDS.description)}
        maxLength={PLACE_DESCRIPTION_MAX}
      />
      <SelectField
        name={PLACE_FIELDS.cell}
        label={t("cell.label")}
        hint={t("cell.hint", { lastColumn, rows: grid.rows })}
        error={errorFor(PLACE_FIELDS.cell)}
        value={cell}
        width="half"
        options={[{ value: "", label: t("cell.none") }, ...cellLabels(grid).map((label) => ({ value: label, label }))]}
      >
        {pointOnPlan ? (
          <p>
            <button type="submit" name={PLACE_FIELDS.action} value="zoom" formAction={`${action}#ort`} className="button button--secondary">
              {t("cell.zoom")}
            </button>
          </p>
        ) : null}
      </SelectField>
      {pointOnPlan ? (
        <div className={`field${planError ? " field--error" : ""}`}>
          <p className="label" id="place_plan-label">
            {t("point.heading")}
          </p>
          <p className="hint" id="place_plan-hint">
            {t("point.hint")}
          </p>
          {planError ? (
            <p id="place_plan-error" className="error-message">
              <span className="visually-hidden">{t("common:errorPrefix")}: </span>
              {planError}
            </p>
          ) : null}
          <div className="place-picker">
            <input
              type="image"
              id={PLACE_FIELDS.plan}
              name={PLACE_FIELDS.plan}
              formAction={`${action}#ort`}
              src={picker.planSrc}
              width={PICKER_WIDTH}
              height={planHeight}
              alt={t("point.planAlt", { alt: asSentence(picker.alt) })}
              aria-describedby={["place_plan-hint", planError ? "place_plan-error" : null].filter(Boolean).join(" ")}
            />
            {validPoint ? <Marker x={(validPoint.x / POINT_SCALE) * PICKER_WIDTH} y={(validPoint.y / POINT_SCALE) * planHeight} width={PICKER_WIDTH} height={planHeight} /> : null}
          </div>
          {viewCell && viewLabel ? (
            <>
              <p className="hint" id="place_detail-hint">
                {t("point.detailHint", { cell: viewLabel })}
              </p>
              <div className="place-picker">
                <input
                  type="image"
                  id={PLACE_FIELDS.detail}
                  name={PLACE_FIELDS.detail}
                  formAction={`${action}#ort`}
                  src={`${picker.cellSrcPrefix}${viewLabel}${picker.cellSrcSuffix}`}
                  width={PICKER_WIDTH}
                  height={detailHeight}
                  alt={t("point.detailAlt", { cell: viewLabel })}
                  aria-describedby="place_detail-hint"
                />
                {pointInDetail && pointInDetail.x >= 0 && pointInDetail.x <= PICKER_WIDTH && pointInDetail.y >= 0 && pointInDetail.y <= detailHeight ? (
                  <Marker x={pointInDetail.x} y={pointInDetail.y} width={PICKER_WIDTH} height={detailHeight} />
                ) : null}
              </div>
            </>
          ) : null}
          {validPoint ? (
            <p>
              {t("point.set", { cell })}{" "}
              <button type="submit" name={PLACE_FIELDS.action} value="clear" formAction={`${action}#ort`} className="button button--secondary">
                {t("point.clear")}
              </button>
            </p>
          ) : null}
          {validPoint ? (
            <>
              <input type="hidden" name={PLACE_FIELDS.x} value={validPoint.x} />
              <input type="hidden" name={PLACE_FIELDS.y} value={validPoint.y} />
            </>
          ) : null}
          {viewLabel ? <input type="hidden" name={PLACE_FIELDS.view} value={viewLabel} /> : null}
        </div>
      ) : null}
    </fieldset>
  );
}
