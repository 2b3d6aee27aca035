/**
 * Accessible form fields after the GOV.UK Design System: a visible label, an optional hint,
 * the error message above the control, all tied together with aria-describedby. Groups of
 * radios or checkboxes are a fieldset whose legend is the question. The first control of every
 * field carries the field's name as its id, so the error summary can link to it.
 */
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

export interface FieldProps {
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  required?: boolean;
  /** language of the label and hint when it differs from the page (WCAG 3.1.2) */
  contentLang?: string;
}

function Requirement({ required }: { required?: boolean }) {
  const { t } = useTranslation("common");
  return <span className="requirement">{required ? t("required") : t("optional")}</span>;
}

function describedBy(name: string, hint?: ReactNode, error?: string, extra?: string) {
  return [hint ? `${name}-hint` : null, extra ?? null, error ? `${name}-error` : null].filter(Boolean).join(" ") || undefined;
}

function ErrorMessage({ name, error }: { name: string; error?: string }) {
  const { t } = useTranslation("common");
  if (!error) return null;
  return (
    <p id={`${name}-error`} className="error-message">
      <span className="visually-hidden">{t("errorPrefix")}: </span>
      {error}
    </p>
  );
}

function Hint({ name, hint, lang }: { name: string; hint?: ReactNode; lang?: string }) {
  if (!hint) return null;
  return (
    <div id={`${name}-hint`} className="hint" lang={lang}>
      {hint}
    </div>
  );
}

/** A control's label (with "required"/"optional") and its hint, in the language of its content. */
function LabelAndHint({ name, label, hint, required, contentLang }: Omit<FieldProps, "error">) {
  return (
    <>
      <label className="label" htmlFor={name}>
        <span lang={contentLang}>{label}</span> <Requirement required={required} />
      </label>
      <Hint name={name} hint={hint} lang={contentLang} />
    </>
  );
}

export function TextField(
  props: FieldProps & {
    value?: string;
    multiline?: boolean;
    maxLength?: number | null;
    type?: "text" | "email" | "tel" | "password" | "date" | "number";
    inputMode?: "numeric" | "text";
    autoComplete?: string;
    width?: "full" | "half";
  },
) {
  const { t } = useTranslation("common");
  const { name, label, hint, error, required, value, multiline, maxLength, type = "text", autoComplete, contentLang } = props;
  const lengthId = maxLength ? `${name}-length` : undefined;
  const common = {
    id: name,
    name,
    "aria-describedby": describedBy(name, hint, error, lengthId),
    "aria-invalid": error ? true : undefined,
    "aria-required": required ? true : undefined,
    defaultValue: value ?? "",
    autoComplete,
  } as const;
  return (
    <div className={`field${error ? " field--error" : ""}`}>
      <LabelAndHint name={name} label={label} hint={hint} required={required} contentLang={contentLang} />
      {maxLength ? (
        <p id={lengthId} className="hint">
          {t("maxLength", { count: maxLength })}
        </p>
      ) : null}
      <ErrorMessage name={name} error={error} />
      {multiline ? (
        <textarea className="input textarea" rows={multiline ? 6 : undefined} {...common} />
      ) : (
        <input
          className={`input${props.width === "half" ? " input--half" : ""}`}
          type={type}
          spellCheck={type === "email" || type === "password" ? false : undefined}
          inputMode={props.inputMode}
          {...common}
        />
      )}
    </div>
  );
}

export interface ChoiceItem {
  value: string;
  label: ReactNode;
  /** language of this item's label when it differs from the page */
  lang?: string;
}

export function ChoiceField(
  props: FieldProps & { type: "radio" | "checkbox"; items: ChoiceItem[]; values?: string[]; inline?: boolean },
) {
  const { name, label, hint, error, required, items, values = [], type, inline, contentLang } = props;
  return (
    <div className={`field${error ? " field--error" : ""}`}>
      <fieldset className="fieldset" aria-describedby={describedBy(name, hint, error)}>
        <legend className="legend">
          <span lang={contentLang}>{label}</span> <Requirement required={required} />
        </legend>
        <Hint name={name} hint={hint} lang={contentLang} />
        <ErrorMessage name={name} error={error} />
        <div className={`choices${inline ? " choices--inline" : ""}`}>
          {items.map((item, i) => {
            const id = i === 0 ? name : `${name}-${i + 1}`;
            return (
              <div className="choice" key={item.value}>
                <input
                  className="choice__input"
                  id={id}
                  name={name}
                  type={type}
                  value={item.value}
                  defaultChecked={values.includes(item.value)}
                />
                <label className="choice__label" htmlFor={id} lang={item.lang}>
                  {item.label}
                </label>
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}

/** A select (GOV.UK select): label, hint, error above the control; `children` follow the control inside the field. */
export function SelectField(
  props: FieldProps & { value?: string; options: readonly ChoiceItem[]; width?: "full" | "half"; children?: ReactNode },
) {
  const { name, label, hint, error, required, value, options, contentLang, children } = props;
  return (
    <div className={`field${error ? " field--error" : ""}`}>
      <LabelAndHint name={name} label={label} hint={hint} required={required} contentLang={contentLang} />
      <ErrorMessage name={name} error={error} />
      <select
        id={name}
        name={name}
        className={`input${props.width === "half" ? " input--half" : ""}`}
        defaultValue={value ?? ""}
        aria-describedby={describedBy(name, hint, error)}
        aria-invalid={error ? true : undefined}
        aria-required={required ? true : undefined}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value} lang={o.lang}>
            {o.label}
          </option>
        ))}
      </select>
      {children}
    </div>
  );
}

/**
 * A select in a list's filter form (sent with GET): a label and the control, no requirement marker
 * or error, since every value including "all" is a valid choice.
 */
export function FilterSelect({ name, label, value, options, wide }: { name: string; label: ReactNode; value: string; options: readonly ChoiceItem[]; wide?: boolean }) {
  return (
    <div className="field">
      <label className="label" htmlFor={name}>
        {label}
      </label>
      <select id={name} name={name} className={wide ? "input" : "input input--half"} defaultValue={value}>
        {options.map((o) => (
          <option key={o.value} value={o.value} lang={o.lang}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A day in a list's filter form (sent with GET), like FilterSelect. */
export function FilterDate({ name, label, value }: { name: string; label: ReactNode; value: string }) {
  return (
    <div className="field">
      <label className="label" htmlFor={name}>
        {label}
      </label>
      <input id={name} name={name} type="date" className="input input--half" defaultValue={value} />
    </div>
  );
}

export function Button({ children, secondary }: { children: ReactNode; secondary?: boolean }) {
  return (
    <button type="submit" className={`button${secondary ? " button--secondary" : ""}`}>
      {children}
    </button>
  );
}

/** A file input (GOV.UK file upload). `name` is its id (the error summary links to it); `formName` the field name sent, when they differ. */
export function FileField(props: FieldProps & { formName?: string; accept?: string; multiple?: boolean }) {
  const { name, formName, label, hint, error, required, accept, multiple } = props;
  return (
    <div className={`field${error ? " field--error" : ""}`}>
      <label className="label" htmlFor={name}>
        {label} <Requirement required={required} />
      </label>
      <Hint name={name} hint={hint} />
      <ErrorMessage name={name} error={error} />
      <input
        className="input file-upload"
        type="file"
        id={name}
        name={formName ?? name}
        accept={accept}
        multiple={multiple}
        aria-describedby={describedBy(name, hint, error)}
        aria-invalid={error ? true : undefined}
        aria-required={required ? true : undefined}
      />
    </div>
  );
}
