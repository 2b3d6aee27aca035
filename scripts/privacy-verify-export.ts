/**
 * `npm run privacy:verify-export -- export.json [--key <verifier key>] [--site <https://…>]`
 *
 * Checks a privacy-log export (the "download my data" file) offline: the checkpoint's signature, and
 * that every event, exactly as exported, is in that checkpoint (its commitment from the event and
 * its salt, its inclusion proof). The key: --key, else the site's published key (--site), else the
 * key written in the export — compare that one with the key the municipality publishes.
 * With --site it also asks the site for a consistency proof from the export's checkpoint to today's:
 * the log has not been rewritten since. Exit 0 when everything holds, 1 otherwise.
 */
import { readFileSync } from "node:fs";
import { verifyConsistency } from "~/modules/transparency-log/merkle";
import { openCheckpoint, parseVerifierKey } from "~/modules/transparency-log/note";
import { describeProblem, verifyExport } from "~/modules/transparency-log/verify-export";
import { commandLine, siteReader } from "~/modules/transparency-log/site-reader";

const line = commandLine(process.argv.slice(2), ["key", "site"] as const);
const file = line?.subject;
if (!line || !file) {
  console.error("Usage: npm run privacy:verify-export -- export.json [--key <name>+<id>+<key>] [--site https://beteiligung.example.de]");
  process.exit(2);
}
const option = (name: "key" | "site") => line.options[name];
const site = option("site");
const get = siteReader(site ?? "");

let doc: any;
try {
  doc = JSON.parse(readFileSync(file, "utf8"));
} catch (error) {
  console.error(`${file} cannot be read as JSON: ${(error as Error).message}`);
  process.exit(1);
}
let keyText = option("key") ?? (site ? (await get("/transparenz/key")).trim() : undefined);
if (!keyText) {
  keyText = String(doc?.transparencyLog?.verifierKey ?? "");
  console.log(`Using the key written in the export: ${keyText}\nCompare it with the key the municipality publishes (/transparenz/key, and its operations docs).`);
}
const key = parseVerifierKey(keyText);
const result = verifyExport(doc, key);
for (const p of result.problems) console.error(`FAILED: ${describeProblem(p)}`);
if (result.checkpoint) {
  console.log(`Checkpoint ${result.checkpoint.size} of ${result.checkpoint.origin}: signature valid.`);
  console.log(`${result.events} events: ${result.proven} proven in the checkpoint, ${result.waiting} newer than it, ${result.unlinkable} with the salt erased.`);
}
let consistent = true;
if (site && result.checkpoint) {
  const latest = openCheckpoint(await get("/transparenz/checkpoint"), key);
  if (!latest.ok) {
    console.error(`FAILED: the site's latest checkpoint: ${latest.problem}`);
    consistent = false;
  } else {
    const from = result.checkpoint.size;
    const to = latest.checkpoint.size;
    const proof = to > from ? (await get(`/transparenz/proof/consistency?from=${from}&to=${to}`)).split("\n").filter(Boolean).map((l) => Buffer.from(l, "base64")) : [];
    consistent = to >= from && verifyConsistency(from, to, proof, Buffer.from(result.checkpoint.root, "base64"), latest.checkpoint.root);
    if (consistent) console.log(`The site's log today (${to} entries) extends the export's checkpoint: nothing in it was rewritten since.`);
    else console.error(`FAILED: the site's log today (${to} entries) does not extend the export's checkpoint ${from}: the log was rewritten.`);
  }
}
console.log(result.ok && consistent ? "VERIFIED" : "NOT VERIFIED");
process.exit(result.ok && consistent ? 0 : 1);
