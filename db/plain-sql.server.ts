/**
 * Hot statements as plain SQL (decision 24). Building and compiling a query with Kysely costs more
 * CPU than SQLite needs to run these (CPU profile of the form/send POSTs), so they are written once,
 * with `?` placeholders, and numbered ($1, $2 …) once for PostgreSQL. Only for statements run on
 * every submission or every resident request; everything else stays with the query builder.
 */
import { CompiledQuery, type Kysely, type QueryResult, type Transaction } from "kysely";
import { engineOf } from "#db/connection.server";
import type { Database } from "#db/schema";

type Db = Kysely<Database> | Transaction<Database>;

const numbered = new Map<string, string>();

/** Runs `text` (with `?` placeholders, none inside literals) with its parameters on either engine. */
export function runPlain<R>(db: Db, text: string, parameters: readonly unknown[]): Promise<QueryResult<R>> {
  let engineText = text;
  if (engineOf(db) === "postgres") {
    engineText = numbered.get(text) ?? "";
    if (!engineText) {
      let n = 0;
      engineText = text.replace(/\?/g, () => `$${++n}`);
      numbered.set(text, engineText);
    }
  }
  return db.executeQuery<R>(CompiledQuery.raw(engineText, parameters as unknown[]));
}

const rowLists = new Map<string, string>();

/** `(?, ?), (?, ?)` for `rows` rows of `columns` values, written once per shape. */
export function valueRows(columns: number, rows: number): string {
  const key = `${columns}x${rows}`;
  let text = rowLists.get(key);
  if (text === undefined) {
    const row = `(${Array.from({ length: columns }, () => "?").join(", ")})`;
    text = Array.from({ length: rows }, () => row).join(", ");
    rowLists.set(key, text);
  }
  return text;
}
