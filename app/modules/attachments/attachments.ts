/** What the attachment pieces share on the server and in the page (no server code here). */

/** The file input's name; its errors are shown at the field with this id. */
export const ATTACHMENT_FIELD = "attachments";
/** Ticked on the form: files to remove when the form is sent on. */
export const REMOVE_FIELD = "remove_attachment";
/** What the file chooser offers (the server decides by the bytes, never by this). */
export const ACCEPTED_TYPES = "image/jpeg,image/png,image/webp,image/heic,image/heif,application/pdf,.jpg,.jpeg,.png,.webp,.heic,.pdf";

export interface ChosenFile {
  token: string;
  name: string;
  byteSize: number;
}

/** "1,2 MB" in the reader's language (decimal megabytes, as the limits are stated). */
export function formatSize(bytes: number, locale: string): string {
  const lang = locale === "de-x-ls" ? "de" : locale;
  if (bytes < 1000 * 1000) return `${new Intl.NumberFormat(lang, { maximumFractionDigits: 0 }).format(Math.max(1, Math.round(bytes / 1000)))} kB`;
  return `${new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(bytes / (1000 * 1000))} MB`;
}
