/**
 * The dependency patches of scripts/patch-dependencies.js (decision 0023): installed by `npm ci`
 * (postinstall), and the patched router matches every URL exactly as the original does.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MARKER, MARKER_STRIP, patches } from "../../scripts/patch-dependencies.js";

const require = createRequire(import.meta.url);
type Route = { id: string; path?: string; index?: boolean; caseSensitive?: boolean; children?: Route[] };
type Match = { route: { id: string }; params: Record<string, string>; pathname: string; pathnameBase: string };
type Router = { matchRoutes(routes: Route[], path: string): Match[] | null; matchPath(pattern: { path: string; end?: boolean; caseSensitive?: boolean } | string, path: string): { params: Record<string, string>; pathname: string } | null };

const routerFile = require.resolve("@remix-run/router");
const patchNamed = (name: string) => (patches as unknown as { name: string; replacements: [string, string][] }[]).find((p) => p.name === name)!;
const patch = patchNamed("route-match-cache");

/** The router as published: the installed file with our replacements undone. */
function loadOriginalRouter(): Router {
  let source = readFileSync(routerFile, "utf8");
  for (const [from, to] of patch.replacements) source = source.replace(to, from);
  const dir = mkdtempSync(join(tmpdir(), "router-original-"));
  writeFileSync(join(dir, "router.cjs"), source);
  try {
    return require(join(dir, "router.cjs"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

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
    expect(readFileSync(routerFile, "utf8"), "run `npm ci` (its postinstall runs scripts/patch-dependencies.js)").toContain(MARKER);
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
    let source = readFileSync(dataFile, "utf8");
    for (const [from, to] of patchNamed("strip-only-when-present").replacements) source = source.replace(to, from);
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
