/** Counts stored submissions for the benchmark without bundling the app's TypeScript. */
import Database from "better-sqlite3";
import { createHash } from "node:crypto";
import pg from "pg";

/** How many submissions the database at `url` holds (SQLite file or PostgreSQL). */
export async function submissionsInDatabase(url) {
  if (/^postgres(ql)?:\/\//.test(url)) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query("select count(*)::int as n from submissions");
    await client.end();
    return rows[0].n;
  }
  const db = new Database(url, { readonly: true });
  const n = db.prepare("select count(*) as n from submissions").get().n;
  db.close();
  return n;
}

/**
 * The benchmark fixture: a copy of the demo's consultation (all question types) as a closed procedure
 * ("ergebnisse-lasttest") with `count` submissions — 85 % published (a tenth of them redacted), 10 %
 * not published, 5 % not reviewed; every one answers the text, choice, scale and (mostly) yes/no
 * questions; one response per 100. Written directly with SQLite: prepared statements, `batch`
 * submissions per transaction, synchronous=OFF on this connection only (a fixture, not data anyone
 * relies on). 1 000 000 submissions take about a minute. The results are not published here: the
 * benchmark does that through the app, as a moderator would.
 */
export function seedPublishedFixture(file, count, { batch = 10_000 } = {}) {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  db.pragma("busy_timeout = 10000");
  // a page cache that holds the indexes being filled (random receipt hashes touch every page): at
  // SQLite's default 2 MB, 1 000 000 submissions spend most of their time re-reading index pages
  db.pragma("cache_size = -393216");
  db.pragma("temp_store = MEMORY");
  const source = db.prepare("select * from procedures where slug = 'radverkehrsplan-2030'").get();
  const now = new Date();
  const iso = (d) => d.toISOString();
  const slug = "ergebnisse-lasttest";
  const { id: _id, ...rest } = source;
  const procedureRow = {
    ...rest,
    slug,
    title: `Lasttest: ${source.title}`,
    status: "closed",
    opens_at: iso(new Date(now.getTime() - 90 * 86_400_000)),
    closes_at: iso(new Date(now.getTime() - 86_400_000)),
    results_summary: "",
    created_at: iso(now),
    updated_at: iso(now),
  };
  const columns = Object.keys(procedureRow);
  const procedureId = Number(
    db.prepare(`insert into procedures (${columns.join(", ")}) values (${columns.map((c) => `@${c}`).join(", ")})`).run(procedureRow).lastInsertRowid,
  );
  const questions = db.prepare("select * from questions where procedure_id = ? order by position").all(source.id);
  const copy = db.prepare("insert into questions (procedure_id, position, kind, label, hint, required, max_length, options_json) values (?, ?, ?, ?, ?, ?, ?, ?)");
  const q = {};
  for (const row of questions) {
    const id = Number(copy.run(procedureId, row.position, row.kind, row.label, row.hint, row.required, row.max_length, row.options_json).lastInsertRowid);
    q[row.kind] = { id, options: row.kind.endsWith("_choice") ? JSON.parse(row.options_json).map((o) => o.value) : [] };
  }
  const channels = ["online", "online", "online", "online", "phone", "paper", "counter", "online", "letter", "online"];
  const insertResponse = db.prepare(
    "insert into responses (organisation_id, procedure_id, decision, text, created_by, created_at, updated_at) values (?, ?, ?, ?, null, ?, ?)",
  );
  const insertSubmission = db.prepare(
    `insert into submissions (organisation_id, procedure_id, receipt_code_hash, channel, notice_version, language, state,
       response_state, idempotency_key, created_at, response_id)
     values (?, ?, ?, ?, ?, 'de', ?, ?, ?, ?, ?)`,
  );
  const insertAnswer = db.prepare("insert into answers (submission_id, question_id, value) values (?, ?, ?)");
  const insertRedaction = db.prepare("insert into answer_redactions (answer_id, public_value, redacted_by, redacted_at) values (?, ?, null, ?)");
  const stamp = iso(now);
  const start = now.getTime() - count * 5000;
  let responseId = null;
  let firstId = 0;
  const seedRange = db.transaction((from, to) => {
    for (let i = from; i < to; i++) {
      if (i % 100 === 0) {
        responseId = Number(
          insertResponse.run(source.organisation_id, procedureId, ["accepted", "partly_accepted", "not_accepted", "noted"][(i / 100) % 4], `Antwort ${i / 100}: Wir prüfen den Vorschlag und berichten im Ausschuss.`, stamp, stamp).lastInsertRowid,
        );
      }
      const r = i % 20;
      const state = r < 17 ? (i % 10 === 3 ? "published_redacted" : "published") : r < 19 ? "not_published" : "received";
      const answered = state !== "received";
      const { lastInsertRowid } = insertSubmission.run(
        source.organisation_id,
        procedureId,
        // keyed digests start with "h1:" (server-keys.server.ts); plain ones would be re-keyed at the next start
        `h1:${createHash("sha256").update(`bench-${procedureId}-${i}`).digest("hex")}`,
        channels[i % channels.length],
        source.notice_version,
        state,
        answered ? "answered" : "pending",
        `bench-${procedureId}-${i}`,
        iso(new Date(start + i * 5000)),
        answered ? responseId : null,
      );
      const id = Number(lastInsertRowid);
      if (i === 0) firstId = id;
      const text = insertAnswer.run(id, q.long_text.id, `Idee ${i}: mehr Bänke, Bäume und Schatten, dazu sichere Radwege zwischen Markt und Bahnhof.`);
      if (state === "published_redacted") insertRedaction.run(Number(text.lastInsertRowid), `Idee ${i}: mehr Bänke, Bäume und Schatten, dazu sichere Radwege zwischen [Ort entfernt].`, stamp);
      insertAnswer.run(id, q.single_choice.id, q.single_choice.options[(i * 7) % q.single_choice.options.length]);
      insertAnswer.run(id, q.multiple_choice.id, q.multiple_choice.options[i % q.multiple_choice.options.length]);
      if (i % 3 === 0) insertAnswer.run(id, q.multiple_choice.id, q.multiple_choice.options[(i + 1) % q.multiple_choice.options.length]);
      insertAnswer.run(id, q.scale.id, String((i % 5) + 1));
      if (i % 5 !== 4) insertAnswer.run(id, q.yes_no.id, i % 3 === 0 ? "no" : "yes");
    }
  });
  for (let from = 0; from < count; from += batch) seedRange(from, Math.min(count, from + batch));
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  // a keyset position 90 % into the procedure, for the "deep page" of the filtered queue
  return { slug, procedureId, deepAfter: firstId + Math.floor(count * 0.9) };
}

/** Whether the privacy-log entries of the last publication are all written (the inclusion job). */
export function inclusionDone(file, procedureId) {
  const db = new Database(file, { readonly: true });
  try {
    const row = db.prepare("select done_at from results_inclusion where procedure_id = ?").get(procedureId);
    return Boolean(row?.done_at);
  } finally {
    db.close();
  }
}
