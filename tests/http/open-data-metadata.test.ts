/**
 * Open-data metadata over HTTP (issue 14, point 3): the DCAT-AP.de catalogue of published results
 * has a contact point with e-mail, phone and web page, the GovData contributor ID an admin sets,
 * IRIs only from PUBLIC_ORIGIN (a forged Host header never gets into it), says that the CSV starts
 * with a byte-order mark, and validates against SHACL shapes — the project's own
 * (tests/fixtures/dcat-ap-de) always, GovData's official DCAT-AP.de 3.0 shapes when they are there
 * (DCAT_AP_DE_SHAPES, or shared/dcat-ap-de beside the checkout). Every resident page has a
 * <meta name="description">.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SUPPORTED_LANGUAGES } from "~/i18n/config";
import { csrfOf } from "../support/staff";
import { rawGet } from "../support/http";
import { CLOSED, RESIDENT_PAGES, STAFF, fetchPage, prepareSite, type Site } from "../support/pages";
import { projectRoot, startServer, type TestServer } from "../support/server";
import { jsonLdTriples, readGraphs, validate } from "../support/shacl";

const ORIGIN = "https://beteiligung.musterstadt.example";
const DCAT = `${CLOSED}/dcat.jsonld`;

/** Every IRI (an "@id") anywhere in a JSON-LD document. */
function iris(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(iris);
  if (node && typeof node === "object") return Object.entries(node).flatMap(([k, v]) => (k === "@id" && typeof v === "string" ? [v] : k === "@context" ? [] : iris(v)));
  return [];
}
/** IRIs of vocabularies and of the contact, which do not come from our origin. */
const VOCABULARY = /^(?:http:\/\/dcat-ap\.de\/def\/|http:\/\/publications\.europa\.eu\/resource\/authority\/|https:\/\/www\.iana\.org\/assignments\/media-types\/|mailto:|tel:)/;

/** GovData's shape files (DCAT-AP 3.0 by SEMIC plus GovData's German files) and the ontologies they import, where present. */
function officialShapes(): { shapes: string[]; ontologies: string[] } | null {
  const dir = process.env.DCAT_AP_DE_SHAPES || join(projectRoot, "..", "shared", "dcat-ap-de");
  const shapes = ["dcat-ap-SHACL.ttl", "dcat-ap-SHACL-DE.ttl", "dcat-ap-spec-german-additions.ttl", "dcat-ap-de-deprecated.ttl"].map((f) => join(dir, f));
  const ontologies = ["vcard.ttl", "foaf_0_1.rdf", "org.ttl"].map((f) => join(dir, f));
  return [...shapes, ...ontologies].every((f) => existsSync(f)) ? { shapes, ontologies } : null;
}

