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

export interface LaunchOptions {
  javaScriptEnabled?: boolean;
  viewport?: { width: number; height: number };
  /** let the test add style sheets (as a user style sheet or extension would) despite the page's CSP */
  bypassCSP?: boolean;
  /** more Chromium switches, e.g. --remote-debugging-port for Lighthouse */
  args?: string[];
}

/**
 * For contexts with JavaScript disabled: a second, JavaScript-enabled Chromium in which axe
 * checks a copy of the page (axe cannot run where scripts are off). Started on first use.
 */
const axeMirrors = new WeakMap<BrowserContext, () => Promise<Page>>();

async function launchContext(options: LaunchOptions): Promise<{ context: BrowserContext; profile: string }> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium not found at ${chromiumPath}: run \`apt-get install -y chromium\` (as root) or set CHROMIUM_PATH.`,
    );
  }
  const profile = mkdtempSync(join(tmpdir(), "teilhabe-chromium-"));
  try {
    const context = await chromium.launchPersistentContext(profile, {
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
        ...(options.args ?? []),
      ],
      javaScriptEnabled: options.javaScriptEnabled ?? true,
      viewport: options.viewport ?? DESKTOP,
      bypassCSP: options.bypassCSP ?? false,
      // residents of a German municipality; pages pick other languages with ?lng=
      locale: "de-DE",
    });
    return { context, profile };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}

export async function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  const { context, profile } = await launchContext(options);
  const page = context.pages()[0] ?? (await context.newPage());
  let mirror: Promise<{ context: BrowserContext; profile: string; page: Page }> | null = null;
  if (options.javaScriptEnabled === false) {
    axeMirrors.set(context, async () => {
      mirror ??= launchContext({ javaScriptEnabled: true, viewport: options.viewport }).then(async (m) => ({
        ...m,
        page: m.context.pages()[0] ?? (await m.context.newPage()),
      }));
      return (await mirror).page;
    });
  }
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
      const m = await mirror?.catch(() => null);
      if (m) {
        await m.context.close();
        rmSync(m.profile, { recursive: true, force: true });
      }
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
 * → .hint — Fix any of the following: …`. An empty array means no violations.
 *
 * Pages ship no JavaScript of their own; axe comes from the automation (evaluated directly, so
 * the page's CSP, which refuses scripts, stays in force). A page in a context with JavaScript disabled
 * cannot run axe (the injected script would not execute, axe's timers would never fire), so its
 * current HTML is served at the same URL to a JavaScript-enabled twin and checked there; the
 * stylesheet comes from the real server, so colours and layout are the page's own.
 */
export async function axeCheck(page: Page): Promise<string[]> {
  const mirror = axeMirrors.get(page.context());
  let target = page;
  if (mirror) {
    target = await mirror();
    await target.setViewportSize(page.viewportSize() ?? DESKTOP);
    const html = await page.content();
    const url = page.url().replace(/#.*$/, "");
    const isPage = (u: URL) => u.href === url;
    await target.route(isPage, (route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html }));
    try {
      await target.goto(url);
    } finally {
      await target.unroute(isPage);
    }
  }
  // evaluated by the automation, not as a <script> element: the pages' Content-Security-Policy
  // (script-src 'none') stays in force and would refuse an injected script
  await target.evaluate(axeSource);
  const violations = await target.evaluate(async (tags) => {
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

/** A form's own submit button: the place fieldset's buttons (enlarge a cell, the plan) submit too, under `place_action`. */
export const FORM_SUBMIT = "main form button[type=submit]:not([name=place_action])";
