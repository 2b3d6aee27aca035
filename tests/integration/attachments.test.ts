/**
 * Attachments (issue 20) below the HTTP layer: what a file must pass (type from its bytes, complete,
 * not a polyglot, within the pixel limit), that images are drawn again without their metadata, that
 * the stored bytes are encrypted and come back whole, that a draft's files follow it into the
 * submission with a privacy-log event, and that deleting the personal data deletes them (SQLite, and
 * PostgreSQL with TEST_DATABASE_URL). The malware hook is tested against a real clamd
 * (tests/support/clamd.ts) with the EICAR test signature.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32, deflateSync } from "node:zlib";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { seedDemoIfEmpty } from "#db/seed";
import {
  attachDraftFiles,
  deleteSubmissionAttachments,
  findAttachment,
  listDraftAttachments,
  listSubmissionAttachments,
  moveDraftAttachments,
  removeDraftAttachment,
  storeAttachment,
  sweepUnsentAttachments,
} from "~/modules/attachments/attachments.server";
import { prepareAttachment } from "~/modules/attachments/inspect.server";
import { parseReply, scanFile } from "~/modules/attachments/scan.server";
import type { SpooledFile } from "~/modules/http/multipart.server";
import { findOrganisationBySlug } from "~/modules/organisations/organisations.server";
import { readPrivacyLog } from "~/modules/privacy-log/privacy-log.server";
import { findPublicProcedure } from "~/modules/procedures/procedures.server";
import type { Procedure } from "~/modules/procedures/procedure";
import { saveDraft, submitDraft } from "~/modules/submissions/drafts.server";
import { createSubmission } from "~/modules/submissions/submissions.server";
import { personalDataDeletionDate } from "~/modules/procedures/procedure";
import { countOverdue, runRetention } from "~/modules/privacy/retention.server";
import { describeSubmission, requestErasure, withdrawSubmission } from "~/modules/privacy/rights.server";
import { validateSubmission } from "~/modules/submissions/validation";
import { CLAMD_MISSING, EICAR, clamdBinary, startClamd, type RunningClamd } from "../support/clamd";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";
import { projectRoot } from "../support/server";
import { generateKeySpec, parseKeyRing } from "~/modules/privacy/contact-crypto.server";
import { reencryptAll } from "~/modules/privacy/key-rotation.server";
import { resetKeyRing } from "~/modules/privacy/keys.server";
import { pdfOf, zipOf } from "../support/files";

const dir = mkdtempSync(join(tmpdir(), "teilhabe-attachments-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function spooled(bytes: Buffer, fileName: string): SpooledFile {
  const path = join(dir, `upload-${++n}`);
  writeFileSync(path, bytes);
  return { field: "attachments", path, size: bytes.length, fileName, declaredType: "application/octet-stream" };
}

async function read(stream: ReadableStream<Uint8Array>) {
  const parts: Uint8Array[] = [];
  for await (const part of stream as unknown as AsyncIterable<Uint8Array>) parts.push(part);
  return Buffer.concat(parts);
}

/** A photo as a phone makes it: EXIF with the camera's owner and GPS position. */
const photo = () =>
  sharp({ create: { width: 640, height: 480, channels: 3, background: "#3a7d44" } })
    .jpeg()
    .withExif({ IFD0: { Artist: "Anna Beispiel", Copyright: "Anna" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "52/1 31/1 0/1", GPSLongitudeRef: "E", GPSLongitude: "13/1 24/1 0/1" } })
    .toBuffer();

/** A PNG that claims 30 000 × 30 000 pixels (900 megapixels) in a few bytes: a decompression bomb. */
function pngBomb(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(30_000, 0);
  ihdr.writeUInt32BE(30_000, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(Buffer.alloc(30_001 * 4))), chunk("IEND", Buffer.alloc(0))]);
}

