/**
 * Leichte Sprache over HTTP against the production server (issue 7): the page explaining the site
 * is linked from the home page in every language, is itself in Leichte Sprache whatever the
 * reader chose, is light (no script, ≤ 14 KB compressed with its stylesheet); and the resident
 * pages in de-x-ls declare it, keep it in the cookie, show German dates, and staff pages fall
 * back to German.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LANGUAGE_NAMES, SUPPORTED_LANGUAGES, directionOf } from "~/i18n/config";
import { Client, mainOf, rawGet, textOf } from "../support/http";
import { longSentences } from "../support/leichte-sprache";
import { startServer, type TestServer } from "../support/server";

const ORG = "/musterstadt";
const PAGE = `${ORG}/leichte-sprache`;
const BUDGET = 14 * 1024;
const GERMAN_DATE = /\b\d{1,2}\. (Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember) \d{4}\b/;

const htmlLang = (html: string) => html.match(/<html lang="([^"]*)" dir="([^"]*)"/)?.slice(1) ?? [];
/**
 * The text of each heading, paragraph and list item in <main>, one string each; not the
 * municipality's contact data (the boxed paragraphs), which are addresses, not sentences.
 */
const textBlocks = (html: string) =>
  [...mainOf(html).matchAll(/<(h1|h2|h3|p|li)\b([^>]*)>([\s\S]*?)<\/\1>/g)]
    .filter((m) => !m[2].includes('class="inset"'))
    .map((m) => textOf(m[3]).trim())
    .filter(Boolean);
/** The language remembered in the cookie (remix's signed-less cookie: base64 of JSON). */
const cookieLanguage = (setCookie: string[]) => {
  const value = setCookie.map((c) => c.match(/^lng=([^;]*)/)?.[1]).find(Boolean);
  return value ? JSON.parse(Buffer.from(decodeURIComponent(value), "base64").toString("utf8")) : null;
};

