/**
 * Renders every page to a complete HTML string on the server, in the reader's language.
 * No streaming: pages are small and must arrive whole in the first round trip anyway.
 */
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { RemixServer, isRouteErrorResponse } from "@remix-run/react";
import { renderToString } from "react-dom/server";
import { I18nextProvider } from "react-i18next";
import { chosenLanguage, getLocale, i18nextServer, languageCookie } from "~/i18n/i18n.server";
import { getDatabaseHandle, getDb } from "~/db.server";
import { log } from "~/modules/http/log.server";
import { isPrivatePath } from "~/modules/http/private-paths";
import { createPageCache as createCache, type PageCacheOptions } from "~/modules/http/page-cache.server";
import { contentVersion, contentVersionNow, nextTransition } from "~/modules/organisations/organisations.server";

export { closeDatabase } from "~/db.server";
export { prepareDatabase, runScheduledJobs, runTransparencyLog } from "~/startup.server";
import { serverSupport as support } from "~/modules/http/server-support.server";
import { DOCUMENT_UPLOAD_MAX_BODY, DOCUMENT_UPLOAD_PATH } from "~/modules/documents/documents.server";
import { takeFileOfBody } from "~/modules/files/disk-copies.server";
import { SIGN_LANGUAGE_UPLOAD_PATH } from "~/modules/documents/sign-language.server";
import { DESK_SCAN_MAX_BODY, DESK_SCAN_PATH, RESIDENT_FORM_MAX_BODY, RESIDENT_FORM_PATH } from "~/modules/attachments/form.server";

/** The server's helpers (server/); upload pages may receive larger bodies than forms (the limit is enforced while streaming) */
export const serverSupport = {
  ...support,
  /** a download from a local copy: its open file (the adapter sends it), else null */
  takeFileOfBody,
  maxBodyBytesFor: (path: string) =>
    DOCUMENT_UPLOAD_PATH.test(path) || SIGN_LANGUAGE_UPLOAD_PATH.test(path)
      ? DOCUMENT_UPLOAD_MAX_BODY
      : RESIDENT_FORM_PATH.test(path)
        ? RESIDENT_FORM_MAX_BODY
        : DESK_SCAN_PATH.test(path)
          ? DESK_SCAN_MAX_BODY
          : support.maxBodyBytes,
};

/** The page cache with what it needs to know about organisations' content (infrastructure knows no domain). */
export function createPageCache(options: Omit<PageCacheOptions, "content">) {
  return createCache({
    ...options,
    content: {
      version: (slug) => contentVersion(getDatabaseHandle(), slug),
      versionNow: (slug) => contentVersionNow(getDatabaseHandle(), slug),
      expiresAt: (slug, now, maxAgeMs) => nextTransition(getDb(), slug, now, maxAgeMs),
    },
  });
}

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  _loadContext: AppLoadContext,
) {
  const locale = await getLocale(request);
  const i18n = i18nextServer.cloneInstance({ lng: locale, initImmediate: false });
  await i18n.changeLanguage(locale);
  let html = renderToString(
    <I18nextProvider i18n={i18n}>
      <RemixServer context={remixContext} url={request.url} />
    </I18nextProvider>,
  );
  // RemixServer leaves an empty Suspense marker after </html> (single fetch's data stream, which
  // pages without scripts never read); it would make the document invalid HTML
  html = html.replace(/<!--\$--><!--\/\$-->$/, "");
  // GOV.UK: a page that shows an error summary says so first in its title
  if (html.includes("data-error-summary")) {
    html = html.replace("<title>", `<title>${i18n.t("common:errorTitlePrefix")}: `);
  }
  const chosen = chosenLanguage(request);
  if (chosen) responseHeaders.append("Set-Cookie", await languageCookie.serialize(chosen));
  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  // pages behind a receipt code or a staff sign-in must not be kept by the browser's or any cache:
  // on a shared computer, Back after signing out must not bring them back
  if (isPrivatePath(new URL(request.url).pathname)) responseHeaders.set("Cache-Control", "no-store");
  responseHeaders.set("Content-Language", locale);
  responseHeaders.append("Vary", "Cookie, Accept-Language");
  return new Response("<!DOCTYPE html>" + html, { status: responseStatusCode, headers: responseHeaders });
}

export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return;
  // Remix's own answers to a client's mistake (405: a POST to a page without a form) are not faults
  if (isRouteErrorResponse(error) && error.status < 500) return;
  // a real fault in our code: log it as one line of JSON, without request bodies (personal data)
  const e = error instanceof Error ? error : new Error(String(error));
  log("error", "unhandled_error", { path: new URL(request.url).pathname, method: request.method, error: e.message, stack: e.stack });
}
