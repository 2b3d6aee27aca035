/**
 * The house rules for imports, read from the source: no import circle among app/, db/ and server/ (type-only
 * imports excepted: they vanish when compiled), and infrastructure (app/modules/http, app/i18n, db/)
 * imports no domain module. One direction: routes → components/ui → modules → db; the server gets the app through its build.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../support/server";

function sourceFiles(dir: string): string[] {
  return readdirSync(join(projectRoot, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(projectRoot, path)).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

const IMPORT = /^(?:import|export)\s+(type\s+)?[^;]*?from\s+"([^"]+)"/gm;

/** The project files a file imports at run time (resolving ~/, #db/ and relative paths). */
function runtimeImports(file: string): string[] {
  const out: string[] = [];
  for (const [, typeOnly, spec] of readFileSync(join(projectRoot, file), "utf8").matchAll(IMPORT)) {
    if (typeOnly) continue;
    const base = spec.startsWith("~/") ? join("app", spec.slice(2)) : spec.startsWith("#db/") ? join("db", spec.slice(4)) : spec.startsWith(".") ? normalize(join(dirname(file), spec)) : null;
    if (base === null) continue;
    const found = ["", ".ts", ".tsx", "/index.ts"].map((ext) => base + ext).find((p) => existsSync(join(projectRoot, p)) && statSync(join(projectRoot, p)).isFile());
    if (found) out.push(found);
  }
  return out;
}

const files = [...sourceFiles("app"), ...sourceFiles("db"), ...sourceFiles("server")];
const graph = new Map(files.map((f) => [f, runtimeImports(f)]));

/** Every circle of imports, as the files on it (depth-first search with colours). */
function circles(): string[][] {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") found.push(stack.slice(stack.indexOf(next)));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of files) if (!state.has(file)) visit(file);
  return found;
}

describe("imports", () => {
  it("reads the source it checks", () => {
    expect(files.length).toBeGreaterThan(100);
    expect(graph.get("app/modules/results/statistics.server.ts")).toContain("app/modules/results/snapshot.server.ts");
  });

  it("form no circle", () => {
    expect(circles()).toEqual([]);
  });

  it("keep infrastructure (http, i18n, db) free of domain modules", () => {
    const infrastructure = files.filter((f) => f.startsWith("app/modules/http/") || f.startsWith("app/i18n/") || f.startsWith("db/"));
    expect(infrastructure.length).toBeGreaterThan(10);
    const wrong = infrastructure.flatMap((f) =>
      (graph.get(f) ?? []).filter((to) => to.startsWith("app/modules/") && !to.startsWith("app/modules/http/")).map((to) => `${f} → ${to}`),
    );
    expect(wrong).toEqual([]);
  });

  it("give the server the app through the build only (one copy of the metrics and the database per process)", () => {
    const server = files.filter((f) => f.startsWith("server/"));
    expect(server).toContain("server/pipeline.ts");
    // the cluster's primary never loads the build; it logs through the same module as the app
    const allowed = new Set(["app/modules/http/log.server.ts"]);
    const wrong = server.flatMap((f) => (graph.get(f) ?? []).filter((to) => !to.startsWith("server/") && !allowed.has(to)).map((to) => `${f} → ${to}`));
    expect(wrong).toEqual([]);
  });

  it("never import a route from elsewhere", () => {
    const wrong = files.flatMap((f) => (graph.get(f) ?? []).filter((to) => to.startsWith("app/routes/") && relative("app/routes", f).startsWith("..")).map((to) => `${f} → ${to}`));
    expect(wrong).toEqual([]);
  });
});
