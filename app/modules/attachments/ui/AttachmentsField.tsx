/**
 * The form's files (issue 20), without JavaScript: the files already chosen are listed (kept in the
 * draft, so nobody chooses them twice after an error), each with a "remove" box ticked to remove it
 * when the form is sent on — a box, not a button, because a button before the form's own would be
 * what Enter in a text field presses — then a file input for more, while there is room.
 */
import { useTranslation } from "react-i18next";
import { ChoiceField, FileField } from "~/components/fields";
import { ACCEPTED_TYPES, ATTACHMENT_FIELD, REMOVE_FIELD, formatSize, type ChosenFile } from "../attachments";

export function AttachmentsField({ files, maxFiles, maxBytes, error }: { files: ChosenFile[]; maxFiles: number; maxBytes: number; error?: string }) {
  const { t, i18n } = useTranslation("attachments");
  const size = Math.round(maxBytes / (1000 * 1000));
  return (
    <fieldset className="fieldset fieldset--group">
      <legend className="legend legend--heading">{t("form.legend")}</legend>
      <p className="hint">{t("form.intro")}</p>
      <p className="hint">{t("form.privacy")}</p>
      {files.length > 0 ? (
        <ChoiceField
          name={REMOVE_FIELD}
          type="checkbox"
          label={t("form.kept")}
          hint={t("form.keptHint")}
          items={files.map((f) => ({ value: f.token, label: t("form.remove", { name: f.name, size: formatSize(f.byteSize, i18n.language) }) }))}
        />
      ) : null}
      {files.length < maxFiles ? (
        <FileField name={ATTACHMENT_FIELD} label={t("form.label")} hint={t("form.limits", { count: maxFiles, size })} accept={ACCEPTED_TYPES} error={error} multiple />
      ) : (
        <>
          {error ? (
            <p id={`${ATTACHMENT_FIELD}`} className="error-message" tabIndex={-1}>
              {error}
            </p>
          ) : null}
          <p>{t("form.full")}</p>
        </>
      )}
    </fieldset>
  );
}
