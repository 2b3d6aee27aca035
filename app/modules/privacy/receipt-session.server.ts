/**
 * The one cookie for "I have shown my receipt code": it names the submission its holder may see,
 * signed so it cannot be changed, and lasts 30 minutes. The code itself never goes into a URL.
 */
import { createCookie } from "@remix-run/node";
import { getCookieSecret, servedOverHttps } from "~/modules/http/secrets.server";

export const RECEIPT_SESSION_SECONDS = 30 * 60;

let cookie: ReturnType<typeof createCookie> | undefined;
function receiptCookie() {
  cookie ??= createCookie("teilhabe_beitrag", {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: servedOverHttps(),
    maxAge: RECEIPT_SESSION_SECONDS,
    secrets: [getCookieSecret()],
  });
  return cookie;
}

interface ReceiptSession {
  submissionId: number;
  organisationId: number;
  expiresAt: number;
}

export async function startReceiptSession(submissionId: number, organisationId: number): Promise<string> {
  const value: ReceiptSession = { submissionId, organisationId, expiresAt: Date.now() + RECEIPT_SESSION_SECONDS * 1000 };
  return receiptCookie().serialize(value);
}

export async function endReceiptSession(): Promise<string> {
  return receiptCookie().serialize("", { maxAge: 0 });
}

/** The submission this browser may see in this organisation, or null. */
export async function receiptSessionSubmission(request: Request, organisationId: number): Promise<number | null> {
  try {
    const value = (await receiptCookie().parse(request.headers.get("cookie"))) as ReceiptSession | null;
    if (!value || typeof value !== "object") return null;
    if (value.organisationId !== organisationId || !(value.expiresAt > Date.now())) return null;
    return Number.isInteger(value.submissionId) ? value.submissionId : null;
  } catch {
    return null;
  }
}
