/**
 * Prometheus metrics through prom-client (decision 0039), kept in this process's memory (per
 * instance, as Prometheus expects: it scrapes each instance and sums). Labels are route patterns,
 * methods, status classes, channels and job names only: nothing about a person, no path with a
 * token in it, no query string.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

const registry = new Registry();

const requests = new Counter({
  name: "teilhabe_http_requests_total",
  help: "HTTP requests answered, by method, route pattern and status class.",
  labelNames: ["method", "route", "status"] as const,
  registers: [registry],
});
const durations = new Histogram({
  name: "teilhabe_http_request_duration_seconds",
  help: "Time from request to the end of the response, by method, route pattern and status class.",
  labelNames: ["method", "route", "status"] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});
const submissions = new Counter({
  name: "teilhabe_submissions_created_total",
  help: "Submissions created, by channel (online, phone, paper, counter, letter).",
  labelNames: ["channel"] as const,
  registers: [registry],
});
const jobs = new Counter({
  name: "teilhabe_jobs_total",
  help: "Scheduled job runs by job and result (success, failure).",
  labelNames: ["job", "result"] as const,
  registers: [registry],
});

let processMetrics = false;

/**
 * The server starts the process metrics (scripts that import this module do not): prom-client's
 * defaults — process_resident_memory_bytes, process_cpu_seconds_total, process_start_time_seconds,
 * nodejs_external_memory_bytes, nodejs_heap_size_used_bytes, nodejs_eventloop_lag_{mean,p99,max,…}_seconds
 * (since the previous scrape) and more — plus nodejs_heap_used_bytes, the name this project used before.
 */
export function startProcessMetrics() {
  if (processMetrics) return;
  processMetrics = true;
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  new Gauge({
    name: "nodejs_heap_used_bytes",
    help: "V8 heap in use (the same as nodejs_heap_size_used_bytes; kept for existing dashboards).",
    registers: [registry],
    collect() {
      this.set(process.memoryUsage().heapUsed);
    },
  });
}

/** One answered request. `route` is a pattern such as /:org/verfahren/:slug, never a raw path. */
export function observeRequest(method: string, route: string, status: number, seconds: number) {
  const labels = { method: METHODS.has(method) ? method : "OTHER", route, status: `${Math.floor(status / 100)}xx` };
  requests.inc(labels);
  durations.observe(labels, seconds);
}

/** Called where a submission is created (one per new row, not for a repeated idempotency key). */
export function countSubmission(channel: string) {
  submissions.inc({ channel });
}

export function countJob(job: string, result: "success" | "failure") {
  jobs.inc({ job, result });
}

/** The text exposition format (version 0.0.4). */
export function renderMetrics(): Promise<string> {
  return registry.metrics();
}
