/**
 * Structured logs through pino (decision 0040): one JSON object per line on standard output,
 * `{"level":"info","time":"<ISO 8601>","event":"…",…fields}`, never request bodies or personal data.
 *
 * Lines are written asynchronously: while one write is on its way, the next lines gather and leave
 * together (one write instead of one per request under load). An error line is pushed out at once;
 * whatever is still gathered is written before the process exits. Fields named like personal data
 * (redactedFields) are replaced by "[redacted]", as a second
 * lock behind the rule that callers never pass them; top-level names only (a field holding an object,
 * such as `contact`, goes whole), as pino's wildcard paths cost ~10 µs per line.
 */
import { pino } from "pino";

/** Field names that could carry a person's data or a secret. */
export const redactedFields = [
  "name", "email", "address", "phone", "contact", "text", "password", "token", "code", "secret",
  "cookie", "authorization", "ip", "body",
];

const logger = pino(
  {
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: redactedFields, censor: "[redacted]" },
  },
  pino.destination({ dest: 1, sync: false }),
);

export function log(level: "info" | "warn" | "error", event: string, fields: Record<string, unknown> = {}) {
  logger[level]({ event, ...fields });
  if (level === "error") logger.flush();
}
