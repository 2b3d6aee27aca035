/**
 * Results against real databases (SQLite, and PostgreSQL when TEST_DATABASE_URL is set): statistics
 * equal counts made independently from the rows, small groups suppressed, the export streams page
 * through thousands of submissions once each, publishing stores the statistics (a snapshot that
 * follows later moderation, withdrawals and erasure) and the inclusion job writes every published
 * submission's privacy log exactly once — also when it runs twice at the same time or is cut short.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { seedDemoIfEmpty } from "#db/seed";
import type { Channel } from "#db/schema";
import { recordConsideration } from "~/modules/considerations/considerations.server";
import { doNotPublish, publishSubmission } from "~/modules/moderation/moderation.server";
import { runJobs } from "~/modules/jobs/jobs.server";
import { requestErasure } from "~/modules/privacy/rights.server";
import { readPrivacyLog, verifyAllChains } from "~/modules/privacy-log/privacy-log.server";
import type { Procedure } from "~/modules/procedures/procedure";
import { findProcedureById, findPublicProcedure } from "~/modules/procedures/procedures.server";
import { MIN_GROUP_SIZE } from "~/modules/results/disclosure";
import { channelCounts, questionStatistics, resultsStatistics } from "~/modules/results/statistics.server";
import { csvExport, exportLabels, jsonExport } from "~/modules/results/open-data.server";
import { publishResults, resultsOverview } from "~/modules/results/publishing.server";
import { publishedBatches, publishedPage } from "~/modules/results/published.server";
import { suppress } from "~/modules/results/rules";
import { runResultsInclusion } from "~/modules/results/inclusion.server";
import { createSubmission } from "~/modules/submissions/submissions.server";
import { parseCsv } from "../support/csv";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";
import { bulkSubmissionRow } from "../support/fixtures";

const LABELS = { yes: "Ja", no: "Nein" };

async function readAll(stream: ReadableStream<Uint8Array>): Promise<{ text: string; chunks: number }> {
  const reader = stream.getReader();
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  let text = "";
  let chunks = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    chunks++;
    text += decoder.decode(value, { stream: true });
  }
  return { text: text + decoder.decode(), chunks };
}

describe.each(engines)("results on %s", (engine) => {
  let testDb: TestDatabase;
  let h: DatabaseHandle;
  let orgId: number;
  let moderatorId: number;
  let consultation: Procedure;
  let sequence = 0;
  const ids: number[] = [];

  async function submit(answers: Record<number, string[]>, channel: Channel = "online", contact: Record<string, string> = {}) {
    const result = await h.db.transaction().execute((trx) =>
      createSubmission(trx, {
        procedure: consultation,
        input: { answers: Object.entries(answers).map(([q, values]) => ({ questionId: Number(q), values })), contact },
        channel,
        language: "de",
        idempotencyKey: `results-${engine}-${++sequence}`,
      }),
    );
    ids.push(result.submissionId);
    return result.submissionId;
  }

  /**
   * A second app instance for things done at the same time. PostgreSQL: its own pool. SQLite: the
   * same handle — two connections in one process would block each other's (one) thread on the
   * write lock; separate processes wait for each other, and one process's transactions queue on
   * its connection, which is what running twice at once means there.
   */
  const twin = (other: DatabaseHandle) => (engine === "sqlite" ? h : other);

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    h = openDatabase(testDb.url);
    await migrateToLatest(h.db);
    await seedDemoIfEmpty(h.db);
    orgId = (await h.db.selectFrom("organisations").select("id").executeTakeFirstOrThrow()).id;
    const { id } = await h.db
      .insertInto("accounts")
      .values({ organisation_id: orgId, email: "mod@test.example", display_name: "Mod", password_hash: null, password_changed_at: null, totp_secret: null, totp_last_step: null, created_at: new Date().toISOString(), updated_at: new Date().toISOString() })
      .returning("id")
      .executeTakeFirstOrThrow();
    moderatorId = id;
    consultation = (await findPublicProcedure(h.db, orgId, "radverkehrsplan-2030"))!;
    const [text, place, mode, wishes, grade, kids] = consultation.questions;
    // a spread that gives groups above and below the threshold: 12 bike, 6 foot, 3 bus, 1 car, …
    const modes = ["bike", "bike", "foot", "bike", "bus", "bike", "foot", "bike", "car", "bike", "foot", "bus", "bike", "foot", "bike", "bike", "foot", "bus", "bike", "foot", "bike", "bike"];
    const channels: Channel[] = ["online", "online", "phone", "online", "paper", "online", "online", "counter", "online", "online", "phone", "online", "online", "online", "phone", "online", "online", "letter", "online", "phone", "online", "phone"];
    for (let i = 0; i < modes.length; i++) {
      const answers: Record<number, string[]> = {
        [text.id]: [`Beitrag Nummer ${i}: mehr sichere Radwege, bitte.`],
        [mode.id]: [modes[i]],
        [grade.id]: [String((i % 5) + 1)],
      };
      if (i % 3 !== 0) answers[place.id] = [`Straße ${i}`];
      if (i % 2 === 0) answers[wishes.id] = i % 4 === 0 ? ["safety", "width"] : ["safety"];
      if (i % 4 !== 3) answers[kids.id] = [i % 6 === 0 ? "no" : "yes"];
      await submit(answers, channels[i], i % 5 === 0 ? { name: "Anna Beispiel", email: `anna${i}@example.org` } : {});
    }
    // one withdrawn (answers gone, state withdrawn): it must not count anywhere
    const withdrawn = ids[3];
    await h.db.deleteFrom("answers").where("submission_id", "=", withdrawn).execute();
    await h.db.updateTable("submissions").set({ state: "withdrawn", withdrawn_at: new Date().toISOString() }).where("id", "=", withdrawn).execute();
  });
  afterAll(async () => {
    await h?.close();
    await testDb?.drop();
  });

  it("counts answers per question exactly as the rows say, small groups suppressed", async () => {
    const stats = await questionStatistics(h.db, consultation, LABELS);
    expect(stats.map((s) => s.kind)).toEqual(["single_choice", "multiple_choice", "scale", "yes_no"]);
    // independently: every answer row of a submission that was not withdrawn, counted here in JS
    const rows = await h.db
      .selectFrom("answers")
      .innerJoin("submissions", "submissions.id", "answers.submission_id")
      .select(["answers.question_id", "answers.value", "answers.submission_id", "submissions.state"])
      .where("submissions.procedure_id", "=", consultation.id)
      .execute();
    for (const s of stats) {
      for (const r of s.rows) {
        const raw = new Set(rows.filter((a) => a.question_id === s.questionId && a.value === r.value && a.state !== "withdrawn").map((a) => a.submission_id)).size;
        expect(r.count, `${s.label} / ${r.label} (raw ${raw})`).toBe(raw >= MIN_GROUP_SIZE ? raw : null);
      }
    }
    const mode = stats.find((s) => s.kind === "single_choice")!;
    // the withdrawn submission (a bike) is not counted: 12 - 1
    expect(mode.rows.map((r) => [r.value, r.count])).toEqual([
      ["bike", 11],
      ["foot", 6],
      ["bus", null],
      ["car", null],
    ]);
    const grade = stats.find((s) => s.kind === "scale")!;
    expect(grade.rows.map((r) => r.label)).toEqual(["1 (sehr schlecht)", "2", "3", "4", "5 (sehr gut)"]);
    const kids = stats.find((s) => s.kind === "yes_no")!;
    expect(kids.rows.map((r) => r.label)).toEqual(["Ja", "Nein"]);
  });

  it("counts submissions per channel, withdrawn ones left out, small channels suppressed", async () => {
    const counts = await channelCounts(h.db, consultation.id);
    const rows = await h.db.selectFrom("submissions").select(["channel", "state"]).where("procedure_id", "=", consultation.id).execute();
    for (const c of counts) {
      const raw = rows.filter((r) => r.channel === c.channel && r.state !== "withdrawn").length;
      expect(c.count, c.channel).toBe(suppress(raw));
    }
    expect(counts.map((c) => c.channel)).toEqual(["online", "phone", "paper", "counter", "letter"]);
    expect(counts.find((c) => c.channel === "online")!.count).toBe(13); // 14 online, one withdrawn
    expect(counts.find((c) => c.channel === "phone")!.count).toBe(5);
    expect(counts.find((c) => c.channel === "paper")!.count).toBeNull();
  });

  it("publishes the results: status, summary, and both entries in every published submission's log, once", async () => {
    // moderation first: some published (one redacted), some not, the rest left unreviewed
    const review = ids.filter((id) => id !== ids[3]);
    for (const id of review.slice(0, 9)) {
      await publishSubmission(h.db, { organisationId: orgId, submissionId: id, moderatorId, redactions: new Map(), confirmedChecked: true });
    }
    const textAnswer = await h.db.selectFrom("answers").select("id").where("submission_id", "=", review[9]).where("question_id", "=", consultation.questions[0].id).executeTakeFirstOrThrow();
    await publishSubmission(h.db, { organisationId: orgId, submissionId: review[9], moderatorId, redactions: new Map([[textAnswer.id, "Öffentliche Fassung"]]), confirmedChecked: true });
    await doNotPublish(h.db, { organisationId: orgId, submissionId: review[10], moderatorId, reason: "off_topic" });
    await recordConsideration(h.db, { organisationId: orgId, procedureId: consultation.id, submissionIds: review.slice(0, 4), moderatorId, decision: "accepted", text: "Wird umgesetzt." });

    // not while it is open; not without a summary
    expect(await publishResults(h.db, { organisationId: orgId, procedureId: consultation.id, moderatorId, summary: "Text" })).toMatchObject({ ok: false, status: 409 });
    await h.db.updateTable("procedures").set({ status: "closed" }).where("id", "=", consultation.id).execute();
    expect(await publishResults(h.db, { organisationId: orgId, procedureId: consultation.id, moderatorId, summary: "  " })).toMatchObject({ ok: false, status: 400 });
    expect((await findProcedureById(h.db, orgId, consultation.id))!.status).toBe("closed");

    const result = await publishResults(h.db, { organisationId: orgId, procedureId: consultation.id, moderatorId, summary: "# Ergebnis\r\n\r\nDanke." });
    expect(result).toEqual({ ok: true, firstPublication: true, published: 10 });
    const row = await h.db.selectFrom("procedures").select(["status", "results_summary"]).where("id", "=", consultation.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "results_published", results_summary: "# Ergebnis\n\nDanke." });
    // the request only asked for the log entries: the job writes them, a few batches at a time
    expect((await resultsOverview(h.db, orgId, consultation.id))!.pendingLogs).toBe(10);
    expect(await h.db.selectFrom("privacy_events").select("id").where("type", "=", "included_in_results").execute()).toEqual([]);
    expect(await runResultsInclusion(h.db, new Date(), { batchSize: 3, maxBatches: 2 })).toEqual({ finished: 0, logged: 6, more: true });
    expect((await resultsOverview(h.db, orgId, consultation.id))!.pendingLogs).toBe(4);
    expect(await runResultsInclusion(h.db, new Date(), { batchSize: 3 })).toEqual({ finished: 1, logged: 4, more: false });
    expect((await resultsOverview(h.db, orgId, consultation.id))!.pendingLogs).toBe(0);

    const subs = await h.db.selectFrom("submissions").select(["id", "state"]).where("procedure_id", "=", consultation.id).execute();
    for (const s of subs) {
      const types = (await readPrivacyLog(h.db, s.id)).events.map((e) => e.type);
      const published = s.state === "published" || s.state === "published_redacted";
      expect(types.filter((t) => t === "included_in_results"), `submission ${s.id} (${s.state})`).toHaveLength(published ? 1 : 0);
      expect(types.filter((t) => t === "included_in_open_data"), `submission ${s.id} (${s.state})`).toHaveLength(published ? 1 : 0);
    }
    const event = (await readPrivacyLog(h.db, review[0])).events.at(-1)!;
    expect(event).toMatchObject({ type: "included_in_open_data", actorRole: "moderator", purpose: "publication", categories: ["content"] });

    // again (an update, or after an interruption): the summary changes, no entry is written twice
    const again = await publishResults(h.db, { organisationId: orgId, procedureId: consultation.id, moderatorId, summary: "Neu." });
    expect(again).toEqual({ ok: true, firstPublication: false, published: 10 });
    expect(await runResultsInclusion(h.db)).toEqual({ finished: 1, logged: 0, more: false });
    // a submission published after the results are out joins them at once, with both log entries
    await publishSubmission(h.db, { organisationId: orgId, submissionId: review[11], moderatorId, redactions: new Map(), confirmedChecked: true });
    const late = (await readPrivacyLog(h.db, review[11])).events.map((e) => e.type);
    expect(late.slice(-3)).toEqual(["published", "included_in_results", "included_in_open_data"]);
    expect((await resultsOverview(h.db, orgId, consultation.id))!.pendingLogs).toBe(0);
    expect(await publishResults(h.db, { organisationId: orgId, procedureId: consultation.id, moderatorId, summary: "Neu." })).toEqual({ ok: true, firstPublication: false, published: 11 });
    expect(await runResultsInclusion(h.db)).toEqual({ finished: 1, logged: 0, more: false });
    // published again (an edited redaction): no second inclusion entry
    await publishSubmission(h.db, { organisationId: orgId, submissionId: review[11], moderatorId, redactions: new Map(), confirmedChecked: true });
    expect((await readPrivacyLog(h.db, review[11])).events.filter((e) => e.type === "included_in_results")).toHaveLength(1);
    const chains = await verifyAllChains(h.db);
    expect(chains.broken).toEqual([]);
  });

  it("shows stored statistics that follow every later change a resident would notice", async () => {
    /** What the rows say now, counted independently of the snapshot. */
    async function live() {
      return {
        channels: await channelCounts(h.db, consultation.id),
        statistics: await questionStatistics(h.db, consultation, LABELS),
        published: (await h.db.selectFrom("submissions").select("id").where("procedure_id", "=", consultation.id).where("state", "in", ["published", "published_redacted"]).execute()).length,
      };
    }
    const stored = () => resultsStatistics(h.db, consultation, LABELS);
    const snapshotRow = () => h.db.selectFrom("results_snapshots").selectAll().where("procedure_id", "=", consultation.id).executeTakeFirstOrThrow();
    expect(await stored()).toEqual(await live());
    expect((await stored()).published).toBe(11);
    const before = await snapshotRow();

    // another app instance on the same database reads the same numbers (nothing kept in one process)
    const other = openDatabase(testDb.url);
    try {
      expect(await resultsStatistics(other.db, consultation, LABELS)).toEqual(await live());

      // a late publication (a submission nobody had reviewed yet) joins the count at once, in both instances
      const unreviewed = await h.db.selectFrom("submissions").select("id").where("procedure_id", "=", consultation.id).where("state", "=", "received").orderBy("id").execute();
      expect(unreviewed.length).toBeGreaterThanOrEqual(2);
      await publishSubmission(other.db, { organisationId: orgId, submissionId: unreviewed[0].id, moderatorId, redactions: new Map(), confirmedChecked: true });
      expect((await stored()).published).toBe(12);
      expect(await stored()).toEqual(await live());
      // published twice (a double click, or from two instances at once): counted once
      await Promise.all([
        publishSubmission(h.db, { organisationId: orgId, submissionId: unreviewed[1].id, moderatorId, redactions: new Map(), confirmedChecked: true }),
        publishSubmission(twin(other).db, { organisationId: orgId, submissionId: unreviewed[1].id, moderatorId, redactions: new Map(), confirmedChecked: true }),
      ]);
      expect((await stored()).published).toBe(13);
      // taken back: not published after all
      await doNotPublish(h.db, { organisationId: orgId, submissionId: unreviewed[1].id, moderatorId, reason: "duplicate" });
      await doNotPublish(h.db, { organisationId: orgId, submissionId: unreviewed[1].id, moderatorId, reason: "duplicate" });
      expect(await resultsStatistics(other.db, consultation, LABELS)).toEqual(await live());
      expect((await stored()).published).toBe(12);
      // the moderation decisions moved the stored number; the counts were not made again
      expect((await snapshotRow()).computed_at).toBe(before.computed_at);
    } finally {
      await other.close();
    }

    // erasure of a submitter's personal data: the content stays, so every number stays
    const withContact = await h.db.selectFrom("contact_details").innerJoin("submissions", "submissions.id", "contact_details.submission_id").select("submissions.id").where("submissions.procedure_id", "=", consultation.id).executeTakeFirstOrThrow();
    const numbers = await stored();
    expect((await requestErasure(h.db, withContact.id)).outcome).toBe("deleted");
    expect(await stored()).toEqual(numbers);
    expect(await stored()).toEqual(await live());

    // a submission withdrawn after counting (the rules allow it only while open; any path that does
    // it, here plain SQL) and one arriving late: the stored counts are made again on the next read
    const bike = (await stored()).statistics[0].rows[0].count!;
    const online = (await stored()).channels[0].count!;
    const bikeRider = await h.db
      .selectFrom("answers")
      .innerJoin("submissions", "submissions.id", "answers.submission_id")
      .select("submissions.id")
      .where("submissions.procedure_id", "=", consultation.id)
      .where("submissions.state", "=", "published")
      .where("submissions.channel", "=", "online")
      .where("answers.question_id", "=", consultation.questions[2].id)
      .where("answers.value", "=", "bike")
      .where("submissions.response_id", "is", null)
      .executeTakeFirstOrThrow();
    await h.db.deleteFrom("answers").where("submission_id", "=", bikeRider.id).execute();
    await h.db.updateTable("submissions").set({ state: "withdrawn", withdrawn_at: new Date().toISOString() }).where("id", "=", bikeRider.id).execute();
    const afterWithdrawal = await stored();
    expect(afterWithdrawal.statistics[0].rows[0].count).toBe(bike - 1);
    expect(afterWithdrawal.channels[0].count).toBe(online - 1);
    expect(afterWithdrawal.published).toBe(numbers.published - 1);
    expect(afterWithdrawal).toEqual(await live());
    await submit({ [consultation.questions[0].id]: ["Spät, aber da."], [consultation.questions[2].id]: ["bike"], [consultation.questions[4].id]: ["3"] });
    expect(await stored()).toEqual(await live());
    expect((await stored()).statistics[0].rows[0].count).toBe(bike);
  });

  it("writes each inclusion entry exactly once: two runs at once, two instances' scheduled runs, a run cut short", async () => {
    const procedure = (await findPublicProcedure(h.db, orgId, "buergerhaushalt-2027"))!;
    const choice = procedure.questions.find((q) => q.kind === "single_choice")!;
    let n = 0;
    /** A new submission of the survey, stored as published (no moderation steps: only the job writes inclusion entries). */
    async function publishedSubmission() {
      const { submissionId } = await h.db.transaction().execute((trx) =>
        createSubmission(trx, {
          procedure,
          input: { answers: [{ questionId: choice.id, values: [choice.options[n % choice.options.length].value] }], contact: {} },
          channel: "online",
          language: "de",
          idempotencyKey: `inclusion-${engine}-${++n}`,
        }),
      );
      await h.db.updateTable("submissions").set({ state: "published" }).where("id", "=", submissionId).execute();
      return submissionId;
    }
    const entries = async (ids: number[]) => {
      const rows = await h.db.selectFrom("privacy_events").select(["submission_id", "type"]).where("submission_id", "in", ids).where("type", "like", "included_in_%").execute();
      return ids.map((id) => rows.filter((r) => r.submission_id === id).map((r) => r.type).sort());
    };
    const both = ["included_in_open_data", "included_in_results"];
    const other = twin(openDatabase(testDb.url));
    try {
      const first: number[] = [];
      for (let i = 0; i < 12; i++) first.push(await publishedSubmission());
      await h.db.updateTable("procedures").set({ status: "closed" }).where("id", "=", procedure.id).execute();
      expect(await publishResults(h.db, { organisationId: orgId, procedureId: procedure.id, moderatorId, summary: "Haushalt." })).toMatchObject({ ok: true, published: 12 });

      // two runs at once without leases (as when a lease ran out mid-run): every entry once
      const [a, b] = await Promise.all([runResultsInclusion(h.db, new Date(), { batchSize: 3 }), runResultsInclusion(other.db, new Date(), { batchSize: 3 })]);
      expect(a.logged + b.logged).toBe(12);
      expect(await entries(first)).toEqual(first.map(() => both));

      // more published (as by a path that writes no entries) and the results updated: two instances'
      // scheduled runs at the same moment — one takes the lease, the other skips; nothing twice
      const second: number[] = [];
      for (let i = 0; i < 7; i++) second.push(await publishedSubmission());
      expect(await publishResults(h.db, { organisationId: orgId, procedureId: procedure.id, moderatorId, summary: "Haushalt, ergänzt." })).toMatchObject({ ok: true, published: 19 });
      expect((await resultsOverview(h.db, orgId, procedure.id))!.pendingLogs).toBe(19);
      const at = new Date(Date.now() + 60_000);
      const [x, y] = await Promise.all([runJobs(h.db, at), runJobs(other.db, at)]);
      expect([x.results_inclusion, y.results_inclusion].filter((r) => r === "skipped")).toHaveLength(1);
      expect([x.results_inclusion, y.results_inclusion].find((r) => r !== "skipped")).toMatchObject({ logged: 7, more: false });
      expect(await entries([...first, ...second])).toEqual([...first, ...second].map(() => both));
      expect((await resultsOverview(h.db, orgId, procedure.id))!.pendingLogs).toBe(0);

      // a run cut short carries on where it stopped
      const third: number[] = [];
      for (let i = 0; i < 5; i++) third.push(await publishedSubmission());
      await publishResults(h.db, { organisationId: orgId, procedureId: procedure.id, moderatorId, summary: "Haushalt, nochmals ergänzt." });
      expect(await runResultsInclusion(h.db, new Date(), { batchSize: 10, maxBatches: 2 })).toMatchObject({ logged: 1, more: true });
      expect(await runResultsInclusion(other.db, new Date(), { batchSize: 10 })).toMatchObject({ logged: 4, more: false, finished: 1 });
      expect(await entries([...first, ...second, ...third])).toEqual([...first, ...second, ...third].map(() => both));
      expect((await verifyAllChains(h.db)).broken).toEqual([]);
    } finally {
      if (other !== h) await other.close();
    }
  });

  it("lists the published submissions numbered without gaps, with public text and responses, never contact data", async () => {
    const page = await publishedPage(h.db, consultation.id, 1);
    expect(page.total).toBe(11);
    expect(page.pages).toBe(1);
    const published = await h.db
      .selectFrom("submissions")
      .select(["id", "state"])
      .where("procedure_id", "=", consultation.id)
      .orderBy("id")
      .execute();
    // 1 … 11 among the published ones, in the order received (decision 30: no gap where one was not published)
    const expectedNumbers = published.filter((s) => s.state.startsWith("published")).map((_, i) => i + 1);
    expect(page.items.map((s) => s.number)).toEqual(expectedNumbers);
    const texts = page.items.map((s) => s.answers.get(consultation.questions[0].id)![0]);
    expect(texts).toContain("Öffentliche Fassung");
    expect(texts.filter((t) => t.startsWith("Beitrag Nummer"))).toHaveLength(10);
    expect(page.items.filter((s) => s.response?.text === "Wird umgesetzt.")).toHaveLength(4);
    expect(JSON.stringify(page.items.map((s) => [...s.answers.values()]))).not.toMatch(/anna|@example/);
    // the same numbers in the export
    const batches: number[] = [];
    for await (const b of publishedBatches(h.db, consultation.id, { pageSize: 4 })) batches.push(...b.map((s) => s.number));
    expect(batches).toEqual(expectedNumbers);
    expect(await publishedPage(h.db, consultation.id, 2)).toMatchObject({ items: [], total: 11 });
  });

  it("streams thousands of published submissions page by page, each exactly once", async () => {
    const marktplatz = (await findPublicProcedure(h.db, orgId, "marktplatz"))!;
    const q = marktplatz.questions[0];
    const total = 2500;
    const now = new Date().toISOString();
    // direct inserts, 250 a statement; every 7th not published, every 10th redacted
    for (let start = 0; start < total; start += 250) {
      const inserted = await h.db
        .insertInto("submissions")
        .values(
          Array.from({ length: 250 }, (_, k) => {
            const i = start + k;
            return bulkSubmissionRow({
              organisation_id: orgId,
              procedure_id: marktplatz.id,
              key: `bulk-${engine}-${i}`,
              channel: (i % 11 === 0 ? "paper" : "online") as Channel,
              received_on: i % 11 === 0 ? "2026-01-15" : null,
              state: i % 7 === 0 ? "not_published" : i % 10 === 0 ? "published_redacted" : "published",
              created_at: now,
            });
          }),
        )
        .returning("id")
        .execute();
      const answers = await h.db
        .insertInto("answers")
        .values(inserted.map((s, k) => ({ submission_id: s.id, question_id: q.id, value: `Idee ${start + k}, mit "Zitat"\nund Zeile zwei` })))
        .returning(["id", "submission_id"])
        .execute();
      const redacted = answers.filter((_, k) => (start + k) % 10 === 0 && (start + k) % 7 !== 0);
      if (redacted.length) {
        await h.db
          .insertInto("answer_redactions")
          .values(redacted.map((a) => ({ answer_id: a.id, public_value: `Geschwärzt ${a.submission_id}`, redacted_by: moderatorId, redacted_at: now })))
          .execute();
      }
    }
    const expected = Array.from({ length: total }, (_, i) => i).filter((i) => i % 7 !== 0);

    const csv = await readAll(csvExport(h.db, marktplatz, exportLabels(), { pageSize: 300 }));
    expect(csv.text.startsWith("\uFEFF")).toBe(true);
    // one chunk for the header, then one per page of 300 (each has published ones)
    expect(csv.chunks).toBe(1 + Math.ceil(total / 300));
    const records = parseCsv(csv.text.slice(1));
    // decision 30: number, free text and response only — no channel or day of receipt
    expect(records[0]).toEqual(["Nummer", q.label, "Entscheidung", "Antwort der Verwaltung"]);
    const data = records.slice(1);
    expect(data).toHaveLength(expected.length);
    expect(data.map((r) => Number(r[0]))).toEqual(expected.map((_, k) => k + 1));
    expect(new Set(data.map((r) => r[0])).size).toBe(data.length);
    for (const [k, i] of expected.entries()) {
      const r = data[k];
      if (i % 10 === 0) expect(r[1]).toMatch(/^Geschwärzt \d+$/);
      else expect(r[1]).toBe(`Idee ${i}, mit "Zitat"\nund Zeile zwei`);
    }

    const json = await readAll(
      jsonExport(
        h.db,
        marktplatz,
        { title: "Marktplatz", organisation: "Stadt Musterstadt", url: "http://x/ergebnisse", opensAt: marktplatz.opensAt, closesAt: marktplatz.closesAt, issued: now, modified: now },
        exportLabels(),
        { pageSize: 1000 },
      ),
    );
    const parsed = JSON.parse(json.text);
    expect(parsed.submissions).toHaveLength(expected.length);
    expect(parsed.submissions.map((s: { number: number }) => s.number)).toEqual(expected.map((_, k) => k + 1));
    expect(parsed.submissions[0]).toEqual({ number: 1, answers: { frage_1: 'Idee 1, mit "Zitat"\nund Zeile zwei' }, response: null });
    // phone, counter and letter are empty: with the total known they would be worked out as 0, so
    // paper is hidden too (disclosure.ts)
    expect(parsed.statistics.channels.find((c: { channel: string }) => c.channel === "paper")).toMatchObject({ count: null, suppressed: true, reason: "protects_small_group" });
    expect(parsed.statistics.channels.find((c: { channel: string }) => c.channel === "phone")).toEqual({ channel: "phone", label: "Telefon", count: null, suppressed: true, reason: "small_group" });
    expect(parsed.license).toBe("http://dcat-ap.de/def/licenses/dl-zero-de/2.0");
    expect(json.text).not.toMatch(/anna|example\.org/);

    // the page and the files number alike; deep pages work
    const last = await publishedPage(h.db, marktplatz.id, Math.ceil(expected.length / 20));
    expect(last.items.map((s) => s.number)).toEqual(expected.map((_, k) => k + 1).slice(Math.floor((expected.length - 1) / 20) * 20));
  });

  it("stops reading the database when the download is cancelled", async () => {
    const marktplatz = (await findPublicProcedure(h.db, orgId, "marktplatz"))!;
    const controller = new AbortController();
    const reader = csvExport(h.db, marktplatz, exportLabels(), { pageSize: 100, signal: controller.signal }).getReader();
    await reader.read(); // header
    const first = await reader.read();
    expect(first.done).toBe(false);
    controller.abort();
    // at most what was already asked for, then the end
    let more = 0;
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
      more++;
    }
    expect(more).toBeLessThanOrEqual(1);
    // cancelling a fresh stream ends its generator without reading further
    const other = csvExport(h.db, marktplatz, exportLabels(), { pageSize: 100 }).getReader();
    await other.read();
    await other.cancel();
  });
});
