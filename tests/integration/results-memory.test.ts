/**
 * The results' heavy work holds one batch at a time, however many submissions there are (SQLite,
 * and PostgreSQL when TEST_DATABASE_URL is set). At a million submissions the inclusion job writes
 * 1.7 million privacy-log entries and the CSV is 220 MB: a query that handed back every submission
 * would take the server past its memory limit. So every query's result is counted here (a Kysely
 * plugin): no query hands back more than a batch, a download that stops early stops the queries,
 * and the work is still complete and right.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from "kysely";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { seedDemoIfEmpty } from "#db/seed";
import { readPrivacyLog, verifyAllChains } from "~/modules/privacy-log/privacy-log.server";
import type { Procedure } from "~/modules/procedures/procedure";
import { findPublicProcedure } from "~/modules/procedures/procedures.server";
import { requestInclusion } from "~/modules/results/inclusion-request.server";
import { runResultsInclusion } from "~/modules/results/inclusion.server";
import { csvExport, exportLabels } from "~/modules/results/open-data.server";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";
import { bulkSubmissionRow } from "../support/fixtures";

/** Counts what each query hands back. */
class ResultRows implements KyselyPlugin {
  queries = 0;
  rows = 0;
  largest = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    this.queries++;
    this.rows += args.result.rows.length;
    this.largest = Math.max(this.largest, args.result.rows.length);
    return args.result;
  }
}

const TOTAL = 1200;

describe.each(engines)("results in bounded batches on %s", (engine) => {
  let testDb: TestDatabase;
  let h: DatabaseHandle;
  let orgId: number;
  let moderatorId: number;
  let marktplatz: Procedure;
  const published: number[] = [];

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    h = openDatabase(testDb.url);
    await migrateToLatest(h.db);
    await seedDemoIfEmpty(h.db);
    orgId = (await h.db.selectFrom("organisations").select("id").executeTakeFirstOrThrow()).id;
    const now = new Date().toISOString();
    moderatorId = (
      await h.db
        .insertInto("accounts")
        .values({ organisation_id: orgId, email: "mod@memory.example", display_name: "Mod", password_hash: null, password_changed_at: null, totp_secret: null, totp_last_step: null, created_at: now, updated_at: now })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
    marktplatz = (await findPublicProcedure(h.db, orgId, "marktplatz"))!;
    // direct inserts, 200 a statement; every 6th not published
    for (let start = 0; start < TOTAL; start += 200) {
      const inserted = await h.db
        .insertInto("submissions")
        .values(
          Array.from({ length: 200 }, (_, k) => {
            const i = start + k;
            return bulkSubmissionRow({
              organisation_id: orgId,
              procedure_id: marktplatz.id,
              key: `memory-${engine}-${i}`,
              state: i % 6 === 0 ? "not_published" : "published",
              created_at: now,
            });
          }),
        )
        .returning(["id", "state"])
        .execute();
      for (const s of inserted) if (s.state === "published") published.push(s.id);
      await h.db
        .insertInto("answers")
        .values(inserted.map((s, k) => ({ submission_id: s.id, question_id: marktplatz.questions[0].id, value: `Idee ${start + k}` })))
        .execute();
    }
  });
  afterAll(async () => {
    await h?.close();
    await testDb?.drop();
  });

  it("the inclusion job writes every published submission's two entries, never holding more than one batch of them", async () => {
    await h.db.transaction().execute((trx) => requestInclusion(trx, { organisationId: orgId, procedureId: marktplatz.id, moderatorId, now: new Date() }));
    const counter = new ResultRows();
    const run = await runResultsInclusion(h.db.withPlugin(counter), new Date(), { batchSize: 100 });
    expect(run).toEqual({ finished: 1, logged: published.length, more: false });
    // a batch of ids, their existing entries, one chain tail each: never the procedure's thousand
    expect(counter.queries).toBeGreaterThan(published.length / 100);
    expect(counter.largest).toBeLessThanOrEqual(100);

    const included = await h.db
      .selectFrom("privacy_events")
      .select(["submission_id", "type", "seq"])
      .where("type", "like", "included_in_%")
      .orderBy("submission_id")
      .orderBy("seq")
      .execute();
    expect(included).toHaveLength(2 * published.length);
    expect([...new Set(included.map((e) => e.submission_id))]).toEqual(published);
    for (const id of [published[0], published[published.length - 1]]) {
      const { events, check } = await readPrivacyLog(h.db, id);
      expect(events.map((e) => e.type)).toEqual(["included_in_results", "included_in_open_data"]);
      expect(events.map((e) => e.seq)).toEqual([1, 2]);
      expect(check).toEqual({ intact: true, events: 2 });
    }
    expect((await verifyAllChains(h.db)).broken).toEqual([]);
  });

  it("a CSV download is read from the database as the client takes it: one page at a time, and nothing more once it stops", async () => {
    const counter = new ResultRows();
    const reader = csvExport(h.db.withPlugin(counter), marktplatz, exportLabels(), { pageSize: 200 }).getReader();
    const decoder = new TextDecoder();
    const header = await reader.read();
    const first = await reader.read();
    expect(decoder.decode(header.value)).toContain("Nummer");
    expect(decoder.decode(first.value).split("\r\n").filter(Boolean)).toHaveLength(Array.from({ length: 200 }, (_, i) => i).filter((i) => i % 6 !== 0).length);
    // the first page (and at most the one after it): not the thousand submissions
    expect(counter.rows).toBeLessThanOrEqual(2 * 2 * 200);
    await reader.cancel();
    const afterCancel = counter.queries;
    await new Promise((r) => setTimeout(r, 50));
    expect(counter.queries).toBe(afterCancel);

    const full = new ResultRows();
    let text = "";
    const all = csvExport(h.db.withPlugin(full), marktplatz, exportLabels(), { pageSize: 200 }).getReader();
    for (;;) {
      const { value, done } = await all.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    const records = text.split("\r\n").filter(Boolean).slice(1);
    expect(records).toHaveLength(published.length);
    // numbered among the published only (decision 30): the last of them carries their count
    expect(records.at(-1)).toMatch(new RegExp(`^${published.length},Idee ${TOTAL - 1},`));
    expect(full.largest).toBeLessThanOrEqual(200);
  });
});
