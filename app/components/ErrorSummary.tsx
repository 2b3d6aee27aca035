/**
 * GOV.UK error summary: at the top of the page, announced (role="alert"), focused on load
 * (autofocus works without JavaScript), each error a link to its field.
 */
import { useTranslation } from "react-i18next";
import type { FieldError } from "~/modules/forms/fields";

export function ErrorSummary({
  errors,
  labelFor,
  namespace = "submissions",
}: {
  errors: FieldError[];
  labelFor?: (field: string) => string;
  /** where the error messages' translation keys live */
  namespace?: string;
}) {
  const { t } = useTranslation(["common", namespace]);
  if (errors.length === 0) return null;
  return (
    <div className="error-summary" data-error-summary="" role="alert" aria-labelledby="error-summary-title" tabIndex={-1} autoFocus>
      <h2 id="error-summary-title" className="error-summary__title">
        {t("common:errorSummaryTitle")}
      </h2>
      <ul className="error-summary__list">
        {errors.map((e) => (
          <li key={e.field}>
            <a href={`#${e.field}`}>
              {labelFor ? <span className="visually-hidden">{labelFor(e.field)}: </span> : null}
              {t(e.message.includes(":") ? e.message : `${namespace}:${e.message}`, e.params)}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
