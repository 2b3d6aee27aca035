/**
 * The moderation queue by section (issue 17) on SQLite and PostgreSQL: the filter keeps a
 * section's statements (or those about the draft as a whole) through every other filter, the search
 * and the pages; grouped, each section counts its statements under the same filters. The filter is
 * read from the URL by one function (parseQueueFilter), which other staff pages reuse.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { seedDemoIfEmpty } from "#db/seed";
import type { Channel } from "#db/schema";
import { QUEUE_PAGE_SIZE, countQueueBySection, listQueue, publishSubmission } from "~/modules/moderation/moderation.server";
import { WHOLE_DRAFT_FILTER, parseQueueFilter } from "~/modules/moderation/queue-filter.server";
import type { Procedure } from "~/modules/procedures/procedure";
import { findPublicProcedure } from "~/modules/procedures/procedures.server";
import { sectionByNumber, type Section } from "~/modules/sections/outline";
import { sectionsOf } from "~/modules/sections/sections.server";
import { createSubmission } from "~/modules/submissions/submissions.server";
import { seedDemoAccounts } from "~/modules/accounts/demo.server";
import { DEMO_CYCLING_SLUG, seedDemoCyclingStatements } from "~/modules/sections/demo.server";
import { verifyAllChains } from "~/modules/privacy-log/privacy-log.server";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";

// 60 statements: about 3.2 every third (online and phone, 20), about 1 every fifth not already 3.2, the rest the whole draft
const sectionOf = (i: number) => (i % 3 === 0 ? "3.2" : i % 5 === 0 ? "1" : null);
const channelOf = (i: number): Channel => (i % 2 === 0 ? "online" : "phone");

describe.each(engines)("the moderation queue by section on %s", (engine) => {
  let testDb: TestDatabase;
  let h: DatabaseHandle;
  let orgId: number;
  let procedure: Procedure;
  let sections: Section[];
  const ids: number[] = [];
  const expected = (pred: (i: number) => boolean) => ids.filter((_, i) => pred(i));

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    h = openDatabase(testDb.url);
    await migrateToLatest(h.db);
    await seedDemoIfEmpty(h.db);
    orgId = (await h.db.selectFrom("organisations").select("id").executeTakeFirstOrThrow()).id;
    procedure = (await findPublicProcedure(h.db, orgId, "radverkehrsplan-2030"))!;
    sections = await sectionsOf(h.db, procedure);
    const [text] = procedure.questions;
    for (let i = 0; i < 60; i++) {
      const number = sectionOf(i);
      const created = await h.db.transaction().execute((trx) =>
        createSubmission(trx, {
          procedure,
          input: { answers: [{ questionId: text.id, values: [i % 4 === 0 ? `Der Radstreifen in der Bahnhofstraße ${i}` : `Mehr Bügel am Bahnhof ${i}`] }], contact: {}, sectionId: number ? sectionByNumber(sections, number)!.id : null },
          channel: channelOf(i),
          language: "de",
          idempotencyKey: `queue-sections-${engine}-${i}`,
        }),
      );
      ids.push(created.submissionId);
    }
    const now = new Date().toISOString();
    const { id: moderatorId } = await h.db
      .insertInto("accounts")
      .values({ organisation_id: orgId, email: "mod@test.example", display_name: "Mod", password_hash: null, password_changed_at: null, totp_secret: null, totp_last_step: null, created_at: now, updated_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    // the first six about 3.2 published
    for (const id of expected((i) => sectionOf(i) === "3.2").slice(0, 6)) await publishSubmission(h.db, { organisationId: orgId, submissionId: id, moderatorId, redactions: new Map(), confirmedChecked: true });
  });
  afterAll(async () => {
    await h?.close();
    await testDb?.drop();
  });

  const parse = (query: string) => parseQueueFilter(new URLSearchParams(query), sections);
  /** every id the queue lists for a query, page after page (as the "next" link walks it) */
  async function walk(query: string) {
    const { filter } = parse(query);
    const seen: number[] = [];
    for (let page = 0; page < 10; page++) {
      const { items, next } = await listQueue(h.db, orgId, procedure, filter);
      seen.push(...items.map((s) => s.id));
      if (!next) return seen;
      filter.after = next;
    }
    throw new Error("the queue does not end");
  }

  it("reads the section from the URL by its number, the draft as a whole by its own value, and ignores the rest", () => {
    const s32 = sectionByNumber(sections, "3.2")!;
    expect(parse("abschnitt=3.2")).toMatchObject({ section: "3.2", filter: { sectionId: s32.id } });
    expect(parse(`abschnitt=${WHOLE_DRAFT_FILTER}`)).toMatchObject({ section: WHOLE_DRAFT_FILTER, filter: { sectionId: null } });
    for (const junk of ["abschnitt=9.9", "abschnitt=", "abschnitt=%00", `abschnitt=${"1.".repeat(50)}`, ""]) {
      const parsed = parse(junk);
      expect(parsed.section).toBe("");
      expect("sectionId" in parsed.filter).toBe(false);
    }
    expect(parse("kanal=phone&stand=received&antwort=no&reihenfolge=neu&gruppen=abschnitt&nach=12")).toMatchObject({
      groupBySection: true,
      filter: { channel: "phone", state: "received", responded: "no", newestFirst: true, after: 12 },
    });
    expect(parse(`suche=${"x".repeat(300)}`).searchError).toBe("queue.searchErrors.too_long");
  });

  it("lists only the statements about one section, through every page and with the other filters and the search", async () => {
    const about32 = (i: number) => sectionOf(i) === "3.2";
    expect(await walk("abschnitt=3.2")).toEqual(expected(about32));
    expect(await walk(`abschnitt=${WHOLE_DRAFT_FILTER}`)).toEqual(expected((i) => sectionOf(i) === null));
    expect((await walk(`abschnitt=${WHOLE_DRAFT_FILTER}`)).length).toBeGreaterThan(QUEUE_PAGE_SIZE);
    expect(await walk("abschnitt=1&kanal=phone")).toEqual(expected((i) => sectionOf(i) === "1" && channelOf(i) === "phone"));
    expect(await walk("abschnitt=3.2&stand=received")).toEqual(expected(about32).slice(6));
    expect(await walk("abschnitt=3.2&stand=published&reihenfolge=neu")).toEqual(expected(about32).slice(0, 6).reverse());
    expect(await walk("abschnitt=3.2&suche=Bahnhofstra%C3%9Fe")).toEqual(expected((i) => about32(i) && i % 4 === 0));
    expect(await walk("abschnitt=2")).toEqual([]);
    // each row says which section it is about
    const { items } = await listQueue(h.db, orgId, procedure, parse("").filter);
    expect(items.slice(0, 4).map((s) => s.sectionId)).toEqual([0, 1, 2, 3].map((i) => (sectionOf(i) ? sectionByNumber(sections, sectionOf(i)!)!.id : null)));
  });

  it("counts each section's statements under the same filters when grouped", async () => {
    const count = async (query: string) => Object.fromEntries([...(await countQueueBySection(h.db, orgId, procedure.id, parse(query).filter))].map(([id, n]) => [id === null ? "whole" : sections.find((s) => s.id === id)!.number, n]));
    expect(await count("gruppen=abschnitt")).toEqual({ "3.2": 20, "1": 8, whole: 32 });
    expect(await count("gruppen=abschnitt&kanal=online")).toEqual({ "3.2": 10, "1": 4, whole: 16 });
    expect(await count("gruppen=abschnitt&stand=published")).toEqual({ "3.2": 6 });
    // the section filter itself does not narrow the groups: every section keeps its count
    expect(await count("gruppen=abschnitt&abschnitt=1&suche=Bahnhofstra%C3%9Fe")).toEqual({ "3.2": 5, "1": 2, whole: 8 });
  });
});

