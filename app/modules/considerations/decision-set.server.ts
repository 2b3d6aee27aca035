/**
 * The admin's changes to the municipality's decision set (Abwägung): add a decision, rename one,
 * move it up or down, retire it (no longer offered; considerations that used it keep its label) or
 * offer it again. One change per form post, written in one transaction with its audit entry.
 *
 * The set is stored by `saveDecisionSet` (decisions.server.ts): the active decisions in order, the
 * others inactive and never deleted. New decisions get the key `own_<n>`; people only see labels.
 */
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { fixedT } from "~/i18n/i18n.server";
import { withAudit } from "~/modules/audit/audit.server";
import type { FieldError, FormFields } from "~/modules/forms/fields";
import { singleValues, takeIntent, text } from "~/modules/forms/parse.server";
import { HttpError } from "~/modules/http/errors";
import { DECISION_KEY_PATTERN, DECISION_LABEL_MAX, DECISION_SET_MAX, decisionSet, isStandardDecision, saveDecisionSet, type ConsiderationDecision } from "./decisions.server";

export const DECISION_SET_INTENTS = ["add", "rename", "move", "retire", "restore"] as const;
export type DecisionSetIntent = (typeof DECISION_SET_INTENTS)[number];

type Label = { de: string; en: string };
export type DecisionSetChange =
  | { intent: "add"; label: Label }
  | { intent: "rename"; key: string; label: Label | null }
  | { intent: "move"; key: string; direction: "up" | "down" }
  | { intent: "retire" | "restore"; key: string };

/** A form's fields for a decision: the add form's are plain, each rename form's carry the key. */
export const labelField = (lang: "de" | "en", key?: string) => (key ? `label_${lang}-${key}` : `label_${lang}`);

export type ParsedChange = { ok: true; change: DecisionSetChange } | { ok: false; key: string | null; errors: FieldError[]; values: Record<string, string> };

/** One form post of the decisions page. A field our forms never send is a 400; a person's mistake a field error. */
export function parseDecisionSetChange(fields: FormFields): ParsedChange {
  const intent = takeIntent(fields, DECISION_SET_INTENTS);
  if (intent === "add") {
    const values = singleValues(fields, [labelField("de"), labelField("en")]);
    const errors: FieldError[] = [];
    const de = text(values, labelField("de"), DECISION_LABEL_MAX, errors, { required: true, requiredMessage: "decisionSet.errors.labelRequired" });
    const en = text(values, labelField("en"), DECISION_LABEL_MAX, errors);
    return errors.length ? { ok: false, key: null, errors, values } : { ok: true, change: { intent, label: { de, en } } };
  }
  const keys = fields.get("key") ?? [];
  fields.delete("key");
  const key = keys.length === 1 && DECISION_KEY_PATTERN.test(keys[0]) ? keys[0] : null;
  if (!key) throw new HttpError(400, "unknown_field");
  if (intent === "move") {
    const { direction } = singleValues(fields, ["direction"]);
    if (direction !== "up" && direction !== "down") throw new HttpError(400, "unknown_field");
    return { ok: true, change: { intent, key, direction } };
  }
  if (intent === "retire" || intent === "restore") {
    singleValues(fields, []);
    return { ok: true, change: { intent, key } };
  }
  const values = singleValues(fields, [labelField("de", key), labelField("en", key)]);
  const errors: FieldError[] = [];
  // a standard decision may go back to its translated wording (both fields empty); an own one needs a German label
  const de = text(values, labelField("de", key), DECISION_LABEL_MAX, errors, { required: !isStandardDecision(key), requiredMessage: "decisionSet.errors.labelRequired" });
  const en = text(values, labelField("en", key), DECISION_LABEL_MAX, errors);
  if (!errors.length && !de && en) errors.push({ field: labelField("de", key), message: "decisionSet.errors.germanFirst" });
  if (errors.length) return { ok: false, key, errors, values };
  return { ok: true, change: { intent, key, label: de ? { de, en } : null } };
}

export type ChangeOutcome = { ok: true; changed: boolean; key: string } | { ok: false; errors: FieldError[] };

const nextOwnKey = (set: readonly ConsiderationDecision[]) => {
  const used = set.map((d) => /^own_(\d+)$/.exec(d.key)).filter((m) => m !== null);
  return `own_${Math.max(0, ...used.map((m) => Number(m[1]))) + 1}`;
};

