/** A procedure's address (slug): its format, and one made from a title. */
import { PROCEDURE_LIMITS } from "./admin-rules";

export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** "Straßen & Plätze 2030" → "strassen-plaetze-2030". */
export function slugify(s: string, max: number = PROCEDURE_LIMITS.slug): string {
  return s
    .toLowerCase()
    .replace(/ä/g, "ae")
    .replace(/ö/g, "oe")
    .replace(/ü/g, "ue")
    .replace(/ß/g, "ss")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, max)
    .replace(/-+$/, "");
}
