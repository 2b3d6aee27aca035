/**
 * The Nu Html Checker (vnu-jar, the W3C validator) over many HTML documents in one Java run.
 * Java 17+ must be installed (`npm test` installs it as root with apt-get, like Chromium).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";

const require = createRequire(import.meta.url);
const vnuJar: string = require("vnu-jar");

export const javaPath = process.env.JAVA_PATH || "java";

export interface VnuMessage {
  /** the name given to the document */
  document: string;
  line?: number;
  message: string;
  extract?: string;
}

/** Says what to run when Java is missing, instead of a cryptic spawn error. */
export function requireJava() {
  const probe = spawnSync(javaPath, ["-version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      "The HTML check needs Java 17 or later (vnu-jar): install it with `sudo apt-get install -y default-jre-headless` " +
        "(npm test does this itself when run as root) or set JAVA_PATH.",
    );
  }
}

/**
 * Checks every document (name → HTML) in a single vnu run (`--errors-only`) and returns its errors,
 * each naming the document it was found in. An empty array means valid HTML everywhere.
 */
export function validateHtml(documents: Map<string, string>): VnuMessage[] {
  requireJava();
  const dir = mkdtempSync(join(tmpdir(), "teilhabe-vnu-"));
  try {
    const names = new Map<string, string>();
    let i = 0;
    for (const [name, html] of documents) {
      const file = join(dir, `page-${String(++i).padStart(4, "0")}.html`);
      writeFileSync(file, html);
      names.set(basename(file), name);
    }
    const run = spawnSync(javaPath, ["-Xss4m", "-jar", vnuJar, "--format", "json", "--errors-only", dir], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.error) throw run.error;
    // vnu writes its report to stderr; exit code 1 only means "errors found"
    const report = JSON.parse(run.stderr || run.stdout || '{"messages":[]}') as {
      messages: { type: string; subType?: string; url?: string; lastLine?: number; message: string; extract?: string }[];
    };
    return report.messages
      .filter((m) => m.type === "error" || m.subType === "fatal" || m.type === "non-document-error")
      .map((m) => ({
        document: names.get(basename(decodeURIComponent(m.url ?? ""))) ?? m.url ?? "(unknown)",
        line: m.lastLine,
        message: m.message,
        extract: m.extract?.replace(/\s+/g, " ").trim(),
      }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