/**
 * Apply one change to the municipality's set and audit it (`consideration_decisions_changed`) in
 * the same transaction. A key the municipality does not have is a 404; retiring the last offered
 * decision, more than DECISION_SET_MAX offered or two offered with the same German label are
 * field errors, and nothing is written.
 */
export async function changeDecisionSet(
  db: Kysely<Database>,
  args: { organisationId: number; accountId: number; change: DecisionSetChange; clientAddress?: string; now?: Date },
): Promise<ChangeOutcome> {
  const { change, organisationId } = args;
  return withAudit(
    db,
    async (trx): Promise<ChangeOutcome> => {
      const set = await decisionSet(trx, organisationId);
      const active = set.filter((d) => d.active).map((d) => ({ key: d.key, label: d.label }));
      const key = "key" in change ? change.key : nextOwnKey(set);
      const index = active.findIndex((d) => d.key === key);
      const known = set.find((d) => d.key === key);
      if (change.intent !== "add" && !known) throw new HttpError(404, "not_found");
      const fieldOf = change.intent === "rename" || change.intent === "add" ? labelField("de", change.intent === "rename" ? key : undefined) : `${change.intent}-${key}`;
      switch (change.intent) {
        case "add":
          if (active.length >= DECISION_SET_MAX) return { ok: false, errors: [{ field: fieldOf, message: "decisionSet.errors.tooMany", params: { max: DECISION_SET_MAX } }] };
          active.push({ key, label: change.label });
          break;
        case "rename":
          // no form renames a decision that is not offered
          if (index < 0) throw new HttpError(400, "unknown_field");
          if (JSON.stringify(active[index].label) === JSON.stringify(change.label)) return { ok: true, changed: false, key };
          active[index] = { key, label: change.label };
          break;
        case "move": {
          const to = change.direction === "up" ? index - 1 : index + 1;
          if (index < 0 || to < 0 || to >= active.length) return { ok: true, changed: false, key };
          [active[index], active[to]] = [active[to], active[index]];
          break;
        }
        case "retire":
          if (index < 0) return { ok: true, changed: false, key };
          if (active.length === 1) return { ok: false, errors: [{ field: fieldOf, message: "decisionSet.errors.lastOne" }] };
          active.splice(index, 1);
          break;
        case "restore":
          if (index >= 0) return { ok: true, changed: false, key };
          if (active.length >= DECISION_SET_MAX) return { ok: false, errors: [{ field: fieldOf, message: "decisionSet.errors.tooMany", params: { max: DECISION_SET_MAX } }] };
          active.push({ key, label: known!.label });
          break;
      }
      // two offered decisions the moderator cannot tell apart: the German labels (or standard wordings) must differ
      const german = fixedT("de", "moderation");
      const words = active.map((d) => (d.label ? d.label.de : german(`decisions.${d.key}`)).toLocaleLowerCase("de"));
      if (change.intent === "add" || change.intent === "rename") {
        const mine = words[active.findIndex((d) => d.key === key)];
        if (words.filter((w) => w === mine).length > 1) return { ok: false, errors: [{ field: fieldOf, message: "decisionSet.errors.duplicate" }] };
      }
      await saveDecisionSet(trx, organisationId, active);
      return { ok: true, changed: true, key };
    },
    (outcome) =>
      outcome.ok && outcome.changed
        ? {
            organisationId,
            accountId: args.accountId,
            action: "consideration_decisions_changed",
            targetType: "organisation",
            targetId: organisationId,
            details: {
              change: change.intent,
              key: outcome.key,
              ...("label" in change ? { label_de: change.label?.de ?? "", label_en: change.label?.en ?? "" } : {}),
              ...(change.intent === "move" ? { direction: change.direction } : {}),
            },
            clientAddress: args.clientAddress,
            at: args.now,
          }
        : null,
  );
}

/** How many stored considerations use each decision (the page says so before a decision is retired). */
export async function decisionUse(db: Kysely<Database>, organisationId: number): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom("responses")
    .select(["decision", (eb) => eb.fn.countAll<number>().as("n")])
    .where("organisation_id", "=", organisationId)
    .groupBy("decision")
    .execute();
  return new Map(rows.map((r) => [r.decision, Number(r.n)]));
}
