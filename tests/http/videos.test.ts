/**
 * Videos with captions (issue 17, decision 49) over HTTP against the production server, on SQLite
 * and (with TEST_DATABASE_URL) PostgreSQL: an admin adds a video with its WebVTT captions to a
 * procedure and a sign-language explanation to the home page; residents see a native player with
 * a <track> of captions, preload="none", and links to download both; the video answers byte ranges
 * like a document, the captions come as text/vtt. A video of the wrong bytes, or one without valid
 * captions, is refused with the reason and stores nothing; every change is audited.
 */
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { engines } from "../support/databases";
import { MP4, VTT, WEBM, pdfOf } from "../support/files";
import { Client, mainOf, textOf } from "../support/http";
import { startServer, type TestServer } from "../support/server";
import { DEMO, csrfOf, signIn } from "../support/staff";

const PUBLIC = "/musterstadt/verfahren/radverkehrsplan-2030";
const HOME = "/musterstadt";
const SIGN_LANGUAGE_ADMIN = "/musterstadt/verwaltung/gebaerdensprache";

describe.each(engines)("videos with captions (%s)", (engine) => {
  let server: TestServer;
  let h: DatabaseHandle;
  let admin: Client;
  let page: string;
  const resident = () => new Client(server.url);
  /** The page's HTML and stylesheets, gzip-compressed: the video itself is counted apart (preload="none" loads none of it). */
  const compressedWeight = async (html: string) => {
    let bytes = gzipSync(html).length;
    const sheets = [...html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]);
    expect(sheets.length).toBeGreaterThan(0);
    for (const href of sheets) bytes += gzipSync(await (await resident().get(href)).text()).length;
    return bytes;
  };

  beforeAll(async () => {
    server = await startServer({ engine, env: { JOBS_INTERVAL_MS: "0" } });
    h = openDatabase(server.database.url);
    const procedureId = Number((await h.db.selectFrom("procedures").select("id").where("slug", "=", "radverkehrsplan-2030").executeTakeFirstOrThrow()).id);
    page = `/musterstadt/verwaltung/verfahren/${procedureId}/dokumente`;
    admin = (await signIn(server.url, DEMO.admin)).client;
  }, 60_000);
  afterAll(async () => {
    if (process.env.SHOW_LOGS) console.log(server?.logs());
    await h?.close();
    await server?.stop();
  });

  const counts = async () => ({
    documents: Number((await h.db.selectFrom("documents").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n),
    videos: Number((await h.db.selectFrom("sign_language_videos").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n),
    blobs: Number((await h.db.selectFrom("file_blobs").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n),
  });

  async function addVideo(video: { bytes: Buffer; name: string } | null, captions: { bytes: Buffer; name: string } | null) {
    const form = new FormData();
    form.append("_csrf", csrfOf(await (await admin.get(page)).text()));
    form.append("intent", "add_video");
    form.append("video_title", "Der Entwurf in Gebärdensprache");
    form.append("video_description", "Eine Erklärung des Entwurfs.");
    form.append("video_summary", "Das Video erklärt die neuen Radwege.");
    if (video) form.append("video_file", new Blob([new Uint8Array(video.bytes)], { type: "video/mp4" }), video.name);
    if (captions) form.append("captions", new Blob([new Uint8Array(captions.bytes)], { type: "text/vtt" }), captions.name);
    return admin.fetch(page, { method: "POST", body: form });
  }

  it("refuses a video of the wrong bytes, one without captions and one whose captions are not WebVTT; nothing is stored", async () => {
    const before = await counts();
    const cases: [Parameters<typeof addVideo>, string][] = [
      [[{ bytes: pdfOf(3000), name: "erklaerung.mp4" }, { bytes: VTT, name: "de.vtt" }], "Die Datei ist kein MP4- oder WebM-Video"],
      [[{ bytes: MP4.subarray(0, MP4.length - 50), name: "erklaerung.mp4" }, { bytes: VTT, name: "de.vtt" }], "Die Datei ist unvollständig"],
      [[{ bytes: MP4, name: "erklaerung.mp4" }, null], "Ohne Untertitel wird kein Video veröffentlicht"],
      [[{ bytes: MP4, name: "erklaerung.mp4" }, { bytes: Buffer.from("1\n00:00:00,000 --> 00:00:02,000\nSRT, nicht WebVTT\n"), name: "de.vtt" }], "keine gültige WebVTT-Datei"],
      [[{ bytes: MP4, name: "erklaerung.mp4" }, { bytes: Buffer.from("WEBVTT\n\n00:00.000 --> 00:02.000\nGr\xfc\xdfe\n", "latin1"), name: "de.vtt" }], "nicht in UTF-8"],
      [[{ bytes: MP4, name: "erklaerung.mp4" }, { bytes: Buffer.from("WEBVTT\n\n"), name: "de.vtt" }], "enthält keine Untertitel"],
      [[{ bytes: MP4, name: "erklaerung.mp4" }, { bytes: Buffer.concat([VTT, Buffer.alloc(600 * 1024, "a")]), name: "de.vtt" }], "größer als 512 KB"],
    ];
    for (const [args, reason] of cases) {
      const res = await addVideo(...args);
      expect(res.status, reason).toBe(400);
      const main = textOf(mainOf(await res.text()));
      expect(main, reason).toContain(reason);
    }
    expect(await counts()).toEqual(before);
  });

  it("an admin adds a video with captions; residents get a native player with a <track>, the video in byte ranges and the captions as text/vtt", async () => {
    const before = await counts();
    const res = await addVideo({ bytes: MP4, name: "Erklärung.mp4" }, { bytes: VTT, name: "de.vtt" });
    expect(res.status).toBe(303);
    const id = Number(/dokument-(\d+)/.exec(res.headers.get("location")!)![1]);
    expect(await counts()).toEqual({ ...before, documents: before.documents + 1, blobs: before.blobs + 2 });

    const html = await (await resident().get(PUBLIC)).text();
    const video = /<video[^>]*>[\s\S]*?<\/video>/.exec(html)?.[0] ?? "";
    expect(video).toContain('preload="none"');
    expect(video).toMatch(/<video[^>]*\bcontrols\b/);
    expect(video).toContain(`src="${PUBLIC}/dokumente/${id}"`);
    expect(video).toMatch(new RegExp(`<track kind="captions" src="${PUBLIC}/dokumente/${id}/untertitel.vtt" srcLang="de" label="Deutsch" default=""`, "i"));
    expect(html).not.toMatch(/<script/i);
    expect(await compressedWeight(html)).toBeLessThanOrEqual(14 * 1024);
    const text = textOf(mainOf(html));
    expect(text).toContain("Der Entwurf in Gebärdensprache");
    // type and size in words, as for every document
    expect(text).toMatch(/Video herunterladen\s*:\s*Der Entwurf in Gebärdensprache\s*\(\s*MP4-Video, 1 kB\s*\)/);
    expect(text).toMatch(/Untertitel herunterladen\s*\(\s*Untertitel \(WebVTT\), \d+ Byte\s*\)/);
    expect(textOf(mainOf(await (await resident().get(`${PUBLIC}?lng=en`)).text()))).toContain("Download the captions");

    const whole = await resident().get(`${PUBLIC}/dokumente/${id}`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-type")).toBe("video/mp4");
    expect(whole.headers.get("x-content-type-options")).toBe("nosniff");
    expect(Buffer.from(await whole.arrayBuffer()).equals(MP4)).toBe(true);
    const range = await resident().get(`${PUBLIC}/dokumente/${id}`, { range: "bytes=100-199" });
    expect(range.status).toBe(206);
    expect(range.headers.get("content-range")).toBe(`bytes 100-199/${MP4.length}`);
    expect(Buffer.from(await range.arrayBuffer()).equals(MP4.subarray(100, 200))).toBe(true);

    const captions = await resident().get(`${PUBLIC}/dokumente/${id}/untertitel.vtt`);
    expect(captions.status).toBe(200);
    expect(captions.headers.get("content-type")).toBe("text/vtt; charset=utf-8");
    expect(captions.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await captions.text()).toBe(VTT.toString("utf8"));
    // a document that is not a video has no captions
    const pdfId = Number((await h.db.selectFrom("documents").select("id").where("kind", "=", "pdf").executeTakeFirstOrThrow()).id);
    expect((await resident().get(`${PUBLIC}/dokumente/${pdfId}/untertitel.vtt`)).status).toBe(404);
    // the page's policy lets our own media play
    expect(whole.headers.get("content-security-policy")).toContain("sandbox");
    expect((await resident().get(PUBLIC)).headers.get("content-security-policy")).toContain("media-src 'self'");

    // withdrawn: the video and its captions are gone
    const form = new URLSearchParams({ _csrf: csrfOf(await (await admin.get(page)).text()), intent: "withdraw", document_id: String(id) });
    expect((await admin.fetch(page, { method: "POST", body: form })).status).toBe(303);
    expect(await counts()).toEqual(before);
    expect((await resident().get(`${PUBLIC}/dokumente/${id}/untertitel.vtt`)).status).toBe(404);
    const actions = (await h.db.selectFrom("audit_log").select("action").where("target_type", "=", "document").where("target_id", "=", String(id)).execute()).map((r) => r.action);
    expect(actions).toEqual(["video_added", "document_withdrawn"]);
  });

  async function saveSignLanguage(video: Buffer, captions: Buffer | null) {
    const form = new FormData();
    form.append("_csrf", csrfOf(await (await admin.get(SIGN_LANGUAGE_ADMIN)).text()));
    form.append("intent", "save");
    form.append("file", new Blob([new Uint8Array(video)]), "dgs.webm");
    if (captions) form.append("captions", new Blob([new Uint8Array(captions)]), "dgs.vtt");
    return admin.fetch(SIGN_LANGUAGE_ADMIN, { method: "POST", body: form });
  }

  it("the home page shows the explanation in German Sign Language once an admin provides it, with captions; replaced and removed with audit entries", async () => {
    const home = async (lng = "de") => (await resident().get(`${HOME}?lng=${lng}`)).text();
    expect(await home()).not.toContain("<video");
    const before = await counts();
    const refused = await saveSignLanguage(WEBM, null);
    expect(refused.status).toBe(400);
    expect(textOf(mainOf(await refused.text()))).toContain("Ohne Untertitel wird kein Video veröffentlicht");
    expect(await counts()).toEqual(before);

    expect((await saveSignLanguage(WEBM, VTT)).status).toBe(303);
    expect(await counts()).toEqual({ ...before, videos: 1, blobs: before.blobs + 2 });
    const html = await home();
    expect(html).toMatch(/<video class="video" controls="" preload="none" src="\/musterstadt\/gebaerdensprache\/video">/);
    expect(html).toMatch(/<track kind="captions" src="\/musterstadt\/gebaerdensprache\/untertitel.vtt" srcLang="de" label="Deutsch" default=""/i);
    expect(textOf(mainOf(html))).toContain("Erklärung in Deutscher Gebärdensprache");
    expect(await compressedWeight(html)).toBeLessThanOrEqual(14 * 1024);
    expect(textOf(mainOf(await home("en")))).toContain("Explanation in German Sign Language");

    const video = await resident().get(`${HOME}/gebaerdensprache/video`, { range: "bytes=0-15" });
    expect(video.status).toBe(206);
    expect(video.headers.get("content-type")).toBe("video/webm");
    expect(video.headers.get("x-content-type-options")).toBe("nosniff");
    expect(Buffer.from(await video.arrayBuffer()).equals(WEBM.subarray(0, 16))).toBe(true);
    const captions = await resident().get(`${HOME}/gebaerdensprache/untertitel.vtt`);
    expect(captions.headers.get("content-type")).toBe("text/vtt; charset=utf-8");
    expect(await captions.text()).toBe(VTT.toString("utf8"));

    // replaced by an MP4: the old files are gone with the switch
    expect((await saveSignLanguage(MP4, VTT)).status).toBe(303);
    expect(await counts()).toEqual({ ...before, videos: 1, blobs: before.blobs + 2 });
    expect((await resident().get(`${HOME}/gebaerdensprache/video`)).headers.get("content-type")).toBe("video/mp4");

    const form = new URLSearchParams({ _csrf: csrfOf(await (await admin.get(SIGN_LANGUAGE_ADMIN)).text()), intent: "remove" });
    expect((await admin.fetch(SIGN_LANGUAGE_ADMIN, { method: "POST", body: form })).status).toBe(303);
    expect(await counts()).toEqual(before);
    expect(await home()).not.toContain("<video");
    expect((await resident().get(`${HOME}/gebaerdensprache/video`)).status).toBe(404);
    const actions = (await h.db.selectFrom("audit_log").select("action").where("action", "like", "sign_language%").orderBy("id").execute()).map((r) => r.action);
    expect(actions).toEqual(["sign_language_video_saved", "sign_language_video_saved", "sign_language_video_removed"]);
  });
});
