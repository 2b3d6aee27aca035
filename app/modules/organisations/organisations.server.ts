import type { Kysely } from "kysely";
import type { DatabaseHandle } from "#db/connection.server";
import { runPlain } from "#db/plain-sql.server";
import type { Database, Organisation } from "#db/schema";
import { FORBIDDEN_CHARACTERS, codePointLength, normaliseText, type FieldError } from "~/modules/forms/fields";
import { HttpError } from "~/modules/http/errors";

// ---------------------------------------------------------------------------
// The content version (decision 21): a counter per organisation that triggers raise on every write a
// resident page could show. The page cache and the procedure context read it on every request.

const CONTENT_VERSION_SQL = "select v.version from organisations o join content_versions v on v.organisation_id = o.id where o.slug = ?";

/**
 * The organisation's content version read synchronously (SQLite: no Kysely hand-off; a version another
 * request has raised but not yet committed only makes a reader load once more); `null` where the
 * engine cannot read synchronously (PostgreSQL), `undefined` for no such organisation.
 */
export function contentVersionNow(handle: DatabaseHandle, slug: string): number | undefined | null {
  if (!handle.readSync) return null;
  const row = handle.readSync<{ version: number }>(CONTENT_VERSION_SQL, [slug]);
  return row === undefined ? undefined : Number(row.version);
}

/** The organisation's content version on either engine; `undefined` for no such organisation. */
export async function contentVersion(handle: DatabaseHandle, slug: string): Promise<number | undefined> {
  const now = contentVersionNow(handle, slug);
  if (now !== null) return now;
  const { rows } = await runPlain<{ version: number | string }>(handle.db, CONTENT_VERSION_SQL, [slug]);
  return rows[0] === undefined ? undefined : Number(rows[0].version);
}

/** The next moment one of the organisation's procedures opens or closes, at most maxAgeMs ahead (the page cache's expiry). */
export async function nextTransition(db: Kysely<Database>, slug: string, now: Date, maxAgeMs: number): Promise<number> {
  const t = now.toISOString();
  const rows = await db
    .selectFrom("procedures")
    .innerJoin("organisations", "organisations.id", "procedures.organisation_id")
    .select(["procedures.opens_at", "procedures.closes_at"])
    .where("organisations.slug", "=", slug)
    .where((eb) => eb.or([eb("procedures.opens_at", ">", t), eb("procedures.closes_at", ">", t)]))
    .execute();
  let next = now.getTime() + maxAgeMs;
  for (const r of rows) {
    for (const at of [r.opens_at, r.closes_at]) {
      const ms = Date.parse(at);
      if (ms > now.getTime() && ms < next) next = ms;
    }
  }
  return next;
}

export async function listOrganisations(db: Kysely<Database>): Promise<Pick<Organisation, "id" | "slug" | "name">[]> {
  return db.selectFrom("organisations").select(["id", "slug", "name"]).orderBy("name").execute();
}

export async function findOrganisationBySlug(db: Kysely<Database>, slug: string): Promise<Organisation | undefined> {
  if (!/^[a-z0-9-]{1,64}$/.test(slug)) return undefined;
  return db.selectFrom("organisations").selectAll().where("slug", "=", slug).executeTakeFirst();
}

// ---------------------------------------------------------------------------
// Settings (admins) and creating an organisation (npm run org:create)

export type OrganisationSettingKey =
  | "name"
  | "postal_address"
  | "controller_name"
  | "controller_contact"
  | "dpo_name"
  | "dpo_contact"
  | "accessibility_contact"
  | "supervisory_authority"
  | "privacy_policy";

export interface OrganisationSettingField {
  key: OrganisationSettingKey;
  /** in Unicode code points; the column sizes of migrations 0001 and 0003 (privacy_policy is `text`) */
  max: number;
  required: boolean;
  /** several lines allowed (addresses, contact blocks, the policy) */
  multiline: boolean;
}

