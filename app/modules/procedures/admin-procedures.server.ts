/**
 * Creating and editing procedures, reading one for the staff pages, and copying one as a new draft.
 * Every query is scoped by organisation: a procedure of another organisation is "not found".
 * Two kinds of failure, as for submissions: a person's mistake comes back as field errors
 * (message keys in the "admin" namespace); a request no form of ours sends is an HttpError(400).
 */
import type { Kysely, Transaction } from "kysely";
import { isUniqueViolation } from "#db/connection.server";
import { keepsSections } from "~/modules/sections/sections.server";
import type { Database, ProcedureRow, ProcedureUpdate } from "#db/schema";
import type { FormFields, FormValues } from "~/modules/forms/fields";
import { parseId } from "~/modules/forms/parse.server";
import { HttpError } from "~/modules/http/errors";
import { editableFields, PROCEDURE_LIMITS, type AdminResult } from "./admin-rules";
import { findRow, questionsOf } from "./admin-rows.server";
import { toProcedure, type Procedure } from "./procedure";
import { procedureFormValues, validateProcedureForm } from "./procedure-form.server";

type Db = Kysely<Database>;
type Trx = Transaction<Database>;

type Refusal = Extract<AdminResult, { ok: false }>;

const slugTaken = (values: FormValues): Refusal => ({
  ok: false,
  status: 400,
  errors: [{ field: "slug", message: "errors.slugTaken" }],
  values,
});

