/**
 * A path we may send someone to (after signing in, from an error page): resolved with the URL
 * parser against our own origin and kept only when it stays there. Control characters (the parser
 * drops tabs and line breaks, so `/\t/evil.example` would become `//evil.example`) and backslashes
 * (browsers read them as slashes) are refused before parsing. Returns the normalised path, or null.
 */
const BASE = "http://teilhabe.invalid";

export function sameOriginPath(value: string | null | undefined): string | null {
  if (!value || value.length > 500 || !value.startsWith("/")) return null;
  if (/[\u0000-\u001F\u007F-\u009F\\]/.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return null;
  }
  if (url.origin !== BASE) return null;
  const path = url.pathname + url.search + url.hash;
  // what the browser will resolve must still start with exactly one slash
  return path.startsWith("//") ? null : path;
}
