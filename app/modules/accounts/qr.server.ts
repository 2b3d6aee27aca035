/**
 * QR codes as inline SVG (for TOTP enrolment). The markup comes from the
 * `qrcode` package (paths only: no scripts, no links, no external resources);
 * we add role="img", an aria-label and a <title> so screen readers announce
 * it. Pages must still show the secret as text next to it, for people who
 * cannot scan.
 */
import { toString as qrToString } from "qrcode";
import escapeHtml from "escape-html";

export async function qrCodeSvg(text: string, label: string): Promise<string> {
  const svg = (await qrToString(text, { type: "svg", errorCorrectionLevel: "M", margin: 2 })).trim();
  const open = /^<svg\b[^>]*>/.exec(svg);
  if (!open) throw new Error("unexpected QR code output");
  const safeLabel = escapeHtml(label);
  const openTag = open[0].replace(/^<svg\b/, `<svg role="img" aria-label="${safeLabel}"`);
  return `${openTag}<title>${safeLabel}</title>${svg.slice(open[0].length)}`;
}
