/**
 * `npm run bench:weighing`: the weighing table's files for the council (issue 19) from a procedure of
 * BENCH_WEIGHING_FIXTURE (100 000) statements, downloaded from the production server (the build, the
 * heap limit and allocator setting we recommend for production) as a moderator would:
 * XLSX and ODT, anonymised (the personal-data detector over every text) and named (a tenth of the
 * statements carry a name: each name opened writes its privacy-log entry); 60 % of the statements name
 * a section, so the document is grouped.
 *
 * Every figure is a median over BENCH_WEIGHING_ROUNDS (3) alternating rounds, with the server's peak
 * RSS (VmRSS sampled every 20 ms) the highest of all rounds. The yardstick in the same run: a bare
 * node:http handler in this process that reads the same statements' number, date, channel and text
 * with one SQLite cursor and streams them as CSV — the floor of reading the rows and sending bytes.
 * Goals (issue 19): each file within a minute, server RSS under 200 MB while it streams.
 */
import Database from "better-sqlite3";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { loadavg } from "node:os";
import type { AddressInfo } from "node:net";
import { openDatabase } from "#db/connection.server";
import { storeContactDetails } from "~/modules/privacy/contact-data.server";
import { fixSections } from "~/modules/sections/sections.server";
import { signIn, DEMO } from "../tests/support/staff";
import { startServer } from "../tests/support/server";
import { buildIfStale } from "./build-if-stale.js";
import { seedPublishedFixture } from "./bench-db.js";

const FIXTURE = Number(process.env.BENCH_WEIGHING_FIXTURE ?? 100_000);
const ROUNDS = Math.max(1, Number(process.env.BENCH_WEIGHING_ROUNDS ?? 3));
const FILES = [
  ["XLSX, anonymised, original text", "xlsx?variante=anonymisiert&text=original"],
  ["XLSX, named", "xlsx?variante=namentlich"],
  ["ODT, anonymised, original text", "odt?variante=anonymisiert&text=original"],
  ["ODT, named", "odt?variante=namentlich"],
] as const;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const rssMb = (pid: number) => Number(readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) / 1024;

// one key for this process (which stores the names) and the server (which opens them)
process.env.CONTACT_DATA_KEYS ||= `bench:${Buffer.alloc(32, 7).toString("base64")}`;
buildIfStale();
const server = await startServer({ env: { NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS ?? "--max-old-space-size=128", MALLOC_ARENA_MAX: "2", ACCESS_LOG: "false" }, startTimeoutMs: 120_000 });
try {
  const file = server.database.url;
  const seeded = performance.now();
  const { procedureId } = seedPublishedFixture(file, FIXTURE);
  // sections (the demo draft's outline) for 60 % of the statements, names for a tenth, through the app's own code
  const h = openDatabase(file);
  const procedure = await h.db.selectFrom("procedures").select(["id", "body"]).where("id", "=", procedureId).executeTakeFirstOrThrow();
  const sections = await fixSections(h.db, procedure.id, procedure.body);
  const ids = (await h.db.selectFrom("submissions").select("id").where("procedure_id", "=", procedureId).orderBy("id").execute()).map((r) => r.id);
  for (const [i, section] of sections.entries()) {
    const mine = ids.filter((id, n) => n % 10 < 6 && n % sections.length === i);
    for (let from = 0; from < mine.length; from += 5000) await h.db.updateTable("submissions").set({ section_id: section.id }).where("id", "in", mine.slice(from, from + 5000)).execute();
  }
  const named = ids.filter((_, n) => n % 10 === 7);
  const deleteAfter = new Date(Date.now() + 365 * 86_400_000).toISOString();
  for (let from = 0; from < named.length; from += 1000) {
    await h.db.transaction().execute(async (trx) => {
      for (const id of named.slice(from, from + 1000)) await storeContactDetails(trx, id, { name: `Person ${id}` }, deleteAfter, new Date());
    });
  }
  await h.close();
  console.log(`Fixture: ${FIXTURE} statements (${sections.length} sections on 60 %, ${named.length} with a name), seeded in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);

  // the yardstick: one cursor over the same statements, streamed as CSV with back-pressure
  const sqlite = new Database(file, { readonly: true });
  const rows = sqlite.prepare(
    `select s.id, s.created_at, s.channel, a.value from submissions s join answers a on a.submission_id = s.id
     join questions q on q.id = a.question_id and q.kind = 'long_text' where s.procedure_id = ? order by s.id`,
  );
  const bare = createServer(async (_req, res) => {
    res.writeHead(200, { "content-type": "text/csv; charset=utf-8" });
    for (const r of rows.iterate(procedureId) as Iterable<{ id: number; created_at: string; channel: string; value: string }>) {
      if (!res.write(`${r.id},${r.created_at.slice(0, 10)},${r.channel},"${r.value.replace(/"/g, '""')}"\n`)) await once(res, "drain");
    }
    res.end();
  }).listen(0, "127.0.0.1");
  await once(bare, "listening");
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;

  const { client } = await signIn(server.url, DEMO.moderator);
  const download = async (target: string, withSession: boolean) => {
    let peak = rssMb(server.pid);
    const timer = setInterval(() => (peak = Math.max(peak, rssMb(server.pid))), 20);
    try {
      const started = performance.now();
      const res = withSession ? await client.get(target.replace(server.url, "")) : await fetch(target);
      if (res.status !== 200) throw new Error(`${target} answered ${res.status}`);
      let bytes = 0;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
      return { seconds: (performance.now() - started) / 1000, peak, bytes };
    } finally {
      clearInterval(timer);
    }
  };

  const figures = new Map<string, { seconds: number[]; peak: number; bytes: number }>();
  const note = (name: string, r: { seconds: number; peak: number; bytes: number }) => {
    const f = figures.get(name) ?? { seconds: [], peak: 0, bytes: 0 };
    f.seconds.push(r.seconds);
    f.peak = Math.max(f.peak, r.peak);
    f.bytes = r.bytes;
    figures.set(name, f);
  };
  const before = rssMb(server.pid);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, query] of FILES) {
      note("bare CSV (yardstick)", { ...(await download(bareUrl, false)), peak: 0 });
      note(name, await download(`${server.url}/musterstadt/verwaltung/moderation/${procedureId}/abwaegung/${query}`, true));
    }
  }
  bare.close();
  sqlite.close();

  console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} (2 cores); server RSS ${before.toFixed(0)} MB before the downloads; ${ROUNDS} rounds`);
  const yardstick = median(figures.get("bare CSV (yardstick)")!.seconds);
  console.table(
    [...figures].map(([name, f]) => ({
      file: name,
      "MB": (f.bytes / 1e6).toFixed(1),
      "median s": median(f.seconds).toFixed(1),
      "runs s": f.seconds.map((s) => s.toFixed(1)).join(" "),
      "× bare": (median(f.seconds) / yardstick).toFixed(1),
      "peak RSS MB": f.peak ? f.peak.toFixed(0) : "–",
      "goal (< 60 s, < 200 MB)": f.peak ? (median(f.seconds) < 60 && f.peak < 200 ? "met" : "NOT met") : "",
    })),
  );
} catch (error) {
  console.error(error, `\nserver log:\n${server.logs().slice(-3000)}`);
  process.exitCode = 1;
} finally {
  await server.stop();
}
