/**
 * Full-text search in the moderation queue (issue 14, point 12) against real databases (SQLite,
 * and PostgreSQL when TEST_DATABASE_URL is set): every word must occur in the statement's text
 * answers, in any order, case-insensitive (umlauts too), as a word or its start, possibly in
 * different answers; contact data and other procedures are never found; the search combines with
 * the channel filter and both orders, and pages through exactly the matches, each once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { seedDemoIfEmpty } from "#db/seed";
import type { Channel } from "#db/schema";
import { QUEUE_PAGE_SIZE, countQueueSearch, listQueue, procedureForModeration, type QueueFilter } from "~/modules/moderation/moderation.server";
import { parseQueueSearch } from "~/modules/moderation/queue-search";
import type { Procedure } from "~/modules/procedures/procedure";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";

describe.each(engines)("moderation queue search (%s)", (engine) => {
  let t: TestDatabase;
  let h: DatabaseHandle;
  let procedure: Procedure;
  let organisationId: number;
  /** the submissions whose text answers contain both "Radweg" and "Brücke" */
  const both: { id: number; channel: Channel }[] = [];
  const radwegOnly: number[] = [];
  let splitAcrossAnswers = 0;
  let otherProcedureId = 0;

  beforeAll(async () => {
    t = await createTestDatabase(engine);
    h = openDatabase(t.url);
    await migrateToLatest(h.db);
    await seedDemoIfEmpty(h.db);
    const p = await h.db.selectFrom("procedures").select(["id", "organisation_id", "notice_version"]).where("slug", "=", "radverkehrsplan-2030").executeTakeFirstOrThrow();
    const other = await h.db.selectFrom("procedures").select(["id", "notice_version"]).where("slug", "=", "buergerhaushalt-2027").executeTakeFirstOrThrow();
    otherProcedureId = other.id;
    organisationId = p.organisation_id;
    procedure = await procedureForModeration(h.db, organisationId, p.id);
    const [longText, shortText] = procedure.questions.filter((q) => q.kind === "long_text" || q.kind === "short_text");
    const otherText = (await procedureForModeration(h.db, organisationId, other.id)).questions.find((q) => q.kind === "long_text" || q.kind === "short_text");
    let n = 0;
    const submit = async (procedureId: number, notice: string, channel: Channel, answers: [number, string][], contactName?: string) => {
      n++;
      const { id } = await h.db
        .insertInto("submissions")
        .values({
          organisation_id: organisationId,
          procedure_id: procedureId,
          receipt_code_hash: `search-test-${n}`,
          channel,
          entered_by_account_id: null,
          source_reference: null,
          received_on: null,
          notice_version: notice,
          language: "de",
          state: "received",
          response_state: "pending",
          idempotency_key: `search-test-${n}`,
          created_at: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(),
          consent_results_notification: null,
          erasure_requested_at: null,
          personal_data_deleted_at: null,
          withdrawn_at: null,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      for (const [questionId, value] of answers) await h.db.insertInto("answers").values({ submission_id: id, question_id: questionId, value }).execute();
      // stored as plain text here on purpose: even unencrypted, contact data are never searched
      if (contactName)
        await h.db
          .insertInto("contact_details")
          .values({ submission_id: id, name: contactName, postal_address: "Radweg 1, Brückenstadt", email: null, phone: null, created_at: new Date().toISOString(), delete_after: null })
          .execute();
      return id;
    };
    for (let i = 0; i < 70; i++) {
      const channel: Channel = i % 3 === 0 ? "letter" : "online";
      const kind = i % 4;
      if (kind === 0) both.push({ id: await submit(p.id, p.notice_version, channel, [[longText.id, `Der Radweg an der Brücke ${i} ist gefährlich.`]], "Zauberberg"), channel });
      else if (kind === 1) both.push({ id: await submit(p.id, p.notice_version, channel, [[longText.id, `DIE BRÜCKE braucht einen breiteren RADWEG (${i}).`]]), channel });
      else if (kind === 2) radwegOnly.push(await submit(p.id, p.notice_version, channel, [[longText.id, `Ein Radweg am Markt, Nummer ${i}.`]], "Wilhelmine Zauberberg"));
      else await submit(p.id, p.notice_version, channel, [[longText.id, `Mehr Bänke am Markt ${i}.`]]);
    }
    // the two words in different answers of one statement: found
    splitAcrossAnswers = await submit(p.id, p.notice_version, "phone", [
      [longText.id, "Bitte einen Radweg bauen."],
      [shortText.id, "Alte Brücke"],
    ]);
    both.push({ id: splitAcrossAnswers, channel: "phone" });
    // another procedure's statement with both words: never in this queue
    if (otherText) await submit(otherProcedureId, other.notice_version, "online", [[otherText.id, "Radweg über die Brücke"]]);
  });
  afterAll(async () => {
    await h?.close();
    await t?.drop();
  });

  function words(text: string) {
    const parsed = parseQueueSearch(text);
    if (!("words" in parsed)) throw new Error(`not a search: ${text}`);
    return parsed.words;
  }

  async function pageThrough(filter: QueueFilter) {
    const ids: number[] = [];
    let after: number | undefined;
    let pages = 0;
    for (;;) {
      const page = await listQueue(h.db, organisationId, procedure, { ...filter, after });
      pages++;
      ids.push(...page.items.map((x) => x.id));
      if (page.next === null) break;
      expect(page.items.length).toBe(QUEUE_PAGE_SIZE);
      after = page.next;
      if (pages > 20) throw new Error("the search does not end");
    }
    return { ids, pages };
  }

  const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);

  it("finds by two words in any order and any case, umlauts included, over several pages, each once, oldest first", async () => {
    const expected = sorted(both.map((b) => b.id));
    expect(expected.length).toBeGreaterThan(QUEUE_PAGE_SIZE);
    for (const text of ["Radweg Brücke", "brücke radweg", "BRÜCKE  RADWEG", "Brück radw"]) {
      const { ids, pages } = await pageThrough({ words: words(text) });
      expect(ids, text).toEqual(expected);
      expect(pages).toBeGreaterThan(1);
      expect(await countQueueSearch(h.db, organisationId, procedure.id, { words: words(text) })).toBe(expected.length);
    }
    expect(both.map((b) => b.id)).toContain(splitAcrossAnswers);
  });

  it("pages newest first through the same matches", async () => {
    const { ids } = await pageThrough({ words: words("radweg brücke"), newestFirst: true });
    expect(ids).toEqual(sorted(both.map((b) => b.id)).reverse());
  });

  it("one word finds every statement containing it", async () => {
    const { ids } = await pageThrough({ words: words("Radweg") });
    expect(ids).toEqual(sorted([...both.map((b) => b.id), ...radwegOnly]));
  });

  it("never finds by contact data", async () => {
    expect((await pageThrough({ words: words("Zauberberg") })).ids).toEqual([]);
    expect((await pageThrough({ words: words("Wilhelmine") })).ids).toEqual([]);
    expect((await pageThrough({ words: words("Brückenstadt") })).ids).toEqual([]);
    expect(await countQueueSearch(h.db, organisationId, procedure.id, { words: words("Zauberberg") })).toBe(0);
  });

  it("combines with the channel filter", async () => {
    const { ids } = await pageThrough({ words: words("Brücke Radweg"), channel: "letter" });
    const expected = sorted(both.filter((b) => b.channel === "letter").map((b) => b.id));
    expect(expected.length).toBeGreaterThan(0);
    expect(ids).toEqual(expected);
    expect((await pageThrough({ words: words("Brücke Radweg"), channel: "phone" })).ids).toEqual([splitAcrossAnswers]);
    expect((await pageThrough({ words: words("Brücke Radweg"), channel: "online", state: "published" })).ids).toEqual([]);
  });

  it("a word that is in no statement finds nothing; an empty search is no filter", async () => {
    expect((await pageThrough({ words: words("Radweg Straßenbahn") })).ids).toEqual([]);
    expect(words("  ")).toEqual([]);
    const all = await pageThrough({ words: words("") });
    expect(all.ids.length).toBe(71);
  });

  it("refuses searches that are too long, hold control characters or too many words", () => {
    expect(parseQueueSearch("a".repeat(201))).toEqual({ error: "too_long" });
    expect(parseQueueSearch("Rad\u0000weg")).toEqual({ error: "invalid" });
    expect(parseQueueSearch("a b c d e f g h i j k")).toEqual({ error: "too_many_words" });
    // query syntax of either engine is only separators between words
    expect(parseQueueSearch('Radweg* OR "Brücke" NEAR(x) & !y:*')).toEqual({ words: ["radweg", "or", "brücke", "near", "x", "y"] });
  });
});
