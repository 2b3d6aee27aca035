import { describe, expect, it } from "vitest";
import { HttpError } from "~/modules/http/errors";
import { readForm } from "~/modules/http/form-body.server";

const post = (body: BodyInit | null, type = "application/x-www-form-urlencoded", headers: Record<string, string> = {}) =>
  new Request("http://localhost/x", { method: "POST", body, headers: { "content-type": type, ...headers }, duplex: "half" } as RequestInit);

async function failure(p: Promise<unknown>): Promise<{ status: number; reason: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof HttpError) return { status: e.status, reason: e.reason };
    throw e;
  }
  throw new Error("expected the form to be refused");
}

describe("reading a form body", () => {
  it("decodes fields, keeps repeated ones in order, and reads UTF-8", async () => {
    const form = await readForm(post("a=1&b=x+y&a=2&c=%C3%A4%F0%9F%98%80&d"));
    expect([...form]).toEqual([
      ["a", ["1", "2"]],
      ["b", ["x y"]],
      ["c", ["ä😀"]],
      ["d", [""]],
    ]);
  });

  it("refuses bodies over the size cap with 413, even without a Content-Length", async () => {
    expect(await failure(readForm(post("a=" + "x".repeat(2000)), { maxBytes: 1000 }))).toEqual({ status: 413, reason: "too_large" });
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode("a=" + "x".repeat(500) + "&"));
        c.close();
      },
    });
    expect(await failure(readForm(post(stream), { maxBytes: 1000 }))).toEqual({ status: 413, reason: "too_large" });
  });

  it("refuses other content types with 415", async () => {
    expect(await failure(readForm(post("{}", "application/json")))).toEqual({ status: 415, reason: "unsupported_media_type" });
    expect(await failure(readForm(post("a=1", "multipart/form-data; boundary=x")))).toEqual({
      status: 415,
      reason: "unsupported_media_type",
    });
  });

  it("refuses bytes that are not UTF-8 and broken percent escapes", async () => {
    expect(await failure(readForm(post("a=%FF%FE")))).toEqual({ status: 400, reason: "invalid_encoding" });
    expect(await failure(readForm(post("a=%ED%A0%80")))).toEqual({ status: 400, reason: "invalid_encoding" }); // a lone surrogate
    expect(await failure(readForm(post("a=%G1")))).toEqual({ status: 400, reason: "invalid_encoding" });
    expect(await failure(readForm(post(new Uint8Array([0x61, 0x3d, 0xff]))))).toEqual({ status: 400, reason: "invalid_encoding" });
  });

  it("refuses absurd numbers of fields", async () => {
    expect(await failure(readForm(post(Array.from({ length: 400 }, (_, i) => `f${i}=1`).join("&"))))).toEqual({
      status: 400,
      reason: "too_many_fields",
    });
  });
});
