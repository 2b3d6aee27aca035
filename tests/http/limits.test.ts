/**
 * Request limits against the production server: slow clients (headers or body sent byte by byte)
 * are cut off and cannot hold the server; bodies are capped whatever their content type or
 * transfer encoding; forms have a cap on fields; oversized headers are refused. Nothing is stored.
 */
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { Client, textOf } from "../support/http";
import { startServer, type TestServer } from "../support/server";

const PROCEDURE = "/musterstadt/verfahren/radverkehrsplan-2030";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Trickle {
  /** bytes the client managed to send before the server closed the connection */
  sent: number;
  total: number;
  closedByServer: boolean;
  answer: string;
}

/** Sends `head` at once, then `slow` one byte every `everyMs`, until done or the server closes. */
async function trickle(url: string, head: string, slow: string, everyMs = 200): Promise<Trickle> {
  const { hostname, port } = new URL(url);
  const socket: Socket = connect(Number(port), hostname);
  await new Promise((resolve) => socket.once("connect", resolve));
  let answer = "";
  let closed = false;
  socket.on("data", (d) => (answer += d.toString()));
  socket.on("error", () => {});
  socket.once("close", () => (closed = true));
  socket.write(head);
  let sent = 0;
  for (const byte of slow) {
    if (closed || socket.destroyed) break;
    await sleep(everyMs);
    if (closed || socket.destroyed) break;
    socket.write(byte);
    sent++;
  }
  const closedByServer = closed;
  socket.destroy();
  return { sent, total: slow.length, closedByServer, answer };
}

describe("request limits", () => {
  let server: TestServer;
  let h: DatabaseHandle;
  const count = async (table: "submissions" | "submission_drafts") =>
    Number((await h.db.selectFrom(table).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    server = await startServer({ env: { HEADERS_TIMEOUT_MS: "2000", REQUEST_TIMEOUT_MS: "4000", JOBS_INTERVAL_MS: "0" } });
    h = openDatabase(server.database.url);
  });
  afterAll(async () => {
    await h?.close();
    await server?.stop();
  });

  it("disconnects a client that sends its headers byte by byte (slow loris), and keeps serving others", async () => {
    const host = new URL(server.url).host;
    // 100 bytes at 5 per second would take 20 s
    const slow = trickle(server.url, `GET ${PROCEDURE} HTTP/1.1\r\nHost: ${host}\r\n`, `X-Slow: ${"a".repeat(90)}\r\n\r\n`);
    // meanwhile, others are served
    await sleep(300);
    expect((await new Client(server.url).get(PROCEDURE)).status).toBe(200);
    const result = await slow;
    expect(result.closedByServer).toBe(true);
    expect(result.sent).toBeLessThan(result.total);
    expect(result.answer).toMatch(/^(HTTP\/1\.1 408|$)/);
  });

  it("cuts off a client that sends a form body slowly; nothing is stored", async () => {
    const before = [await count("submissions"), await count("submission_drafts")];
    const host = new URL(server.url).host;
    const body = new URLSearchParams([["q1", "Ganz langsam getippt. ".repeat(4)], ["q3", "bike"], ["q5", "3"]]).toString();
    const head = `POST ${PROCEDURE} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
    const result = await trickle(server.url, head, body);
    expect(result.closedByServer).toBe(true);
    expect(result.sent).toBeLessThan(result.total);
    expect(result.answer).not.toMatch(/^HTTP\/1\.1 (5\d\d|303)/);
    expect([await count("submissions"), await count("submission_drafts")]).toEqual(before);
    expect((await new Client(server.url).get(PROCEDURE)).status).toBe(200);
  });

  it("refuses a body larger than the limit, declared or streamed in chunks, with a page in the reader's language", async () => {
    const before = [await count("submissions"), await count("submission_drafts")];
    const big = `q1=${"x".repeat(300 * 1024)}`;
    const declared = await new Client(server.url, { "accept-language": "en" }).post(PROCEDURE, big);
    expect(declared.status).toBe(413);
    expect(await declared.text()).toContain('<html lang="en"');
    // chunked: no Content-Length, the server counts as it reads
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 40; i++) controller.enqueue(new TextEncoder().encode(i === 0 ? "q1=" : "x".repeat(16 * 1024)));
        controller.close();
      },
    });
    const streamed = await fetch(server.url + PROCEDURE, {
      method: "POST",
      body: chunks,
      headers: { "content-type": "application/x-www-form-urlencoded", "accept-language": "de" },
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(textOf(await streamed.text())).toContain("Ihre Angaben sind zu groß");
    expect([await count("submissions"), await count("submission_drafts")]).toEqual(before);
  });

  it("refuses JSON, multipart and other bodies on every kind of form, never with a 5xx; a form gets 415", async () => {
    const targets = [PROCEDURE, `${PROCEDURE}/pruefen`, "/musterstadt/beitrag", "/musterstadt/beitrag/loeschen", "/anmelden", "/anmelden/code", "/musterstadt/verwaltung/konten", `${PROCEDURE}/daten.csv`, "/healthz", "/einladung/abcdefghijklmnopqrstuvwxyz"];
    const bodies: [string, string][] = [
      ["application/json", JSON.stringify({ q1: "Hallo", q3: "bike", q5: "3" })],
      ["multipart/form-data; boundary=x", '--x\r\nContent-Disposition: form-data; name="q1"\r\n\r\nHallo\r\n--x--\r\n'],
      ["text/plain", "q1=Hallo"],
      ["application/xml", "<q1>Hallo</q1>"],
    ];
    const before = [await count("submissions"), await count("submission_drafts")];
    for (const target of targets) {
      for (const [type, body] of bodies) {
        const res = await fetch(server.url + target, { method: "POST", body, headers: { "content-type": type }, redirect: "manual" });
        // refused (4xx), or sent to sign in / look up first (303): never accepted, never a crash
        expect(res.status === 303 || (res.status >= 400 && res.status < 500), `${type} to ${target}: ${res.status}`).toBe(true);
        await res.arrayBuffer();
      }
    }
    const json = await fetch(server.url + PROCEDURE, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    expect(json.status).toBe(415);
    expect([await count("submissions"), await count("submission_drafts")]).toEqual(before);
  });

  it("caps the number of form fields", async () => {
    const before = [await count("submissions"), await count("submission_drafts")];
    const fields: [string, string][] = [["q1", "Viele Felder"], ["q3", "bike"], ["q5", "3"]];
    for (let i = 0; i < 400; i++) fields.push(["q4", "safety"]);
    const res = await new Client(server.url).post(PROCEDURE, fields);
    expect(res.status).toBe(400);
    expect(textOf(await res.text())).toContain("Das Formular enthielt zu viele Angaben.");
    expect([await count("submissions"), await count("submission_drafts")]).toEqual(before);
  });

  it("refuses oversized headers with 431; many small headers do not break a page", async () => {
    const huge = await fetch(server.url + PROCEDURE, { headers: { "x-padding": "p".repeat(20 * 1024) } });
    expect(huge.status).toBe(431);
    const many: Record<string, string> = {};
    for (let i = 0; i < 500; i++) many[`x-h${i}`] = "1";
    const res = await fetch(server.url + PROCEDURE, { headers: many });
    expect(res.status).toBe(200);
  });
});
