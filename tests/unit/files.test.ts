/** Files are recognised by their bytes (type and completeness), and uploaded names are cleaned. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cleanFileName, detectFile } from "~/modules/files/detect.server";
import { DOCX, JPEG, MP4, ODT, PNG, WEBM, WEBP, pdfOf } from "../support/files";

const dir = mkdtempSync(join(tmpdir(), "teilhabe-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const detect = (bytes: Buffer) => {
  const path = join(dir, `f${n++}`);
  writeFileSync(path, bytes);
  return detectFile(path);
};

describe("detectFile", () => {
  it("recognises each accepted kind by its bytes", async () => {
    expect(await detect(pdfOf(2000))).toMatchObject({ ok: true, kind: "pdf", mediaType: "application/pdf" });
    expect(await detect(PNG)).toMatchObject({ ok: true, kind: "png" });
    expect(await detect(JPEG)).toMatchObject({ ok: true, kind: "jpeg" });
    expect(await detect(WEBP)).toMatchObject({ ok: true, kind: "webp", mediaType: "image/webp" });
    expect(await detect(ODT)).toMatchObject({ ok: true, kind: "odt" });
    expect(await detect(DOCX)).toMatchObject({ ok: true, kind: "docx" });
    expect(await detect(MP4)).toMatchObject({ ok: true, kind: "mp4", mediaType: "video/mp4" });
    expect(await detect(WEBM)).toMatchObject({ ok: true, kind: "webm", mediaType: "video/webm" });
  });

  it("refuses empty files, unknown bytes and files of other types", async () => {
    expect(await detect(Buffer.alloc(0))).toEqual({ ok: false, problem: "empty" });
    expect(await detect(Buffer.from("<html><script>alert(1)</script></html>"))).toEqual({ ok: false, problem: "unknown_type" });
    expect(await detect(Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00;", "latin1"))).toEqual({ ok: false, problem: "unknown_type" });
  });

  it("refuses files cut off before their end marker", async () => {
    const pdf = pdfOf(5000);
    expect(await detect(pdf.subarray(0, 4000))).toEqual({ ok: false, problem: "truncated" });
    expect(await detect(PNG.subarray(0, PNG.length - 12))).toEqual({ ok: false, problem: "truncated" });
    expect(await detect(JPEG.subarray(0, JPEG.length - 2))).toEqual({ ok: false, problem: "truncated" });
    expect(await detect(ODT.subarray(0, ODT.length - 22))).toEqual({ ok: false, problem: "truncated" });
    expect(await detect(WEBP.subarray(0, WEBP.length - 4))).toEqual({ ok: false, problem: "truncated" });
    // a RIFF header that claims less than the file holds is no complete WebP either
    expect(await detect(Buffer.concat([WEBP, Buffer.alloc(64)]))).toEqual({ ok: false, problem: "truncated" });
  });

  it("refuses videos whose container sizes do not reach the file's end (cut off), or without a movie box", async () => {
    expect(await detect(MP4.subarray(0, MP4.length - 100))).toEqual({ ok: false, problem: "truncated" });
    expect(await detect(Buffer.concat([MP4, Buffer.from("junk")]))).toEqual({ ok: false, problem: "truncated" });
    expect(await detect(WEBM.subarray(0, WEBM.length - 1))).toEqual({ ok: false, problem: "truncated" });
    const noMovie = Buffer.from(MP4);
    noMovie.write("free", MP4.indexOf("moov"), "latin1");
    expect(await detect(noMovie)).toEqual({ ok: false, problem: "truncated" });
  });
});

describe("cleanFileName", () => {
  it("drops paths, keeping only the last part, and ends in the kind's extension", () => {
    expect(cleanFileName("../../etc/passwd", "pdf")).toBe("passwd.pdf");
    expect(cleanFileName("C:\\Users\\amt\\Entwurf Plan.docx", "docx")).toBe("Entwurf Plan.docx");
    expect(cleanFileName("bild.exe", "png")).toBe("bild.png");
  });
  it("removes control and direction characters (an RLO cannot disguise the extension)", () => {
    const name = cleanFileName("rechnung\u202Efdp.exe", "pdf");
    expect(name).toBe("rechnungfdp.pdf");
    expect(cleanFileName("a\u0000b\u200Fc\u2066d\n.pdf", "pdf")).toBe("abcd.pdf");
  });
  it("falls back to a neutral name and keeps names short", () => {
    expect(cleanFileName("\u202E/..", "pdf")).toBe("dokument.pdf");
    expect(cleanFileName("x".repeat(500), "pdf")).toHaveLength(124);
  });
});
