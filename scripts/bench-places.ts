/**
 * `npm run bench:places` (issue 18), on a fresh SQLite database (or BENCH_DATABASE_URL) with the demo
 * and its drawn, georeferenced plan:
 *
 * 1. The moderators' plan page with BENCH_PLACES_POINTS (10 000) statements with a point: the page's
 *    data (one query, the numbered markers as SVG, the counts per cell, the list's page), median and
 *    p95 over BENCH_ROUNDS rounds — goal p95 < 100 ms — and, in the same run, the bare baseline: the
 *    same rows read by better-sqlite3 alone, as a ratio.
 * 2. The GeoJSON of BENCH_PLACES_PUBLISHED (100 000) published statements with a point, streamed to
 *    nowhere: time, bytes, and the peak RSS of this process before and after (bounded memory: the
 *    growth stays far below the file's size), against the bare baseline of the same rows selected
 *    and stringified in one go.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import BetterSqlite from "better-sqlite3";
import { openDatabase } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { seedDemoIfEmpty } from "#db/seed";
import { seedDemoDocuments } from "~/modules/documents/demo.server";
import { seedDemoPlan } from "~/modules/places/demo.server";
import { placesOverview } from "~/modules/places/overview.server";
import { georeferenceOf } from "~/modules/places/plans.server";
import { geoJsonExport } from "~/modules/results/open-data.server";

const POINTS = Number(process.env.BENCH_PLACES_POINTS ?? 10_000);
const PUBLISHED = Number(process.env.BENCH_PLACES_PUBLISHED ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const dir = mkdtempSync(join(tmpdir(), "teilhabe-bench-places-"));
const file = join(dir, "bench.sqlite");
const url = process.env.BENCH_DATABASE_URL || file;

const peak = () => Math.round(process.resourceUsage().maxRSS / 1024);
const ms = (n: number) => `${n.toFixed(1)} ms`;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

const h = openDatabase(url);
await migrateToLatest(h.db);
await seedDemoIfEmpty(h.db);
await seedDemoDocuments(h.db);
await seedDemoPlan(h.db);
const procedure = await h.db.selectFrom("procedures").select(["id", "organisation_id", "slug"]).where("slug", "=", "radverkehrsplan-2030").executeTakeFirstOrThrow();
const procedureId = Number(procedure.id);
const organisationId = Number(procedure.organisation_id);

/** n statements with a point (spread over the plan, a fixed pseudo-random sequence), in the given state. */
async function addStatements(n: number, state: string) {
  const created = new Date().toISOString();
  let seed = 42;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  for (let i = 0; i < n; i += 1000) {
    const count = Math.min(1000, n - i);
    const rows = Array.from({ length: count }, (_, j) => ({
      organisation_id: organisationId,
      procedure_id: procedureId,
      receipt_code_hash: `bench-${randomUUID()}`,
      channel: (["online", "phone", "paper"] as const)[(i + j) % 3],
      entered_by_account_id: null,
      source_reference: null,
      source_reference_key: null,
      received_on: null,
      notice_version: "bench",
      language: "de",
      state,
      response_state: "pending",
      idempotency_key: `bench-${randomUUID()}`,
      created_at: created,
      consent_results_notification: null,
      erasure_requested_at: null,
      personal_data_deleted_at: null,
      withdrawn_at: null,
      not_published_reason: null,
      moderated_by: null,
      moderated_at: null,
      response_id: null,
      section_id: null,
    }));
    const ids = await h.db.insertInto("submissions").values(rows).returning("id").execute();
    await h.db
      .insertInto("submission_places")
      .values(
        ids.map((r) => {
          const x = Math.floor(next() * 10_000);
          const y = Math.floor(next() * 10_000);
          return { submission_id: r.id, procedure_id: procedureId, description: null, grid_cell: `${String.fromCharCode(65 + Math.floor(x / 1250))}${Math.floor(y / 1250) + 1}`, x, y, withheld_at: null, withheld_by: null };
        }),
      )
      .execute();
  }
}

