/**
 * Structured logs: one JSON object per line, never request bodies or personal data.
 *
 * Info and warning lines are gathered and written together once per turn of the event loop (one
 * write instead of one per request under load); errors are written at once, after what was
 * gathered before them. What is gathered is written before the process exits normally.
 */
let pending: string[] = [];
let scheduled = false;

function flushLog() {
  scheduled = false;
  if (pending.length === 0) return;
  const text = pending.join("\n");
  pending = [];
  console.log(text);
}

process.once("exit", flushLog);

export function log(level: "info" | "warn" | "error", event: string, fields: Record<string, unknown> = {}) {
  const line = JSON.stringify({ time: new Date().toISOString(), level, event, ...fields });
  if (level === "error") {
    flushLog();
    console.error(line);
    return;
  }
  pending.push(line);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flushLog);
  }
}
