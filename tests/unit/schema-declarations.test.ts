/**
 * db/schema.ts declares each table interface once: TypeScript merges a second declaration of the same
 * interface silently, so two copies could drift apart (one gaining a column) without an error.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../support/server";

describe("db/schema.ts", () => {
  it("declares every interface and type once", () => {
    const source = readFileSync(join(projectRoot, "db/schema.ts"), "utf8");
    const names = [...source.matchAll(/^export (?:interface|type) (\w+)/gm)].map((m) => m[1]);
    expect(names.length).toBeGreaterThan(20);
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
  });
});
