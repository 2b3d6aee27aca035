/**
 * The places of statements (issue 18): stored with the submission (every channel, same transaction),
 * read for the check page, the receipt, the privacy-log export, moderation and the results.
 */
import type { Kysely, Transaction } from "kysely";
import type { Database } from "#db/schema";
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
    })
    .execute();
}

const toPlace = (r: { description: string | null; grid_cell: string | null; x: number | null; y: number | null }): PlaceInput => {
  const place: PlaceInput = {};
  if (r.description) place.description = r.description;
  if (r.grid_cell) place.cell = r.grid_cell;
  if (r.x !== null && r.y !== null) {
    place.x = Number(r.x);
    place.y = Number(r.y);
  }
  return place;
};

export async function placeOfSubmission(db: Db, submissionId: number): Promise<PlaceInput | null> {
  const row = await db.selectFrom("submission_places").select(["description", "grid_cell", "x", "y"]).where("submission_id", "=", submissionId).executeTakeFirst();
  return row ? toPlace(row) : null;
}

export async function placesOfSubmissions(db: Db, submissionIds: readonly number[]): Promise<Map<number, PlaceInput>> {
  const places = new Map<number, PlaceInput>();
  for (let i = 0; i < submissionIds.length; i += 500) {
    const ids = submissionIds.slice(i, i + 500);
    if (ids.length === 0) continue;
    const rows = await db.selectFrom("submission_places").select(["submission_id", "description", "grid_cell", "x", "y"]).where("submission_id", "in", ids).execute();
    for (const r of rows) places.set(Number(r.submission_id), toPlace(r));
  }
  return places;
}

/** A withdrawn statement loses its place with its answers. */
export async function deletePlace(trx: Transaction<Database>, submissionId: number): Promise<void> {
  await trx.deleteFrom("submission_places").where("submission_id", "=", submissionId).execute();
}