// 1. the moderators' plan page
await addStatements(POINTS, "received");
const bare = new BetterSqlite(url.replace(/^file:/, ""), { readonly: true });
const pageTimes: number[] = [];
const bareTimes: number[] = [];
let markersBytes = 0;
for (let round = 0; round < ROUNDS + 3; round++) {
  let t = performance.now();
  const view = await placesOverview(h.db, {
    organisationId,
    procedureId,
    publicPath: `/musterstadt/verfahren/${procedure.slug}`,
    here: `/musterstadt/verwaltung/moderation/${procedureId}/plan`,
    query: { filter: {}, cell: null, page: 1 },
  });
  const took = performance.now() - t;
  markersBytes = view.markers.length;
  t = performance.now();
  bare.prepare("SELECT sp.submission_id, sp.grid_cell, sp.description, sp.x, sp.y, s.channel, s.state FROM submission_places sp JOIN submissions s ON s.id = sp.submission_id WHERE sp.procedure_id = ? ORDER BY sp.submission_id").all(procedureId);
  const bareTook = performance.now() - t;
  // the first rounds warm the caches and the JIT
  if (round >= 3) {
    pageTimes.push(took);
    bareTimes.push(bareTook);
  }
}
const p95 = quantile(pageTimes, 0.95);
console.log(`moderation plan, ${POINTS} points, ${ROUNDS} rounds: median ${ms(quantile(pageTimes, 0.5))}, p95 ${ms(p95)} (goal < 100 ms: ${p95 < 100 ? "met" : "NOT met"}); markers ${Math.round(markersBytes / 1024)} KB of SVG`);
console.log(`  bare better-sqlite3 read of the same rows: median ${ms(quantile(bareTimes, 0.5))}; ratio of medians ${(quantile(pageTimes, 0.5) / quantile(bareTimes, 0.5)).toFixed(1)}×`);

// 2. the GeoJSON of the published statements
await h.db.deleteFrom("submission_places").where("procedure_id", "=", procedureId).execute();
await h.db.updateTable("submissions").set({ state: "withdrawn" }).where("procedure_id", "=", procedureId).execute();
await addStatements(PUBLISHED, "published");
const geo = (await georeferenceOf(h.db, procedureId))!;
const rssBefore = peak();
let t = performance.now();
let bytes = 0;
const reader = geoJsonExport(h.db, { id: procedureId }, geo, { title: "Radverkehrsplan 2030", url: "/musterstadt/verfahren/radverkehrsplan-2030/ergebnisse" }).getReader();
for (;;) {
  const { done, value } = await reader.read();
  if (done) break;
  bytes += value.byteLength;
}
const streamed = performance.now() - t;
const rssAfter = peak();
t = performance.now();
const rows = bare.prepare("SELECT sp.submission_id, sp.grid_cell, sp.x, sp.y FROM submission_places sp JOIN submissions s ON s.id = sp.submission_id WHERE sp.procedure_id = ? AND s.state = 'published' ORDER BY sp.submission_id").all(procedureId) as { grid_cell: string; x: number; y: number }[];
const bareText = JSON.stringify({ type: "FeatureCollection", features: rows.map((r, i) => ({ type: "Feature", geometry: { type: "Point", coordinates: [r.x, r.y] }, properties: { number: i + 1, cell: r.grid_cell } })) });
const bareTook = performance.now() - t;
console.log(`GeoJSON, ${PUBLISHED} published points: ${ms(streamed)}, ${(bytes / 1024 / 1024).toFixed(1)} MB; peak RSS ${rssBefore} MB before, ${rssAfter} MB after (+${rssAfter - rssBefore} MB)`);
console.log(`  bare select + one JSON.stringify of the same rows (all in memory): ${ms(bareTook)}, ${(bareText.length / 1024 / 1024).toFixed(1)} MB; ratio ${(streamed / bareTook).toFixed(1)}×; peak RSS now ${peak()} MB`);

bare.close();
await h.close();
if (!process.env.BENCH_DATABASE_URL) rmSync(dir, { recursive: true, force: true });