describe("Leichte Sprache", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => server?.stop());

  for (const lng of SUPPORTED_LANGUAGES) {
    it(`is one link away from the home page in ${lng}, and explains the site in Leichte Sprache`, async () => {
      const c = new Client(server.url);
      const home = await c.get(`${ORG}?lng=${lng}`);
      expect(home.status).toBe(200);
      const homeHtml = await home.text();
      expect(htmlLang(homeHtml)).toEqual([lng, directionOf(lng)]);
      const link = mainOf(homeHtml).match(/<a href="([^"]+)" lang="de" hrefLang="de-x-ls"[^>]*>Leichte Sprache<\/a>/i);
      expect(link, "a link labelled Leichte Sprache, marked as German").not.toBeNull();
      expect(link![1]).toBe(PAGE);

      const res = await c.get(link![1]); // the language cookie set on the home page comes along
      expect(res.status).toBe(200);
      const html = await res.text();
      // the page stays in the reader's language around the explanation …
      expect(htmlLang(html)).toEqual([lng, directionOf(lng)]);
      const main = mainOf(html);
      // … and the explanation says it is Leichte Sprache, left to right, when the page is not
      if (lng === "de-x-ls") expect(main).not.toMatch(/<div lang=/);
      else expect(main).toMatch(/^<main[^>]*><div lang="de-x-ls" dir="ltr"/);
      expect(html).toMatch(/<title>Leichte Sprache – Teilhabe<\/title>/);

      const text = textOf(main);
      for (const fact of ["Bürger·beteiligung", "Was ist eine Beteiligung?", "115", "Was ist der Code?", "Daten·schutz bedeutet", "Hier bekommen Sie Hilfe"]) {
        expect(text).toContain(fact);
      }
      // the municipality's own address and contacts from its settings
      expect(text).toContain("Rathausplatz 1, 31134 Musterstadt");
      expect(text).toContain("datenschutz@musterstadt.example");
      expect(text).toContain("barrierefreiheit@musterstadt.example");
      // the buttons it tells you to press are the ones the form shows in Leichte Sprache
      expect(text).toContain("„Weiter: Antworten ansehen“");
      expect(text).toContain("„Abschicken“");
      expect(main).toContain(`href="${ORG}/beitrag"`);
      // short sentences everywhere in the explanation
      const blocks = textBlocks(html);
      expect(blocks.length).toBeGreaterThan(30);
      expect(blocks.flatMap((b) => longSentences(b))).toEqual([]);
    });
  }

  it("is linked from the footer of the municipality's other pages too", async () => {
    const c = new Client(server.url);
    for (const path of [`${ORG}/verfahren/radverkehrsplan-2030?lng=en`, `${ORG}/beitrag?lng=ar`]) {
      const html = await (await c.get(path)).text();
      const footer = html.match(/<footer[\s\S]*<\/footer>/)?.[0] ?? "";
      expect(footer, path).toContain(`<a href="${PAGE}" lang="de" hrefLang="de-x-ls">Leichte Sprache</a>`);
    }
  });

  it("ships no script and fits in 14 KB compressed with its stylesheet, in every language", async () => {
    const report: string[] = [];
    for (const lng of SUPPORTED_LANGUAGES) {
      const res = await rawGet(`${server.url}${PAGE}?lng=${lng}`);
      expect(res.status).toBe(200);
      expect(res.headers["content-encoding"]).toBe("gzip");
      expect(res.text).not.toMatch(/<script/i);
      const styles = [...res.text.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]);
      expect(styles).toHaveLength(1);
      const css = await rawGet(server.url + styles[0]);
      const total = res.wire.length + css.wire.length;
      report.push(`${lng}: ${res.wire.length} + ${css.wire.length} = ${total} bytes`);
      expect(total, `${lng} weighs ${total} bytes`).toBeLessThanOrEqual(BUDGET);
    }
    console.log(`[leichte-sprache page weight]\n  ${report.join("\n  ")}`);
  });

  it("answers an unknown municipality with a 404 page in the reader's language", async () => {
    const res = await new Client(server.url).get("/gibt-es-nicht/leichte-sprache?lng=de-x-ls");
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(htmlLang(html)[0]).toBe("de-x-ls");
    expect(textOf(mainOf(html))).toContain("Diese Seite gibt es nicht");
  });

  it("keeps de-x-ls in the cookie, declares it, shows it in the switcher and writes dates the German way", async () => {
    const c = new Client(server.url);
    const chosen = await c.get(`${ORG}?lng=de-x-ls`);
    expect(cookieLanguage(chosen.headers.getSetCookie())).toBe("de-x-ls");
    // later pages, without ?lng=, stay in Leichte Sprache
    const list = await c.get(ORG);
    expect(list.headers.get("content-language")).toBe("de-x-ls");
    const html = await list.text();
    expect(htmlLang(html)).toEqual(["de-x-ls", "ltr"]);
    expect(html).toMatch(new RegExp(`<a href="${ORG}\\?lng=de-x-ls" lang="de-x-ls" hrefLang="de-x-ls" aria-current="true">${LANGUAGE_NAMES["de-x-ls"]}</a>`));
    const text = textOf(mainOf(html));
    expect(text).toContain("Mit·reden in");
    expect(text).toMatch(new RegExp(`Sie können mit·machen bis zum ${GERMAN_DATE.source}`));
    const procedure = await c.get(`${ORG}/verfahren/radverkehrsplan-2030`);
    const procedureText = textOf(mainOf(await procedure.text()));
    expect(procedureText).toContain("Weiter: Antworten ansehen");
    expect(procedureText).toMatch(GERMAN_DATE);
  });

  it("shows staff pages in German, declared as German, to a reader who chose Leichte Sprache", async () => {
    const c = new Client(server.url);
    await c.get(`${ORG}?lng=de-x-ls`);
    const signIn = await c.get("/anmelden");
    expect(signIn.status).toBe(200);
    expect(signIn.headers.get("content-language")).toBe("de");
    const html = await signIn.text();
    expect(htmlLang(html)).toEqual(["de", "ltr"]);
    // and the switcher there offers only the staff languages
    expect(html).not.toContain('hrefLang="de-x-ls"');
  });
});
