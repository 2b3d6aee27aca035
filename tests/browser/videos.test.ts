/**
 * The pages that show a video with captions (decision 49) — the home page with the explanation in
 * German Sign Language and a procedure page with a video among its documents — in every resident
 * language, in a real browser: 0 axe violations, the player with its captions track and
 * preload="none" (nothing of the video is loaded with the page), nothing to scroll sideways at 320 px.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { SUPPORTED_LANGUAGES } from "~/i18n/config";
import { DESKTOP, NARROW, axeCheck, launchBrowser, type Browser } from "../support/browser";
import { MP4, VTT, WEBM } from "../support/files";
import { openDatabase } from "#db/connection.server";
import { startServer, type TestServer } from "../support/server";
import { DEMO, csrfOf, signIn } from "../support/staff";
import { reflow } from "../support/wcag22";

const PROCEDURE = "/musterstadt/verfahren/radverkehrsplan-2030";

let server: TestServer;
let browser: Browser;
let page: Page;
let adminCookies: { name: string; value: string; url: string }[] = [];

beforeAll(async () => {
  server = await startServer({ env: { JOBS_INTERVAL_MS: "0" } });
  const h = openDatabase(server.database.url);
  const procedureId = Number((await h.db.selectFrom("procedures").select("id").where("slug", "=", "radverkehrsplan-2030").executeTakeFirstOrThrow()).id);
  await h.close();
  const admin = (await signIn(server.url, DEMO.admin)).client;
  const documents = `/musterstadt/verwaltung/verfahren/${procedureId}/dokumente`;
  const video = new FormData();
  video.append("_csrf", csrfOf(await (await admin.get(documents)).text()));
  video.append("intent", "add_video");
  video.append("video_title", "Der Entwurf in Gebärdensprache");
  video.append("video_summary", "Das Video erklärt die neuen Radwege.");
  video.append("video_file", new Blob([new Uint8Array(MP4)]), "entwurf.mp4");
  video.append("captions", new Blob([new Uint8Array(VTT)]), "entwurf.vtt");
  expect((await admin.fetch(documents, { method: "POST", body: video })).status).toBe(303);
  const signLanguage = new FormData();
  signLanguage.append("_csrf", csrfOf(await (await admin.get("/musterstadt/verwaltung/gebaerdensprache")).text()));
  signLanguage.append("intent", "save");
  signLanguage.append("file", new Blob([new Uint8Array(WEBM)]), "dgs.webm");
  signLanguage.append("captions", new Blob([new Uint8Array(VTT)]), "dgs.vtt");
  expect((await admin.fetch("/musterstadt/verwaltung/gebaerdensprache", { method: "POST", body: signLanguage })).status).toBe(303);
  adminCookies = [...admin.cookies].map(([name, value]) => ({ name, value, url: server.url }));
  browser = await launchBrowser({ javaScriptEnabled: true, viewport: DESKTOP, bypassCSP: true });
  page = browser.page;
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const cases = SUPPORTED_LANGUAGES.flatMap((lng) => [
  { name: "home page", path: "/musterstadt", lng },
  { name: "procedure page", path: PROCEDURE, lng },
]);

test.each(cases)("$name [$lng]: a captioned video, 0 axe violations, no sideways scrolling at 320 px", async ({ path, lng }) => {
  const media: string[] = [];
  const onRequest = (r: { url(): string }) => {
    if (/\/(video|dokumente\/\d+)$/.test(new URL(r.url()).pathname)) media.push(r.url());
  };
  page.on("request", onRequest);
  await page.setViewportSize(DESKTOP);
  const response = await page.goto(`${server.url}${path}?lng=${lng}`);
  expect(response?.status()).toBe(200);
  const videos = page.locator("video");
  expect(await videos.count()).toBe(1);
  expect(await videos.getAttribute("preload")).toBe("none");
  expect(await page.locator("video > track[kind=captions][srclang=de]").count()).toBe(1);
  expect.soft(await axeCheck(page), `axe-core violations on ${path} [${lng}]`).toEqual([]);
  await page.setViewportSize(NARROW);
  expect.soft(await reflow(page), `reflow at 320 px on ${path} [${lng}]`).toEqual([]);
  page.off("request", onRequest);
  // preload="none": the page loads none of the video's bytes
  expect(media).toEqual([]);
});

test.each(["de", "en"])("the admin's sign-language page [%s]: 0 axe violations, its form and the current video", async (lng) => {
  await page.context().addCookies(adminCookies);
  await page.setViewportSize(DESKTOP);
  const response = await page.goto(`${server.url}/musterstadt/verwaltung/gebaerdensprache?lng=${lng}`);
  expect(response?.status()).toBe(200);
  expect(await page.locator("input[type=file][name=captions]").count()).toBe(1);
  expect.soft(await axeCheck(page), `axe-core violations on the sign-language admin page [${lng}]`).toEqual([]);
  await page.setViewportSize(NARROW);
  expect.soft(await reflow(page), `reflow at 320 px on the sign-language admin page [${lng}]`).toEqual([]);
  await page.context().clearCookies();
});
