/**
 * `npm run org:create -- --slug <slug> --name "<name>" --admin-email <email> --admin-name "<name>"`
 *
 * Migrates the database named by DATABASE_URL, creates an organisation (a municipality) and its
 * first administrator (no password yet), and prints a one-time invitation link, valid 72 hours,
 * on PUBLIC_ORIGIN (or http://localhost:3000). The administrator chooses a password with the link
 * and sets up the second factor at the first sign-in. A taken address (slug) or e-mail address is
 * refused with a message and exit code 1; nothing is stored then.
 */
import { parseArgs } from "node:util";
import { databaseUrlFromEnv, isUniqueViolation, openDatabase } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { TOKEN_LIFETIME_MS, createAccount, createAccountToken, normaliseEmail } from "~/modules/accounts/accounts.server";
import { audit } from "~/modules/audit/audit.server";
import { RESERVED_SLUGS, createOrganisation, findOrganisationBySlug, isValidSlug } from "~/modules/organisations/organisations.server";

const USAGE =
  'Usage: npm run org:create -- --slug <slug> --name "<name>" --admin-email <email> --admin-name "<name>"\n' +
  "  --slug         the web address of the organisation: /<slug> (a-z, 0-9 and -, 2 to 64 characters)\n" +
  "  --name         its name, e.g. \"Stadt Musterstadt\"\n" +
  "  --admin-email  the first administrator's e-mail address (they sign in with it)\n" +
  "  --admin-name   the first administrator's name";

const EMAIL = /^[^\s@<>()\[\],;:"]+@[^\s@<>()\[\],;:"]+\.[^\s@<>()\[\],;:".]{2,}$/;
const CONTROL = /[\u0000-\u001F\u007F-\u009F\uFFFD\u202A-\u202E\u2066-\u2069]/;

class Refused extends Error {}

function readArguments() {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        slug: { type: "string" },
        name: { type: "string" },
        "admin-email": { type: "string" },
        "admin-name": { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new Refused(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  }
  const text = (key: string) => (typeof values[key] === "string" ? (values[key] as string).normalize("NFC").trim() : "");
  const slug = text("slug");
  const name = text("name");
  const email = normaliseEmail(text("admin-email"));
  const adminName = text("admin-name");
  const missing = [["--slug", slug], ["--name", name], ["--admin-email", email], ["--admin-name", adminName]].filter(([, v]) => !v).map(([k]) => k);
  if (missing.length) throw new Refused(`Missing: ${missing.join(", ")}\n\n${USAGE}`);
  if (RESERVED_SLUGS.has(slug)) throw new Refused(`The slug "${slug}" is the address of a page of Teilhabe itself. Choose another one.`);
  if (!isValidSlug(slug)) throw new Refused(`The slug "${slug}" is not usable: use 2 to 64 lower-case letters (a-z), digits and hyphens, not starting or ending with a hyphen.`);
  for (const [label, value] of [["--name", name], ["--admin-name", adminName]]) {
    if (CONTROL.test(value)) throw new Refused(`${label} contains control characters or line breaks.`);
    if (Array.from(value).length > 200) throw new Refused(`${label} is longer than 200 characters.`);
  }
  if (Array.from(email).length > 254 || !EMAIL.test(email)) throw new Refused(`"${email}" is not an e-mail address (name@example.org).`);
  return { slug, name, email, adminName };
}

async function main() {
  const args = readArguments();
  const origin = process.env.PUBLIC_ORIGIN?.trim().replace(/\/+$/, "") || "http://localhost:3000";
  const { db, close } = openDatabase(databaseUrlFromEnv());
  try {
    await migrateToLatest(db);
    const taken = await findOrganisationBySlug(db, args.slug);
    if (taken) throw new Refused(`The slug "${args.slug}" is already taken by "${taken.name}". Nothing was created.`);
    const now = new Date();
    let token: string;
    try {
      token = await db.transaction().execute(async (trx) => {
        const organisationId = await createOrganisation(trx, { slug: args.slug, name: args.name, now });
        const admin = await createAccount(trx, { organisationId, email: args.email, displayName: args.adminName, roles: ["admin"], now });
        const created = await createAccountToken(trx, { accountId: admin.id, purpose: "invite", createdBy: null, now });
        await audit(trx, { organisationId, accountId: null, action: "organisation_created", targetType: "organisation", targetId: organisationId, details: { slug: args.slug }, clientAddress: "cli", at: now });
        await audit(trx, { organisationId, accountId: null, action: "account_invited", targetType: "account", targetId: admin.id, details: { email: admin.email, roles: "admin" }, clientAddress: "cli", at: now });
        return created;
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // both are unique: tell which one (the slug may have been taken a moment ago)
      if (await findOrganisationBySlug(db, args.slug)) throw new Refused(`The slug "${args.slug}" is already taken. Nothing was created.`);
      throw new Refused(`There is already an account with the e-mail address ${args.email} (every address can have one account only). Nothing was created.`);
    }
    const validUntil = new Date(now.getTime() + TOKEN_LIFETIME_MS);
    console.log(
      [
        `Created "${args.name}" at ${origin}/${args.slug}`,
        `First administrator: ${args.adminName} <${args.email}> (no password yet)`,
        "",
        `Send this one-time invitation link to the administrator. It is valid until ${validUntil.toISOString()} (72 hours) and can be used once:`,
        "",
        `  ${origin}/einladung/${token}`,
        "",
        `With it they choose a password, then sign in at ${origin}/anmelden and set up the second factor (an authenticator app).`,
        `Then they fill in the organisation's details (data controller, data protection officer, …) at ${origin}/${args.slug}/verwaltung/einstellungen.`,
      ].join("\n"),
    );
  } finally {
    await close();
  }
}

try {
  await main();
} catch (error) {
  if (!(error instanceof Refused)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
