/**
 * `npm start`: build the app if there is no build or the sources are newer than it, then run the
 * server (which migrates the database and loads demo data into an empty one) — one process, or a
 * cluster of WEB_CONCURRENCY workers (server/cluster.ts, compiled to build/server/cluster.js).
 */
import { buildIfStale, root } from "./build-if-stale.js";

try {
  buildIfStale();
} catch (error) {
  console.error(String(error instanceof Error ? error.message : error));
  process.exit(1);
}
process.chdir(root);
// WEB_CONCURRENCY=<n> or auto: n workers; otherwise one server process
await import("../build/server/cluster.js");