describe("what an attachment must pass", () => {
  it("re-encodes a photo: a fresh JPEG without EXIF or GPS, the orientation applied, a thumbnail", async () => {
    const original = await photo();
    expect((await sharp(original).metadata()).exif).toBeDefined();
    const result = await prepareAttachment(spooled(original, "IMG_0001.JPG"), null);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const stored = await sharp(result.prepared.path).metadata();
    expect(stored.format).toBe("jpeg");
    expect(stored.exif).toBeUndefined();
    expect(stored.icc).toBeUndefined();
    expect(stored.xmp).toBeUndefined();
    expect({ width: stored.width, height: stored.height }).toEqual({ width: 640, height: 480 });
    expect(result.prepared.name).toBe("IMG_0001.jpg");
    expect(result.prepared.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await sharp(result.prepared.thumbPath!).metadata()).width).toBe(320);
    await result.cleanup();
  });

  it("turns WebP into JPEG and keeps PNG as PNG", async () => {
    const webp = await sharp({ create: { width: 50, height: 40, channels: 3, background: "#123456" } }).webp().toBuffer();
    const png = await sharp({ create: { width: 50, height: 40, channels: 4, background: "#12345680" } }).png().toBuffer();
    const a = await prepareAttachment(spooled(webp, "bild.webp"), null);
    const b = await prepareAttachment(spooled(png, "plan.png"), null);
    expect(a.ok && a.prepared.kind).toBe("jpeg");
    expect(a.ok && a.prepared.name).toBe("bild.jpg");
    expect(b.ok && b.prepared.kind).toBe("png");
    if (a.ok) await a.cleanup();
    if (b.ok) await b.cleanup();
  });

  it("keeps a PDF as it is, with a clean name", async () => {
    const pdf = pdfOf(4000);
    const result = await prepareAttachment(spooled(pdf, "../../etc/Brief\u202Efdp.exe"), null);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.prepared).toMatchObject({ kind: "pdf", mediaType: "application/pdf", byteSize: pdf.length, thumbPath: null });
    expect(result.prepared.name).toBe("Brieffdp.pdf");
  });

  it("refuses empty, unknown, cut-off, polyglot and bomb files, each with its reason", async () => {
    const jpeg = await photo();
    const cases: [string, Buffer, string][] = [
      ["zero bytes", Buffer.alloc(0), "empty"],
      ["a text file named .png", Buffer.from("Hallo, ich bin kein Bild.\n"), "unknown_type"],
      ["HTML named .jpg", Buffer.from("<!doctype html><script>alert(1)</script>"), "unknown_type"],
      ["a cut-off JPEG", jpeg.subarray(0, Math.floor(jpeg.length / 2)), "truncated"],
      ["a cut-off PDF", pdfOf(3000).subarray(0, 2000), "truncated"],
      ["a JPEG that is also HTML", Buffer.concat([jpeg.subarray(0, 20), Buffer.from("<html><script>alert(document.cookie)</script></html>"), jpeg.subarray(20)]), "polyglot"],
      ["a JPEG that is also a ZIP", Buffer.concat([jpeg, zipOf([["a.txt", "x"]])]), "polyglot"],
      ["a PDF that is also a ZIP", Buffer.concat([pdfOf(2000), zipOf([["a.txt", "x"]]), Buffer.from("\n%%EOF\n")]), "polyglot"],
      // markup in capitals, split between two of the 64 KiB pieces the check reads
      ["a PDF with <SCRIPT> across a read boundary", (() => {
        const pdf = pdfOf(200_000, 4);
        return Buffer.concat([pdf.subarray(0, 65_536 - 3), Buffer.from("<SCRIPT>"), pdf.subarray(65_536 - 3)]);
      })(), "polyglot"],
      ["a decompression bomb", pngBomb(), "too_many_pixels"],
      ["a JPEG with broken data", Buffer.concat([jpeg.subarray(0, 200), Buffer.alloc(2000, 0x11), Buffer.from([0xff, 0xd9])]), "unreadable"],
    ];
    const outcomes = [];
    for (const [what, bytes] of cases) {
      const result = await prepareAttachment(spooled(bytes, "datei.png"), null);
      outcomes.push([what, result.ok ? "accepted" : result.problem]);
    }
    expect(outcomes).toEqual(cases.map(([what, , problem]) => [what, problem]));
  });
});

