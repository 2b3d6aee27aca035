/**
 * The one cookie for form progress: which draft belongs to which procedure in this browser.
 * HttpOnly and SameSite=Lax; it holds random draft ids only, never answers.
 */
import { createCookie } from "@remix-run/node";
import { servedOverHttps } from "~/modules/http/secrets.server";

const MAX_DRAFTS = 5;

export const draftCookie = createCookie("teilhabe_form", {
  path: "/",
  httpOnly: true,
  sameSite: "lax",
  secure: servedOverHttps(),
  maxAge: 60 * 60 * 24,
});

type DraftMap = Record<string, string>;

async function readMap(request: Request): Promise<DraftMap> {
  try {
    const value = await draftCookie.parse(request.headers.get("cookie"));
    return value && typeof value === "object" && !Array.isArray(value) ? (value as DraftMap) : {};
  } catch {
    return {};
  }
}

export async function draftIdFor(request: Request, procedureId: number): Promise<string | null> {
  const id = (await readMap(request))[String(procedureId)];
  return typeof id === "string" && /^[A-Za-z0-9_-]{16,64}$/.test(id) ? id : null;
}

export async function rememberDraft(request: Request, procedureId: number, draftId: string): Promise<string> {
  const map = await readMap(request);
  delete map[String(procedureId)];
  map[String(procedureId)] = draftId;
  const kept = Object.entries(map).slice(-MAX_DRAFTS);
  return draftCookie.serialize(Object.fromEntries(kept));
}
