/**
 * i18next for the server. Translations are read from locales/<lng>/<ns>.json once, when this
 * module is first loaded (i18next-fs-backend, synchronously), and shared by every request:
 * a request gets a cheap clone fixed to its language, never a fresh load.
 * Language detection (remix-i18next): ?lng=, then the language cookie, then Accept-Language.
 */
import { createCookie } from "@remix-run/node";
import { createInstance, type TFunction } from "i18next";
import Backend from "i18next-fs-backend";
import { resolve } from "node:path";
import { RemixI18Next } from "remix-i18next/server";
import { FALLBACK_LANGUAGE, NAMESPACES, STAFF_LANGUAGES, SUPPORTED_LANGUAGES, isSupportedLanguage, type Language } from "./config";
import { servedOverHttps } from "~/modules/http/secrets.server";

const localesDir = resolve(process.env.LOCALES_DIR ?? "locales");

export const i18nextServer = createInstance();
void i18nextServer.use(Backend).init({
  supportedLngs: [...SUPPORTED_LANGUAGES],
  fallbackLng: FALLBACK_LANGUAGE,
  preload: [...SUPPORTED_LANGUAGES],
  ns: [...NAMESPACES],
  defaultNS: "common",
  initImmediate: false, // load synchronously, now
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
  backend: { loadPath: `${localesDir}/{{lng}}/{{ns}}.json` },
});

export const languageCookie = createCookie("lng", {
  path: "/",
  httpOnly: true,
  sameSite: "lax",
  secure: servedOverHttps(),
  maxAge: 60 * 60 * 24 * 365,
});

const detector = new RemixI18Next({
  detection: {
    supportedLanguages: [...SUPPORTED_LANGUAGES],
    fallbackLanguage: FALLBACK_LANGUAGE,
    cookie: languageCookie,
    searchParamKey: "lng",
  },
});

const STAFF_PATH = /^\/(?:[^/]+\/verwaltung|anmelden|abmelden|einladung)(?:\/|$)/;

/**
 * The detector's answer depends only on ?lng=, the language cookie and Accept-Language, so it is
 * remembered per combination of the three (bounded: the headers come from clients) — detection
 * ran several times per request and parsed the headers each time.
 */
const detected = new Map<string, Language>();
const LANGUAGE_COOKIE = /(?:^|;)\s*lng=([^;]*)/;

const detectionKey = (param: string | null, cookie: string | undefined, acceptLanguage: string) => `${param ?? ""}\n${cookie ?? ""}\n${acceptLanguage}`;

/**
 * The language detected before for a request without ?lng= and with these two headers, if there
 * was one — for the page cache's answer before Express, which cannot wait for detection.
 */
export function rememberedLanguage(cookieHeader: string, acceptLanguage: string): Language | undefined {
  return detected.get(detectionKey(null, LANGUAGE_COOKIE.exec(cookieHeader)?.[1], acceptLanguage));
}

async function detectLanguage(request: Request): Promise<Language> {
  const url = new URL(request.url);
  const param = url.searchParams.get("lng");
  const cookie = LANGUAGE_COOKIE.exec(request.headers.get("cookie") ?? "")?.[1];
  const acceptLanguage = request.headers.get("accept-language") ?? "";
  const key = detectionKey(param, cookie, acceptLanguage);
  const known = detected.get(key);
  if (known !== undefined) return known;
  const headers = new Headers({ "accept-language": acceptLanguage });
  if (cookie !== undefined) headers.set("cookie", `lng=${cookie}`);
  const lng = await detector.getLocale(new Request(param === null ? "http://localhost/" : `http://localhost/?lng=${encodeURIComponent(param)}`, { headers }));
  const locale = isSupportedLanguage(lng) ? lng : FALLBACK_LANGUAGE;
  if (detected.size >= 1000) detected.delete(detected.keys().next().value!);
  detected.set(key, locale);
  return locale;
}

export async function getLocale(request: Request): Promise<Language> {
  const locale = await detectLanguage(request);
  // staff pages exist in German and English only: another choice shows them in German, declared
  // as German, rather than German text marked as Turkish
  if (!(STAFF_LANGUAGES as readonly string[]).includes(locale) && STAFF_PATH.test(new URL(request.url).pathname)) {
    return FALLBACK_LANGUAGE;
  }
  return locale;
}

/** The language explicitly chosen with ?lng= on this request, to remember in the cookie. */
export function chosenLanguage(request: Request): Language | null {
  const lng = new URL(request.url).searchParams.get("lng");
  return isSupportedLanguage(lng) ? lng : null;
}

export function fixedT(locale: Language, ns: (typeof NAMESPACES)[number] = "common"): TFunction {
  return i18nextServer.getFixedT(locale, ns);
}

export async function getT(request: Request, ns: (typeof NAMESPACES)[number] = "common") {
  const locale = await getLocale(request);
  return { locale, t: fixedT(locale, ns) };
}