describe("the malware-scanning hook (clamd INSTREAM)", () => {
  const binary = clamdBinary();
  if (!binary) {
    // loud, not silent: the run says what to install
    it("needs a real clamd", () => {
      throw new Error(CLAMD_MISSING);
    });
    return;
  }
  let clamd: RunningClamd;
  beforeAll(async () => {
    clamd = await startClamd(binary);
  }, 90_000);
  afterAll(async () => {
    await clamd?.stop();
  });

  it("passes a clean file, finds the EICAR test file, and refuses it in an upload", async () => {
    const clean = spooled(pdfOf(300_000), "brief.pdf");
    expect(await scanFile(clean.path, clamd.url)).toEqual({ verdict: "clean" });
    const infected = spooled(EICAR, "eicar.com");
    expect(await scanFile(infected.path, clamd.url)).toEqual({ verdict: "infected", signature: expect.stringMatching(/^Eicar-Test-/) });
    // inside a file that passes every other check (a PDF): refused by the scanner's verdict
    const pdfWithEicar = spooled(Buffer.concat([pdfOf(5000).subarray(0, 200), EICAR, pdfOf(5000).subarray(200)]), "brief.pdf");
    expect(await prepareAttachment(pdfWithEicar, clamd.url)).toEqual({ ok: false, problem: "infected" });
    expect((await prepareAttachment(clean, clamd.url)).ok).toBe(true);
  });

  it("says 'unavailable' when the daemon cannot be reached (the upload is refused, not let through)", async () => {
    const file = spooled(pdfOf(2000), "a.pdf");
    const result = await scanFile(file.path, "tcp://127.0.0.1:9");
    expect(result.verdict).toBe("unavailable");
    expect(await prepareAttachment(file, "tcp://127.0.0.1:9")).toEqual({ ok: false, problem: "scan_unavailable" });
  });

  it("reads clamd's replies", () => {
    expect(parseReply("stream: OK\0")).toEqual({ verdict: "clean" });
    expect(parseReply("stream: Win.Test.EICAR_HDB-1 FOUND\0")).toEqual({ verdict: "infected", signature: "Win.Test.EICAR_HDB-1" });
    expect(parseReply("INSTREAM size limit exceeded. ERROR\0").verdict).toBe("unavailable");
  });
});

