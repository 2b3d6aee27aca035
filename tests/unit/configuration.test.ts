/**
 * docs/configuration.md stays true to the code: every variable it lists is read somewhere (the app, the
 * server, the scripts, the test support), and every variable the app, the server, db/ or the scripts
 * read is listed there (benchmark settings may be explained in docs/benchmarks.md instead).
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../support/server";

function sourceFiles(dir: string): string[] {
  return readdirSync(join(projectRoot, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(projectRoot, path)).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|js)$/.test(name) ? [path] : [];
  });
}

/** The variables a set of files reads: `process.env.X`, `env.X` (an environment passed in), `setting("X", …)` (server/settings.ts). */
function variablesRead(dirs: string[]): Set<string> {
  const names = new Set<string>();
  for (const file of dirs.flatMap(sourceFiles)) {
    const text = readFileSync(join(projectRoot, file), "utf8");
    for (const [, name] of text.matchAll(/\benv\??\.([A-Z][A-Z0-9_]+)/g)) names.add(name);
    for (const [, name] of text.matchAll(/\bsetting\("([A-Z][A-Z0-9_]+)"/g)) names.add(name);
  }
  return names;
}

/** The variables a document names in the first column of its tables. */
function variablesListed(doc: string): Set<string> {
  const names = new Set<string>();
  for (const line of readFileSync(join(projectRoot, "docs", doc), "utf8").split("\n")) {
    const first = /^\|([^|]+)\|/.exec(line)?.[1] ?? "";
    for (const [, name] of first.matchAll(/`([A-Z][A-Z0-9_]+)`/g)) names.add(name);
  }
  return names;
}

/** Variables read by Node.js or the C library themselves, not by our code. */
const READ_BY_THE_RUNTIME = new Set(["NODE_OPTIONS"]);
/** Handed by scripts/bench.js to its bare baseline (scripts/bench-bare.js); nobody sets them. */
const INTERNAL = /^BARE_/;

describe("docs/configuration.md", () => {
  const listed = variablesListed("configuration.md");
  const mentionedInBenchmarks = readFileSync(join(projectRoot, "docs/benchmarks.md"), "utf8");

  it("lists only variables something reads", () => {
    expect(listed.size).toBeGreaterThan(30);
    const read = variablesRead(["app", "server", "db", "scripts", "tests/support", "tests/crash", "tests/scale"]);
    expect([...listed].filter((name) => !read.has(name) && !READ_BY_THE_RUNTIME.has(name))).toEqual([]);
  });

  it("lists every variable the app, the server and the scripts read (benchmark settings: or docs/benchmarks.md)", () => {
    const read = variablesRead(["app", "server", "db", "scripts"]);
    expect(read.has("DATABASE_URL") && read.has("HEADERS_TIMEOUT_MS")).toBe(true);
    const missing = [...read].filter(
      (name) => !listed.has(name) && !INTERNAL.test(name) && !(name.startsWith("BENCH_") && mentionedInBenchmarks.includes(name)),
    );
    expect(missing).toEqual([]);
  });
});
