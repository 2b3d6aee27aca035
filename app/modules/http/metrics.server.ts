/**
 * Prometheus metrics, kept in this process's memory (per instance, as Prometheus expects: it
 * scrapes each instance and sums). Labels are route patterns, methods, status classes, channels
 * and job names only: nothing about a person, no path with a token in it, no query string.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

type Labels = Record<string, string>;

const escapeLabel = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
const labelText = (labels: Labels) => {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
};

class Counter {
  readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels, by = 1) {
    const key = labelText(labels);
    const entry = this.values.get(key);
    if (entry) entry.value += by;
    else this.values.set(key, { labels, value: by });
  }
  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} counter\n`;
    for (const [key, { value }] of this.values) out += `${this.name}${key} ${value}\n`;
    return out;
  }
}

class Histogram {
  readonly values = new Map<string, { labels: Labels; buckets: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly bounds: number[],
  ) {}
  observe(labels: Labels, value: number) {
    const key = labelText(labels);
    let entry = this.values.get(key);
    if (!entry) this.values.set(key, (entry = { labels, buckets: this.bounds.map(() => 0), sum: 0, count: 0 }));
    for (let i = 0; i < this.bounds.length; i++) if (value <= this.bounds[i]) entry.buckets[i]++;
    entry.sum += value;
    entry.count++;
  }
  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} histogram\n`;
    for (const { labels, buckets, sum, count } of this.values.values()) {
      buckets.forEach((n, i) => (out += `${this.name}_bucket${labelText({ ...labels, le: String(this.bounds[i]) })} ${n}\n`));
      out += `${this.name}_bucket${labelText({ ...labels, le: "+Inf" })} ${count}\n`;
      out += `${this.name}_sum${labelText(labels)} ${sum}\n`;
      out += `${this.name}_count${labelText(labels)} ${count}\n`;
    }
    return out;
  }
}

const gauge = (name: string, help: string, value: number) => `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name} ${value}\n`;

const requests = new Counter("teilhabe_http_requests_total", "HTTP requests answered, by method, route pattern and status class.");
const durations = new Histogram("teilhabe_http_request_duration_seconds", "Time from request to the end of the response, by method, route pattern and status class.", LATENCY_BUCKETS);
const submissions = new Counter("teilhabe_submissions_created_total", "Submissions created, by channel (online, phone, paper, counter, letter).");
const jobs = new Counter("teilhabe_jobs_total", "Scheduled job runs by job and result (success, failure).");

const eventLoop = monitorEventLoopDelay({ resolution: 20 });
const startedAt = Date.now() / 1000;
const seconds = (ns: number) => (Number.isFinite(ns) ? ns / 1e9 : 0);

/** The server starts measuring event-loop delay (scripts that import this module do not). */
export function startProcessMetrics() {
  eventLoop.enable();
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
export function renderMetrics(): string {
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  const text =
    requests.render() +
    durations.render() +
    submissions.render() +
    jobs.render() +
    gauge("process_resident_memory_bytes", "Resident set size of this process.", memory.rss) +
    gauge("nodejs_heap_used_bytes", "V8 heap in use.", memory.heapUsed) +
    gauge("nodejs_external_memory_bytes", "Memory of buffers and other objects outside the V8 heap.", memory.external + memory.arrayBuffers) +
    `# HELP process_cpu_seconds_total User and system CPU time spent.\n# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total ${(cpu.user + cpu.system) / 1e6}\n` +
    gauge("process_start_time_seconds", "Start time of the process since the Unix epoch.", Math.round(startedAt)) +
    gauge("nodejs_eventloop_lag_mean_seconds", "Mean event-loop delay since the last scrape.", seconds(eventLoop.mean)) +
    gauge("nodejs_eventloop_lag_p99_seconds", "99th percentile of the event-loop delay since the last scrape.", seconds(eventLoop.percentile(99))) +
    gauge("nodejs_eventloop_lag_max_seconds", "Largest event-loop delay since the last scrape.", seconds(eventLoop.max));
  eventLoop.reset();
  return text;
}
