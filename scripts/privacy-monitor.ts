/**
 * `npm run privacy:monitor -- <site> [--key <verifier key>] [--state <file>] [--watch <seconds> --times <n>]`
 *
 * For a data-protection officer, a journalist or another municipality: fetches the site's latest
 * signed checkpoint, checks its signature, and checks that it extends the last one this monitor saw
 * (a consistency proof from the site) — a checkpoint that does not is a fork or a rollback: the log
 * was rewritten. What it saw is kept in a state file (default: ./teilhabe-monitor-<host>.json),
 * including the key, pinned at the first run (or given with --key). Exit 0: consistent; 1: a fork,
 * a rollback or a bad signature; 2: the site could not be checked.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { judgeCheckpoint, type SeenCheckpoint } from "~/modules/transparency-log/monitor";
import { parseVerifierKey } from "~/modules/transparency-log/note";
import { commandLine, siteReader } from "~/modules/transparency-log/site-reader";

const line = commandLine(process.argv.slice(2), ["key", "state", "watch", "times"] as const);
const site = line?.subject;
if (!line || !site || !/^https?:\/\//.test(site)) {
  console.error("Usage: npm run privacy:monitor -- https://beteiligung.example.de [--key <name>+<id>+<key>] [--state <file>] [--watch <seconds> --times <n>]");
  process.exit(2);
}
const option = (name: "key" | "state" | "watch" | "times") => line.options[name];
const base = site.replace(/\/+$/, "");
const stateFile = option("state") ?? `teilhabe-monitor-${new URL(base).host.replace(/[^a-z0-9.-]/gi, "_")}.json`;

interface State {
  key: string;
  last: SeenCheckpoint | null;
  history: (SeenCheckpoint & { seenAt: string })[];
}

const get = siteReader(base);

function loadState(): State | null {
  try {
    return JSON.parse(readFileSync(stateFile, "utf8")) as State;
  } catch {
    return null;
  }
}

async function checkOnce(): Promise<number> {
  let state = loadState();
  const keyText = option("key") ?? state?.key ?? (await get("/transparenz/key")).trim();
  if (state && option("key") && state.key !== keyText) {
    console.error(`The key given differs from the one pinned in ${stateFile}: a new key must be announced by the operator; start a new state file to accept it.`);
    return 1;
  }
  const key = parseVerifierKey(keyText);
  state ??= { key: keyText, last: null, history: [] };
  const note = await get("/transparenz/checkpoint");
  const verdict = await judgeCheckpoint(note, key, state.last, async (from, to) =>
    (await get(`/transparenz/proof/consistency?from=${from}&to=${to}`))
      .split("\n")
      .filter(Boolean)
      .map((line) => Buffer.from(line, "base64")),
  );
  const now = new Date().toISOString();
  switch (verdict.status) {
    case "bad_signature":
      console.error(`ALERT ${now}: the checkpoint is not signed by ${key.name}: ${verdict.problem}`);
      return 1;
    case "rollback":
      console.error(`ALERT ${now}: ROLLBACK — the log now has ${verdict.current.size} entries, ${verdict.previous.size} were published before. Keep ${stateFile} as evidence.`);
      return 1;
    case "fork":
      console.error(`ALERT ${now}: FORK — checkpoint ${verdict.current.size} does not extend checkpoint ${verdict.previous.size} seen before: the log was rewritten. Keep ${stateFile} as evidence.`);
      return 1;
    case "first":
      console.log(`${now} first checkpoint seen: ${verdict.current.size} entries; key ${key.name} pinned in ${stateFile}`);
      break;
    case "unchanged":
      console.log(`${now} unchanged: ${verdict.current.size} entries`);
      break;
    case "grew":
      console.log(`${now} consistent: ${verdict.from} → ${verdict.current.size} entries (consistency proof checked)`);
      break;
  }
  state.last = verdict.current;
  state.history.push({ ...verdict.current, seenAt: now });
  writeFileSync(stateFile, JSON.stringify(state, null, 2) + "\n");
  return 0;
}

const watch = Number(option("watch") ?? 0);
const times = Number(option("times") ?? (watch > 0 ? 1000 : 1));
let code = 0;
for (let i = 0; i < times; i++) {
  try {
    code = await checkOnce();
  } catch (error) {
    console.error(`could not check ${base}: ${(error as Error).message}`);
    code = 2;
  }
  if (code === 1 || i === times - 1) break;
  await new Promise((r) => setTimeout(r, watch * 1000));
}
process.exit(code);
