/** DCAT-AP.de metadata of published results (JSON-LD), and the origin its IRIs are made from. */
import { contributorIri, telephoneIri } from "~/modules/organisations/organisations.server";
import { markdownToPlainText } from "~/modules/procedures/markdown";
import { LICENSE_URI } from "./rules";

/**
 * The origin of the open data's IRIs: PUBLIC_ORIGIN, or "" when it is not set — then every IRI is
 * a path ("/musterstadt/…"), which a reader resolves against the address it fetched the file from.
 * Never the request's Host header: a forged Host would otherwise be written into the catalogue
 * (and into the page cache).
 */
export function configuredOrigin(): string {
  const configured = (process.env.PUBLIC_ORIGIN ?? "").trim().replace(/\/+$/, "");
  return /^https?:\/\/[^/\s]+$/i.test(configured) ? configured : "";
}

/** Who answers questions about the open data (DCAT-AP.de requires an e-mail address, a web page or a phone number). */
export interface OpenDataContact {
  email: string;
  phone: string;
  /** a web page; empty: the organisation's participation page */
  url: string;
}

/** What the CSV distribution says about its bytes: the BOM a reader would otherwise trip over. */
export const CSV_DESCRIPTION =
  "Veröffentlichte Beiträge: Nummer, bei einem Entwurf mit nummerierten Abschnitten Abschnitt (Nummer, z. B. 3.2) und Titel des Abschnitts " +
  "(leer: zum Entwurf insgesamt), Freitexte, Entscheidung und Antwort der Verwaltung. CSV nach RFC 4180 " +
  "(Komma als Trennzeichen, Zeilenende CRLF, erste Zeile mit Spaltennamen), Zeichenkodierung UTF-8 mit " +
  "Byte-Order-Mark (BOM, Bytes EF BB BF) am Dateianfang, damit Tabellenprogramme Umlaute richtig lesen.";

/** What the GeoJSON distribution holds, and what it leaves out. */
export const GEOJSON_DESCRIPTION =
  "Punkte, die veröffentlichte Beiträge auf dem Plan gesetzt haben: GeoJSON nach RFC 7946 (WGS 84, Länge vor Breite), " +
  "auf 4 Nachkommastellen gerundet (etwa 10 m), mit der Nummer des Beitrags wie in CSV und JSON und dem Feld des Rasters. " +
  "Ohne Ortsbeschreibung in Worten, ohne Namen und Kontaktdaten; nicht veröffentlichte Beiträge fehlen.";

const de = (value: string) => ({ "@value": value, "@language": "de" });
const dateTime = (value: string) => ({ "@value": value, "@type": "xsd:dateTime" });
const CONTEXT = {
  dcat: "http://www.w3.org/ns/dcat#",
  dct: "http://purl.org/dc/terms/",
  dcatde: "http://dcat-ap.de/def/dcatde/",
  foaf: "http://xmlns.com/foaf/0.1/",
  vcard: "http://www.w3.org/2006/vcard/ns#",
  xsd: "http://www.w3.org/2001/XMLSchema#",
};

/** One distribution: a file at `url` under the open licence. */
function distribution(url: string, title: string, format: string, mediaType: string, dates: { issued: string; modified: string }, description?: string) {
  return {
    "@id": url,
    "@type": "dcat:Distribution",
    "dct:title": de(title),
    ...(description ? { "dct:description": de(description) } : {}),
    "dcat:accessURL": { "@id": url },
    "dcat:downloadURL": { "@id": url },
    "dct:format": { "@id": `http://publications.europa.eu/resource/authority/file-type/${format}` },
    "dcat:mediaType": { "@id": `https://www.iana.org/assignments/media-types/${mediaType}` },
    "dct:license": { "@id": LICENSE_URI },
    "dct:issued": dateTime(dates.issued),
    "dct:modified": dateTime(dates.modified),
  };
}

/** Publisher, contact point and contributor, as DCAT-AP.de asks for them. */
function publisherFacts(args: { origin: string; organisationPath: string; organisation: string; contact: OpenDataContact; contributorId: string }) {
  return {
    "dct:publisher": { "@type": "foaf:Organization", "foaf:name": args.organisation },
    "dcat:contactPoint": {
      "@type": "vcard:Organization",
      "vcard:fn": args.organisation,
      ...(args.contact.email ? { "vcard:hasEmail": { "@id": `mailto:${args.contact.email}` } } : {}),
      ...(args.contact.phone ? { "vcard:hasTelephone": { "@id": telephoneIri(args.contact.phone) } } : {}),
      "vcard:hasURL": { "@id": args.contact.url || `${args.origin}${args.organisationPath}` },
    },
    ...(contributorIri(args.contributorId) ? { "dcatde:contributorID": { "@id": contributorIri(args.contributorId) } } : {}),
  };
}

/**
 * The transparency log's public files (decision 56) as a DCAT-AP.de dataset: the latest signed
 * checkpoint, the history of every checkpoint and the verifier key, all plain text at stable URLs.
 */
