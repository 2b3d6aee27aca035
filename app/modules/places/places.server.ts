/**
 * The places of statements (issue 18): stored with the submission (every channel, same transaction),
 * read for the check page, the receipt, the privacy-log export, moderation and the results.
 */
import type { Kysely, Transaction } from "kysely";
import type { Database } from "#db/schema";
import { withAudit, type AuditActor } from "~/modules/audit/audit.server";
import type { PlaceInput } from "./place";

type Db = Kysely<Database> | Transaction<Database>;

/** Inside the submission's transaction. */
export async function storePlace(trx: Transaction<Database>, submissionId: number, procedureId: number, place: PlaceInput): Promise<void> {
  await trx
    .insertInto("submission_places")
    .values({
      submission_id: submissionId,
      procedure_id: procedureId,
      description: place.description ?? null,
      grid_cell: place.cell ?? null,
      x: place.x ?? null,
      y: place.y ?? null,
      withheld_at: null,
      withheld_by: null,
    })
    .execute();
}

const toPlace = (r: { description: string | null; grid_cell: string | null; x: number | null; y: number | null; withheld_at?: string | null }): PlaceInput => {
  const place: PlaceInput = {};
  if (r.withheld_at) place.withheld = true;
  if (r.description) place.description = r.description;
  if (r.grid_cell) place.cell = r.grid_cell;
  if (r.x !== null && r.y !== null) {
    place.x = Number(r.x);
    place.y = Number(r.y);
  }
  return place;
};

export async function placeOfSubmission(db: Db, submissionId: number): Promise<PlaceInput | null> {
  const row = await db.selectFrom("submission_places").select(["description", "grid_cell", "x", "y", "withheld_at"]).where("submission_id", "=", submissionId).executeTakeFirst();
  return row ? toPlace(row) : null;
}

export async function placesOfSubmissions(db: Db, submissionIds: readonly number[]): Promise<Map<number, PlaceInput>> {
  const places = new Map<number, PlaceInput>();
  for (let i = 0; i < submissionIds.length; i += 500) {
    const ids = submissionIds.slice(i, i + 500);
    if (ids.length === 0) continue;
    const rows = await db.selectFrom("submission_places").select(["submission_id", "description", "grid_cell", "x", "y", "withheld_at"]).where("submission_id", "in", ids).execute();
    for (const r of rows) places.set(Number(r.submission_id), toPlace(r));
  }
  return places;
}

/** A withdrawn statement loses its place with its answers. */
export async function deletePlace(trx: Transaction<Database>, submissionId: number): Promise<void> {
  await trx.deleteFrom("submission_places").where("submission_id", "=", submissionId).execute();
}


/**
 * A moderator withholds a statement's place from publication, or publishes it again (issue 18): the
 * statement itself stays as it is; its cell and point leave the results' counts and the GeoJSON.
 * Audited in the same transaction; a step that changes nothing (sent twice) records nothing.
 * "no_place" when the statement has no place (or is not the organisation's).
 */
export async function setPlaceWithheld(
  db: Kysely<Database>,
  actor: AuditActor & { accountId: number },
  args: { submissionId: number; withhold: boolean; now?: Date },
): Promise<"changed" | "unchanged" | "no_place"> {
  const now = (args.now ?? new Date()).toISOString();
  return withAudit(
    db,
    async (trx) => {
      const row = await trx
        .selectFrom("submission_places")
        .innerJoin("submissions", "submissions.id", "submission_places.submission_id")
        .select(["submission_places.withheld_at"])
        .where("submission_places.submission_id", "=", args.submissionId)
        .where("submissions.organisation_id", "=", actor.organisationId)
        .executeTakeFirst();
      if (!row) return "no_place" as const;
      if ((row.withheld_at !== null) === args.withhold) return "unchanged" as const;
      await trx
        .updateTable("submission_places")
        .set(args.withhold ? { withheld_at: now, withheld_by: actor.accountId } : { withheld_at: null, withheld_by: null })
        .where("submission_id", "=", args.submissionId)
        .execute();
      return "changed" as const;
    },
    (outcome) => (outcome === "changed" ? { ...actor, action: args.withhold ? "place_withheld" : "place_released", targetType: "submission", targetId: args.submissionId, details: {} } : null),
  );
}
