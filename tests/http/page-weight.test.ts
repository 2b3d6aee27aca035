/**
 * Resident pages are light: no script at all, one stylesheet, and HTML plus CSS within 14 KB as
 * they travel compressed (the first TCP round trip), in every shipped language. The pages are the
 * resident pages of the registry (tests/support/pages.ts), form answers (error summaries) included.
 */
import { request as httpRequest } from "node:http";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SUPPORTED_LANGUAGES } from "~/i18n/config";
import { rawGet } from "../support/http";
import { RESIDENT_PAGES, prepareSite, withLanguage, type Site } from "../support/pages";
import { startServer, type TestServer } from "../support/server";

const BUDGET = 14 * 1024;

/** A request with gzip accepted, returning the bytes as they travel over the wire. */
function rawRequest(url: string, { method = "GET", body, cookie }: { method?: string; body?: string; cookie?: string }) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; wire: Buffer; text: string }>((resolve, reject) => {
    const headers: Record<string, string> = { "accept-encoding": "gzip" };
    if (cookie) headers.cookie = cookie;
    if (body !== undefined) headers["content-type"] = "application/x-www-form-urlencoded";
    const req = httpRequest(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const wire = Buffer.concat(chunks);
        const text = res.headers["content-encoding"] === "gzip" ? gunzipSync(wire).toString("utf8") : wire.toString("utf8");
        resolve({ status: res.statusCode ?? 0, headers: res.headers, wire, text });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("page weight and scripts", () => {
  let server: TestServer;
  let site: Site;

  beforeAll(async () => {
    server = await startServer();
    site = await prepareSite(server);
  });
  afterAll(async () => {
    await site?.close();
    await server?.stop();
  });

  for (const lng of SUPPORTED_LANGUAGES) {
    it(`keeps every resident page in ${lng} script-free and within 14 KB compressed`, async () => {
      const report: string[] = [];
      for (const p of RESIDENT_PAGES) {
        const name = p.name;
        await p.before?.(site);
        const cookie = [...site.clients[p.session].cookies].map(([k, v]) => `${k}=${v}`).join("; ");
        const body = p.post ? new URLSearchParams(await p.post(site)).toString() : undefined;
        const res = await rawRequest(site.url + withLanguage(p.path(site), lng), { method: p.post ? "POST" : "GET", body, cookie: cookie || undefined });
        expect(res.status, name).toBe(p.status);
        expect(res.headers["content-encoding"], `${name} is compressed`).toBe("gzip");
        expect(res.text, `${name} has no script`).not.toMatch(/<script/i);
        expect(res.text, `${name} loads no font`).not.toMatch(/@font-face|\.woff/i);
        const styles = [...res.text.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]);
        expect(styles, `${name} has one stylesheet`).toHaveLength(1);
        const css = await rawGet(site.url + styles[0]);
        expect(css.headers["content-encoding"]).toBe("gzip");
        expect(css.headers["cache-control"]).toMatch(/immutable/);
        const total = res.wire.length + css.wire.length;
        report.push(`${name}: ${res.wire.length} + ${css.wire.length} = ${total} bytes`);
        expect(total, `${name} weighs ${total} bytes`).toBeLessThanOrEqual(BUDGET);
      }
      console.log(`[page weight ${lng}]\n  ${report.join("\n  ")}`);
    });
  }
});
