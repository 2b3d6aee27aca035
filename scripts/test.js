/**
 * `npm test`: everything a change must pass, in one command.
 *  1. Chromium for the browser tests: found at CHROMIUM_PATH or /usr/bin/chromium, installed with
 *     apt-get when running as root, otherwise we stop and say what to run.
 *     Java (17 or later) for the HTML check (vnu-jar): installed the same way (default-jre-headless).
 *  2. A fresh production build (the HTTP and browser suites test what `npm start` serves).
 *  3. Type check (tsc --noEmit).
 *  4. vitest: unit, integration (SQLite, and PostgreSQL when TEST_DATABASE_URL is set), HTTP, browser.
 * Extra arguments go to vitest, e.g. `npm test -- --project unit`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildIfStale, root } from "./build-if-stale.js";

const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { cwd: root, stdio: "inherit", ...opts });

function ensureChromium() {
  const path = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
  if (existsSync(path)) return path;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (isRoot && existsSync("/usr/bin/apt-get")) {
    console.log("Chromium is missing: installing Debian's chromium package (about 30 s)…");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    if (run("apt-get", ["update", "-qq"], { env }).status === 0 && run("apt-get", ["install", "-y", "-qq", "chromium"], { env }).status === 0 && existsSync(path)) {
      return path;
    }
  }
  console.error(
    `Chromium is needed for the browser tests and was not found at ${path}.\n` +
      "Install it with:  sudo apt-get update && sudo apt-get install -y chromium\n" +
      "or point CHROMIUM_PATH at a Chromium or Chrome binary, then run npm test again.",
  );
  process.exit(1);
}

process.env.CHROMIUM_PATH = ensureChromium();

function ensureJava() {
  const java = process.env.JAVA_PATH || "java";
  if (spawnSync(java, ["-version"], { stdio: "ignore" }).status === 0) return;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (isRoot && existsSync("/usr/bin/apt-get")) {
    console.log("Java is missing (needed by the HTML check, vnu-jar): installing default-jre-headless…");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    if (run("apt-get", ["update", "-qq"], { env }).status === 0 && run("apt-get", ["install", "-y", "-qq", "default-jre-headless"], { env }).status === 0) return;
  }
  console.error(
    "Java 17 or later is needed for the HTML check (Nu Html Checker) and was not found.\n" +
      "Install it with:  sudo apt-get update && sudo apt-get install -y default-jre-headless\n" +
      "or point JAVA_PATH at a java binary, then run npm test again.",
  );
  process.exit(1);
}

ensureJava();

try {
  buildIfStale();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}

console.log("Type check (tsc --noEmit)…");
if (run(join(root, "node_modules/.bin/tsc"), ["--noEmit"]).status !== 0) {
  console.error("tests: 0 passed, 1 failed (type check)");
  process.exit(1);
}

const out = mkdtempSync(join(tmpdir(), "teilhabe-vitest-"));
const jsonFile = join(out, "results.json");
const vitest = run(join(root, "node_modules/.bin/vitest"), [
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${jsonFile}`,
  ...process.argv.slice(2),
]);

// one plain closing line that any CI can read
let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(jsonFile)) {
  const results = JSON.parse(readFileSync(jsonFile, "utf8"));
  passed = results.numPassedTests ?? 0;
  failed = (results.numFailedTests ?? 0) + (results.numFailedTestSuites && !results.numFailedTests ? results.numFailedTestSuites : 0);
  skipped = (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
}
rmSync(out, { recursive: true, force: true });
const status = vitest.status ?? 1;
if (status !== 0 && failed === 0) failed = 1;
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(status);
