/**
 * `postinstall`: small, exact patches to dependencies (decision 0023). Each patch names the
 * package version it was written for and the text it replaces; it is applied once (a marker
 * comment records it) and re-running is harmless. If the text is not found in that version the
 * install fails loudly instead of running unpatched; after an upgrade to another version the patch
 * is skipped with a warning (the matching test in tests/unit/dependency-patches.test.ts then says so).
 *
 * Patches:
 *  - @remix-run/router 1.23.3 (Remix 2's router, on the server): matchRoutes flattened and ranked
 *    every route and compiled every path pattern to a RegExp on every call — two or three times
 *    per request, about 28 % of the CPU of a form POST with our 50-odd routes. Routes are fixed once
 *    the server has started, so the ranked branches are remembered per routes array, compiled
 *    patterns per (path, caseSensitive, end), and the matches of the last 1000 paths per routes
 *    array (each caller gets fresh copies of the match objects).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const MARKER = "/* teilhabe patch: route-match-cache */";

export const patches = [
  {
    name: "route-match-cache",
    packageName: "@remix-run/router",
    version: "1.23.3",
    file: "dist/router.cjs.js",
    replacements: [
      [
        "  let branches = flattenRoutes(routes);\n  rankRouteBranches(branches);\n  let matches = null;\n" +
          "  let decoded = decodePath(pathname);\n" +
          "  for (let i = 0; matches == null && i < branches.length; ++i) {",
        "  let teilhabeRemembered = allowPartial ? undefined : teilhabeMatchesByPath(routes);\n" +
          "  let teilhabeKnown = teilhabeRemembered && teilhabeRemembered.get(pathname);\n" +
          "  if (teilhabeKnown !== undefined) return teilhabeCopyMatches(teilhabeKnown);\n" +
          "  let branches = teilhabeRankedBranches.get(routes);\n" +
          "  if (branches === undefined) {\n" +
          "    branches = flattenRoutes(routes);\n" +
          "    rankRouteBranches(branches);\n" +
          "    teilhabeRankedBranches.set(routes, branches);\n" +
          "  }\n" +
          "  let matches = null;\n" +
          "  let decoded = decodePath(pathname);\n" +
          "  for (let i = 0; matches == null && i < branches.length; ++i) {",
      ],
      [
        "    matches = matchRouteBranch(branches[i], decoded, allowPartial);\n  }\n  return matches;\n}",
        "    matches = matchRouteBranch(branches[i], decoded, allowPartial);\n  }\n" +
          "  if (teilhabeRemembered) {\n" +
          "    if (teilhabeRemembered.size >= 1000) teilhabeRemembered.delete(teilhabeRemembered.keys().next().value);\n" +
          "    teilhabeRemembered.set(pathname, matches);\n" +
          "    return teilhabeCopyMatches(matches);\n" +
          "  }\n" +
          "  return matches;\n}",
      ],
      [
        "function compilePath(path, caseSensitive, end) {\n  if (caseSensitive === void 0) {",
        `${MARKER}\n` +
          "const teilhabeRankedBranches = new WeakMap();\n" +
          "const teilhabeMatchCaches = new WeakMap();\n" +
          "function teilhabeMatchesByPath(routes) {\n" +
          "  let byPath = teilhabeMatchCaches.get(routes);\n" +
          "  if (byPath === undefined) teilhabeMatchCaches.set(routes, (byPath = new Map()));\n" +
          "  return byPath;\n" +
          "}\n" +
          "// every caller gets its own match objects (and its own params object, shared by its matches as before)\n" +
          "function teilhabeCopyMatches(matches) {\n" +
          "  if (matches === null) return null;\n" +
          "  let params = Object.assign({}, matches[0].params);\n" +
          "  return matches.map((m) => Object.assign({}, m, { params }));\n" +
          "}\n" +
          "const teilhabeCompiledPaths = new Map();\n" +
          "function compilePath(path, caseSensitive, end) {\n" +
          '  let key = (caseSensitive ? "1" : "0") + (end === false ? "0" : "1") + path;\n' +
          "  let compiled = teilhabeCompiledPaths.get(key);\n" +
          "  if (compiled === undefined) {\n" +
          "    if (teilhabeCompiledPaths.size >= 2000) teilhabeCompiledPaths.clear();\n" +
          "    compiled = compilePathUncached(path, caseSensitive, end);\n" +
          "    teilhabeCompiledPaths.set(key, compiled);\n" +
          "  }\n" +
          "  return compiled;\n" +
          "}\n" +
          "function compilePathUncached(path, caseSensitive, end) {\n  if (caseSensitive === void 0) {",
      ],
    ],
  },
];

/** Applies every patch; returns one line per patch saying what happened. Throws when a patch no longer fits its version. */
export function applyPatches(base = root) {
  const report = [];
  for (const patch of patches) {
    const packageDir = join(base, "node_modules", patch.packageName);
    if (!existsSync(join(packageDir, "package.json"))) {
      report.push(`${patch.name}: ${patch.packageName} is not installed, skipped`);
      continue;
    }
    const { version } = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
    if (version !== patch.version) {
      report.push(`${patch.name}: WARNING ${patch.packageName} is ${version}, the patch was written for ${patch.version}; not applied — check whether it is still needed (scripts/patch-dependencies.js)`);
      continue;
    }
    const file = join(packageDir, patch.file);
    let source = readFileSync(file, "utf8");
    if (source.includes(MARKER)) {
      report.push(`${patch.name}: already applied`);
      continue;
    }
    for (const [from, to] of patch.replacements) {
      const at = source.indexOf(from);
      if (at < 0 || source.indexOf(from, at + 1) >= 0) {
        throw new Error(`${patch.name}: the text to replace was not found exactly once in ${patch.packageName}@${version}/${patch.file}; reinstall with \`npm ci\` and fix scripts/patch-dependencies.js`);
      }
      source = source.slice(0, at) + to + source.slice(at + from.length);
    }
    writeFileSync(file, source);
    report.push(`${patch.name}: applied to ${patch.packageName}@${version}`);
  }
  return report;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    for (const line of applyPatches()) console.log(`patch-dependencies: ${line}`);
  } catch (error) {
    console.error(`patch-dependencies: ${error.message}`);
    process.exit(1);
  }
}
