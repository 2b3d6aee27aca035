/** The staff dashboard: every procedure of the organisation with its submissions per channel. */
import type { Kysely } from "kysely";
import type { Channel, Database, ProcedureStatus } from "#db/schema";

export const CHANNELS: readonly Channel[] = ["online", "phone", "paper", "counter", "letter"];

export interface DashboardRow {
  id: number;
  slug: string;
  title: string;
  status: ProcedureStatus;
  opensAt: string;
  closesAt: string;
  byChannel: Record<Channel, number>;
  total: number;
}

export async function dashboard(db: Kysely<Database>, organisationId: number): Promise<DashboardRow[]> {
  const procedures = await db
    .selectFrom("procedures")
    .select(["id", "slug", "title", "status", "opens_at", "closes_at"])
    .where("organisation_id", "=", organisationId)
    .orderBy("closes_at", "desc")
    .execute();
  const counts = await db
    .selectFrom("submissions")
    .select(["procedure_id", "channel", (eb) => eb.fn.countAll().as("n")])
    .where("organisation_id", "=", organisationId)
    .where("state", "!=", "withdrawn")
    .groupBy(["procedure_id", "channel"])
    .execute();
  return procedures.map((p) => {
    const byChannel = Object.fromEntries(CHANNELS.map((c) => [c, 0])) as Record<Channel, number>;
    for (const c of counts) if (c.procedure_id === p.id) byChannel[c.channel] = Number(c.n);
    return {
      id: p.id,
      slug: p.slug,
      title: p.title,
      status: p.status,
      opensAt: p.opens_at,
      closesAt: p.closes_at,
      byChannel,
      total: Object.values(byChannel).reduce((a, b) => a + b, 0),
    };
  });
}