describe.each(engines)("the demo's statements on the cycling plan on %s", (engine) => {
  let testDb: TestDatabase;
  let h: DatabaseHandle;

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    h = openDatabase(testDb.url);
    await migrateToLatest(h.db);
    await seedDemoIfEmpty(h.db);
    await seedDemoAccounts(h.db);
  });
  afterAll(async () => {
    await h?.close();
    await testDb?.drop();
  });

  it("spreads them over the draft's sections and the draft as a whole, some published, once", async () => {
    expect(await seedDemoCyclingStatements(h.db)).toBe(true);
    expect(await seedDemoCyclingStatements(h.db)).toBe(false);
    const orgId = (await h.db.selectFrom("organisations").select("id").where("slug", "=", "musterstadt").executeTakeFirstOrThrow()).id;
    const procedure = (await findPublicProcedure(h.db, orgId, DEMO_CYCLING_SLUG))!;
    const counts = await countQueueBySection(h.db, orgId, procedure.id, parseQueueFilter(new URLSearchParams("gruppen=abschnitt"), await sectionsOf(h.db, procedure)).filter);
    const sections = await sectionsOf(h.db, procedure);
    const byNumber = Object.fromEntries([...counts].map(([id, n]) => [id === null ? "whole" : sections.find((x) => x.id === id)!.number, n]));
    expect(byNumber).toEqual({ "1": 1, "2": 1, "3.1": 2, "3.2": 3, "3.3": 1, "4": 1, "5": 1, whole: 2 });
    const states = await h.db.selectFrom("submissions").select(["state", "channel"]).where("procedure_id", "=", procedure.id).execute();
    expect(states.filter((x) => x.state === "published")).toHaveLength(6);
    expect(new Set(states.map((x) => x.channel)).size).toBeGreaterThanOrEqual(4);
    expect((await verifyAllChains(h.db)).broken).toEqual([]);
  });
});
