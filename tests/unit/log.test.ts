/**
 * The log module (pino, decision 0040) in a process of its own, as the server uses it: one JSON
 * object per line with level, ISO time and event first, personal fields redacted, every line
 * written before the process exits.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../support/server";

const script = `
import { log } from "./app/modules/http/log.server.ts";
log("info", "listening", { port: 4321, seeded: false });
log("info", "request", { method: "POST", route: "/:org/beitrag", status: 303, email: "ottilie@beispiel.example", contact: { name: "Ottilie" } });
for (let i = 0; i < 2000; i++) log("info", "burst", { i });
log("warn", "outbox_send_failed", { outboxId: 7, error: "timeout", password: "Vollmond 7", token: "abc123" });
log("error", "job_failed", { job: "sessions", error: "boom" });
log("info", "stopping");
process.exit(0);
`;

describe("log lines", () => {
  const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: projectRoot, encoding: "utf8" });
  const lines = run.stdout.split("\n").filter((l) => l !== "");
  const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);

  it("are JSON objects with level, time and event first, fields in the order given, all written before exit", () => {
    expect(run.status, run.stderr).toBe(0);
    expect(lines[0]).toMatch(/^\{"level":"info","time":"\d{4}-\d\d-\d\dT[0-9:.]+Z","event":"listening","port":4321,"seeded":false\}$/);
    expect(entries.map((e) => e.event).filter((e) => e !== "burst")).toEqual(["listening", "request", "outbox_send_failed", "job_failed", "stopping"]);
    expect(entries.filter((e) => e.event === "burst").map((e) => e.i)).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    expect(entries.find((e) => e.event === "job_failed")).toMatchObject({ level: "error", job: "sessions", error: "boom" });
    expect(entries.find((e) => e.event === "outbox_send_failed")?.level).toBe("warn");
  });

  it("replace fields named like personal data or secrets, objects in them whole", () => {
    expect(entries.find((e) => e.event === "request")).toEqual(
      expect.objectContaining({ route: "/:org/beitrag", status: 303, email: "[redacted]", contact: "[redacted]" }),
    );
    expect(entries.find((e) => e.event === "outbox_send_failed")).toMatchObject({ outboxId: 7, password: "[redacted]", token: "[redacted]" });
    for (const secret of ["ottilie@beispiel.example", "Ottilie", "Vollmond", "abc123"]) expect(run.stdout).not.toContain(secret);
  });
});
