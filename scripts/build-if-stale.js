/** Runs `remix build` when there is no build or any source is newer than it. Used by npm start and the tests. */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("..", import.meta.url));

function newestMtime(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export function buildIfStale({ quiet = false } = {}) {
  const buildFile = join(root, "build/index.js");
  const sources = ["app", "db", "remix.config.js", "package-lock.json"].map((p) => join(root, p)).filter(existsSync);
  const stale = !existsSync(buildFile) || Math.max(...sources.map(newestMtime)) > statSync(buildFile).mtimeMs;
  if (!stale) return;
  if (!quiet) console.log("Building the app (remix build)…");
  // always a production build: vitest sets NODE_ENV=test, which would make a development build
  // that the production server cannot run
  const result = spawnSync(join(root, "node_modules/.bin/remix"), ["build"], {
    cwd: root,
    stdio: quiet ? "pipe" : "inherit",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) {
    if (quiet) process.stderr.write(String(result.stderr ?? ""));
    throw new Error("remix build failed. Run `npm ci` first, then try again.");
  }
}