/** The editable settings, in the order the form shows them. */
export const ORGANISATION_SETTINGS: readonly OrganisationSettingField[] = [
  { key: "name", max: 200, required: true, multiline: false },
  { key: "postal_address", max: 500, required: true, multiline: true },
  { key: "controller_name", max: 200, required: true, multiline: false },
  { key: "controller_contact", max: 500, required: true, multiline: true },
  { key: "dpo_name", max: 200, required: true, multiline: false },
  { key: "dpo_contact", max: 500, required: true, multiline: true },
  { key: "accessibility_contact", max: 500, required: false, multiline: true },
  { key: "supervisory_authority", max: 500, required: true, multiline: true },
  { key: "privacy_policy", max: 20_000, required: false, multiline: true },
];

export type OrganisationSettings = Record<OrganisationSettingKey, string>;

/** message: a translation key in the "accounts" namespace */
export type SettingsError = FieldError;

export async function getOrganisationSettings(db: Kysely<Database>, organisationId: number): Promise<OrganisationSettings | undefined> {
  return db
    .selectFrom("organisations")
    .select(ORGANISATION_SETTINGS.map((f) => f.key))
    .where("id", "=", organisationId)
    .executeTakeFirst();
}

/**
 * The settings form, checked. Unknown or repeated fields are a form no page of ours produces
 * (HttpError 400); a person's mistakes (empty, too long, control characters) are field errors.
 */
export function validateOrganisationSettings(
  fields: Map<string, string[]>,
): { ok: true; values: OrganisationSettings } | { ok: false; errors: SettingsError[]; values: OrganisationSettings } {
  for (const [name, list] of fields) {
    if (!ORGANISATION_SETTINGS.some((f) => f.key === name)) throw new HttpError(400, "unknown_field");
    if (list.length > 1) throw new HttpError(400, "repeated_field");
  }
  const values = {} as OrganisationSettings;
  const errors: SettingsError[] = [];
  for (const f of ORGANISATION_SETTINGS) {
    const value = normaliseText(fields.get(f.key)?.[0] ?? "");
    values[f.key] = value;
    if (f.required && value === "") errors.push({ field: f.key, message: "errors.required" });
    else if (FORBIDDEN_CHARACTERS.test(value) || (!f.multiline && /[\n\t]/.test(value))) errors.push({ field: f.key, message: "errors.forbiddenCharacters" });
    else if (codePointLength(value) > f.max) errors.push({ field: f.key, message: "errors.tooLong", params: { max: f.max, length: codePointLength(value) } });
  }
  return errors.length ? { ok: false, errors, values } : { ok: true, values };
}

/** Store the settings; returns the names of the fields that changed (for the audit log). */
export async function updateOrganisationSettings(
  db: Kysely<Database>,
  organisationId: number,
  values: OrganisationSettings,
): Promise<OrganisationSettingKey[]> {
  const before = await getOrganisationSettings(db, organisationId);
  if (!before) throw new HttpError(404, "not_found");
  const changed = ORGANISATION_SETTINGS.map((f) => f.key).filter((k) => before[k] !== values[k]);
  if (changed.length === 0) return [];
  await db
    .updateTable("organisations")
    .set(Object.fromEntries(changed.map((k) => [k, values[k]])))
    .where("id", "=", organisationId)
    .execute();
  return changed;
}

/** Paths at the top level that are pages of their own: an organisation there could not be reached. */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set(["anmelden", "abmelden", "einladung", "build", "verwaltung", "api", "assets", "static", "healthz", "readyz", "metrics", "barrierefreiheit"]);

/** Lower-case letters, digits and hyphens, 2–64 characters, not starting or ending with a hyphen. */
export function isValidSlug(slug: string): boolean {
  return /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/.test(slug) && slug.length >= 2 && !RESERVED_SLUGS.has(slug);
}

/** A new organisation with only its slug and name; the rest is filled in at /<slug>/verwaltung/einstellungen. */
export async function createOrganisation(db: Kysely<Database>, args: { slug: string; name: string; now?: Date }): Promise<number> {
  const { id } = await db
    .insertInto("organisations")
    .values({
      slug: args.slug,
      name: args.name,
      postal_address: "",
      controller_name: "",
      controller_contact: "",
      dpo_name: "",
      dpo_contact: "",
      accessibility_contact: "",
      supervisory_authority: "",
      created_at: (args.now ?? new Date()).toISOString(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return id;
}
