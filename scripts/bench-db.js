/** Counts stored submissions for the benchmark without bundling the app's TypeScript. */
import Database from "better-sqlite3";
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
