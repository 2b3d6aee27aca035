/**
 * The house rules for imports (decision 47), read from the source: no import circle among app/, db/ and
 * server/ (type-only imports excepted: they vanish when compiled); infrastructure (app/modules/http,
 * app/i18n, db/) imports no domain module; one direction, routes → ui (app/components, app/modules/<area>/ui)
 * → modules → infrastructure → db, with no route importing another; UI code reads no *.server file at run
 * time; the server gets the app through its build.
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

/** The project files a file imports at run time, or with `types` also for types only (resolving ~/, #db/ and relative paths). */
function runtimeImports(file: string, { types = false } = {}): string[] {
  const out: string[] = [];
  for (const [, typeOnly, spec] of readFileSync(join(projectRoot, file), "utf8").matchAll(IMPORT)) {
    if (typeOnly && !types) continue;
    const base = spec.startsWith("~/") ? join("app", spec.slice(2)) : spec.startsWith("#db/") ? join("db", spec.slice(4)) : spec.startsWith(".") ? normalize(join(dirname(file), spec)) : null;
    if (base === null) continue;
    const found = ["", ".ts", ".tsx", "/index.ts"].map((ext) => base + ext).find((p) => existsSync(join(projectRoot, p)) && statSync(join(projectRoot, p)).isFile());
    if (found) out.push(found);
  }
  return out;
}

const files = [...sourceFiles("app"), ...sourceFiles("db"), ...sourceFiles("server")];
const graph = new Map(files.map((f) => [f, runtimeImports(f)]));
const graphWithTypes = new Map(files.map((f) => [f, runtimeImports(f, { types: true })]));

/** The layers, top to bottom: a file imports from its own layer or one below, never from above. */
const LAYERS = ["route", "ui", "module", "infrastructure", "db"] as const;
type Layer = (typeof LAYERS)[number];
function layerOf(file: string): Layer | null {
  if (file.startsWith("app/routes/") || ["app/root.tsx", "app/entry.server.tsx", "app/entry.client.tsx", "app/startup.server.ts"].includes(file)) return "route";
  if (file.startsWith("app/components/") || /^app\/modules\/[^/]+\/ui\//.test(file)) return "ui";
  if (file.startsWith("app/modules/http/") || file.startsWith("app/i18n/") || file === "app/db.server.ts") return "infrastructure";
  if (file.startsWith("app/modules/")) return "module";
  if (file.startsWith("db/")) return "db";
  return null; // server/: its own rule below
}

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
    // not through a detour either: nothing infrastructure loads, however indirectly, is a domain module
    const reached = new Set<string>();
    const visit = (f: string) => {
      for (const to of graph.get(f) ?? []) if (!reached.has(to)) reached.add(to), visit(to);
    };
    for (const f of [...infrastructure, "app/db.server.ts"]) visit(f);
    expect([...reached].filter((f) => layerOf(f) !== "infrastructure" && layerOf(f) !== "db")).toEqual([]);
  });

  it("give the server the app through the build only (one copy of the metrics and the database per process)", () => {
    const server = files.filter((f) => f.startsWith("server/"));
    expect(server).toContain("server/pipeline.ts");
    // the cluster's primary never loads the build; it logs through the same module as the app
    const allowed = new Set(["app/modules/http/log.server.ts"]);
    const wrong = server.flatMap((f) => (graph.get(f) ?? []).filter((to) => !to.startsWith("server/") && !allowed.has(to)).map((to) => `${f} → ${to}`));
    expect(wrong).toEqual([]);
  });

  it("go one way: routes → ui → modules → infrastructure → db, types included", () => {
    const rank = (layer: Layer) => LAYERS.indexOf(layer);
    const wrong = files.flatMap((f) => {
      const from = layerOf(f);
      if (from === null) return [];
      return (graphWithTypes.get(f) ?? [])
        .filter((to) => {
          const layer = layerOf(to);
          // upwards, or a route module from anywhere (a route's helpers belong in a module)
          return layer !== null && (rank(layer) < rank(from) || to.startsWith("app/routes/"));
        })
        .map((to) => `${f} (${from}) → ${to} (${layerOf(to)})`);
    });
    expect(wrong).toEqual([]);
    // the rule reads every layer
    expect(new Set(files.map(layerOf))).toEqual(new Set([...LAYERS, null]));
  });

  it("keep the database out of UI code: components and module UI read no *.server file at run time", () => {
    const ui = files.filter((f) => layerOf(f) === "ui");
    expect(ui.length).toBeGreaterThan(10);
    const wrong = ui.flatMap((f) => (graph.get(f) ?? []).filter((to) => /\.server\.tsx?$/.test(to)).map((to) => `${f} → ${to}`));
    expect(wrong).toEqual([]);
  });

  it("keep SQL and audit entries out of routes: a change and its entry are one module call", () => {
    const routes = files.filter((f) => f.startsWith("app/routes/"));
    const wrong = routes.flatMap((f) => {
      const text = readFileSync(join(projectRoot, f), "utf8");
      const found = [...text.matchAll(/\.(selectFrom|insertInto|updateTable|deleteFrom|transaction)\(|\bsql`|\b(audit|withAudit|inTransaction)\(/g)].map((m) => m[0]);
      return found.length ? [`${f}: ${[...new Set(found)].join(" ")}`] : [];
    });
    expect(wrong).toEqual([]);
  });

  it("never import a route from elsewhere", () => {
    const wrong = files.flatMap((f) => (graph.get(f) ?? []).filter((to) => to.startsWith("app/routes/") && relative("app/routes", f).startsWith("..")).map((to) => `${f} → ${to}`));
    expect(wrong).toEqual([]);
  });
});
