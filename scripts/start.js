/**
 * `npm start`: build the app if there is no build or the sources are newer than it, then run the
 * server (which migrates the database and loads demo data into an empty one).
 */
import { buildIfStale, root } from "./build-if-stale.js";

try {
  buildIfStale();
} catch (error) {
  console.error(String(error instanceof Error ? error.message : error));
  process.exit(1);
}
process.chdir(root);
await import("../server.js");