async function slugInUse(db: Db | Trx, organisationId: number, slug: string, exceptId?: number): Promise<boolean> {
  let q = db.selectFrom("procedures").select("id").where("organisation_id", "=", organisationId).where("slug", "=", slug);
  if (exceptId !== undefined) q = q.where("id", "!=", exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

/** The notice version of a new draft: the day it was made. */
const noticeVersionFor = (now: Date) => now.toISOString().slice(0, 10);

/** A new draft procedure from the create form. */
export async function createProcedure(
  db: Db,
  organisationId: number,
  fields: FormFields,
  now: Date = new Date(),
): Promise<AdminResult<{ id: number; slug: string }>> {
  const checked = validateProcedureForm(fields);
  if (!checked.ok) return { ok: false, status: 400, errors: checked.errors, values: checked.values };
  const c = checked.changes;
  if (await slugInUse(db, organisationId, c.slug!)) return slugTaken(checked.values);
  try {
    const { id } = await db
      .insertInto("procedures")
      .values({
        organisation_id: organisationId,
        slug: c.slug!,
        title: c.title!,
        summary: c.summary!,
        body: c.body!,
        kind: c.kind!,
        legal_basis: c.legal_basis!,
        responsible_office: c.responsible_office!,
        opens_at: c.opens_at!,
        closes_at: c.closes_at!,
        status: "draft",
        retention_months: c.retention_months!,
        publication_policy: c.publication_policy!,
        notice_version: noticeVersionFor(now),
        contact_name: c.contact_name!,
        contact_name_purpose: c.contact_name_purpose!,
        contact_address: c.contact_address!,
        contact_address_purpose: c.contact_address_purpose!,
        contact_email: c.contact_email!,
        contact_email_purpose: c.contact_email_purpose!,
        contact_phone: c.contact_phone!,
        contact_phone_purpose: c.contact_phone_purpose!,
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
        derived_from_id: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { ok: true, id, slug: c.slug! };
  } catch (error) {
    // two admins choosing the same address at the same moment
    if (isUniqueViolation(error)) return slugTaken(checked.values);
    throw error;
  }
}

/**
 * Saves the edit form. Which fields may be sent depends on the procedure's state (editableFields);
 * `changed` names the fields whose stored value changed, for the audit log.
 */
export async function updateProcedure(
  db: Db,
  organisationId: number,
  id: number,
  fields: FormFields,
  now: Date = new Date(),
): Promise<AdminResult<{ changed: string[] }>> {
  const row = await findRow(db, organisationId, id);
  const editable = editableFields(row.status);
  if (editable.length === 0) {
    return { ok: false, status: 409, errors: [{ field: "details", message: "errors.notEditable" }], values: procedureFormValues(row) };
  }
  const checked = validateProcedureForm(fields, editable, row);
  if (!checked.ok) return { ok: false, status: 400, errors: checked.errors, values: checked.values };
  const changes = checked.changes;
  const changed = (Object.keys(changes) as (keyof ProcedureUpdate)[]).filter((k) => changes[k] !== row[k as keyof ProcedureRow]);
  if (changed.length === 0) return { ok: true, changed: [] };
  // an opened procedure's sections are fixed (decision 48): its text may change between the headings only
  if (changes.body !== undefined && changes.body !== row.body && !(await keepsSections(db, { id: row.id, status: row.status, body: row.body }, changes.body))) {
    return { ok: false, status: 400, errors: [{ field: "body", message: "errors.sectionsFixed" }], values: checked.values };
  }
  if (changes.slug && changes.slug !== row.slug && (await slugInUse(db, organisationId, changes.slug, id))) return slugTaken(checked.values);
  try {
    const result = await db
      .updateTable("procedures")
      .set({ ...Object.fromEntries(changed.map((k) => [k, changes[k]])), updated_at: now.toISOString() })
      .where("organisation_id", "=", organisationId)
      .where("id", "=", id)
      // the state the fields were chosen for: an edit racing with "open" changes nothing
      .where("status", "=", row.status)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) {
      return { ok: false, status: 409, errors: [{ field: "details", message: "errors.changedMeanwhile" }], values: checked.values };
    }
  } catch (error) {
    if (isUniqueViolation(error)) return slugTaken(checked.values);
    throw error;
  }
  return { ok: true, changed };
}

export interface AdminProcedure extends Procedure {
  derivedFromId: number | null;
  /** the end it was planned to have, when it was closed early */
  plannedClosesAt: string | null;
  /** the stored row's form values, every contact field included (also those switched off) */
  formValues: FormValues;
  submissionCount: number;
  createdAt: string;
  updatedAt: string;
}

/** A procedure of this organisation with its questions, whatever its state; undefined for any other. */
export async function getProcedureForAdmin(db: Db, organisationId: number, id: number): Promise<AdminProcedure | undefined> {
  const row = await db.selectFrom("procedures").selectAll().where("organisation_id", "=", organisationId).where("id", "=", id).executeTakeFirst();
  if (!row) return undefined;
  const questions = await db.selectFrom("questions").selectAll().where("procedure_id", "=", row.id).orderBy("position").orderBy("id").execute();
  const { n } = await db
    .selectFrom("submissions")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("procedure_id", "=", row.id)
    .where("organisation_id", "=", organisationId)
    .executeTakeFirstOrThrow();
  return {
    ...toProcedure(row, questions),
    derivedFromId: row.derived_from_id,
    plannedClosesAt: row.planned_closes_at,
    formValues: procedureFormValues(row),
    submissionCount: Number(n),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The procedure an admin page names in its path (`:id`), or 404: a malformed id and another organisation's procedure alike. */
export async function requireProcedureForAdmin(db: Db, organisationId: number, rawId: string | undefined): Promise<AdminProcedure> {
  const id = parseId(rawId);
  const procedure = id === null ? undefined : await getProcedureForAdmin(db, organisationId, id);
  if (!procedure) throw new HttpError(404, "procedure_not_found");
  return procedure;
}

/** "radverkehr" → "radverkehr-2", or the next free number. */
async function freeSlugFor(db: Db | Trx, organisationId: number, slug: string, isCopy: boolean): Promise<string> {
  // a copy of a copy counts on from the original's address ("radweg-2" → "radweg-3")
  const base = (isCopy ? slug.replace(/-\d+$/, "") : slug).slice(0, PROCEDURE_LIMITS.slug - 6).replace(/-+$/, "") || "verfahren";
  const rows = await db
    .selectFrom("procedures")
    .select("slug")
    .where("organisation_id", "=", organisationId)
    .where("slug", "like", `${base}-%`)
    .execute();
  const used = new Set(rows.map((r) => r.slug));
  let n = 2;
  while (used.has(`${base}-${n}`)) n++;
  return `${base}-${n}`;
}

/**
 * A new draft with the same details and questions (derived_from_id set, a new address). The
 * original, its questions and every answer given to them stay exactly as they were. `record` runs
 * in the copy's transaction (the audit entry), in each attempt.
 */
export async function copyAsDraft(
  db: Db,
  organisationId: number,
  id: number,
  now: Date = new Date(),
  record?: (trx: Trx, copy: { id: number; slug: string }) => Promise<void>,
): Promise<{ ok: true; id: number; slug: string; from: number }> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction().execute(async (trx) => {
        const { id: _id, ...row } = await findRow(trx, organisationId, id);
        const questions = await questionsOf(trx, id);
        const slug = await freeSlugFor(trx, organisationId, row.slug, row.derived_from_id !== null);
        const { id: copyId } = await trx
          .insertInto("procedures")
          .values({
            ...row,
            slug,
            status: "draft",
            notice_version: noticeVersionFor(now),
            derived_from_id: id,
            planned_closes_at: null,
            created_at: now.toISOString(),
            updated_at: now.toISOString(),
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        if (questions.length > 0) {
          await trx
            .insertInto("questions")
            .values(
              questions.map((q, i) => ({
                procedure_id: copyId,
                position: i + 1,
                kind: q.kind,
                label: q.label,
                hint: q.hint,
                required: q.required,
                max_length: q.max_length,
                options_json: q.options_json,
              })),
            )
            .execute();
        }
        await record?.(trx, { id: copyId, slug });
        return { ok: true as const, id: copyId, slug, from: id };
      });
    } catch (error) {
      // another copy took the same address at the same moment: count on
      if (isUniqueViolation(error) && attempt < 3) continue;
      throw error;
    }
  }
}
