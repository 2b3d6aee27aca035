/**
 * `npm start`: build the app if there is no build or the sources are newer than it, then run the
 * server (which migrates the database and loads demo data into an empty one).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const buildFile = join(root, "build/index.js");

function newestMtime(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

const sources = ["app", "db", "remix.config.js", "package-lock.json"].map((p) => join(root, p)).filter(existsSync);
const stale = !existsSync(buildFile) || Math.max(...sources.map(newestMtime)) > statSync(buildFile).mtimeMs;
if (stale) {
  console.log("Building the app (remix build)…");
  const result = spawnSync(join(root, "node_modules/.bin/remix"), ["build"], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) {
    console.error("The build failed. Run `npm ci` first, then `npm start` again.");
    process.exit(result.status ?? 1);
  }
}
process.chdir(root);
await import("../server.js");
