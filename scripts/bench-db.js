/** Counts stored submissions for the benchmark without bundling the app's TypeScript. */
import Database from "better-sqlite3";
import { createHash } from "node:crypto";
import pg from "pg";

export async function openDatabase(url) {
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
 * The benchmark fixture: the demo's closed procedure with `count` published submissions, each
 * answered (one response per 100), and the results published. Written directly with SQLite.
 */
export function seedPublishedFixture(file, count) {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  const procedure = db.prepare("select id, slug, organisation_id from procedures where slug = 'marktplatz'").get();
  const question = db.prepare("select id from questions where procedure_id = ? order by position limit 1").get(procedure.id);
  const now = new Date().toISOString();
  const channels = ["online", "online", "online", "phone", "paper", "counter", "letter"];
  const insertResponse = db.prepare(
    "insert into responses (organisation_id, procedure_id, decision, text, created_by, created_at, updated_at) values (?, ?, ?, ?, null, ?, ?)",
  );
  const insertSubmission = db.prepare(
    `insert into submissions (organisation_id, procedure_id, receipt_code_hash, channel, notice_version, language, state,
       response_state, idempotency_key, created_at, response_id)
     values (?, ?, ?, ?, '2026-08-01', 'de', ?, 'answered', ?, ?, ?)`,
  );
  const insertAnswer = db.prepare("insert into answers (submission_id, question_id, value) values (?, ?, ?)");
  const seed = db.transaction(() => {
    let responseId = 0;
    for (let i = 0; i < count; i++) {
      if (i % 100 === 0) {
        responseId = Number(insertResponse.run(procedure.organisation_id, procedure.id, ["accepted", "partly_accepted", "noted"][i % 3], `Antwort ${i / 100}: Wir prüfen den Vorschlag für den Marktplatz.`, now, now).lastInsertRowid);
      }
      const { lastInsertRowid } = insertSubmission.run(
        procedure.organisation_id,
        procedure.id,
        createHash("sha256").update(`bench-${i}`).digest("hex"),
        channels[i % channels.length],
        i % 10 === 0 ? "published_redacted" : "published",
        `bench-${i}`,
        new Date(Date.now() - (count - i) * 1000).toISOString(),
        responseId,
      );
      insertAnswer.run(lastInsertRowid, question.id, `Idee ${i}: mehr Bänke, Bäume und Schatten auf dem Marktplatz, dazu ein Brunnen für heiße Sommertage.`);
    }
    db.prepare("update procedures set status = 'results_published', results_summary = ? where id = ?").run("Viele Ideen für mehr Grün und Schatten.", procedure.id);
  });
  seed();
  db.close();
  return { slug: procedure.slug, procedureId: procedure.id };
}
