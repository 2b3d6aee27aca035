/** Languages shipped, in the order the language switcher shows them. German is the source and fallback. */
export const SUPPORTED_LANGUAGES = ["de", "en", "ar"] as const;
export type Language = (typeof SUPPORTED_LANGUAGES)[number];
export const FALLBACK_LANGUAGE: Language = "de";
/** The language procedure content is written in until it has translations of its own. */
export const CONTENT_LANGUAGE: Language = "de";
export const NAMESPACES = ["common", "procedures", "submissions", "errors", "privacy", "staff", "accounts", "admin", "desk", "moderation", "results"] as const;

const RTL = new Set<string>(["ar", "fa", "he", "ur"]);
export const directionOf = (lng: string): "rtl" | "ltr" => (RTL.has(lng) ? "rtl" : "ltr");

/** Each language's name in itself, for the switcher. */
export const LANGUAGE_NAMES: Record<Language, string> = { de: "Deutsch", en: "English", ar: "العربية" };

export function isSupportedLanguage(lng: unknown): lng is Language {
  return typeof lng === "string" && (SUPPORTED_LANGUAGES as readonly string[]).includes(lng);
}
