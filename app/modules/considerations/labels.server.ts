/** The municipality's decisions as a staff page shows them: radio choices and labels in the page's language. */
import type { TFunction } from "i18next";
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { activeDecisions, decisionLabel, decisionSet } from "./decisions.server";

export async function decisionChoices(db: Kysely<Database>, organisationId: number, t: TFunction, language: string) {
  const set = await decisionSet(db, organisationId);
  const label = (key: string) => decisionLabel(set, key, (k) => t(k), language);
  return { set, label, choices: activeDecisions(set).map((d) => ({ value: d.key, label: label(d.key) })) };
}
