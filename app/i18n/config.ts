/**
 * Languages shipped, in the order the language switcher shows them. German is the source and fallback.
 * "de-x-ls" is Leichte Sprache (easy-read German): a private-use subtag, so browsers and screen
 * readers still treat it as German.
 */
export const SUPPORTED_LANGUAGES = ["de", "de-x-ls", "en", "tr", "ar", "uk", "ru", "pl"] as const;
export type Language = (typeof SUPPORTED_LANGUAGES)[number];
export const FALLBACK_LANGUAGE: Language = "de";
/** The language procedure content is written in until it has translations of its own. */
export const CONTENT_LANGUAGE: Language = "de";
export const NAMESPACES = ["common", "procedures", "submissions", "errors", "privacy", "staff", "accounts", "admin", "desk", "moderation", "results", "accessibility", "barriers", "content", "transparency", "sections", "alerts", "attachments", "attachments-staff", "place", "plan"] as const;

const RTL = new Set<string>(["ar", "fa", "he", "ur"]);
export const directionOf = (lng: string): "rtl" | "ltr" => (RTL.has(lng) ? "rtl" : "ltr");

/** Each language's name in itself, for the switcher. */
export const LANGUAGE_NAMES: Record<Language, string> = {
  de: "Deutsch",
  "de-x-ls": "Leichte Sprache",
  en: "English",
  tr: "Türkçe",
  ar: "العربية",
  uk: "Українська",
  ru: "Русский",
  pl: "Polski",
};
/** Staff and moderator pages ship in these languages only; other choices show them in German. */
export const STAFF_LANGUAGES = ["de", "en"] as const;

export function isSupportedLanguage(lng: unknown): lng is Language {
  return typeof lng === "string" && (SUPPORTED_LANGUAGES as readonly string[]).includes(lng);
}
