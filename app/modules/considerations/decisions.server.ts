/**
 * The decisions a municipality chooses from when it weighs a statement (Abwägung). Without a set of
 * its own the four standard ones apply; a municipality's own set (migration 0029) lists standard
 * keys (translated) and keys of its own (labelled in German and English). Keys once used stay in the
 * table, inactive, so every stored consideration keeps its label.
 */
import type { Kysely, Transaction } from "kysely";
import type { Database, ResponseDecision } from "#db/schema";
import { RESPONSE_DECISIONS } from "~/modules/moderation/decisions";

type Db = Kysely<Database> | Transaction<Database>;

export interface ConsiderationDecision {
  key: string;
  /** null: a standard decision, labelled by the translation `moderation:decisions.<key>` */
  label: { de: string; en: string } | null;
  active: boolean;
}

export const isStandardDecision = (key: string): key is ResponseDecision => (RESPONSE_DECISIONS as readonly string[]).includes(key);

const STANDARD: readonly ConsiderationDecision[] = RESPONSE_DECISIONS.map((key) => ({ key, label: null, active: true }));

/** Every decision the municipality has (active first, in order), the standard four when it has no set of its own. */
export async function decisionSet(db: Db, organisationId: number): Promise<ConsiderationDecision[]> {
  const rows = await db
    .selectFrom("consideration_decisions")
    .select(["key", "label_de", "label_en", "active"])
    .where("organisation_id", "=", organisationId)
    .orderBy("active", "desc")
    .orderBy("position")
    .execute();
  if (rows.length === 0) return [...STANDARD];
  return rows.map((r) => ({
    key: r.key,
    label: isStandardDecision(r.key) && !r.label_de ? null : { de: r.label_de || r.key, en: r.label_en || r.label_de || r.key },
    active: r.active === 1,
  }));
}

/** The decisions a moderator may choose now. */
export const activeDecisions = (set: readonly ConsiderationDecision[]) => set.filter((d) => d.active);

/**
 * A decision's words in a language: the translation for standard keys, the municipality's label
 * (German, or English for English pages) for its own. A key no longer in the set shows as itself.
 */
export function decisionLabel(set: readonly ConsiderationDecision[], key: string, t: (key: string) => string, language: string): string {
  const d = set.find((x) => x.key === key);
  if (d?.label) return language === "en" ? d.label.en : d.label.de;
  if (isStandardDecision(key)) return t(`moderation:decisions.${key}`);
  return key;
}

/** A decision's key: the standard ones are words, a municipality's own are `own_<n>` (decision-set.server.ts). */
export const DECISION_KEY_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;
export const DECISION_LABEL_MAX = 80;
export const DECISION_SET_MAX = 12;

/**
 * Replace the municipality's set: `decisions` in order (the active ones). Keys that were in the set
 * before and are left out become inactive, never deleted. The caller audits in the same transaction.
 */
export async function saveDecisionSet(
  trx: Transaction<Database>,
  organisationId: number,
  decisions: readonly { key: string; label: { de: string; en: string } | null }[],
): Promise<void> {
  const before = await trx.selectFrom("consideration_decisions").select("key").where("organisation_id", "=", organisationId).execute();
  const keep = new Set(decisions.map((d) => d.key));
  let position = 0;
  for (const d of decisions) {
    const values = { label_de: d.label?.de ?? "", label_en: d.label?.en ?? "", position: ++position, active: 1 };
    if (before.some((b) => b.key === d.key)) {
      await trx.updateTable("consideration_decisions").set(values).where("organisation_id", "=", organisationId).where("key", "=", d.key).execute();
    } else {
      await trx.insertInto("consideration_decisions").values({ organisation_id: organisationId, key: d.key, ...values }).execute();
    }
  }
  for (const b of before) {
    if (!keep.has(b.key)) {
      await trx.updateTable("consideration_decisions").set({ active: 0, position: ++position }).where("organisation_id", "=", organisationId).where("key", "=", b.key).execute();
    }
  }
  // a municipality that had no set of its own: the standard decisions it used so far stay known (inactive)
  if (before.length === 0) {
    for (const key of RESPONSE_DECISIONS) {
      if (!keep.has(key)) await trx.insertInto("consideration_decisions").values({ organisation_id: organisationId, key, position: ++position, active: 0 }).execute();
    }
  }
}

/** The German label of a decision of the municipality's own set; null for a standard decision (translated). */
export async function ownDecisionLabel(db: Db, organisationId: number, key: string): Promise<string | null> {
  if (isStandardDecision(key)) return null;
  const row = await db.selectFrom("consideration_decisions").select("label_de").where("organisation_id", "=", organisationId).where("key", "=", key).executeTakeFirst();
  return row?.label_de || key;
}
