/**
 * `npm run backup [-- <file or folder>]`: a consistent copy of the SQLite database while the server
 * runs, made with SQLite's online backup API (better-sqlite3's db.backup()) in one step, so the copy
 * is one snapshot: every transaction committed before the backup began is in it, none halfway.
 *
 * Where: the argument (a folder, or a file name ending in .sqlite), else BACKUP_DIR, else
 * `backups/` beside the database; in a folder the file is named teilhabe-<UTC time>.sqlite.
 * The copy is written under a temporary name, checked (integrity_check, every privacy-log chain,
 * every stored file's SHA-256 — documents live in the database, decision 42),
 * made self-contained (no -wal file needed) and only then renamed into place.
 *
 * Contact data stay encrypted in the copy. The keys are not in it: back up CONTACT_DATA_KEYS (or
 * the demo key file beside the database) separately. PostgreSQL: use pg_dump (see docs/operations.md).
 */
import SqliteDatabase from "better-sqlite3";
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { databaseUrlFromEnv, isPostgresUrl, openDatabase } from "#db/connection.server";
import { verifyAllBlobs } from "~/modules/files/blobs.server";
import { verifyAllChains } from "~/modules/privacy-log/privacy-log.server";
import { secretsDir } from "~/modules/http/secrets.server";

const url = databaseUrlFromEnv();
if (isPostgresUrl(url)) {
  console.error(
    "DATABASE_URL points to PostgreSQL: npm run backup copies SQLite databases only.\n" +
      'Use pg_dump instead, e.g.  pg_dump --format=custom --file="teilhabe-$(date -u +%Y%m%dT%H%M%SZ).dump" "$DATABASE_URL"\n' +
      "(docs/operations.md has the restore command).",
  );
  process.exit(2);
}
const source = resolve(url.replace(/^file:/, ""));
if (!existsSync(source)) {
  console.error(`There is no database at ${source} (DATABASE_URL). Nothing was backed up.`);
  process.exit(1);
}

const stamp = new Date().toISOString().replace(/\.\d+Z$/, "Z").replace(/:/g, "-");
const target = (() => {
  const arg = process.argv[2]?.trim();
  const named = arg || process.env.BACKUP_DIR?.trim() || join(dirname(source), "backups");
  const isFile = /\.(sqlite3?|db)$/i.test(named) && !(existsSync(named) && statSync(named).isDirectory());
  if (isFile) return resolve(named);
  return join(resolve(named), `teilhabe-${stamp}.sqlite`);
})();
if (target === source) {
  console.error("The backup cannot overwrite the database itself.");
  process.exit(1);
}
mkdirSync(dirname(target), { recursive: true });
const partial = `${target}.partial`;
rmSync(partial, { force: true });

const started = Date.now();
const live = new SqliteDatabase(source, { fileMustExist: true });
live.pragma("busy_timeout = 5000");
try {
  // every page in one step: one read transaction, one snapshot; writers go on meanwhile (WAL)
  await live.backup(partial, { progress: () => 0x7fffffff });
} finally {
  live.close();
}

// the copy on its own: no WAL beside it, checked before it takes the final name
const copy = new SqliteDatabase(partial);
try {
  copy.pragma("journal_mode = DELETE");
  const integrity = copy.pragma("integrity_check", { simple: true });
  if (integrity !== "ok") throw new Error(`integrity_check of the copy: ${String(integrity)}`);
} finally {
  copy.close();
}
const handle = openDatabase(partial);
let summary: { submissions: number; checked: number; broken: number; files: number; brokenFiles: number };
try {
  const { checked, broken } = await verifyAllChains(handle.db);
  const submissions = Number((await handle.db.selectFrom("submissions").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
  const files = await verifyAllBlobs(handle.db);
  summary = { submissions, checked, broken: broken.length, files: files.checked, brokenFiles: files.broken.length };
} finally {
  await handle.close();
}
// openDatabase switched the copy to WAL again: back to one self-contained file
const single = new SqliteDatabase(partial);
single.pragma("journal_mode = DELETE");
single.close();
rmSync(`${partial}-wal`, { force: true });
rmSync(`${partial}-shm`, { force: true });
if (summary.brokenFiles > 0) {
  console.error(`The copy has ${summary.brokenFiles} stored files whose bytes no longer match their SHA-256 (so has the database). Kept as ${partial}.`);
  process.exit(1);
}
if (summary.broken > 0) {
  console.error(`The copy has ${summary.broken} broken privacy-log chains (so has the database): run npm run privacy:verify. Kept as ${partial}.`);
  process.exit(1);
}
// personal data, even if encrypted: readable by the operator only
chmodSync(partial, 0o600);
renameSync(partial, target);

const keyFile = join(secretsDir(), "contact-data.keys");
const keyNote = process.env.CONTACT_DATA_KEYS
  ? "the key ring in CONTACT_DATA_KEYS"
  : existsSync(keyFile)
    ? `the demo key file ${keyFile}`
    : "CONTACT_DATA_KEYS";
console.log(
  JSON.stringify({
    time: new Date().toISOString(),
    level: "info",
    event: "backup_written",
    file: target,
    bytes: statSync(target).size,
    submissions: summary.submissions,
    privacyLogsIntact: summary.checked,
    filesIntact: summary.files,
    ms: Date.now() - started,
  }),
);
console.log(
  `Backup written to ${target} (${summary.submissions} submissions, ${summary.checked} privacy logs intact, ${summary.files} stored files intact).\n` +
    `Contact data in it are encrypted; the keys are NOT in the backup. Back up ${keyNote} separately ` +
    "and keep it apart from these files: without it the contact data cannot be read, with it anyone holding the backup can.",
);
