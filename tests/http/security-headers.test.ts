/**
 * Security headers on every kind of response from the production server, and pages that a strict
 * Content-Security-Policy does not break: no inline scripts, no inline styles, no <style> element,
 * stylesheets only from our own origin. HSTS only when the public origin is HTTPS.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { Client } from "../support/http";
import { startServer, type TestServer } from "../support/server";
import { DEMO, signIn } from "../support/staff";

const PROCEDURE = "/musterstadt/verfahren/radverkehrsplan-2030";

function expectSecurityHeaders(res: Response, what: string) {
  const csp = res.headers.get("content-security-policy") ?? "";
  const directives = new Map(csp.split(";").map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
  expect(directives.get("default-src"), what).toEqual(["'none'"]);
  expect(directives.get("script-src"), what).toEqual(["'none'"]);
  expect(directives.get("style-src"), what).toEqual(["'self'"]);
  expect(directives.get("frame-ancestors"), what).toEqual(["'none'"]);
  expect(directives.get("form-action"), what).toEqual(["'self'"]);
  expect(directives.get("base-uri"), what).toEqual(["'none'"]);
  expect(csp, what).not.toContain("unsafe-");
  expect(res.headers.get("x-content-type-options"), what).toBe("nosniff");
  expect(res.headers.get("referrer-policy"), what).toBe("no-referrer");
  expect(res.headers.get("x-frame-options"), what).toBe("DENY");
  const permissions = res.headers.get("permissions-policy") ?? "";
  for (const feature of ["camera=()", "microphone=()", "geolocation=()", "payment=()"]) expect(permissions, what).toContain(feature);
  expect(res.headers.get("x-powered-by"), what).toBeNull();
}

/** Same-origin links on a page, without sign-out links and downloads. */
function linksOf(html: string): string[] {
  return [...html.matchAll(/href="(\/[^"#]*)"/g)]
    .map((m) => m[1].replace(/&amp;/g, "&"))
    .filter((href) => !href.startsWith("/build/") && !/abmelden|\.(csv|json|jsonld)(\?|$)/.test(href));
}

describe("security headers", () => {
  let server: TestServer;
  let h: DatabaseHandle;

  beforeAll(async () => {
    server = await startServer({ env: { JOBS_INTERVAL_MS: "0" } });
    h = openDatabase(server.database.url);
  });
  afterAll(async () => {
    await h?.close();
    await server?.stop();
  });

  it("are on every kind of response: pages, redirects, errors, refused posts, files, downloads, probes", async () => {
    const c = new Client(server.url);
    const page = await c.get(PROCEDURE);
    const html = await page.text();
    const stylesheet = html.match(/<link rel="stylesheet" href="([^"]+)"/)![1];
    const responses: [string, Response][] = [
      ["a resident page", page],
      ["a redirect", await c.get("/")],
      ["a page not found", await c.get("/musterstadt/verfahren/gibt-es-nicht")],
      ["a path no route knows", await c.get("/a/b/c/d/e")],
      ["a refused form body", await c.post(PROCEDURE, "{}", { "content-type": "application/json" })],
      ["a cross-site post", await c.post(PROCEDURE, "q1=x", { "sec-fetch-site": "cross-site" })],
      ["the stylesheet", await c.get(stylesheet)],
      ["robots.txt", await c.get("/robots.txt")],
      ["a download not (yet) there", await c.get("/musterstadt/verfahren/marktplatz/daten.csv")],
      ["the DCAT metadata", await c.get("/musterstadt/verfahren/marktplatz/dcat.jsonld")],
      ["/healthz", await c.get("/healthz")],
      ["/readyz", await c.get("/readyz")],
      ["/metrics", await c.get("/metrics")],
      ["the sign-in page", await c.get("/anmelden")],
    ];
    const { client: staff } = await signIn(server.url, DEMO.moderator, { db: h.db });
    responses.push(["a staff page", await staff.get("/musterstadt/verwaltung")]);
    for (const [what, res] of responses) {
      if (!res.bodyUsed) await res.arrayBuffer();
      expectSecurityHeaders(res, `${what} (${res.status})`);
      expect(res.headers.get("strict-transport-security"), what).toBeNull(); // plain HTTP here
    }
    expect(new Set(responses.map(([, r]) => Math.floor(r.status / 100)))).toEqual(new Set([2, 3, 4]));
  });

  it("leave nothing for the policy to block: no inline script or style on any resident or staff page", async () => {
    const procedureId = (await h.db.selectFrom("procedures").select("id").where("slug", "=", "marktplatz").executeTakeFirstOrThrow()).id;
    const { client: moderator } = await signIn(server.url, DEMO.moderator, { db: h.db });
    const crawls: [Client, string[]][] = [
      [new Client(server.url), ["/musterstadt", PROCEDURE, `${PROCEDURE}/papier`, `${PROCEDURE}/papier?gross=1&anzahl=2`, "/musterstadt/beitrag", "/anmelden"]],
      [moderator, ["/musterstadt/verwaltung", `/musterstadt/verwaltung/moderation/${procedureId}/briefe`, `/musterstadt/verwaltung/moderation/${procedureId}/ergebnisse`]],
    ];
    let checked = 0;
    for (const [client, start] of crawls) {
      const queue = [...start];
      const seen = new Set<string>();
      while (queue.length > 0 && seen.size < 60) {
        const path = queue.shift()!;
        if (seen.has(path)) continue;
        seen.add(path);
        const res = await client.get(path);
        if (!(res.headers.get("content-type") ?? "").startsWith("text/html")) {
          await res.arrayBuffer();
          continue;
        }
        const html = await res.text();
        checked++;
        expect(html, path).not.toMatch(/<script\b/i);
        expect(html, path).not.toMatch(/<style\b/i);
        expect(html, path).not.toMatch(/\sstyle="/i);
        expect(html, path).not.toMatch(/\son[a-z]+="/i); // inline event handlers
        for (const m of html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)) expect(m[1], path).toMatch(/^\/build\//);
        for (const link of linksOf(html)) if (!seen.has(link)) queue.push(link);
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});

describe("served over HTTPS", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ env: { PUBLIC_ORIGIN: "https://beteiligung.musterstadt.example", DEMO_MODE: "true", JOBS_INTERVAL_MS: "0" } });
  });
  afterAll(async () => server?.stop());

  it("tells browsers to use HTTPS only (HSTS), on pages and files alike", async () => {
    for (const path of [PROCEDURE, "/robots.txt", "/healthz", "/gibt/es/nicht"]) {
      const res = await fetch(server.url + path, { redirect: "manual" });
      await res.arrayBuffer();
      expect(res.headers.get("strict-transport-security"), path).toBe("max-age=31536000; includeSubDomains");
      expectSecurityHeaders(res, path);
    }
  });
});
