/**
 * Requests that change something (form POSTs) reach Remix without Express (decision 26). What a
 * resident and an operator rely on must not differ from a page served through Express: the page
 * with mistakes comes compressed as asked and in the reader's language, with the security headers;
 * the request is logged and counted under its route; behind a trusted proxy, limits count the
 * client's address from X-Forwarded-For, not the proxy's.
 */
import { request as httpRequest } from "node:http";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "../support/http";
import { startServer, type TestServer } from "../support/server";

const PROCEDURE = "/musterstadt/verfahren/radverkehrsplan-2030";

/** A raw POST: the bytes as they travel, decoded as the Content-Encoding says. */
function rawPost(url: string, body: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; wire: Buffer; text: string }>((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const wire = Buffer.concat(chunks);
        const encoding = res.headers["content-encoding"];
        const text = (encoding === "gzip" ? gunzipSync(wire) : encoding === "br" ? brotliDecompressSync(wire) : wire).toString("utf8");
        resolve({ status: res.statusCode ?? 0, headers: res.headers, wire, text });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("form posts", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ env: { TRUST_PROXY: "loopback" } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("answer a form with mistakes compressed as the browser asks, in its language, with the security headers", async () => {
    for (const [encoding, lng, heading] of [
      ["gzip", "de", "Bitte prüfen Sie Ihre Angaben"],
      ["br", "en", "There is a problem"],
    ] as const) {
      const res = await rawPost(server.url + PROCEDURE, "q1=", { "accept-encoding": encoding, "accept-language": lng });
      expect(res.status).toBe(400);
      expect(res.headers["content-encoding"]).toBe(encoding);
      expect(String(res.headers.vary)).toContain("Accept-Encoding");
      expect(res.headers["content-language"]).toBe(lng);
      expect(res.headers["content-security-policy"]).toContain("script-src 'none'");
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.wire.length).toBeLessThan(res.text.length / 2);
      expect(res.text).toContain(heading);
    }
    // without Accept-Encoding: plain
    const plain = await rawPost(server.url + PROCEDURE, "q1=", { "accept-language": "de" });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.text).toContain("Bitte prüfen Sie Ihre Angaben");
  });

  it("are logged and counted under their route, never with their path's values", async () => {
    const res = await new Client(server.url).post(`${PROCEDURE}/pruefen`, []);
    expect(res.status).toBe(404); // no draft in this browser
    // the access log is written when the response has gone out, in one write per turn of the event loop
    const requestLines = () =>
      server
        .logs()
        .split("\n")
        .filter((l) => l.includes('"event":"request"') && l.includes('"method":"POST"'))
        .map((l) => JSON.parse(l));
    for (let i = 0; i < 40 && !requestLines().some((l) => l.route.endsWith("/pruefen")); i++) await new Promise((r) => setTimeout(r, 50));
    expect(requestLines()).toContainEqual(expect.objectContaining({ method: "POST", route: "/:org/verfahren/:slug/pruefen", status: 404 }));
    expect(server.logs()).not.toContain("radverkehrsplan-2030/pruefen");
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/teilhabe_http_requests_total\{method="POST",route="\/:org\/verfahren\/:slug\/pruefen",status="4xx"\} [1-9]/);
  });

  it("count a limit per client behind a trusted proxy: one address refused, another still served", async () => {
    // the receipt-code look-up allows a few wrong codes per address and then refuses
    const lookUp = (address: string) =>
      rawPost(`${server.url}/musterstadt/beitrag`, "code=AAAA-BBBB-CCCC-D", { "x-forwarded-for": address, "accept-language": "de" });
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await lookUp("198.51.100.7")).status);
    expect(statuses).toContain(429);
    expect((await lookUp("198.51.100.8")).status).not.toBe(429);
  });
});
