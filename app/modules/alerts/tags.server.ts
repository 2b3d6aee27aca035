/**
 * Topics and districts (decision 65): the admin labels each procedure; a sign-up may choose among
 * the labels of the municipality's public procedures; a new procedure alerts an alert for every new
 * procedure when, for each kind, the alert chose none of that kind, or the procedure carries one it
 * chose — a procedure without districts concerns the whole municipality and matches every district.
 */
import { type ExpressionBuilder, type Kysely, type Transaction } from "kysely";
import type { Database } from "#db/schema";
import { withAudit, type AuditActor } from "~/modules/audit/audit.server";
import type { FieldError } from "~/modules/forms/fields";
import { HttpError } from "~/modules/http/errors";
import { TAG_KINDS, parseTagList, type OfferedTags, type TagKind } from "./alerts";

type Db = Kysely<Database> | Transaction<Database>;

/** A procedure's labels, by kind, sorted. */
export async function procedureTags(db: Db, procedureId: number): Promise<OfferedTags> {
  const rows = await db.selectFrom("procedure_alert_tags").select(["kind", "label"]).where("procedure_id", "=", procedureId).orderBy("label").execute();
  return { topic: rows.filter((r) => r.kind === "topic").map((r) => r.label), district: rows.filter((r) => r.kind === "district").map((r) => r.label) };
}

/** The labels a resident can choose from: those of procedures the public can see (never a draft's). */
export async function offeredTags(db: Db, organisationId: number): Promise<OfferedTags> {
  const rows = await db
    .selectFrom("procedure_alert_tags as t")
    .innerJoin("procedures as p", "p.id", "t.procedure_id")
    .select(["t.kind", "t.label"])
    .distinct()
    .where("p.organisation_id", "=", organisationId)
    .where("p.status", "!=", "draft")
    .orderBy("t.label")
    .execute();
  return { topic: rows.filter((r) => r.kind === "topic").map((r) => r.label), district: rows.filter((r) => r.kind === "district").map((r) => r.label) };
}

export const TAG_FIELDS: Record<TagKind, string> = { topic: "alert_topics", district: "alert_districts" };

/** The admin's form: both lists replaced, with the audit entry, in one transaction. */
export async function setProcedureTags(
  db: Kysely<Database>,
  admin: AuditActor & { accountId: number },
  procedureId: number,
  fields: Map<string, string[]>,
): Promise<{ ok: true; changed: boolean } | { ok: false; errors: FieldError[]; values: Record<string, string> }> {
  if ([...fields.keys()].some((name) => !Object.values(TAG_FIELDS).includes(name))) throw new HttpError(400, "unknown_field");
  const values: Record<string, string> = {};
  const parsed: Partial<OfferedTags> = {};
  const errors: FieldError[] = [];
  for (const kind of TAG_KINDS) {
    const list = fields.get(TAG_FIELDS[kind]) ?? [""];
    if (list.length !== 1) throw new HttpError(400, "repeated_field");
    values[TAG_FIELDS[kind]] = list[0];
    const result = parseTagList(list[0]);
    if (result.ok) parsed[kind] = result.labels;
    else errors.push({ field: TAG_FIELDS[kind], message: result.message, params: result.params });
  }
  if (errors.length > 0) return { ok: false, errors, values };
  const wanted = parsed as OfferedTags;
  return withAudit(
    db,
    async (trx) => {
      const procedure = await trx.selectFrom("procedures").select("id").where("id", "=", procedureId).where("organisation_id", "=", admin.organisationId).executeTakeFirst();
      if (!procedure) throw new HttpError(404, "procedure_not_found");
      const before = await procedureTags(trx, procedureId);
      const same = TAG_KINDS.every((k) => [...wanted[k]].sort().join("\n") === before[k].join("\n"));
      if (same) return { ok: true as const, changed: false };
      await trx.deleteFrom("procedure_alert_tags").where("procedure_id", "=", procedureId).execute();
      const rows = TAG_KINDS.flatMap((kind) => wanted[kind].map((label) => ({ procedure_id: procedureId, kind, label })));
      if (rows.length > 0) await trx.insertInto("procedure_alert_tags").values(rows).execute();
      return { ok: true as const, changed: true };
    },
    (r) => (r.changed ? { ...admin, action: "procedure_alert_tags_changed" as const, targetType: "procedure" as const, targetId: procedureId, details: { topics: wanted.topic.join(", "), districts: wanted.district.join(", ") } } : null),
  );
}

/** Stores a sign-up's choice (in the sign-up's transaction). */
export async function storeAlertTags(trx: Transaction<Database>, alertId: number, chosen: OfferedTags): Promise<void> {
  const rows = TAG_KINDS.flatMap((kind) => chosen[kind].map((label) => ({ alert_id: alertId, kind, label })));
  if (rows.length > 0) await trx.insertInto("alert_tags").values(rows).execute();
}

export async function alertTags(db: Db, alertId: number): Promise<OfferedTags> {
  const rows = await db.selectFrom("alert_tags").select(["kind", "label"]).where("alert_id", "=", alertId).orderBy("label").execute();
  return { topic: rows.filter((r) => r.kind === "topic").map((r) => r.label), district: rows.filter((r) => r.kind === "district").map((r) => r.label) };
}

/**
 * The fan-out's condition for a new procedure: for each kind, the alert chose nothing of it, or the
 * procedure carries one of its choices; a procedure without districts matches every district.
 */
export function matchesProcedure(procedureId: number) {
  return (eb: ExpressionBuilder<Database, "alerts">) => {
    const chose = (kind: TagKind) => eb.exists(eb.selectFrom("alert_tags as a").select("a.alert_id").whereRef("a.alert_id", "=", "alerts.id").where("a.kind", "=", kind));
    const carries = (kind: TagKind) =>
      eb.exists(
        eb
          .selectFrom("alert_tags as a")
          .innerJoin("procedure_alert_tags as p", (j) => j.onRef("p.kind", "=", "a.kind").onRef("p.label", "=", "a.label"))
          .select("a.alert_id")
          .whereRef("a.alert_id", "=", "alerts.id")
          .where("a.kind", "=", kind)
          .where("p.procedure_id", "=", procedureId),
      );
    const procedureHasDistricts = eb.exists(
      eb.selectFrom("procedure_alert_tags as d").select("d.procedure_id").where("d.procedure_id", "=", procedureId).where("d.kind", "=", "district"),
    );
    return eb.and([eb.or([eb.not(chose("topic")), carries("topic")]), eb.or([eb.not(chose("district")), eb.not(procedureHasDistricts), carries("district")])]);
  };
}


