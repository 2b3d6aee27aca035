/**
 * Every registered page (tests/support/pages.ts) of every role, in each of its languages, is valid
 * HTML according to the Nu Html Checker (vnu-jar): the HTML exactly as the server sends it, all
 * pages checked in one Java run.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { fetchPage, prepareSite, visits, type Site } from "../support/pages";
import { startServer, type TestServer } from "../support/server";
import { validateHtml } from "../support/vnu";

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

test("every page of every role, in every language, has no HTML errors (Nu Html Checker)", { timeout: 300_000 }, async () => {
  const documents = new Map<string, string>();
  const wrongStatus: string[] = [];
  for (const [p, lng] of visits()) {
    const { status, html, url } = await fetchPage(site, p, lng);
    if (status !== p.status) wrongStatus.push(`${p.name} (${lng}): HTTP ${status}, expected ${p.status} — ${url}`);
    documents.set(`${p.name} [${lng}] ${url.replace(site.url, "")}`, html);
  }
  expect(wrongStatus, `pages that did not come as expected; server log:\n${server.logs().slice(-2000)}`).toEqual([]);
  const errors = validateHtml(documents);
  const listed = errors.map((e) => `${e.document}${e.line ? `:${e.line}` : ""} — ${e.message}${e.extract ? `  «${e.extract.slice(0, 120)}»` : ""}`);
  console.log(`[vnu] ${documents.size} documents checked, ${errors.length} errors`);
  expect(listed, `HTML errors (${errors.length}) in ${new Set(errors.map((e) => e.document)).size} documents`).toEqual([]);
});
