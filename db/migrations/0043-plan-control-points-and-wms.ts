/**
 * A plan georeferenced by three control points, and a plan fetched once from a WMS (issue 18,
 * decision 72).
 *
 * `control_points`: three pixels of the stored plan with their WGS 84 coordinates, as JSON
 * `[[x, y, lon_udeg, lat_udeg], …]` (integers: pixels and millionths of a degree), or null. It holds
 * an affine georeference (a rotated or skewed plan), the alternative to the north-up corners.
 * `wms_request`: the GetMap URL the plan was rendered from, when it came from a WMS, or null.
 * Frozen once shipped; imports nothing from the app; runs on SQLite and PostgreSQL.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("procedure_plans").addColumn("control_points", "varchar(200)").execute();
  await db.schema.alterTable("procedure_plans").addColumn("wms_request", "varchar(2000)").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("procedure_plans").dropColumn("wms_request").execute();
  await db.schema.alterTable("procedure_plans").dropColumn("control_points").execute();
}
