/**
 * Resident pages are light: no script at all, one stylesheet, and HTML plus CSS within 14 KB as
 * they travel compressed (the first TCP round trip), in every language.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, rawGet } from "../support/http";
import { startServer, type TestServer } from "../support/server";

const BUDGET = 14 * 1024;
const PROCEDURE = "/musterstadt/verfahren/radverkehrsplan-2030";

describe("page weight and scripts", () => {
  let server: TestServer;
  const pages = new Map<string, { path: string; cookie?: string; method?: "POST"; body?: string }>();

  beforeAll(async () => {
    server = await startServer();
    // reach the check and confirmation pages the way a resident does
    const c = new Client(server.url);
    await c.post(PROCEDURE, [["q1", "Mehr Platz für Räder. ".repeat(100)], ["q3", "bike"], ["q4", "safety"], ["q5", "4"], ["contact_email", "anna@example.org"]]);
    const cookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    pages.set("procedure list", { path: "/musterstadt" });
    pages.set("procedure with form", { path: PROCEDURE });
    pages.set("survey", { path: "/musterstadt/verfahren/buergerhaushalt-2027" });
    pages.set("closed procedure", { path: "/musterstadt/verfahren/marktplatz" });
    pages.set("privacy notice", { path: `${PROCEDURE}/datenschutz` });
    pages.set("check your answers", { path: `${PROCEDURE}/pruefen`, cookie });
    pages.set("not found", { path: "/musterstadt/verfahren/gibt-es-nicht" });
    const sent = new Client(server.url);
    await sent.post(PROCEDURE, [["q1", "Text"], ["q3", "bike"], ["q5", "4"]]);
    await sent.post(`${PROCEDURE}/pruefen`, "");
    pages.set("confirmation", { path: `${PROCEDURE}/bestaetigung`, cookie: [...sent.cookies].map(([k, v]) => `${k}=${v}`).join("; ") });
  });
  afterAll(async () => server?.stop());

  for (const lng of ["de", "en", "ar"]) {
    it(`keeps every resident page in ${lng} script-free and within 14 KB compressed`, async () => {
      const report: string[] = [];
      for (const [name, page] of pages) {
        const sep = page.path.includes("?") ? "&" : "?";
        const res = await rawGet(`${server.url}${page.path}${sep}lng=${lng}`, page.cookie ? { cookie: page.cookie } : {});
        expect(res.status, name).toBeLessThan(500);
        expect(res.headers["content-encoding"], `${name} is compressed`).toBe("gzip");
        expect(res.text, `${name} has no script`).not.toMatch(/<script/i);
        expect(res.text, `${name} loads no font`).not.toMatch(/@font-face|\.woff/i);
        const styles = [...res.text.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]);
        expect(styles, `${name} has one stylesheet`).toHaveLength(1);
        const css = await rawGet(server.url + styles[0]);
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
