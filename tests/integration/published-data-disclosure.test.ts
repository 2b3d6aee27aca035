/**
 * Published data must not undo the small-group protection (issue 14, point 1; decision 30).
 *
 * A procedure as a town hall has it: 15 statements online, by phone, on paper forms and by letter,
 * 14 published and one refused as an insult. Then an attacker reads every artefact — what the
 * results page shows (its statistics and its pages of statements), the CSV and the JSON — and
 * tries (1) to count any group of the statistics from the published rows, (2) to work a hidden
 * count out from the shown ones, even knowing the number of statements, and (3) to learn the
 * refused statement's channel and answers by subtracting the rows from the statistics, or its
 * existence from a gap in the numbering. None of it may give a count below the threshold or a
 * fact about the refused statement.
 *
 * The statements are about sections of the draft (issue 17, decision 62), the refused one about a
 * section nobody else wrote about: a published row names its section, every per-section count is
 * a count of published rows and nothing more, so no artefact says what the refused one was about.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { seedDemoIfEmpty } from "#db/seed";
import type { Channel } from "#db/schema";
import { doNotPublish, publishSubmission } from "~/modules/moderation/moderation.server";
import type { Procedure } from "~/modules/procedures/procedure";
import { findPublicProcedure } from "~/modules/procedures/procedures.server";
import { CHANNELS } from "~/modules/procedures/dashboard.server";
import { MIN_GROUP_SIZE } from "~/modules/results/disclosure";
import { csvExport, exportLabels, jsonExport } from "~/modules/results/open-data.server";
import { publishResults } from "~/modules/results/publishing.server";
import { publishedPage, sectionCounts } from "~/modules/results/published.server";
import { resultsStatistics } from "~/modules/results/statistics.server";
import { sectionByNumber } from "~/modules/sections/outline";
import { sectionsOf } from "~/modules/sections/sections.server";
import { createSubmission } from "~/modules/submissions/submissions.server";
import { parseCsv } from "../support/csv";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";

const readText = async (stream: ReadableStream<Uint8Array>) => new Response(stream).text();

// 15 statements. Channels: online 9, phone 1, paper 3, letter 2. The refused one (index 14) is online.
const CHANNEL_OF: Channel[] = ["online", "phone", "online", "paper", "online", "letter", "online", "paper", "online", "online", "letter", "online", "paper", "online", "online"];
// how people get about (required): bike 8, foot 3, bus 4, car 0
const MODE = ["bike", "foot", "bike", "bus", "bike", "foot", "bus", "bike", "bike", "bus", "foot", "bike", "bus", "bike", "bike"];
// the draft's grade (required): everyone gave 4 or 2 — 1, 3 and 5 are empty groups
const GRADE = ["4", "4", "2", "4", "4", "2", "4", "4", "2", "4", "4", "2", "4", "4", "2"];
// cycling with children (optional): yes 6, no 5, 4 unanswered; the refused one said no
const KIDS = ["yes", "no", "", "yes", "no", "yes", "", "yes", "no", "", "yes", "no", "yes", "", "no"];
// what matters (multiple choice): safety 9, width 5, parking 2
// the section each is about ("" = the draft as a whole); the refused one (index 14) alone is about 5 (Kosten)
const SECTION = ["3.2", "3.2", "1", "", "3.2", "4", "", "3.2", "1", "", "3.2", "3.3", "", "3.2", "5"];
const WISHES = [["safety"], ["safety", "width"], ["parking"], ["safety"], ["width"], ["safety"], [], ["safety", "width"], ["safety"], ["width"], ["safety"], [], ["safety", "parking"], ["width"], ["safety"]];

describe.each(engines)("published data on %s", (engine) => {
  let testDb: TestDatabase;
  let h: DatabaseHandle;
  let procedure: Procedure;
  let refusedId: number;
  /** what a reader can take from every artefact */
  let artefacts: {
    statistics: Awaited<ReturnType<typeof resultsStatistics>>;
    sections: Awaited<ReturnType<typeof sectionCounts>>;
    page: Awaited<ReturnType<typeof publishedPage>>;
    csv: string[][];
    json: {
      statistics: { channels: { channel: string; count: number | null; suppressed: boolean; reason?: string }[]; questions: { key: string; kind: string; counts: { value: string; count: number | null; reason?: string }[] }[] };
      sections: { number: string | null; title: string; published: number }[];
      submissions: Record<string, unknown>[];
    };
  };

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    h = openDatabase(testDb.url);
    await migrateToLatest(h.db);
    await seedDemoIfEmpty(h.db);
    const orgId = (await h.db.selectFrom("organisations").select("id").executeTakeFirstOrThrow()).id;
    const now = new Date().toISOString();
    const { id: moderatorId } = await h.db
      .insertInto("accounts")
      .values({ organisation_id: orgId, email: "mod@test.example", display_name: "Mod", password_hash: null, password_changed_at: null, totp_secret: null, totp_last_step: null, created_at: now, updated_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    procedure = (await findPublicProcedure(h.db, orgId, "radverkehrsplan-2030"))!;
    const [text, , mode, wishes, grade, kids] = procedure.questions;
    const sections = await sectionsOf(h.db, procedure);
    const ids: number[] = [];
    for (let i = 0; i < 15; i++) {
      const answers: Record<number, string[]> = { [text.id]: [`Stellungnahme ${i + 1}: Der Radweg am Markt ist zu schmal.`], [mode.id]: [MODE[i]], [grade.id]: [GRADE[i]] };
      if (KIDS[i]) answers[kids.id] = [KIDS[i]];
      if (WISHES[i].length) answers[wishes.id] = WISHES[i];
      const result = await h.db.transaction().execute((trx) =>
        createSubmission(trx, {
          procedure,
          input: { answers: Object.entries(answers).map(([q, values]) => ({ questionId: Number(q), values })), contact: {}, sectionId: SECTION[i] ? sectionByNumber(sections, SECTION[i])!.id : null },
          channel: CHANNEL_OF[i],
          language: "de",
          idempotencyKey: `disclosure-${engine}-${i}`,
        }),
      );
      ids.push(result.submissionId);
    }
    for (const id of ids.slice(0, 14)) await publishSubmission(h.db, { organisationId: orgId, submissionId: id, moderatorId, redactions: new Map(), confirmedChecked: true });
    refusedId = ids[14];
    await doNotPublish(h.db, { organisationId: orgId, submissionId: refusedId, moderatorId, reason: "insult" });
    await h.db.updateTable("procedures").set({ status: "closed" }).where("id", "=", procedure.id).execute();
    expect(await publishResults(h.db, { organisationId: orgId, procedureId: procedure.id, moderatorId, summary: "Danke." })).toMatchObject({ ok: true, published: 14 });

    const labels = exportLabels();
    const meta = { title: "t", organisation: "o", url: "u", opensAt: now, closesAt: now, issued: now, modified: now };
    artefacts = {
      statistics: await resultsStatistics(h.db, procedure, labels),
      sections: await sectionCounts(h.db, procedure.id),
      page: await publishedPage(h.db, procedure.id, 1),
      csv: parseCsv((await readText(csvExport(h.db, procedure, labels))).replace(/^\uFEFF/, "")),
      json: JSON.parse(await readText(jsonExport(h.db, procedure, meta, labels))),
    };
  });
  afterAll(async () => {
    await h?.close();
    await testDb?.drop();
  });

  /**
   * Every group of the statistics counted from the published rows of every artefact, wherever a
   * row carries what the group is about: the channel column, or a choice question's column.
   */
  function countsFromRows(): Map<string, number> {
    const labels = exportLabels();
    const counts = new Map<string, number>();
    const add = (group: string) => counts.set(group, (counts.get(group) ?? 0) + 1);
    const choice = procedure.questions.map((q, i) => ({ q, key: `frage_${i + 1}` })).filter(({ q }) => ["single_choice", "multiple_choice", "scale", "yes_no"].includes(q.kind));
    const optionOf = (q: Procedure["questions"][number], cell: string) => {
      if (q.kind === "yes_no") return cell === labels.yes ? "yes" : cell === labels.no ? "no" : cell;
      return q.options.find((o) => o.label === cell)?.value ?? cell;
    };
    // CSV: columns by their heading
    const [head, ...rows] = artefacts.csv;
    const channelColumn = head.indexOf(labels.columns.channel);
    for (const row of rows) {
      if (channelColumn >= 0) add(`csv channel ${CHANNELS.find((c) => labels.channels[c] === row[channelColumn]) ?? row[channelColumn]}`);
      for (const { q } of choice) {
        const col = head.indexOf(q.label);
        if (col >= 0 && row[col]) for (const cell of row[col].split("; ")) add(`csv ${q.id} ${optionOf(q, cell)}`);
      }
    }
    // JSON: any field of a submission
    for (const s of artefacts.json.submissions) {
      if ("channel" in s) add(`json channel ${String(s.channel)}`);
      const answers = (s.answers ?? {}) as Record<string, unknown>;
      for (const { q, key } of choice) for (const v of [answers[key]].flat()) if (v !== null && v !== undefined) add(`json ${q.id} ${String(v)}`);
    }
    // the page: what each statement's card is given
    for (const item of artefacts.page.items as unknown as Record<string, unknown>[]) {
      if ("channel" in item) add(`page channel ${String(item.channel)}`);
      const answers = item.answers as Map<number, string[]>;
      for (const { q } of choice) for (const v of answers.get(q.id) ?? []) add(`page ${q.id} ${v}`);
    }
    return counts;
  }

  it("lets no group of the statistics be counted from the published rows of the page, the CSV or the JSON", () => {
    const fromRows = countsFromRows();
    const small = [...fromRows].filter(([, n]) => n < MIN_GROUP_SIZE);
    expect(small, "groups under the threshold counted from rows").toEqual([]);
    // the rule behind it: a row carries its number, its free text and the response, nothing else
    const labels = exportLabels();
    const textColumns = procedure.questions.filter((q) => q.kind === "long_text" || q.kind === "short_text").map((q) => q.label);
    expect(artefacts.csv[0]).toEqual([labels.columns.number, labels.columns.section, labels.columns.sectionTitle, ...textColumns, labels.columns.decision, labels.columns.response]);
    for (const s of artefacts.json.submissions) {
      expect(Object.keys(s).sort()).toEqual(["answers", "number", "response", "section"]);
      expect(Object.keys(s.answers as object)).toEqual(["frage_1", "frage_2"]);
    }
    expect(fromRows.size).toBe(0);
  });

  it("hides enough that no small group can be worked out from the shown counts, even knowing how many statements there are", () => {
    const total = 15; // worst case: the reader knows it
    const labels = exportLabels();
    /** A reader's bounds for one shown cell, from what the page (and the JSON, alike) says of it. */
    const bounds = (c: { count: number | null; hidden: string | null }) =>
      c.count !== null ? { lo: c.count, hi: c.count } : c.hidden === "protects_small_group" ? { lo: MIN_GROUP_SIZE, hi: Infinity } : { lo: 0, hi: MIN_GROUP_SIZE - 1 };
    /** Narrows every cell of a partition of `total` (the unlisted part of an optional question: [0, ∞)); the exact ones below the threshold. */
    const workedOut = (name: string, cells: { count: number | null; hidden: string | null }[], truth: number[], unlisted: boolean) => {
      const b = [...cells.map(bounds), ...(unlisted ? [{ lo: 0, hi: Infinity }] : [])];
      const others = (i: number, bound: "lo" | "hi") => b.reduce((s, x, j) => (j === i ? s : s + x[bound]), 0);
      const found: string[] = [];
      b.forEach((x, i) => {
        const lo = Math.max(x.lo, total - others(i, "hi"));
        const hi = Math.min(x.hi, total - others(i, "lo"));
        const value = i < truth.length ? truth[i] : total - truth.reduce((s, n) => s + n, 0);
        expect(value, `${name} cell ${i}: the truth lies in what the reader may infer`).toBeGreaterThanOrEqual(lo);
        if (lo === hi && lo < MIN_GROUP_SIZE) found.push(`${name}[${i}] = ${lo}`);
      });
      return found;
    };
    const tally = (values: string[], options: string[]) => options.map((o) => values.filter((v) => v === o).length);
    const { channels, statistics } = artefacts.statistics;
    const found = [
      ...workedOut("channels", channels, tally(CHANNEL_OF, [...CHANNELS]), false),
      ...workedOut("mode", statistics[0].rows, tally(MODE, ["bike", "foot", "bus", "car"]), false),
      ...workedOut("grade", statistics[2].rows, tally(GRADE, ["1", "2", "3", "4", "5"]), false),
      ...workedOut("kids", statistics[3].rows, tally(KIDS, ["yes", "no"]), true),
    ];
    expect(found, "small groups a reader can work out").toEqual([]);
    // the JSON says the same as the page, cell by cell
    expect(artefacts.json.statistics.channels.map((c) => [c.channel, c.count, c.reason ?? null])).toEqual(channels.map((c) => [c.channel, c.count, c.hidden]));
    for (const [k, s] of statistics.entries()) expect(artefacts.json.statistics.questions[k].counts.map((c) => [c.value, c.count, c.reason ?? null])).toEqual(s.rows.map((r) => [r.value, r.count, r.hidden]));
    // and nothing under the threshold is shown anywhere
    const shown = [...channels, ...statistics.flatMap((s) => s.rows)].map((c) => c.count).filter((n): n is number => n !== null);
    expect(shown.every((n) => n >= MIN_GROUP_SIZE)).toBe(true);
    expect(labels.channels.online).toBe("Online");
  });

  it("gives nothing away about the statement that was not published: no subtraction, no gap in the numbering", () => {
    // the attack: a group shown in the statistics minus the same group counted in the rows is the
    // refused statement's share of it (channel, yes/no, options chosen or not)
    const fromRows = countsFromRows();
    const { channels, statistics } = artefacts.statistics;
    const learned: string[] = [];
    for (const c of channels) {
      if (c.count === null) continue;
      for (const source of ["csv", "json", "page"]) {
        const inRows = fromRows.get(`${source} channel ${c.channel}`);
        if (inRows !== undefined) learned.push(`${source}: ${c.channel} ${c.count - inRows}`);
      }
    }
    for (const s of statistics) {
      for (const r of s.rows) {
        if (r.count === null) continue;
        for (const source of ["csv", "json", "page"]) {
          const inRows = fromRows.get(`${source} ${s.questionId} ${r.value}`);
          if (inRows !== undefined) learned.push(`${source}: question ${s.number} ${r.value} ${r.count - inRows}`);
        }
      }
    }
    expect(learned, "facts about the refused statement").toEqual([]);
    // numbered 1 … 14 in every artefact: no gap shows where the refused one was
    const expected = Array.from({ length: 14 }, (_, i) => i + 1);
    expect(artefacts.csv.slice(1).map((r) => Number(r[0]))).toEqual(expected);
    expect(artefacts.json.submissions.map((s) => s.number)).toEqual(expected);
    expect(artefacts.page.items.map((s) => s.number)).toEqual(expected);
    expect(artefacts.page.total).toBe(14);
    expect(refusedId).toBeGreaterThan(0);
  });

  it("publishes each statement's section and counts per section only what the rows show: the refused one's section stays unknown", () => {
    const labels = exportLabels();
    // the sections counted from the rows of each artefact ("" = the draft as a whole)
    const tally = (sections: (string | null | undefined)[]) => {
      const out: Record<string, number> = {};
      for (const x of sections) out[x ?? ""] = (out[x ?? ""] ?? 0) + 1;
      return out;
    };
    const [head, ...rows] = artefacts.csv;
    const fromCsv = tally(rows.map((r) => r[head.indexOf(labels.columns.section)]));
    const fromJson = tally(artefacts.json.submissions.map((s) => (s.section as { number: string } | null)?.number));
    const fromPage = tally(artefacts.page.items.map((s) => s.section?.number));
    const truthPublished = tally(SECTION.slice(0, 14));
    expect(fromCsv).toEqual(truthPublished);
    expect(fromJson).toEqual(truthPublished);
    expect(fromPage).toEqual(truthPublished);
    // every per-section count (the page's table, the JSON) is the rows' own count, nothing more
    const counted = (list: { number: string | null; published: number }[]) => Object.fromEntries(list.filter((x) => x.published > 0).map((x) => [x.number ?? "", x.published]));
    const pageCounts = [...artefacts.sections!.sections, { number: null, published: artefacts.sections!.wholeDraft }];
    expect(counted(pageCounts)).toEqual(truthPublished);
    expect(counted(artefacts.json.sections)).toEqual(truthPublished);
    // rows minus counts: nothing left over anywhere, so nothing says section 5 had a statement
    const all = [...pageCounts, ...artefacts.json.sections];
    expect(all.filter((x) => x.number === "5").map((x) => x.published)).toEqual([0, 0]);
    expect(all.reduce((sum, x) => sum + x.published, 0)).toBe(28);
    expect(JSON.stringify(artefacts.json.statistics)).not.toMatch(/section|abschnitt/i);
  });
});