describe.each(engines)("stored attachments (%s)", (engine) => {
  let database: TestDatabase;
  let h: DatabaseHandle;
  let procedure: Procedure;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    h = openDatabase(database.url);
    await migrateToLatest(h.db);
    await seedDemoIfEmpty(h.db);
    const org = await findOrganisationBySlug(h.db, "musterstadt");
    procedure = (await findPublicProcedure(h.db, org!.id, "radverkehrsplan-2030"))!;
  });
  afterAll(async () => {
    await h?.close();
    await database?.drop();
  });

  const owner = (draftId: string) => ({ organisationId: procedure.organisationId, procedureId: procedure.id, source: "resident" as const, draftId });

  it("keeps a draft's files encrypted, moves them into the submission with a log event, and deletes them with the personal data", async () => {
    const photoResult = await prepareAttachment(spooled(await photo(), "Foto vom Radweg.jpg"), null);
    const pdfResult = await prepareAttachment(spooled(pdfOf(600_000, 3), "Brief.pdf"), null);
    if (!photoResult.ok || !pdfResult.ok) throw new Error("test files refused");
    const early = "draft-before-the-first-save-000";
    const photoToken = await storeAttachment(h.db, photoResult.prepared, owner(early));
    const pdfToken = await storeAttachment(h.db, pdfResult.prepared, owner(early));
    const extraToken = await storeAttachment(h.db, pdfResult.prepared, owner(early));
    await photoResult.cleanup();

    // at rest: neither the name nor the bytes in the clear
    const row = await h.db.selectFrom("attachments").selectAll().where("token", "=", pdfToken).executeTakeFirstOrThrow();
    expect(row.name_sealed).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain("Brief");
    const firstChunk = await h.db.selectFrom("file_chunks").select("data").where("blob_id", "=", row.blob_id).where("seq", "=", 0).executeTakeFirstOrThrow();
    expect(Buffer.from(firstChunk.data).subarray(0, 8).toString("latin1")).not.toBe("%PDF-1.7");

    expect(await removeDraftAttachment(h.db, procedure.id, early, extraToken)).toBe(true);
    expect(await removeDraftAttachment(h.db, procedure.id, "someone-elses-draft", photoToken)).toBe(false);

    const q = procedure.questions;
    const input = validateSubmission(
      procedure,
      new Map([
        [`q${q[0].id}`, ["Der Radweg am Bahnhof, siehe Foto."]],
        [`q${q[2].id}`, ["bike"]],
        [`q${q[3].id}`, ["safety"]],
        [`q${q[4].id}`, ["4"]],
      ]),
    );
    if (!input.ok) throw new Error("invalid");
    const draftId = await saveDraft(h.db, { draftId: null, procedureId: procedure.id, input: input.input, language: "de" });
    await moveDraftAttachments(h.db, procedure.id, early, draftId);
    expect((await listDraftAttachments(h.db, procedure.id, draftId)).map((a) => [a.name, a.kind])).toEqual([
      ["Foto vom Radweg.jpg", "jpeg"],
      ["Brief.pdf", "pdf"],
    ]);
    const { submissionId } = await submitDraft(h.db, { draftId, procedure });
    expect(await listDraftAttachments(h.db, procedure.id, draftId)).toEqual([]);
    // deleted on the day the submission's contact data are
    const dates = await h.db.selectFrom("attachments").select("delete_after").where("submission_id", "=", submissionId).execute();
    expect(dates.map((d) => d.delete_after)).toEqual([personalDataDeletionDate(procedure), personalDataDeletionDate(procedure)]);
    const files = await listSubmissionAttachments(h.db, submissionId);
    expect(files.map((f) => f.token)).toEqual([photoToken, pdfToken]);

    const download = await findAttachment(h.db, procedure.organisationId, pdfToken);
    expect(download).toMatchObject({ fileName: "Brief.pdf", mediaType: "application/pdf", submissionId });
    expect((await read(download!.read())).equals(pdfOf(600_000, 3))).toBe(true);
    const thumb = await findAttachment(h.db, procedure.organisationId, photoToken, true);
    expect((await sharp(await read(thumb!.read())).metadata()).width).toBe(320);
    expect(await findAttachment(h.db, procedure.organisationId + 999, pdfToken)).toBeUndefined();

    let log = await readPrivacyLog(h.db, submissionId);
    expect(log.events.filter((e) => e.type === "attachment_stored").map((e) => e.details)).toEqual([{ count: 2, source: "resident" }]);

    const blobIds = (await h.db.selectFrom("attachments").select(["blob_id", "thumb_blob_id"]).where("submission_id", "=", submissionId).execute()).flatMap((r) => [r.blob_id, r.thumb_blob_id]).filter((id) => id !== null);
    await h.db.transaction().execute((trx) =>
      deleteSubmissionAttachments(trx, { organisationId: procedure.organisationId, submissionId }, "request", { role: "resident" }, "Art. 17 DSGVO"),
    );
    expect(await listSubmissionAttachments(h.db, submissionId)).toEqual([]);
    expect(await h.db.selectFrom("file_chunks").select("blob_id").where("blob_id", "in", blobIds as number[]).execute()).toEqual([]);
    log = await readPrivacyLog(h.db, submissionId);
    expect(log.events.at(-1)).toMatchObject({ type: "attachment_deleted", details: { count: 2, reason: "request" } });
    expect(log.check.intact).toBe(true);
  });

  it("sweeps the files of drafts never sent after a day", async () => {
    const pdfResult = await prepareAttachment(spooled(pdfOf(5000), "a.pdf"), null);
    if (!pdfResult.ok) throw new Error("refused");
    const t0 = new Date("2026-12-01T10:00:00Z");
    await storeAttachment(h.db, pdfResult.prepared, owner("never-sent-draft-00001"), t0);
    expect(await sweepUnsentAttachments(h.db, new Date(t0.getTime() + 60 * 60_000))).toBe(0);
    expect(await sweepUnsentAttachments(h.db, new Date(t0.getTime() + 25 * 60 * 60_000))).toBe(1);
    expect(await listDraftAttachments(h.db, procedure.id, "never-sent-draft-00001")).toEqual([]);
  });

  it("`npm run keys:rotate` re-seals each file's name and keys with the new key: the files still open, and the old key is no longer needed", async () => {
    const submission = await h.db.selectFrom("submissions").select("id").where("procedure_id", "=", procedure.id).orderBy("id").executeTakeFirstOrThrow();
    const photoResult = await prepareAttachment(spooled(await photo(), "Radweg vorher.jpg"), null);
    const pdfResult = await prepareAttachment(spooled(pdfOf(300_000, 9), "Scan Brief.pdf"), null);
    if (!photoResult.ok || !pdfResult.ok) throw new Error("test files refused");
    const stored = { organisationId: procedure.organisationId, procedureId: procedure.id, source: "desk" as const, submissionId: Number(submission.id), legalBasis: "Art. 6 (1) e DSGVO" };
    const photoToken = await storeAttachment(h.db, photoResult.prepared, stored);
    const pdfToken = await storeAttachment(h.db, pdfResult.prepared, stored);
    await photoResult.cleanup();
    const rows = () => h.db.selectFrom("attachments").select(["token", "name_sealed", "key_sealed", "thumb_key_sealed", "blob_id"]).where("token", "in", [photoToken, pdfToken]).orderBy("id").execute();
    const before = await rows();
    const open = async () => {
      const pdf = await findAttachment(h.db, procedure.organisationId, pdfToken);
      const image = await findAttachment(h.db, procedure.organisationId, photoToken);
      const thumb = await findAttachment(h.db, procedure.organisationId, photoToken, true);
      return {
        names: [image!.fileName, pdf!.fileName],
        pdf: await read(pdf!.read()),
        imageWidth: (await sharp(await read(image!.read())).metadata()).width,
        thumbWidth: (await sharp(await read(thumb!.read())).metadata()).width,
      };
    };
    const expected = { names: ["Radweg vorher.jpg", "Scan Brief.pdf"], pdf: pdfOf(300_000, 9), imageWidth: 640, thumbWidth: 320 };
    expect(await open()).toEqual(expected);

    const oldSpec = process.env.CONTACT_DATA_KEYS!;
    const newSpec = generateKeySpec("filesrotated");
    try {
      const cli = spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/rotate-keys.ts"], {
        cwd: projectRoot,
        env: { ...process.env, DATABASE_URL: database.url, CONTACT_DATA_KEYS: `${newSpec},${oldSpec}` },
        encoding: "utf8",
      });
      expect(cli.stderr).toBe("");
      expect(cli.status).toBe(0);
      expect(cli.stdout).toMatch(/Re-encrypted with key "filesrotated": .*\b2 attached files/);
      const after = await rows();
      for (const row of after) {
        expect(row.name_sealed).toMatch(/^v1\.filesrotated\./);
        expect(row.key_sealed).toMatch(/^v1\.filesrotated\./);
      }
      expect(after[0].thumb_key_sealed).toMatch(/^v1\.filesrotated\./);
      expect(after[1].thumb_key_sealed).toBeNull();
      // the keys are re-wrapped, the stored bytes untouched
      expect(after.map((r) => r.blob_id)).toEqual(before.map((r) => r.blob_id));

      // only the new key: every file, its name and the thumbnail still open
      process.env.CONTACT_DATA_KEYS = newSpec;
      resetKeyRing();
      expect(await open()).toEqual(expected);
      // only the old key: nothing opens any more, it can be retired
      process.env.CONTACT_DATA_KEYS = oldSpec;
      resetKeyRing();
      await expect(open()).rejects.toThrow(/filesrotated/);
      // nothing left to do the second time
      expect((await reencryptAll(h.db, parseKeyRing(newSpec))).attachments).toBe(0);
    } finally {
      // back under the test key for the other tests
      await reencryptAll(h.db, parseKeyRing(`${oldSpec},${newSpec}`));
      process.env.CONTACT_DATA_KEYS = oldSpec;
      resetKeyRing();
    }
    expect(await open()).toEqual(expected);
  });
});


