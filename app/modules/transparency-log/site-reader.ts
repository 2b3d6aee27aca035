/**
 * What the outsiders' commands (`privacy:monitor`, `privacy:verify-export`) share: reading their
 * command line, and reading a site's published transparency-log files over HTTP.
 */
import { parseArgs } from "node:util";

/** The one positional argument and the named `--options` of a command; undefined when the line does not parse. */
export function commandLine<K extends string>(argv: string[], names: readonly K[]): { subject: string | undefined; options: Partial<Record<K, string>> } | undefined {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: Object.fromEntries(names.map((n) => [n, { type: "string" as const }])),
      allowPositionals: true,
    });
    return { subject: positionals.length === 1 ? positionals[0] : undefined, options: values as Partial<Record<K, string>> };
  } catch {
    return undefined;
  }
}

/** Reads `<site><path>` as text, within 30 s; anything but 2xx is an error naming the path. */
export function siteReader(site: string): (path: string) => Promise<string> {
  const base = site.replace(/\/+$/, "");
  return async (path) => {
    const response = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(30_000) });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.text();
  };
}
