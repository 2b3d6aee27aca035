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
 *  - @remix-run/server-runtime 2.17.5: every loader and action call copied the request twice to
 *    strip Remix's own query parameters (?index, ?_data, ?_routes) — a new Request each time, body
 *    stream included, ~4 % of a form POST's CPU. A request without that parameter is now passed on
 *    as it is (a query with any percent-escape still takes the published path).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const MARKER = "/* teilhabe patch: route-match-cache */";
export const MARKER_STRIP = "/* teilhabe patch: strip-only-when-present */";

// shared by the server-runtime patch: whether a URL's query names the parameter (a query with a
// percent-escape is left to the published code, which decodes names)
const HAS_PARAM =
  "function teilhabeMayHaveParam(href, name) {\n" +
  '  let q = href.indexOf("?");\n' +
  "  if (q < 0) return false;\n" +
  '  let hash = href.indexOf("#", q);\n' +
  "  let search = href.slice(q + 1, hash < 0 ? undefined : hash);\n" +
  '  if (search.includes("%")) return true;\n' +
  '  return search.split("&").some((part) => part.split("=", 1)[0] === name);\n' +
  "}\n";

export const patches = [
  {
    name: "route-match-cache",
    marker: MARKER,
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
  {
    name: "strip-only-when-present",
    marker: MARKER_STRIP,
    packageName: "@remix-run/server-runtime",
    version: "2.17.5",
    file: "dist/data.js",
    replacements: [
      ["function stripIndexParam(request) {\n", `${MARKER_STRIP}\n${HAS_PARAM}function stripIndexParam(request) {\n  if (!teilhabeMayHaveParam(request.url, "index")) return request;\n`],
      ["function stripDataParam(request) {\n", 'function stripDataParam(request) {\n  if (!teilhabeMayHaveParam(request.url, "_data")) return request;\n'],
      ["function stripRoutesParam(request) {\n", 'function stripRoutesParam(request) {\n  if (!teilhabeMayHaveParam(request.url, "_routes")) return request;\n'],
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
    if (source.includes(patch.marker)) {
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
