/**
 * Alert events become leaves of the transparency log (issue 22, decisions 56 and 58): a leaf names
 * its event either in `privacy_event_id` (a submission's log) or in the new `alert_event_id` (an
 * alert's log). Alert events written before this migration get their leaves here, in id order, with
 * the commitment of app/modules/transparency-log/commitment.ts written out again (migrations import
 * no app code). Frozen once shipped; runs on SQLite and PostgreSQL.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("tlog_leaves").addColumn("alert_event_id", "integer").execute();
  await db.schema.createIndex("tlog_leaves_alert_event").on("tlog_leaves").column("alert_event_id").execute();

  const createdAt = new Date().toISOString();
  for (let after = 0; ; ) {
    const events = await db.selectFrom("alert_events").selectAll().where("id", ">", after).orderBy("id").limit(500).execute();
    if (events.length === 0) break;
    await db
      .insertInto("tlog_leaves")
      .values(
        events.map((e: any) => {
          const salt = randomBytes(32);
          const canonical = JSON.stringify([e.seq, e.occurred_at, e.type, e.actor_role, e.data_categories, e.purpose, e.legal_basis, e.details_json, e.hash]);
          const entry = createHash("sha256").update("teilhabe/privacy-event/v1\n").update(salt).update(canonical).digest("hex");
          return { alert_event_id: e.id, entry, salt: salt.toString("hex"), created_at: createdAt };
        }),
      )
      .execute();
    after = events[events.length - 1].id;
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom("tlog_leaves").where("alert_event_id", "is not", null).where("leaf_index", "is", null).execute();
  await db.schema.dropIndex("tlog_leaves_alert_event").execute();
  await db.schema.alterTable("tlog_leaves").dropColumn("alert_event_id").execute();
}