describe("open-data metadata", () => {
  let plain: TestServer;
  let configured: TestServer;
  let plainSite: Site;
  let site: Site;

  beforeAll(async () => {
    [plain, configured] = await Promise.all([startServer(), startServer({ env: { PUBLIC_ORIGIN: ORIGIN, DEMO_MODE: "true" } })]);
    [plainSite, site] = await Promise.all([prepareSite(plain), prepareSite(configured)]);
  }, 120_000);
  afterAll(async () => {
    await plainSite?.close();
    await site?.close();
    await plain?.stop();
    await configured?.stop();
  });

  it("never builds an IRI from the Host header: without PUBLIC_ORIGIN the IRIs are paths, resolved against where the file was fetched", async () => {
    for (const host of ["evil.example", "evil.example:8080"]) {
      const res = await rawGet(`${plain.url}${DCAT}`, { host });
      expect(res.status).toBe(200);
      expect(res.text).not.toContain("evil.example");
      const own = iris(JSON.parse(res.text)).filter((i) => !VOCABULARY.test(i));
      expect(own.length).toBeGreaterThan(5);
      for (const iri of own) expect(iri, iri).toMatch(/^\/musterstadt(?:\/|$)/);
    }
    const json = await rawGet(`${plain.url}${CLOSED}/daten.json`, { host: "evil.example" });
    expect(json.text).not.toContain("evil.example");
  });

  it("builds every IRI from PUBLIC_ORIGIN when it is set, whatever the Host header says", async () => {
    const res = await rawGet(`${configured.url}${DCAT}`, { host: "evil.example" });
    expect(res.text).not.toContain("evil.example");
    const all = iris(JSON.parse(res.text));
    for (const iri of all) expect(iri.startsWith(`${ORIGIN}/musterstadt`) || VOCABULARY.test(iri), iri).toBe(true);
    expect(all.filter((i) => i.startsWith(ORIGIN)).length).toBeGreaterThan(5);
  });

  it("names the municipality's contact (e-mail, phone, web page) and the contributor ID an admin sets", async () => {
    const before = await (await fetch(`${configured.url}${DCAT}`)).json();
    expect(before["dcat:contactPoint"]).toEqual({
      "@type": "vcard:Organization",
      "vcard:fn": "Stadt Musterstadt",
      "vcard:hasEmail": { "@id": "mailto:beteiligung@musterstadt.example" },
      "vcard:hasTelephone": { "@id": "tel:+4951213010" },
      "vcard:hasURL": { "@id": `${ORIGIN}/musterstadt` },
    });
    expect(before["dcatde:contributorID"]).toBeUndefined();

    // the admin sets the GovData ID and a web page for questions; a malformed ID is refused
    const admin = site.clients.admin;
    const form = await (await admin.get(`${STAFF}/einstellungen`)).text();
    expect(form).toContain('name="govdata_contributor_id"');
    const fields = [...form.matchAll(/<(?:input|textarea)[^>]*name="([a-z_]+)"[^>]*?(?:value="([^"]*)"[^>]*)?>(?:([^<]*)<\/textarea>)?/g)]
      .filter((m) => m[1] !== "_csrf")
      .map((m): [string, string] => [m[1], (m[2] ?? m[3] ?? "").replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">")]);
    const send = (changes: Record<string, string>) =>
      admin.post(`${STAFF}/einstellungen`, new URLSearchParams([["_csrf", csrfOf(form)], ...fields.map(([k, v]): [string, string] => [k, changes[k] ?? v])]).toString());
    const bad = await send({ govdata_contributor_id: "Stadt Musterstadt!", open_data_url: "musterstadt.de" });
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(badHtml).toContain("Geben Sie die Kennung aus Buchstaben, Ziffern, - und _ ein");
    expect(badHtml).toContain("Geben Sie eine Webadresse ein");
    expect((await send({ govdata_contributor_id: "stadtMusterstadt", open_data_url: "https://www.musterstadt.example/offene-daten" })).status).toBe(303);

    const after = await (await fetch(`${configured.url}${DCAT}`)).json();
    expect(after["dcatde:contributorID"]).toEqual({ "@id": "http://dcat-ap.de/def/contributors/stadtMusterstadt" });
    expect(after["dcat:contactPoint"]["vcard:hasURL"]).toEqual({ "@id": "https://www.musterstadt.example/offene-daten" });
  });

  it("says in the CSV's metadata that the file starts with a byte-order mark", async () => {
    const csv = new Uint8Array(await (await fetch(`${configured.url}${CLOSED}/daten.csv`)).arrayBuffer());
    expect([...csv.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const dcat = await (await fetch(`${configured.url}${DCAT}`)).json();
    const distribution = dcat["dcat:distribution"].find((d: { "@id": string }) => d["@id"].endsWith("/daten.csv"));
    expect(distribution["dct:description"]["@value"]).toMatch(/UTF-8 mit Byte-Order-Mark \(BOM, Bytes EF BB BF\)/);
  });

  it("validates against the DCAT-AP.de rules the project states as SHACL shapes", async () => {
    const text = await (await fetch(`${configured.url}${DCAT}`)).text();
    const data = await jsonLdTriples(text, `${ORIGIN}${DCAT}`);
    const shapes = await readGraphs([join(projectRoot, "tests/fixtures/dcat-ap-de/teilhabe-shapes.ttl")]);
    const report = await validate(data, shapes);
    expect(report.results).toEqual([]);
    // the same shapes catch a contact point with only a name (the catalogue before this change)
    const nameOnly = JSON.parse(text);
    nameOnly["dcat:contactPoint"] = { "@type": "vcard:Organization", "vcard:fn": "Stadt Musterstadt" };
    const refused = await validate(await jsonLdTriples(JSON.stringify(nameOnly), `${ORIGIN}${DCAT}`), shapes);
    expect(refused.results.map((r) => r.message)).toEqual(["Kontakt: MUSS über vcard:hasEmail, vcard:hasURL oder vcard:hasTelephone verfügen (DCAT-AP.de 3.0)."]);
  });

  const official = officialShapes();
  if (!official) console.warn("[tests] GovData's DCAT-AP.de shapes not found (DCAT_AP_DE_SHAPES or shared/dcat-ap-de): the official validation is skipped.");
  it.runIf(official !== null)("validates against GovData's official DCAT-AP.de 3.0 shapes (with SEMIC's DCAT-AP 3.0 shapes they build on)", async () => {
    const text = await (await fetch(`${configured.url}${DCAT}`)).text();
    const report = await validate(await jsonLdTriples(text, `${ORIGIN}${DCAT}`), await readGraphs(official!.shapes), await readGraphs(official!.ontologies));
    expect(report.results.filter((r) => r.severity === "Violation")).toEqual([]);
    expect(report.conforms).toBe(true);
  }, 60_000);

  it("gives every resident page a description in every language", async () => {
    for (const p of RESIDENT_PAGES) {
      for (const lng of SUPPORTED_LANGUAGES) {
        const { html } = await fetchPage(plainSite, p, lng);
        const description = html.match(/<meta name="description" content="([^"]*)"\/?>/)?.[1];
        expect(description && description.length > 20, `${p.name} [${lng}]: ${description}`).toBe(true);
      }
    }
    // a procedure describes itself with its summary
    const { html } = await fetchPage(plainSite, RESIDENT_PAGES.find((p) => p.name === "consultation with form")!, "de");
    expect(html).toMatch(/<meta name="description" content="Die Stadt hat einen Entwurf für den Radverkehrsplan 2030 erarbeitet\./);
  }, 120_000);
});
