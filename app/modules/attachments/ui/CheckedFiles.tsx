/**
 * The files on "check your answers": each with its own small form and "remove" button (a form of
 * its own, so no button there is what Enter presses elsewhere), and a link back to add more.
 */
import { useTranslation } from "react-i18next";
import { REMOVE_FIELD, formatSize, type ChosenFile } from "../attachments";

export function CheckedFiles({ files, action, changeHref }: { files: ChosenFile[]; action: string; changeHref: string }) {
  const { t, i18n } = useTranslation("attachments");
  return (
    <>
      <h2>{t("check.heading")}</h2>
      {files.length === 0 ? (
        <p>{t("check.none")}</p>
      ) : (
        <ul>
          {files.map((f) => (
            <li key={f.token}>
              {f.name} ({formatSize(f.byteSize, i18n.language)})
              <form method="post" action={action}>
                <input type="hidden" name={REMOVE_FIELD} value={f.token} />
                <button type="submit" className="button button--secondary">
                  {t("check.remove")}
                  <span className="visually-hidden"> {f.name}</span>
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
      <p>
        <a href={changeHref}>{t("check.change")}</a>
      </p>
    </>
  );
}
