/**
 * What the server (server/, compiled apart from the Remix bundle) needs from the app: exported through
 * app/entry.server.tsx as `serverSupport`, so that the server and the app share one copy of the
 * metrics (createSubmission and the jobs count into the same registry that /metrics renders).
 */
import { readiness } from "./health.server";
import { log } from "./log.server";
import { countJob, countSubmission, observeRequest, renderMetrics, startProcessMetrics } from "./metrics.server";
import { routePatterns } from "./route-pattern.server";
import { securityHeaders } from "./security-headers.server";
import { MAX_FORM_BYTES } from "./form-body.server";
import { listenHost } from "./secrets.server";
import { isPrivatePath } from "./private-paths";

export const serverSupport = {
  log,
  readiness,
  routePatterns,
  securityHeaders,
  observeRequest,
  renderMetrics,
  startProcessMetrics,
  countSubmission,
  countJob,
  /** HOST, else loopback unless PUBLIC_ORIGIN is set (secrets.server) */
  listenHost,
  /** pages and downloads with a receipt code or personal data: no-store */
  isPrivatePath,
  /** the most a request body may bring; readForm refuses (413) at MAX_FORM_BYTES, before this */
  maxBodyBytes: MAX_FORM_BYTES + 64 * 1024,
};
