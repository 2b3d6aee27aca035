/**
 * The dependency patches in patches/ (decisions 0023, 0041): applied by patch-package when `npm ci`
 * runs postinstall, and the patched code behaves exactly as the published code does. The published
 * code is the installed file with the patch applied in reverse (git apply -R in a scratch folder).
 */
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { projectRoot } from "../support/server";

const require = createRequire(import.meta.url);
type Route = { id: string; path?: string; index?: boolean; caseSensitive?: boolean; children?: Route[] };
type Match = { route: { id: string }; params: Record<string, string>; pathname: string; pathnameBase: string };
type Router = { matchRoutes(routes: Route[], path: string): Match[] | null; matchPath(pattern: { path: string; end?: boolean; caseSensitive?: boolean } | string, path: string): { params: Record<string, string>; pathname: string } | null };

const MARKER = "/* teilhabe patch: route-match-cache */";
const MARKER_STRIP = "/* teilhabe patch: strip-only-when-present */";
const routerFile = require.resolve("@remix-run/router");

/** The installed file as published: our patch for its package applied in reverse, in a scratch folder. */
function publishedSource(installedFile: string): string {
  const path = relative(projectRoot, installedFile);
  const packageName = path.split("/").slice(1, 3).join("/");
  const patchFile = readdirSync(join(projectRoot, "patches")).find((f) => f.startsWith(`${packageName.replace("/", "+")}+`))!;
  const dir = mkdtempSync(join(tmpdir(), "published-"));
  try {
    mkdirSync(join(dir, dirname(path)), { recursive: true });
    copyFileSync(installedFile, join(dir, path));
    execFileSync("git", ["apply", "-R", join(projectRoot, "patches", patchFile)], { cwd: dir });
    return readFileSync(join(dir, path), "utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The router as published. */
function loadOriginalRouter(): Router {
  const dir = mkdtempSync(join(tmpdir(), "router-original-"));
  writeFileSync(join(dir, "router.cjs"), publishedSource(routerFile));
  try {
    return require(join(dir, "router.cjs"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("patches/", () => {
  it("name the versions that are installed (patch-package --error-on-warn fails the install otherwise)", () => {
    const files = readdirSync(join(projectRoot, "patches"));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const [, scope, name, version] = file.match(/^(@[^+]+)\+([^+]+)\+(.+)\.patch$/)!;
      expect(JSON.parse(readFileSync(require.resolve(`${scope}/${name}/package.json`), "utf8")).version, file).toBe(version);
    }
    expect(JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")).scripts.postinstall).toBe("patch-package --error-on-fail --error-on-warn");
  });
});

// a route tree shaped like ours: organisation prefix, static and dynamic siblings, index routes, a splat
const routes: Route[] = [
  {
    id: "root",
    path: "",
    children: [
      { id: "home", index: true },
      { id: "sign-in", path: "anmelden" },
      { id: "org", path: ":org", children: [{ id: "org-index", index: true }, { id: "org-ls", path: "leichte-sprache" }] },
      { id: "procedure", path: ":org/verfahren/:slug", children: [{ id: "procedure-index", index: true }, { id: "check", path: "pruefen" }] },
      { id: "results", path: ":org/verfahren/:slug/ergebnisse" },
      { id: "staff", path: ":org/verwaltung", children: [{ id: "queue", path: "moderation/:procedureId?" }, { id: "CaseSensitive", path: "Fall", caseSensitive: true }] },
      { id: "splat", path: "*" },
    ],
  },
];
const paths = [
  "/",
  "/anmelden",
  "/musterstadt",
  "/musterstadt/",
  "/musterstadt/leichte-sprache",
  "/musterstadt/verfahren/rad",
  "/musterstadt/verfahren/rad/pruefen",
  "/musterstadt/verfahren/rad/ergebnisse",
  "/musterstadt/verwaltung/moderation",
  "/musterstadt/verwaltung/moderation/12",
  "/musterstadt/verwaltung/Fall",
  "/musterstadt/verwaltung/fall",
  "/musterstadt/verfahren/%C3%BC",
  "/a/b/c/d/e",
];
const describeMatches = (matches: Match[] | null) => matches?.map((m) => ({ id: m.route.id, params: m.params, pathname: m.pathname, base: m.pathnameBase })) ?? null;

describe("dependency patches (postinstall)", () => {
  it("are applied to the installed packages", () => {
    expect(readFileSync(routerFile, "utf8"), "run `npm ci` (its postinstall runs patch-package)").toContain(MARKER);
    expect(publishedSource(routerFile)).not.toContain(MARKER);
  });

  it("leave route matching exactly as the published router does it, on repeated calls too", () => {
    const patched: Router = require("@remix-run/router");
    const original = loadOriginalRouter();
    for (let round = 0; round < 3; round++) {
      for (const path of paths) expect(describeMatches(patched.matchRoutes(routes, path)), path).toEqual(describeMatches(original.matchRoutes(routes, path)));
    }
    expect(patched.matchRoutes(routes, "/musterstadt/verfahren/rad/pruefen")!.at(-1)!.route.id).toBe("check");
    expect(patched.matchPath({ path: "/a/:b", end: false }, "/a/x/y")).toEqual(original.matchPath({ path: "/a/:b", end: false }, "/a/x/y"));
    expect(patched.matchPath({ path: "/a/:b", end: true }, "/a/x/y")).toBeNull();
    expect(patched.matchPath({ path: "/A", caseSensitive: true }, "/a")).toBeNull();
    expect(patched.matchPath("/A", "/a")).not.toBeNull();
  });

  it("give every caller its own match objects: changing one answer does not change the next", () => {
    const patched: Router = require("@remix-run/router");
    const first = patched.matchRoutes(routes, "/musterstadt/verfahren/rad/pruefen")!;
    expect(first.every((m) => m.params === first[0].params)).toBe(true); // one params object per answer, as published
    first[0].params.slug = "changed";
    (first[1] as { pathname: string }).pathname = "/changed";
    const second = patched.matchRoutes(routes, "/musterstadt/verfahren/rad/pruefen")!;
    expect(second[0].params).toEqual({ org: "musterstadt", slug: "rad" });
    expect(second[1].pathname).toBe("/musterstadt/verfahren/rad");
  });

  it("match a new routes array by its own routes, not by what an earlier array remembered", () => {
    const patched: Router = require("@remix-run/router");
    expect(patched.matchRoutes(routes, "/anmelden")!.at(-1)!.route.id).toBe("sign-in");
    const other: Route[] = [{ id: "only", path: "anmelden/:step" }];
    expect(patched.matchRoutes(other, "/anmelden")).toBeNull();
    expect(patched.matchRoutes(other, "/anmelden/code")![0].params).toEqual({ step: "code" });
  });
});

describe("server-runtime patch: Remix's own query parameters stripped only when present", () => {
  type Loader = (args: { request: Request }) => unknown;
  type CallRouteLoader = (args: { loadContext: unknown; loader: Loader; params: object; request: Request; routeId: string; singleFetch: boolean }) => Promise<unknown>;
  const dataFile = join(require.resolve("@remix-run/server-runtime"), "..", "data.js");

  /** The published data.js, loaded beside the installed one (its relative requires must resolve). */
  function loadOriginal(): { callRouteLoader: CallRouteLoader } {
    const source = publishedSource(dataFile);
    const copy = join(dataFile, "..", `data.original-${process.pid}.js`);
    writeFileSync(copy, source);
    try {
      return require(copy);
    } finally {
      rmSync(copy, { force: true });
    }
  }

  const seen = async (call: CallRouteLoader, url: string, singleFetch: boolean) => {
    let received: Request | undefined;
    const request = new Request(`http://localhost${url}`);
    await call({ loadContext: {}, loader: ({ request: r }) => ((received = r), null), params: {}, request, routeId: "r", singleFetch });
    const parsed = new URL(received!.url);
    return { same: received === request, path: parsed.pathname, params: [...parsed.searchParams] };
  };

  it("is applied, and gives loaders the same URL as the published code, passing the request on when there is nothing to strip", async () => {
    expect(readFileSync(dataFile, "utf8"), "run `npm ci`").toContain(MARKER_STRIP);
    const patched: { callRouteLoader: CallRouteLoader } = require(dataFile);
    const original = loadOriginal();
    const urls = ["/a", "/a?x=1", "/a?q=a+b&y=%C3%BC", "/a?index", "/a?index&x=1", "/a?index=1&index", "/a?_data=routes%2Fx", "/a?_routes=x&z=1", "/a?%69ndex", "/a?indexed=1", "/a?x=1#index"];
    for (const singleFetch of [true, false]) {
      for (const url of urls) {
        const mine = await seen(patched.callRouteLoader, url, singleFetch);
        const theirs = await seen(original.callRouteLoader, url, singleFetch);
        expect({ path: mine.path, params: mine.params }, url).toEqual({ path: theirs.path, params: theirs.params });
      }
    }
    expect((await seen(patched.callRouteLoader, "/a?x=1", true)).same).toBe(true);
    expect((await seen(patched.callRouteLoader, "/a?index", true)).same).toBe(false);
    expect((await seen(patched.callRouteLoader, "/a?index", true)).params).toEqual([]);
  });
});