export function transparencyLogDcat(args: {
  origin: string;
  organisationPath: string;
  organisation: string;
  contact: OpenDataContact;
  contributorId: string;
  issued: string;
  modified: string;
}) {
  const dates = { issued: args.issued, modified: args.modified };
  const file = (path: string) => `${args.origin}/transparenz/${path}`;
  return {
    "@context": CONTEXT,
    "@id": `${args.origin}${args.organisationPath}/transparenz/dcat.jsonld#dataset`,
    "@type": "dcat:Dataset",
    "dct:identifier": `${args.origin}${args.organisationPath}/transparenz`,
    "dct:title": de("Öffentliches Prüfprotokoll der Datenschutz-Protokolle"),
    "dct:description": de(
      "Signierte Prüfpunkte (C2SP tlog-checkpoint, Ed25519) eines Merkle-Baums nach RFC 9162 über alle Einträge der Datenschutz-Protokolle " +
        "(Beiträge und E-Mail-Benachrichtigungen). Jeder Eintrag steht nur als Prüfsumme darin, nie mit personenbezogenen Daten. " +
        "Mit dem öffentlichen Schlüssel und den Beweisen lässt sich prüfen, dass kein Eintrag nachträglich geändert oder gelöscht wurde.",
    ),
    ...publisherFacts(args),
    "dct:issued": dateTime(args.issued),
    "dct:modified": dateTime(args.modified),
    "dct:language": { "@id": "http://publications.europa.eu/resource/authority/language/DEU" },
    "dcat:theme": { "@id": "http://publications.europa.eu/resource/authority/data-theme/GOVE" },
    "dcat:keyword": ["Datenschutz", "Transparenz", "Prüfprotokoll"],
    "dcat:landingPage": { "@id": `${args.origin}${args.organisationPath}/transparenz` },
    "dct:accessRights": { "@id": "http://publications.europa.eu/resource/authority/access-right/PUBLIC" },
    "dct:license": { "@id": LICENSE_URI },
    "dcatde:politicalGeocodingLevelURI": { "@id": "http://dcat-ap.de/def/politicalGeocoding/Level/municipality" },
    "dcat:distribution": [
      distribution(file("checkpoint"), "Neuester signierter Prüfpunkt", "TXT", "text/plain", dates),
      distribution(file("checkpoints"), "Alle Prüfpunkte (Größe, Zeit, Wurzel-Hash je Zeile)", "TXT", "text/plain", dates),
      distribution(file("key"), "Öffentlicher Schlüssel zum Prüfen der Unterschriften", "TXT", "text/plain", dates),
    ],
  };
}

/** DCAT-AP.de metadata of the results as JSON-LD: one dcat:Dataset with a CSV and a JSON distribution (and GeoJSON when the plan is georeferenced). */
export function dcatMetadata(args: {
  origin: string;
  basePath: string;
  /** the organisation's participation page (path), the contact's web page when none is set */
  organisationPath: string;
  organisation: string;
  contact: OpenDataContact;
  /** GovData contributor ID as set by the admin (bare or as IRI); empty: none */
  contributorId: string;
  title: string;
  procedureSummary: string;
  resultsSummary: string;
  opensAt: string;
  closesAt: string;
  issued: string;
  modified: string;
  /** the plan is georeferenced: the places of the published statements are a GeoJSON file too (issue 18) */
  geoJson?: boolean;
}) {
  const base = `${args.origin}${args.basePath}`;
  const description = [args.procedureSummary, markdownToPlainText(args.resultsSummary)].filter((s) => s.trim() !== "").join("\n\n");
  const dates = { issued: args.issued, modified: args.modified };
  return {
    "@context": CONTEXT,
    "@id": `${base}/dcat.jsonld#dataset`,
    "@type": "dcat:Dataset",
    "dct:identifier": `${base}/ergebnisse`,
    "dct:title": de(`Ergebnisse: ${args.title}`),
    "dct:description": de(description || args.title),
    ...publisherFacts(args),
    "dct:issued": dateTime(args.issued),
    "dct:modified": dateTime(args.modified),
    "dct:language": { "@id": "http://publications.europa.eu/resource/authority/language/DEU" },
    "dcat:theme": { "@id": "http://publications.europa.eu/resource/authority/data-theme/GOVE" },
    "dcat:keyword": ["Bürgerbeteiligung", "Beteiligungsverfahren"],
    "dcat:landingPage": { "@id": `${base}/ergebnisse` },
    "dct:accessRights": { "@id": "http://publications.europa.eu/resource/authority/access-right/PUBLIC" },
    "dct:license": { "@id": LICENSE_URI },
    "dct:temporal": { "@type": "dct:PeriodOfTime", "dcat:startDate": dateTime(args.opensAt), "dcat:endDate": dateTime(args.closesAt) },
    "dcatde:politicalGeocodingLevelURI": { "@id": "http://dcat-ap.de/def/politicalGeocoding/Level/municipality" },
    "dcat:distribution": [
      distribution(`${base}/daten.csv`, "Veröffentlichte Beiträge (CSV)", "CSV", "text/csv", dates, CSV_DESCRIPTION),
      distribution(`${base}/daten.json`, "Veröffentlichte Beiträge und Statistik (JSON)", "JSON", "application/json", dates),
      ...(args.geoJson ? [distribution(`${base}/orte.geojson`, "Orte der veröffentlichten Beiträge (GeoJSON)", "GEOJSON", "application/geo+json", dates, GEOJSON_DESCRIPTION)] : []),
    ],
  };
}
