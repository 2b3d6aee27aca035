/**
 * The README is the newcomer's first hour: at most 300 lines, no link that leaves the repository (a
 * clone has nothing beside it), and every link into docs/ (and every relative link in docs/) leads to
 * a file that exists.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import markdownIt from "markdown-it";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../support/server";

const md = markdownIt("commonmark");

/** The targets of every link and image in a Markdown file. */
function linkTargets(file: string): string[] {
  const targets: string[] = [];
  for (const token of md.parse(readFileSync(file, "utf8"), {})) {
    for (const child of token.children ?? []) {
      const target = child.type === "link_open" ? child.attrGet("href") : child.type === "image" ? child.attrGet("src") : null;
      if (target !== null) targets.push(String(target));
    }
  }
  return targets;
}

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//");

/** Relative targets that leave the repository or name a file that does not exist. */
function brokenRelativeLinks(file: string): string[] {
  const broken: string[] = [];
  for (const target of linkTargets(file)) {
    if (isExternal(target) || target.startsWith("#")) continue;
    const path = resolve(dirname(file), decodeURIComponent(target.split("#")[0]));
    const inside = relative(projectRoot, path);
    if (inside.startsWith("..") || !existsSync(path)) broken.push(target);
  }
  return broken;
}

const readme = join(projectRoot, "README.md");

describe("README.md", () => {
  it("has at most 300 lines", () => {
    expect(readFileSync(readme, "utf8").trimEnd().split("\n").length).toBeLessThanOrEqual(300);
  });

  it("links nothing outside the repository", () => {
    const targets = linkTargets(readme);
    expect(targets.length).toBeGreaterThan(5);
    expect(targets.filter(isExternal)).toEqual([]);
    expect(readFileSync(readme, "utf8")).not.toMatch(/\.\.\/shared|\]\(\.\.\//);
  });

  it("links only to files and folders that exist, among them the docs every operator needs", () => {
    expect(brokenRelativeLinks(readme)).toEqual([]);
    const targets = linkTargets(readme);
    for (const doc of ["docs/design.md", "docs/configuration.md", "docs/operations.md", "docs/privacy-operations.md", "docs/benchmarks.md"]) {
      expect(targets).toContain(doc);
    }
  });
});

describe("README.md's architecture map", () => {
  const map = /## Architecture\n+```\n([\s\S]*?)\n```/.exec(readFileSync(readme, "utf8"))?.[1] ?? "";

  it("names every module folder and every file of the server", () => {
    expect(map.length).toBeGreaterThan(1000);
    const modules = readdirSync(join(projectRoot, "app/modules")).filter((name) => !name.includes("."));
    expect(modules.filter((name) => !new RegExp(`^\\s+${name}/`, "m").test(map))).toEqual([]);
    const server = readdirSync(join(projectRoot, "server")).filter((name) => name.endsWith(".ts"));
    expect(server.filter((name) => !map.includes(name))).toEqual([]);
  });
});

describe("docs/", () => {
  it.each(readdirSync(join(projectRoot, "docs")).filter((f) => f.endsWith(".md")))("%s links only to files in the repository that exist", (file) => {
    expect(brokenRelativeLinks(join(projectRoot, "docs", file))).toEqual([]);
  });
});
