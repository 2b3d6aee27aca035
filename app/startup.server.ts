/**
 * What the app does with its database outside requests: prepare it before the first one (settings,
 * migrations, secrets, demo data) and the server's timers (scheduled jobs, the transparency log).
 * The composition root of the domain modules, at the top of the layers beside entry.server.tsx,
 * which hands these functions to the server (decision 45).
 */
import { migrateToLatest } from "#db/migrate";
import { seedDemoIfEmpty } from "#db/seed";
import { getDatabaseHandle, getDb } from "~/db.server";
import { holdsDemoAccounts, seedDemoAccounts } from "~/modules/accounts/demo.server";
import { log } from "~/modules/http/log.server";
import { ConfigurationError, isDemoMode, requireProductionSettings } from "~/modules/http/secrets.server";
import { upgradeStoredSecrets } from "~/modules/privacy/server-keys.server";
import { seedDemoDocuments } from "~/modules/documents/demo.server";
import { seedDemoConcludedProcedure } from "~/modules/considerations/demo.server";
import { seedDemoCyclingStatements } from "~/modules/sections/demo.server";
import { runJobs } from "~/modules/jobs/jobs.server";
import { getSigningKey } from "~/modules/transparency-log/keys.server";
import { integrateWaiting } from "~/modules/transparency-log/tlog.server";

/**
 * Before the first request: production settings present (or refuse to start), the schema up to
 * date, secrets stored by older versions sealed or keyed. In demo mode (secrets.server: isDemoMode),
 * unless SEED_DEMO=false, demo data and accounts go into an empty database. Outside demo mode an
 * empty database stays empty, and a database that holds demo accounts refuses to start.
 */
export async function prepareDatabase(): Promise<{ seeded: boolean; demo: boolean }> {
  requireProductionSettings();
  // a malformed checkpoint key refuses the start, like a missing one (demo mode: made here once)
  getSigningKey();
  const demo = isDemoMode();
  const { db } = getDatabaseHandle();
  await migrateToLatest(db);
  await upgradeStoredSecrets(db);
  if (!demo) {
    if (await holdsDemoAccounts(db)) {
      throw new ConfigurationError(
        "This database holds the demo accounts (admin@demo.example, … with a published password), and Teilhabe runs in production mode. " +
          "Start with an empty database (create the first municipality with `npm run org:create`), or remove the demo accounts first.",
      );
    }
    const any = await db.selectFrom("organisations").select("id").limit(1).executeTakeFirst();
    if (!any) {
      log("info", "no_organisation", {
        message: 'The database is empty. Create the first municipality: npm run org:create -- --slug <slug> --name "<name>" --admin-email <e-mail> --admin-name "<name>"',
      });
    }
    return { seeded: false, demo };
  }
  if (process.env.SEED_DEMO === "false") return { seeded: false, demo };
  const seeded = await seedDemoIfEmpty(db);
  if (seeded) await seedDemoDocuments(db);
  // demo accounts belong to the demo data: also added to a demo database made before they existed
  await seedDemoAccounts(db);
  // a concluded procedure with considerations and published results (issue 19); the test servers
  // leave it out (SEED_DEMO_RESULTS=false) so their fixtures keep the three procedures they count on —
  // and statements on the open cycling plan, spread over its sections (issue 17), left out alike
  if (seeded && process.env.SEED_DEMO_RESULTS !== "false") {
    await seedDemoConcludedProcedure(db);
    await seedDemoCyclingStatements(db);
  }
  return { seeded, demo };
}


/** The scheduled jobs (retention), for the server's timer (server/index.ts). */
export async function runScheduledJobs() {
  return runJobs(getDb());
}

/** The transparency log's integrator and checkpoint signer, for the server's timer (server/index.ts) (off the request path). */
let integrating: Promise<unknown> | undefined;

export async function runTransparencyLog() {
  // one run at a time in this process; other instances wait on the database (decision 56)
  if (integrating) return integrating;
  integrating = integrateNow().finally(() => (integrating = undefined));
  return integrating;
}

async function integrateNow() {
  try {
    const result = await integrateWaiting(getDb(), getSigningKey());
    if (result.added > 0) log("info", "tlog_checkpoint", result);
    return result;
  } catch (error) {
    log("error", "tlog_failed", { error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}
