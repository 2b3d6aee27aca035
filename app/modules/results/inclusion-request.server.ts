/**
 * The request that starts the results_inclusion job (inclusion.server.ts), apart from the job: the
 * publication (publishing.server.ts) records it, and the job reads the statistics snapshot
 * (statistics.server.ts), so keeping the two in one file would make an import circle.
 */
import type { Transaction } from "kysely";
import type { Database } from "#db/schema";

/** Asks the job to (re)check every published submission of the procedure. Runs inside the publication's transaction. */
export async function requestInclusion(trx: Transaction<Database>, args: { organisationId: number; procedureId: number; moderatorId: number; now: Date }): Promise<void> {
  const values = { organisation_id: args.organisationId, moderator_id: args.moderatorId, requested_at: args.now.toISOString(), logged_through: 0, done_at: null };
  await trx
    .insertInto("results_inclusion")
    .values({ procedure_id: args.procedureId, ...values })
    .onConflict((oc) => oc.column("procedure_id").doUpdateSet(values))
    .execute();
}
