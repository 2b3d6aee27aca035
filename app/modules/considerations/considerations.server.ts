/**
 * Recording a consideration (Abwägung): the decision on one statement or a group of statements
 * and its reasoning. One transaction holds the consideration, the statements' new state, an entry
 * in each statement's privacy log and the staff audit entry: none without the others.
 * Considerations are stored as responses (decision 52): what was answered before issue 19 is a
 * consideration as it stands.
 */
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { audit } from "~/modules/audit/audit.server";
import { HttpError } from "~/modules/http/errors";
import { appendPrivacyEvent } from "~/modules/privacy-log/privacy-log.server";
import { LEGAL_BASES } from "~/modules/privacy-log/legal-basis";
import { activeDecisions, decisionSet } from "./decisions.server";

/** The most statements one common consideration covers (one form post). */
export const GROUP_MAX = 500;
export const CONSIDERATION_TEXT_MAX = 10_000;

export interface NewConsideration {
  organisationId: number;
  procedureId: number;
  submissionIds: number[];
  moderatorId: number;
  decision: string;
  text: string;
  clientAddress?: string;
  now?: Date;
}

/** Why a consideration cannot be recorded as given: the field and its message key (moderation namespace). */
export async function considerationErrors(db: Kysely<Database>, organisationId: number, decision: string, text: string) {
  const errors: { field: string; message: string }[] = [];
  const set = activeDecisions(await decisionSet(db, organisationId));
  if (!set.some((d) => d.key === decision)) errors.push({ field: "decision", message: "moderation:errors.decision" });
  if (!text) errors.push({ field: "response_text", message: "moderation:errors.responseText" });
  else if (text.length > CONSIDERATION_TEXT_MAX) errors.push({ field: "response_text", message: "moderation:errors.tooLong" });
  return errors;
}

/**
 * Record one consideration for the given statements of one procedure (a group when several). A
 * statement considered before gets the new one (the old row stays, unreferenced, for the audit's
 * sake). Unknown statements or those of another procedure: 404; withdrawn ones: 409; a decision not
 * in the municipality's active set: 400. Returns the consideration's id.
 */
export async function recordConsideration(db: Kysely<Database>, c: NewConsideration): Promise<number> {
  const now = c.now ?? new Date();
  const ids = [...new Set(c.submissionIds)];
  if (ids.length === 0 || ids.length > GROUP_MAX) throw new HttpError(400, "unknown_field");
  return db.transaction().execute(async (trx) => {
    const set = activeDecisions(await decisionSet(trx, c.organisationId));
    if (!set.some((d) => d.key === c.decision)) throw new HttpError(400, "unknown_field");
    const text = c.text.trim();
    if (!text || text.length > CONSIDERATION_TEXT_MAX) throw new HttpError(400, "unknown_field");
    const submissions = await trx
      .selectFrom("submissions")
      .select(["id", "organisation_id", "state", "response_id"])
      .where("organisation_id", "=", c.organisationId)
      .where("procedure_id", "=", c.procedureId)
      .where("id", "in", ids)
      .orderBy("id")
      .execute();
    if (submissions.length !== ids.length) throw new HttpError(404, "not_found");
    if (submissions.some((s) => s.state === "withdrawn")) throw new HttpError(409, "withdraw_not_possible");
    const { id } = await trx
      .insertInto("responses")
      .values({
        organisation_id: c.organisationId,
        procedure_id: c.procedureId,
        decision: c.decision,
        text,
        created_by: c.moderatorId,
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx.updateTable("submissions").set({ response_id: id, response_state: "answered" }).where("id", "in", ids).execute();
    for (const s of submissions) {
      await appendPrivacyEvent(
        trx,
        { organisationId: s.organisation_id, submissionId: s.id },
        {
          type: "consideration_recorded",
          actorRole: "moderator",
          actorAccountId: c.moderatorId,
          categories: ["content"],
          purpose: "moderation",
          legalBasis: LEGAL_BASES.publicTask,
          details: { decision: c.decision, group: ids.length > 1, changed: s.response_id !== null },
          occurredAt: now,
        },
      );
    }
    const replaced = submissions.filter((s) => s.response_id !== null).map((s) => s.response_id);
    await audit(trx, {
      organisationId: c.organisationId,
      accountId: c.moderatorId,
      action: "consideration_recorded",
      targetType: "response",
      targetId: id,
      details: { procedure: c.procedureId, decision: c.decision, submissions: ids.length, ids: ids.slice(0, 50).join(","), replaced: [...new Set(replaced)].slice(0, 50).join(",") },
      clientAddress: c.clientAddress,
      at: now,
    });
    return id;
  });
}
