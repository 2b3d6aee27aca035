/**
 * Prints precision and recall of the personal-data check on the labelled statements
 * (tests/fixtures/personal-data/corpus.ts), per kind and overall, and what it got wrong.
 * Usage: npm run personal-data:measure [-- --quiet]
 */
import { CORPUS } from "../tests/fixtures/personal-data/corpus";
import { measure } from "../tests/fixtures/personal-data/measure";

const result = measure(CORPUS);
const pct = (n: number) => `${(n * 100).toFixed(1)} %`;
console.log(`${result.statements} labelled statements\n`);
console.log("kind      precision  recall    found/labelled  wrong");
for (const [kind, s] of [...Object.entries(result.byKind), ["overall", result.overall] as const]) {
  console.log(`${kind.padEnd(9)} ${pct(s.precision).padStart(9)}  ${pct(s.recall).padStart(7)}   ${String(s.truePositives).padStart(5)}/${String(s.truePositives + s.falseNegatives).padEnd(8)} ${s.falsePositives}`);
}
if (!process.argv.includes("--quiet")) {
  console.log("\nfound, but not personal data:");
  for (const f of result.falsePositives) console.log(`  ${f.kind}: "${f.finding}" in "${f.text}"`);
  console.log("\nmissed:");
  for (const f of result.falseNegatives) console.log(`  ${f.kind}: "${f.expected}" in "${f.text}"`);
}