describe.each(engines)("attachments go with the personal data (%s)", (engine) => {
  let database: TestDatabase;
  let h: DatabaseHandle;
  let procedure: Procedure;
  let sequence = 0;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    h = openDatabase(database.url);
    await migrateToLatest(h.db);
    await seedDemoIfEmpty(h.db);
    const org = await findOrganisationBySlug(h.db, "musterstadt");
    procedure = (await findPublicProcedure(h.db, org!.id, "radverkehrsplan-2030"))!;
  });
  afterAll(async () => {
    await h?.close();
    await database?.drop();
  });

  /** A submission with a photo and a PDF (contact data optional), as the form leaves it. */
  async function submitWithFiles(contact: Record<string, string> = { email: "anna@example.org" }) {
    const { submissionId } = await h.db.transaction().execute((trx) =>
      createSubmission(trx, {
        procedure,
        input: { answers: [{ questionId: procedure.questions[0].id, values: ["Siehe Foto"] }], contact },
        channel: "online",
        language: "de",
        idempotencyKey: `files-${engine}-${++sequence}`,
      }),
    );
    const owner = { organisationId: procedure.organisationId, procedureId: procedure.id, source: "resident" as const, submissionId, deleteAfter: personalDataDeletionDate(procedure) };
    for (const [bytes, name] of [[await photo(), "foto.jpg"], [pdfOf(20_000), "brief.pdf"]] as const) {
      const checked = await prepareAttachment(spooled(bytes, name), null);
      if (!checked.ok) throw new Error(`refused: ${checked.problem}`);
      await storeAttachment(h.db, checked.prepared, owner);
      await checked.cleanup();
    }
    const blobIds = (await h.db.selectFrom("attachments").select(["blob_id", "thumb_blob_id"]).where("submission_id", "=", submissionId).execute())
      .flatMap((r) => [r.blob_id, r.thumb_blob_id])
      .filter((id): id is number => id !== null);
    expect(blobIds).toHaveLength(3); // photo, its thumbnail, the PDF
    return { submissionId, blobIds };
  }

  /** How many of these blobs still have a row or any chunk of bytes in the store. */
  const bytesLeft = async (blobIds: number[]) =>
    new Set([
      ...(await h.db.selectFrom("file_chunks").select("blob_id").where("blob_id", "in", blobIds).execute()).map((r) => r.blob_id),
      ...(await h.db.selectFrom("file_blobs").select("id").where("id", "in", blobIds).execute()).map((r) => r.id),
    ]).size;
  const lastEvents = async (submissionId: number, n: number) =>
    (await readPrivacyLog(h.db, submissionId)).events.slice(-n).map((e) => [e.type, e.actorRole, e.details.reason ?? null, e.details.count ?? null]);

  it("erasure deletes the files' bytes with the contact data, both in the privacy log", async () => {
    const { submissionId, blobIds } = await submitWithFiles();
    expect(await requestErasure(h.db, submissionId)).toEqual({ outcome: "deleted" });
    expect(await bytesLeft(blobIds)).toBe(0);
    expect(await listSubmissionAttachments(h.db, submissionId)).toEqual([]);
    expect(await lastEvents(submissionId, 3)).toEqual([
      ["erasure_requested", "resident", null, null],
      ["personal_data_deleted", "resident", "request", null],
      ["attachment_deleted", "resident", "request", 2],
    ]);
    expect((await readPrivacyLog(h.db, submissionId)).events.at(-3)?.categories).toEqual(["email", "attachment"]);
    expect(await requestErasure(h.db, submissionId)).toEqual({ outcome: "nothing_to_delete" });
  });

  it("erasure of a submission whose only personal data are its files deletes them (not 'nothing to delete')", async () => {
    const { submissionId, blobIds } = await submitWithFiles({});
    expect(await requestErasure(h.db, submissionId)).toEqual({ outcome: "deleted" });
    expect(await bytesLeft(blobIds)).toBe(0);
    expect(await lastEvents(submissionId, 1)).toEqual([["attachment_deleted", "resident", "request", 2]]);
    expect((await describeSubmission(h.db, submissionId)).personalDataDeletedAt).not.toBeNull();
  });

  it("withdrawal deletes the files", async () => {
    const { submissionId, blobIds } = await submitWithFiles();
    await withdrawSubmission(h.db, submissionId);
    expect(await bytesLeft(blobIds)).toBe(0);
    expect(await lastEvents(submissionId, 3)).toEqual([
      ["submission_withdrawn", "resident", null, null],
      ["personal_data_deleted", "resident", "withdrawal", null],
      ["attachment_deleted", "resident", "withdrawal", 2],
    ]);
  });

  it("a legal hold keeps the files until the procedure is concluded; then the retention job erases them", async () => {
    await h.db.updateTable("procedures").set({ erasure_hold: 1, erasure_hold_reason: "§ 3 Abs. 2 BauGB" }).where("id", "=", procedure.id).execute();
    procedure = (await findPublicProcedure(h.db, procedure.organisationId, procedure.slug))!;
    const { submissionId, blobIds } = await submitWithFiles({});
    expect(await requestErasure(h.db, submissionId)).toMatchObject({ outcome: "held" });
    await runRetention(h.db);
    expect(await bytesLeft(blobIds)).toBe(3);
    await h.db.updateTable("procedures").set({ status: "results_published" }).where("id", "=", procedure.id).execute();
    expect((await runRetention(h.db)).deletedOnRequest).toBeGreaterThanOrEqual(1);
    expect(await bytesLeft(blobIds)).toBe(0);
    expect(await lastEvents(submissionId, 1)).toEqual([["attachment_deleted", "system", "request", 2]]);
    await h.db.updateTable("procedures").set({ status: "open", erasure_hold: 0, erasure_hold_reason: "" }).where("id", "=", procedure.id).execute();
    procedure = (await findPublicProcedure(h.db, procedure.organisationId, procedure.slug))!;
  });

  it("the retention job deletes the files when their date has passed, and none before", async () => {
    const withContact = await submitWithFiles();
    const filesOnly = await submitWithFiles({});
    const due = new Date(new Date(personalDataDeletionDate(procedure)).getTime() + 1000);
    await runRetention(h.db, new Date(due.getTime() - 2 * 86400_000));
    expect(await bytesLeft([...withContact.blobIds, ...filesOnly.blobIds])).toBe(6);
    expect(await countOverdue(h.db, due)).toBeGreaterThanOrEqual(5); // 4 files and a contact record
    const result = await runRetention(h.db, due);
    expect(result.attachmentsByRetention).toBeGreaterThanOrEqual(2);
    expect(await countOverdue(h.db, due)).toBe(0);
    expect(await bytesLeft([...withContact.blobIds, ...filesOnly.blobIds])).toBe(0);
    expect(await lastEvents(withContact.submissionId, 2)).toEqual([
      ["personal_data_deleted", "system", "retention", null],
      ["attachment_deleted", "system", "retention", 2],
    ]);
    expect(await lastEvents(filesOnly.submissionId, 1)).toEqual([["attachment_deleted", "system", "retention", 2]]);
    expect((await readPrivacyLog(h.db, filesOnly.submissionId)).check.intact).toBe(true);
  });

  it("dates files sent before they carried a date by their procedure, and deletes them then", async () => {
    const { submissionId, blobIds } = await submitWithFiles({});
    await h.db.updateTable("attachments").set({ delete_after: null }).where("submission_id", "=", submissionId).execute();
    await runRetention(h.db);
    const dates = await h.db.selectFrom("attachments").select("delete_after").where("submission_id", "=", submissionId).execute();
    expect(dates.map((d) => d.delete_after)).toEqual([personalDataDeletionDate(procedure), personalDataDeletionDate(procedure)]);
    await runRetention(h.db, new Date(new Date(personalDataDeletionDate(procedure)).getTime() + 1000));
    expect(await bytesLeft(blobIds)).toBe(0);
  });
});
