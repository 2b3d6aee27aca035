import type { Kysely } from "kysely";
import type { DatabaseHandle } from "#db/connection.server";
import { runPlain } from "#db/plain-sql.server";
import type { Database, Organisation } from "#db/schema";
import { normaliseText, textProblem, type FieldError } from "~/modules/forms/fields";
import { singleValues } from "~/modules/forms/parse.server";
import { withAudit, type AuditActor } from "~/modules/audit/audit.server";
import { HttpError } from "~/modules/http/errors";
import { RETENTION_MONTHS } from "~/modules/procedures/admin-rules";

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
  | "privacy_policy"
  | "open_data_email"
  | "open_data_phone"
  | "open_data_url"
  | "govdata_contributor_id"
  | "default_legal_basis"
  | "default_responsible_office"
  | "default_retention_months";

export interface OrganisationSettingField {
  key: OrganisationSettingKey;
  /** in Unicode code points; the column sizes of migrations 0001 and 0003 (privacy_policy is `text`) */
  max: number;
  required: boolean;
  /** several lines allowed (addresses, contact blocks, the policy) */
  multiline: boolean;
  /** what a filled-in value must look like (the open-data catalogue turns it into an IRI) */
  format?: "email" | "phone" | "url" | "contributorId";
  /** a default of new procedures (shown in a group of their own); "months": a whole number of months */
  procedureDefault?: "text" | "months";
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
  // the open-data catalogue's contact point and GovData contributor ID (migration 0017)
  { key: "open_data_email", max: 254, required: false, multiline: false, format: "email" },
  { key: "open_data_phone", max: 50, required: false, multiline: false, format: "phone" },
  { key: "open_data_url", max: 500, required: false, multiline: false, format: "url" },
  { key: "govdata_contributor_id", max: 200, required: false, multiline: false, format: "contributorId" },
  // copied into the form of a new procedure (migration 0021); the sizes of the procedures' columns
  { key: "default_legal_basis", max: 500, required: false, multiline: false, procedureDefault: "text" },
  { key: "default_responsible_office", max: 300, required: false, multiline: false, procedureDefault: "text" },
  { key: "default_retention_months", max: 3, required: false, multiline: false, procedureDefault: "months" },
];

/** The namespace of GovData's contributor IDs; a bare ID is completed with it. */
export const GOVDATA_CONTRIBUTORS = "http://dcat-ap.de/def/contributors/";

const FORMATS: Record<NonNullable<OrganisationSettingField["format"]>, RegExp> = {
  email: /^[^\s@<>"]{1,64}@[A-Za-z0-9.-]+\.[A-Za-z]{2,63}$/,
  // digits with the usual separators, optionally international: "05121 301-0", "+49 5121 3010"
  phone: /^\+?[0-9 ()/-]{5,40}$/,
  url: /^https?:\/\/[^\s<>"{}|\\^`]+$/i,
  contributorId: /^(?:http:\/\/dcat-ap\.de\/def\/contributors\/)?[A-Za-z0-9_-]{1,120}$/,
};

/** A telephone number as a tel: IRI (RFC 3966), German numbers without the trunk 0 and with +49. */
export function telephoneIri(phone: string): string {
  const digits = phone.replace(/[^0-9+]/g, "");
  const global = digits.startsWith("+") ? digits : digits.startsWith("00") ? `+${digits.slice(2)}` : `+49${digits.replace(/^0/, "")}`;
  return `tel:${global}`;
}

/** The GovData contributor ID as its IRI (a bare ID completed), or null when none is set. */
export const contributorIri = (id: string): string | null => (id === "" ? null : id.startsWith(GOVDATA_CONTRIBUTORS) ? id : `${GOVDATA_CONTRIBUTORS}${id}`);

export type OrganisationSettings = Record<OrganisationSettingKey, string>;

/** message: a translation key in the "accounts" namespace */
export type SettingsError = FieldError;

export async function getOrganisationSettings(db: Kysely<Database>, organisationId: number): Promise<OrganisationSettings | undefined> {
  const row = await db
    .selectFrom("organisations")
    .select(ORGANISATION_SETTINGS.map((f) => f.key))
    .where("id", "=", organisationId)
    .executeTakeFirst();
  // every setting as the form shows it: the months as text, none as ""
  return row && { ...row, default_retention_months: row.default_retention_months === null ? "" : String(row.default_retention_months) };
}

/** What a new procedure starts with: the organisation's defaults (empty where it has none). */
export async function procedureDefaults(db: Kysely<Database>, organisationId: number) {
  const s = await getOrganisationSettings(db, organisationId);
  return { legal_basis: s?.default_legal_basis ?? "", responsible_office: s?.default_responsible_office ?? "", retention_months: s?.default_retention_months ?? "" };
}

/**
 * The settings form, checked. Unknown or repeated fields are a form no page of ours produces
 * (HttpError 400); a person's mistakes (empty, too long, control characters) are field errors.
 */
export function validateOrganisationSettings(
  fields: Map<string, string[]>,
): { ok: true; values: OrganisationSettings } | { ok: false; errors: SettingsError[]; values: OrganisationSettings } {
  singleValues(fields, ORGANISATION_SETTINGS.map((f) => f.key));
  const values = {} as OrganisationSettings;
  const errors: SettingsError[] = [];
  for (const f of ORGANISATION_SETTINGS) {
    const value = normaliseText(fields.get(f.key)?.[0] ?? "");
    values[f.key] = value;
    // a number of months is checked by its range, not its length
    const wrong = textProblem(value, { max: f.procedureDefault === "months" ? Infinity : f.max, multiLine: f.multiline });
    if (f.required && value === "") errors.push({ field: f.key, message: "errors.required" });
    else if (wrong?.problem === "forbiddenCharacters") errors.push({ field: f.key, message: "errors.forbiddenCharacters" });
    else if (wrong) errors.push({ field: f.key, message: "errors.tooLong", params: { max: f.max, length: wrong.length } });
    else if (f.format && value !== "" && !FORMATS[f.format].test(value)) errors.push({ field: f.key, message: `errors.format.${f.format}` });
    else if (f.procedureDefault === "months" && value !== "" && !(/^\d{1,3}$/.test(value) && Number(value) >= RETENTION_MONTHS.min && Number(value) <= RETENTION_MONTHS.max)) {
      errors.push({ field: f.key, message: "errors.retentionRange", params: RETENTION_MONTHS });
    }
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
  const stored = (k: OrganisationSettingKey) => (k === "default_retention_months" ? (values[k] === "" ? null : Number(values[k])) : values[k]);
  await db
    .updateTable("organisations")
    .set(Object.fromEntries(changed.map((k) => [k, stored(k)])))
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

/** The settings saved with the entry "organisation_settings_changed" naming the fields changed; nothing changed, no entry. */
export async function updateOrganisationSettingsAs(db: Kysely<Database>, admin: AuditActor, values: OrganisationSettings): Promise<OrganisationSettingKey[]> {
  return withAudit(
    db,
    (trx) => updateOrganisationSettings(trx, admin.organisationId, values),
    (changed) =>
      changed.length === 0
        ? null
        : { ...admin, action: "organisation_settings_changed", targetType: "organisation", targetId: admin.organisationId, details: { fields: changed.join(",") } },
  );
}
