/**
 * Runs `remix build` and compiles the server (scripts/build-server.js) when there is no build or any source is newer than it. Used by npm start and the tests.
 * A lock directory keeps two processes (two test runs, npm start beside npm test) from building at once:
 * `remix build` deletes the previous assets, so parallel builds would break each other.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildServer } from "./build-server.js";

export const root = fileURLToPath(new URL("..", import.meta.url));
const lockDir = join(root, ".build-lock");
const LOCK_STALE_MS = 5 * 60 * 1000;

function newestMtime(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function isStale() {
  const buildFile = join(root, "build/index.js");
  const serverFile = join(root, "build/server/index.js");
  const sources = ["app", "db", "server", "remix.config.js", "package-lock.json"].map((p) => join(root, p)).filter(existsSync);
  if (!existsSync(buildFile) || !existsSync(serverFile)) return true;
  return Math.max(...sources.map(newestMtime)) > Math.min(statSync(buildFile).mtimeMs, statSync(serverFile).mtimeMs);
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function withBuildLock(fn) {
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      // a lock left behind by a killed build
      try {
        if (Date.now() - statSync(lockDir).mtimeMs > LOCK_STALE_MS) rmSync(lockDir, { recursive: true, force: true });
      } catch {}
      sleep(250);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

export function buildIfStale({ quiet = false } = {}) {
  if (!isStale()) return;
  withBuildLock(() => {
    if (!isStale()) return; // another process built it while we waited
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
    // the server (server/*.ts), compiled beside the app
    buildServer();
  });
}

// `node scripts/build-if-stale.js`: build now if the sources changed since the last build
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) buildIfStale();
