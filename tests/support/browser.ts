/**
 * Chromium for the browser suites, driven by playwright-core (no downloaded browsers: the
 * distribution's Chromium, or CHROMIUM_PATH). Each launch gets a throw-away profile directory.
 * `axeCheck` runs axe-core against the current page and returns its WCAG 2.2 AA violations in
 * a form that reads well in a failing assertion.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

const require = createRequire(import.meta.url);

export const chromiumPath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

export const DESKTOP = { width: 1280, height: 900 } as const;
export const NARROW = { width: 320, height: 800 } as const;

export interface Browser {
  context: BrowserContext;
  /** the first (already open) tab of the context */
  page: Page;
  close(): Promise<void>;
}

export async function launchBrowser(
  options: { javaScriptEnabled?: boolean; viewport?: { width: number; height: number } } = {},
): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium not found at ${chromiumPath}: run \`apt-get install -y chromium\` (as root) or set CHROMIUM_PATH.`,
    );
  }
  const profile = mkdtempSync(join(tmpdir(), "teilhabe-chromium-"));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      javaScriptEnabled: options.javaScriptEnabled ?? true,
      viewport: options.viewport ?? DESKTOP,
      locale: "de-DE",
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

const axeSource: string = (require("axe-core") as { source: string }).source;

export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: string[]; failureSummary: string }[];
}

/**
 * Runs axe-core (WCAG 2.0–2.2 A and AA rules) on the page and returns the violations as
 * readable lines, one per rule and element: `color-contrast (serious): Elements must meet …
 * → .hint`. An empty array means no violations.
 *
 * Pages ship no JavaScript of their own; the automation injects axe anyway. Playwright's
 * addScriptTag and evaluate work even in a context with JavaScript disabled, but callers
 * that want certainty run axe in a JavaScript-enabled context (the accessibility suite does).
 */
export async function axeCheck(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axeSource });
  // In a context with JavaScript disabled the injected <script> does not run; the automation's
  // own evaluation still does, so axe is defined through it instead.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run: Function } }).axe;
    const result = await axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return (result.violations as AxeViolation[]).map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.map(String), failureSummary: n.failureSummary })),
    }));
  }, WCAG_TAGS);
  return formatViolations(violations);
}

export function formatViolations(violations: AxeViolation[]): string[] {
  const lines: string[] = [];
  for (const v of violations) {
    for (const n of v.nodes) {
      const why = (n.failureSummary ?? "").replace(/\s+/g, " ").trim();
      lines.push(`${v.id} (${v.impact ?? "n/a"}): ${v.help} → ${n.target.join(" ")}${why ? ` — ${why}` : ""}`);
    }
  }
  return lines;
}
