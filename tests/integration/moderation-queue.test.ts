/**
 * The moderation queue against real databases (SQLite, and PostgreSQL when TEST_DATABASE_URL is
 * set): every combination of the filters (state, channel, answered or not) pages through exactly
 * the submissions that match — counted independently from the rows — oldest first, each once,
 * never one of another procedure; the excerpt is the published (redacted) text. The overview's
 * counts per state and answered (stored, kept by triggers) equal the rows after every kind of write.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { seedDemoIfEmpty } from "#db/seed";
import type { Channel } from "#db/schema";
import {
  QUEUE_PAGE_SIZE,
  QUEUE_STATES,
  doNotPublish,
  listQueue,
  moderationProcedures,
  procedureForModeration,
  publishSubmission,
  type QueueFilter,
} from "~/modules/moderation/moderation.server";
import { recordConsideration } from "~/modules/considerations/considerations.server";
import { withdrawSubmission } from "~/modules/privacy/rights.server";
import { createSubmission } from "~/modules/submissions/submissions.server";
import { CHANNELS } from "~/modules/procedures/dashboard.server";
import type { Procedure } from "~/modules/procedures/procedure";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";

interface Row {
  id: number;
  channel: Channel;
  state: string;
  response_state: string;
}

describe.each(engines)("moderation queue (%s)", (engine) => {
  let t: TestDatabase;
  let h: DatabaseHandle;
  let procedure: Procedure;
  let organisationId: number;
  let rows: Row[] = [];
  let redactedId = 0;

  beforeAll(async () => {
    t = await createTestDatabase(engine);
    h = openDatabase(t.url);
    await migrateToLatest(h.db);
    await seedDemoIfEmpty(h.db);
    const p = await h.db.selectFrom("procedures").select(["id", "organisation_id"]).where("slug", "=", "radverkehrsplan-2030").executeTakeFirstOrThrow();
    const other = await h.db.selectFrom("procedures").select("id").where("slug", "=", "buergerhaushalt-2027").executeTakeFirstOrThrow();
    organisationId = p.organisation_id;
    procedure = await procedureForModeration(h.db, organisationId, p.id);
    const text = procedure.questions.find((q) => q.kind === "long_text" || q.kind === "short_text")!;
    const notice = (await h.db.selectFrom("procedures").select("notice_version").where("id", "=", p.id).executeTakeFirstOrThrow()).notice_version;
    const insert = (procedureId: number, i: number, channel: Channel, state: string, responseState: string) =>
      h.db
        .insertInto("submissions")
        .values({
          organisation_id: organisationId,
          procedure_id: procedureId,
          receipt_code_hash: `queue-test-${procedureId}-${i}`,
          channel,
          entered_by_account_id: null,
          source_reference: null,
          received_on: null,
          notice_version: notice,
          language: "de",
          state,
          response_state: responseState,
          idempotency_key: `queue-test-${procedureId}-${i}`,
          created_at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
          consent_results_notification: null,
          erasure_requested_at: null,
          personal_data_deleted_at: null,
          withdrawn_at: null,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
    // 150 submissions: most published, answered and online (more than a page of one combination),
    // the rest spread so that some combinations have a few, some one, some none
    for (let i = 0; i < 150; i++) {
      const common = i % 3 !== 0;
      const channel: Channel = common ? "online" : CHANNELS[(i * 7) % CHANNELS.length];
      const state = common ? "published" : QUEUE_STATES[(i * 11) % QUEUE_STATES.length];
      const responseState = common || i % 2 === 0 ? "answered" : "pending";
      const { id } = await insert(p.id, i, channel, state, responseState);
      rows.push({ id, channel, state, response_state: responseState });
      const answer = await h.db
        .insertInto("answers")
        .values({
          submission_id: id,
          question_id: text.id,
          value: `Beitrag ${i}: Max Muster, Hauptstraße ${i}`,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      if (i === 4) {
        redactedId = id;
        await h.db
          .insertInto("answer_redactions")
          .values({
            answer_id: answer.id,
            public_value: "Beitrag 4: [Name entfernt]",
            redacted_by: null,
            redacted_at: new Date().toISOString(),
          })
          .execute();
      }
      // another procedure's submission between them, in every combination: never in this queue
      if (i % 5 === 0) await insert(other.id, i, channel, state, responseState);
    }
    rows = rows.concat(
      (await h.db
        .selectFrom("submissions")
        .select(["id", "channel", "state", "response_state"])
        .where("procedure_id", "=", p.id)
        .where(
          "id",
          "not in",
          rows.map((r) => r.id),
        )
        .execute()) as Row[],
    );
  });
  afterAll(async () => {
    await h?.close();
    await t?.drop();
  });

  /** every page of the queue for a filter, following the "next" link's id */
  async function pageThrough(filter: QueueFilter) {
    const ids: number[] = [];
    let pages = 0;
    let after: number | undefined;
    for (;;) {
      const page = await listQueue(h.db, organisationId, procedure, {
        ...filter,
        after,
      });
      pages++;
      expect(page.items.length).toBeLessThanOrEqual(QUEUE_PAGE_SIZE);
      ids.push(...page.items.map((x) => x.id));
      if (page.next === null) break;
      expect(page.items.length).toBe(QUEUE_PAGE_SIZE);
      expect(page.next).toBe(page.items[page.items.length - 1].id);
      after = page.next;
      if (pages > 50) throw new Error("the queue does not end");
    }
    return { ids, pages };
  }

  it("finds a procedure by a route's id as it came, and answers 404 to anything that cannot be one (never a query with NaN)", async () => {
    expect((await procedureForModeration(h.db, organisationId, String(procedure.id))).id).toBe(procedure.id);
    for (const raw of ["abc", "0", "-1", "1.5", "99999999999", "", undefined]) {
      await expect(procedureForModeration(h.db, organisationId, raw), String(raw)).rejects.toMatchObject({ status: 404 });
    }
  });

  it("pages through every combination of the filters: exactly the matching submissions, oldest first, each once", async () => {
    const filters: QueueFilter[] = [];
    for (const state of [undefined, ...QUEUE_STATES])
      for (const channel of [undefined, ...CHANNELS]) for (const responded of [undefined, "yes", "no"] as const) filters.push({ state, channel, responded });
    let nonEmpty = 0;
    let multiPage = 0;
    for (const filter of filters) {
      const expected = rows
        .filter((r) => (!filter.state || r.state === filter.state) && (!filter.channel || r.channel === filter.channel))
        .filter((r) => !filter.responded || (filter.responded === "yes" ? r.response_state === "answered" : r.response_state !== "answered"))
        .map((r) => r.id)
        .sort((a, b) => a - b);
      const { ids, pages } = await pageThrough(filter);
      expect(ids, JSON.stringify(filter)).toEqual(expected);
      if (expected.length) nonEmpty++;
      if (pages > 1) multiPage++;
    }
    // the fixture really exercises the queue: empty and non-empty results, several pages
    expect(nonEmpty).toBeGreaterThan(20);
    expect(nonEmpty).toBeLessThan(filters.length);
    expect(multiPage).toBeGreaterThan(3);
  });

  it("pages through every combination newest first, too: the same submissions in reverse (issue 14, point 12)", async () => {
    let multiPage = 0;
    for (const state of [undefined, ...QUEUE_STATES])
      for (const channel of [undefined, ...CHANNELS])
        for (const responded of [undefined, "yes", "no"] as const) {
          const filter: QueueFilter = { state, channel, responded, newestFirst: true };
          const expected = rows
            .filter((r) => (!state || r.state === state) && (!channel || r.channel === channel))
            .filter((r) => !responded || (responded === "yes" ? r.response_state === "answered" : r.response_state !== "answered"))
            .map((r) => r.id)
            .sort((a, b) => b - a);
          const { ids, pages } = await pageThrough(filter);
          expect(ids, JSON.stringify(filter)).toEqual(expected);
          if (pages > 1) multiPage++;
        }
    expect(multiPage).toBeGreaterThan(3);
  });

  it("starts after the given id, and shows the published version of the text", async () => {
    const all = rows.map((r) => r.id).sort((a, b) => a - b);
    const page = await listQueue(h.db, organisationId, procedure, {
      after: all[10],
    });
    expect(page.items[0].id).toBe(all[11]);
    const filtered = await listQueue(h.db, organisationId, procedure, {
      state: "published",
      channel: "online",
      responded: "yes",
      after: all[100],
    });
    expect(filtered.items.every((x) => x.id > all[100] && x.state === "published" && x.channel === "online" && x.responseState === "answered")).toBe(true);
    const first = await listQueue(h.db, organisationId, procedure, {});
    const redacted = first.items.find((x) => x.id === redactedId)!;
    expect(redacted.excerpt).toBe("Beitrag 4: [Name entfernt]");
    expect(redacted.excerptRedacted).toBe(true);
    expect(first.items.find((x) => x.id !== redactedId)!.excerpt).toMatch(/^Beitrag \d+: Max Muster/);
  });

  it("shows no other organisation's submissions", async () => {
    expect((await listQueue(h.db, organisationId + 1000, procedure, {})).items).toEqual([]);
    expect(
      (
        await listQueue(h.db, organisationId + 1000, procedure, {
          state: "published",
        })
      ).items,
    ).toEqual([]);
  });

  /** the overview's counts, and the same counted from the rows */
  async function overviewAndRows() {
    const overview = (await moderationProcedures(h.db, organisationId)).map((p) => ({ id: p.id, byState: p.byState, answered: p.answered }));
    const counted = await h.db
      .selectFrom("submissions")
      .select(["procedure_id", "state", "response_state", (eb) => eb.fn.countAll().as("n")])
      .where("organisation_id", "=", organisationId)
      .groupBy(["procedure_id", "state", "response_state"])
      .execute();
    const rows = overview.map((p) => {
      const byState: Record<string, number> = {};
      let answered = 0;
      for (const c of counted.filter((x) => x.procedure_id === p.id)) {
        byState[c.state] = (byState[c.state] ?? 0) + Number(c.n);
        if (c.response_state === "answered") answered += Number(c.n);
      }
      return { id: p.id, byState, answered };
    });
    return { overview, rows };
  }
  async function expectOverviewToMatchRows() {
    const { overview, rows } = await overviewAndRows();
    expect(overview).toEqual(rows);
    return overview.find((p) => p.id === procedure.id)!;
  }

  it("counts on the moderation overview follow every write: new submissions, decisions, responses, withdrawal, deletion, rollback", async () => {
    const before = await expectOverviewToMatchRows();
    expect(before.byState.published).toBeGreaterThan(50);
    const now = new Date().toISOString();
    const { id: moderatorId } = await h.db
      .insertInto("accounts")
      .values({
        organisation_id: organisationId,
        email: `queue-${engine}@test.example`,
        display_name: "Mod",
        password_hash: null,
        password_changed_at: null,
        totp_secret: null,
        totp_last_step: null,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const text = procedure.questions.find((q) => q.kind === "long_text" || q.kind === "short_text")!;
    const submit = async (key: string) =>
      (
        await h.db.transaction().execute((trx) =>
          createSubmission(trx, {
            procedure,
            input: {
              answers: [{ questionId: text.id, values: ["Mehr Bänke am Markt."] }],
              contact: {},
            },
            channel: "phone",
            language: "de",
            idempotencyKey: key,
          }),
        )
      ).submissionId;
    const a = await submit(`totals-${engine}-a`);
    const b = await submit(`totals-${engine}-b`);
    const c = await submit(`totals-${engine}-c`);
    const afterNew = await expectOverviewToMatchRows();
    expect(afterNew.byState.received).toBe((before.byState.received ?? 0) + 3);

    await publishSubmission(h.db, {
      organisationId,
      submissionId: a,
      moderatorId,
      redactions: new Map(),
      confirmedChecked: true,
    });
    await doNotPublish(h.db, {
      organisationId,
      submissionId: b,
      moderatorId,
      reason: "off_topic",
    });
    const afterDecisions = await expectOverviewToMatchRows();
    expect(afterDecisions.byState.published).toBe(before.byState.published + 1);
    expect(afterDecisions.byState.not_published).toBe((before.byState.not_published ?? 0) + 1);

    await recordConsideration(h.db, {
      organisationId,
      procedureId: procedure.id,
      submissionIds: [a, b],
      moderatorId,
      decision: "noted",
      text: "Danke.",
    });
    expect((await expectOverviewToMatchRows()).answered).toBe(before.answered + 2);

    await withdrawSubmission(h.db, c);
    expect((await expectOverviewToMatchRows()).byState.withdrawn).toBe((before.byState.withdrawn ?? 0) + 1);

    // a submission that was never acknowledged (its transaction failed) is not counted
    await expect(
      h.db.transaction().execute(async (trx) => {
        await trx.updateTable("submissions").set({ state: "published" }).where("id", "=", c).execute();
        await trx
          .insertInto("submissions")
          .values({
            ...(await trx.selectFrom("submissions").selectAll().where("id", "=", a).executeTakeFirstOrThrow()),
            id: undefined as never,
            idempotency_key: `totals-${engine}-x`,
            receipt_code_hash: `totals-${engine}-x`,
          })
          .execute();
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    await expectOverviewToMatchRows();

    // an operator deleting a row by hand
    const gone = rows.find((r) => r.state === "not_published" && r.id !== redactedId)!;
    await h.db.deleteFrom("answers").where("submission_id", "=", gone.id).execute();
    await h.db.deleteFrom("submissions").where("id", "=", gone.id).execute();
    const afterDelete = await expectOverviewToMatchRows();
    expect(afterDelete.byState.not_published).toBe(afterDecisions.byState.not_published - 1);
  });
});
