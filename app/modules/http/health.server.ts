/**
 * Readiness: the database answers and every migration this build knows has run. /healthz needs
 * none of this (the process answers); /readyz asks here. A database that does not answer within
 * READY_TIMEOUT_MS (2 s) counts as unreachable, so a hung connection cannot hang the probe.
 */
import { Migrator, sql } from "kysely";
import { migrations } from "#db/migrations/index";
import { getDb } from "~/db.server";

export type Readiness = { ready: true } | { ready: false; reason: "database_unreachable" | "migrations_pending" };

export async function readiness(timeoutMs = Number(process.env.READY_TIMEOUT_MS ?? 2000)): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Readiness>((resolve) => {
    timer = setTimeout(() => resolve({ ready: false, reason: "database_unreachable" }), timeoutMs);
  });
  const check = async (): Promise<Readiness> => {
    try {
      const db = getDb();
      await sql`select 1`.execute(db);
      const known = await new Migrator({ db, provider: { getMigrations: async () => migrations } }).getMigrations();
      return known.every((m) => m.executedAt) ? { ready: true } : { ready: false, reason: "migrations_pending" };
    } catch {
      return { ready: false, reason: "database_unreachable" };
    }
  };
  try {
    return await Promise.race([check(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
