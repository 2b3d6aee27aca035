/** Signing in as staff in the HTTP and browser tests: password, then the TOTP code where needed. */
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from "~/modules/accounts/demo.server";
import { totpCode } from "~/modules/accounts/totp.server";
import { Client } from "./http";

export const DEMO = {
  admin: "admin@demo.example",
  moderator: "moderation@demo.example",
  staff: "service@demo.example",
} as const;

/**
 * A signed-in client. A TOTP code is accepted once per time step, so a test that signs the same
 * account in twice within 30 seconds passes `db`: the remembered step is cleared first, as if
 * half a minute had passed.
 */
export async function signIn(
  base: string,
  email: string,
  { password = DEMO_PASSWORD, totpSecret = DEMO_TOTP_SECRET, db }: { password?: string; totpSecret?: string; db?: Kysely<Database> } = {},
) {
  const c = new Client(base);
  const res = await c.post("/anmelden", [["email", email], ["password", password]]);
  if (res.status !== 303) throw new Error(`sign-in failed with ${res.status}`);
  const location = res.headers.get("location")!;
  if (location.startsWith("/anmelden/code")) {
    if (db) await db.updateTable("accounts").set({ totp_last_step: null }).where("email", "=", email).execute();
    const code = await c.post(location, [["code", totpCode(totpSecret)]]);
    if (code.status !== 303) throw new Error(`second factor failed with ${code.status}`);
    return { client: c, home: code.headers.get("location")! };
  }
  return { client: c, home: location };
}

/** The CSRF token of a signed-in page. */
export function csrfOf(html: string): string {
  const m = html.match(/name="_csrf" value="([^"]+)"/);
  if (!m) throw new Error("no CSRF token on the page");
  return m[1];
}
