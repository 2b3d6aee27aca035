/**
 * Headers on every response (pages, downloads, files, error answers). No page ships JavaScript,
 * so scripts are refused outright; styles come only from our own stylesheet files (no inline
 * style attributes or <style> elements). See docs/decisions, "security headers and limits".
 */
import { servedOverHttps } from "./secrets.server";

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'none'",
  "style-src 'self'",
  // the empty icon (<link rel="icon" href="data:,">) and any image of our own
  "img-src 'self' data:",
  // videos with captions (decision 49): our own files only
  "media-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

export const PERMISSIONS_POLICY = [
  "accelerometer=()",
  "autoplay=()",
  "browsing-topics=()",
  "camera=()",
  "display-capture=()",
  "geolocation=()",
  "gyroscope=()",
  "magnetometer=()",
  "microphone=()",
  "payment=()",
  "usb=()",
].join(", ");

/** The headers, name → value. HSTS only when PUBLIC_ORIGIN is https:// (a plain-HTTP demo must not pin it). */
export function securityHeaders(): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
  };
  if (servedOverHttps()) headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains";
  return headers;
}
