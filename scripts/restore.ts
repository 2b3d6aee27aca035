/**
 * `npm run restore -- <backup file>`: put a backup made by `npm run backup` in place of the SQLite
 * database named by DATABASE_URL. The server must be stopped (checked: the database must not be
 * open elsewhere). The current database, with its -wal and -shm files, is moved aside first
 * (<name>.before-restore-<time>), never deleted. Then start the server and run
 * `npm run privacy:verify`. The contact-data keys (CONTACT_DATA_KEYS) must be the ones the backup
 * was made with, or older keys kept in the ring.
 */
import SqliteDatabase from "better-sqlite3";
import { copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, closeSync, renameSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { databaseUrlFromEnv, isPostgresUrl } from "#db/connection.server";

const url = databaseUrlFromEnv();
if (isPostgresUrl(url)) {
  console.error("DATABASE_URL points to PostgreSQL: restore a pg_dump file with pg_restore (docs/operations.md).");
  process.exit(2);
}
const backup = process.argv[2]?.trim();
if (!backup || !existsSync(backup)) {
  console.error("Usage: npm run restore -- <backup file made by npm run backup>");
  process.exit(2);
}
const target = resolve(url.replace(/^file:/, ""));

// the backup must be a sound SQLite database
const check = new SqliteDatabase(resolve(backup), { readonly: true, fileMustExist: true });
try {
  const integrity = check.pragma("integrity_check", { simple: true });
  if (integrity !== "ok") throw new Error(`${backup} fails SQLite's integrity check: ${String(integrity)}`);
  check.prepare("select count(*) from submissions").get();
} catch (error) {
  console.error(`Not restored: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
} finally {
  check.close();
}

if (existsSync(target)) {
  // a running server keeps the database open: an exclusive lock is refused then
  const probe = new SqliteDatabase(target, { fileMustExist: true });
  try {
    probe.pragma("busy_timeout = 0");
    probe.pragma("locking_mode = EXCLUSIVE");
    probe.exec("BEGIN EXCLUSIVE");
    probe.exec("COMMIT");
  } catch {
    console.error(`Not restored: ${target} is in use. Stop the server (all its workers) first, then run this again.`);
    process.exit(1);
  } finally {
    probe.close();
  }
  const aside = `${target}.before-restore-${new Date().toISOString().replace(/\.\d+Z$/, "Z").replace(/:/g, "-")}`;
  for (const suffix of ["", "-wal", "-shm"]) if (existsSync(target + suffix)) renameSync(target + suffix, aside + suffix);
  console.log(`The current database was moved aside to ${aside}`);
}
mkdirSync(dirname(target), { recursive: true });
copyFileSync(resolve(backup), target);
const fd = openSync(target, "r+");
fsyncSync(fd);
closeSync(fd);
console.log(
  `Restored ${backup} to ${target}.\nNext: start the server (npm start), then run npm run privacy:verify. ` +
    "CONTACT_DATA_KEYS must still hold the key the backup's contact data were encrypted with.",
);
