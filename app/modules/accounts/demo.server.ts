/**
 * Demo accounts, created only together with the demo data (never outside demo mode):
 * admin@demo.example, moderation@demo.example and service@demo.example with the password
 * `teilhabe-demo` (or DEMO_PASSWORD); admin and moderator with the TOTP secret JBSWY3DPEHPK3PXP.
 */
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { createAccount } from "./accounts.server";

export const DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP";
export const DEMO_PASSWORD = "teilhabe-demo";
// scrypt of "teilhabe-demo", computed once: demo servers (and every test server) start without
// spending half a second per account
const DEMO_PASSWORD_HASH =
  "scrypt$16384$8$5$YoQ-wufYUGJ_VYdgAYLQog$viFusrIuQQSXuD5TspojSa-Rpc09Qywp-KSbPAXdcCnmz3RznEil4YH_Cg8Dnj7NVumeE2XUJBAxw3yaRKMNkg";

export const DEMO_ACCOUNTS = [
  { email: "admin@demo.example", displayName: "Alex Admin", roles: ["admin"] as const, totp: true },
  { email: "moderation@demo.example", displayName: "Mira Moderation", roles: ["moderator"] as const, totp: true },
  { email: "service@demo.example", displayName: "Sami Service", roles: ["staff"] as const, totp: false },
];

export async function seedDemoAccounts(db: Kysely<Database>, organisationSlug = "musterstadt"): Promise<boolean> {
  const org = await db.selectFrom("organisations").select("id").where("slug", "=", organisationSlug).executeTakeFirst();
  if (!org) return false;
  const existing = await db.selectFrom("accounts").select("id").where("organisation_id", "=", org.id).limit(1).executeTakeFirst();
  if (existing) return false;
  const password = process.env.DEMO_PASSWORD?.trim();
  for (const a of DEMO_ACCOUNTS) {
    const account = await createAccount(db, {
      organisationId: org.id,
      email: a.email,
      displayName: a.displayName,
      roles: [...a.roles],
      password: password && password !== DEMO_PASSWORD ? password : undefined,
      totpSecret: a.totp ? DEMO_TOTP_SECRET : undefined,
    });
    if (!password || password === DEMO_PASSWORD) {
      await db.updateTable("accounts").set({ password_hash: DEMO_PASSWORD_HASH, password_changed_at: new Date().toISOString() }).where("id", "=", account.id).execute();
    }
  }
  return true;
}

/** Whether any demo account (published password and TOTP secret) exists: never in production. */
export async function holdsDemoAccounts(db: Kysely<Database>): Promise<boolean> {
  const row = await db
    .selectFrom("accounts")
    .select("id")
    .where("email", "in", DEMO_ACCOUNTS.map((a) => a.email))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
