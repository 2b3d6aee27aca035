/**
 * SHACL validation of the open-data catalogue (rdf-validate-shacl on the @zazuko/env-node RDF
 * stack): JSON-LD parsed against the address it was fetched from, shapes and ontologies read from
 * Turtle or RDF/XML files.
 */
import { Readable } from "node:stream";
import rdf from "@zazuko/env-node";
import SHACLValidator from "rdf-validate-shacl";

export interface ShaclResult {
  severity: string;
  message: string;
  path: string;
  focusNode: string;
  shape: string;
}

/** The triples of a JSON-LD document; relative IRIs resolved against `baseIRI`. */
export async function jsonLdTriples(jsonld: string, baseIRI: string) {
  const quads = rdf.formats.parsers.import("application/ld+json", Readable.from([jsonld]), { baseIRI });
  if (!quads) throw new Error("no JSON-LD parser");
  return rdf.dataset().import(quads);
}

/** Shapes (and the ontologies they need for sh:class checks) from files. */
export async function readGraphs(files: readonly string[]) {
  const all = rdf.dataset();
  for (const file of files) all.addAll(await rdf.dataset().import(rdf.fromFile(file)));
  return all;
}

/**
 * The catalogue's data, with the ontologies added (subclass axioms: foaf:Organization is a
 * foaf:Agent, vcard:Organization a vcard:Kind), validated against the shapes.
 */
export async function validate(
  data: Awaited<ReturnType<typeof jsonLdTriples>>,
  shapes: Awaited<ReturnType<typeof readGraphs>>,
  ontologies?: Awaited<ReturnType<typeof readGraphs>>,
): Promise<{ conforms: boolean; results: ShaclResult[] }> {
  const graph = rdf.dataset([...data, ...(ontologies ?? [])]);
  const report = await new SHACLValidator(shapes, { factory: rdf }).validate(graph);
  return {
    conforms: report.conforms,
    results: report.results.map((r) => ({
      severity: r.severity?.value.replace("http://www.w3.org/ns/shacl#", "") ?? "",
      message: r.message.map((m) => m.value).join(" / "),
      path: r.path?.value ?? "",
      focusNode: r.focusNode?.value ?? "",
      shape: r.sourceShape?.value ?? "",
    })),
  };
}
