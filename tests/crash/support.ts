/**
 * Shared by the crash, backup, cluster and scale-out suites: an app process on a fixed port and a
 * fixed database (so a restart finds the same data), the resident journey as a real browser does it
 * (form → check your answers → send → receipt code) with retries, and a consistency audit of the
 * database afterwards.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { verifyAllChains } from "~/modules/privacy-log/privacy-log.server";
import { receiptCodeDigest } from "~/modules/privacy/server-keys.server";
import { parseReceiptCode } from "~/modules/submissions/receipt-code";
import { Client } from "../support/http";
import { SERVER_SCRIPT, projectRoot } from "../support/server";

export const PROCEDURE = "/musterstadt/verfahren/radverkehrsplan-2030";
/** fixed secrets, so restarts and several instances agree (and nothing is written into the repo's data/) */
export const APP_SECRETS = {
  SESSION_SECRET: "crash-and-scale-tests-session-secret-0123456789",
  CONTACT_DATA_KEYS: "test:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
  TLOG_SIGNING_KEY: "PRIVATE+KEY+test.teilhabe.invalid/transparenz+92a7790e+AeXh62c0UVrk5l0tTCa7pZhF36my8Xaj46n2fmfRqfSA",
};

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const randomBetween = (min: number, max: number) => min + Math.floor(Math.random() * (max - min));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface AppProcess {
  child: ChildProcess;
  /** resolves once the app listens (for a cluster: once every worker listens) */
  ready: Promise<void>;
  exited: Promise<number | null>;
  logs(): string;
}

/** Start `node <script>` (SERVER_SCRIPT or CLUSTER_SCRIPT) on a fixed port and database. */
export function spawnApp(args: { databaseUrl: string; port: number; script?: string; env?: Record<string, string>; listening?: number }): AppProcess {
  let output = "";
  const child = spawn(process.execPath, [args.script ?? SERVER_SCRIPT], {
    cwd: projectRoot,
    env: {
      ...process.env,
      ...APP_SECRETS,
      // the load comes from one address: the per-client submission limit would stop it
      SUBMISSIONS_PER_HOUR: "0",
      SEED_DEMO_RESULTS: "false",
      PORT: String(args.port),
      HOST: "127.0.0.1",
      DATABASE_URL: args.databaseUrl,
      NODE_ENV: "production",
      ...args.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const wanted = args.listening ?? 1;
    const timer = setTimeout(() => reject(new Error(`app did not start:\n${output.slice(-4000)}`)), 60_000);
    const check = () => {
      if ((output.match(/"event":"listening"/g) ?? []).length >= wanted) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", (c: Buffer) => {
      output += c.toString();
      check();
    });
    child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`app exited with ${code} before listening:\n${output.slice(-4000)}`));
    });
  });
  ready.catch(() => {});
  return { child, ready, exited, logs: () => output };
}

export async function killHard(app: AppProcess) {
  if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill("SIGKILL");
  await app.exited;
}

export async function stopGently(app: AppProcess) {
  if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill("SIGTERM");
  await app.exited;
}

export interface JourneyStats {
  journeys: number;
  retries: number;
  abandoned: number;
  /** requests given up after REQUEST_PATIENCE_MS without an answer (and sent again) */
  unanswered: number;
  serverErrors: string[];
}

export const newStats = (): JourneyStats => ({ journeys: 0, retries: 0, abandoned: 0, unanswered: 0, serverErrors: [] });

export interface Receipt {
  marker: string;
  code: string;
  /** sent with the same draft more than once (retry after an error, or a double click) */
  resent: boolean;
}

class Transient extends Error {}
class NoAnswer extends Error {}
const REQUEST_PATIENCE_MS = 20_000;

/**
 * One resident journey. Network errors (the server was killed) are retried with the same cookie
 * jar — so the send is retried with the same draft, the idempotency key. A 5xx is recorded as a
 * failure a user would have seen. `base` is read on every request so the caller may switch instances.
 */
export async function residentJourney(
  base: () => string,
  marker: string,
  stats: JourneyStats,
  opts: { doubleSend?: boolean; withContact?: boolean; deadline?: number; headers?: Record<string, string> } = {},
): Promise<Receipt | null> {
  const c = new Client(base(), opts.headers ?? {});
  let resent = false;
  type Answer = { status: number; location: string | null; text: string };
  const read = async (res: Response): Promise<Answer> => ({ status: res.status, location: res.headers.get("location"), text: await res.text() });
  const attempt = async (what: string, run: () => Promise<Answer>, expected: number, location?: string): Promise<Answer> => {
    for (let tries = 0; ; tries++) {
      if (opts.deadline && Date.now() > opts.deadline) throw new Transient(`gave up ${what}`);
      if (tries > 0) {
        stats.retries++;
        await sleep(100);
      }
      c.base = base();
      let res: Answer;
      let timer: NodeJS.Timeout | undefined;
      try {
        // an answer that never comes (a connection handed to a worker as it was killed) is given up
        // after REQUEST_PATIENCE_MS and sent again, as a resident would click again
        res = await Promise.race([run(), new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new NoAnswer()), REQUEST_PATIENCE_MS)))]);
      } catch (error) {
        if (error instanceof NoAnswer) stats.unanswered++;
        continue; // connection refused or reset, also mid-body: the server is down or was killed
      } finally {
        clearTimeout(timer);
      }
      if (res.status >= 500) {
        stats.serverErrors.push(`${what}: ${res.status} ${res.text.slice(0, 300)}`);
        continue;
      }
      if (res.status !== expected || (location && res.location !== location)) {
        throw new Error(`${what}: unexpected ${res.status} ${res.location ?? ""} ${res.text.slice(0, 300)}`);
      }
      return res;
    }
  };
  const form: [string, string][] = [
    ["q1", marker],
    ["q3", "bike"],
    ["q5", "3"],
  ];
  if (opts.withContact) form.push(["contact_email", `${marker.replace(/[^a-z0-9]/gi, "")}@example.org`]);
  try {
    await attempt("form", async () => read(await c.post(PROCEDURE, form)), 303, `${PROCEDURE}/pruefen`);
    let sends = 0;
    await attempt(
      "send",
      async () => {
        if (sends++ > 0) resent = true;
        if (opts.doubleSend) {
          resent = true;
          const [a, b] = await Promise.all([c.post(`${PROCEDURE}/pruefen`, "").then(read), c.post(`${PROCEDURE}/pruefen`, "").then(read)]);
          // both clicks must end on the confirmation; report the worse one
          if (a.status !== 303 || a.location !== `${PROCEDURE}/bestaetigung`) return a;
          return b;
        }
        return read(await c.post(`${PROCEDURE}/pruefen`, ""));
      },
      303,
      `${PROCEDURE}/bestaetigung`,
    );
    const page = await attempt("confirmation", async () => read(await c.get(`${PROCEDURE}/bestaetigung`)), 200);
    const code = page.text.match(/id="receipt-code"><strong>([0-9A-Z-]+)<\/strong>/)?.[1];
    if (!code) throw new Error("confirmation without a receipt code");
    stats.journeys++;
    return { marker, code, resent };
  } catch (error) {
    if (error instanceof Transient) {
      stats.abandoned++;
      return null;
    }
    throw error;
  }
}

/**
 * The consistency audit. A submission is *half-written* when any part that createSubmission writes
 * in the same transaction is missing: an answer to each of its procedure's required questions, a
 * privacy log that starts with "received" then the notice event with gap-free sequence numbers,
 * contact data exactly when the log says personal data were stored; or when a submitted draft
 * points to no submission or to another draft's submission.
 */
export async function auditDatabase(db: Kysely<Database>, receipts: Receipt[]) {
  const problems: string[] = [];
  const submissions = await db.selectFrom("submissions").select(["id", "procedure_id", "receipt_code_hash", "idempotency_key", "personal_data_deleted_at"]).execute();
  const required = await db.selectFrom("questions").select(["id", "procedure_id"]).where("required", "=", 1).execute();
  const answers = await db.selectFrom("answers").select(["submission_id", "question_id", "value"]).execute();
  const events = await db.selectFrom("privacy_events").select(["submission_id", "seq", "type"]).orderBy("submission_id").orderBy("seq").execute();
  const contacts = new Set((await db.selectFrom("contact_details").select("submission_id").execute()).map((r) => r.submission_id));
  const drafts = await db.selectFrom("submission_drafts").select(["id", "submission_id"]).where("submission_id", "is not", null).execute();

  const answersOf = new Map<number, { question_id: number; value: string }[]>();
  for (const a of answers) answersOf.set(a.submission_id, [...(answersOf.get(a.submission_id) ?? []), a]);
  const eventsOf = new Map<number, { seq: number; type: string }[]>();
  for (const e of events) eventsOf.set(e.submission_id, [...(eventsOf.get(e.submission_id) ?? []), e]);
  const ids = new Set(submissions.map((s) => s.id));

  for (const s of submissions) {
    const mine = answersOf.get(s.id) ?? [];
    for (const q of required.filter((q) => q.procedure_id === s.procedure_id)) {
      if (!mine.some((a) => a.question_id === q.id)) problems.push(`submission ${s.id} has no answer to required question ${q.id}`);
    }
    const log = eventsOf.get(s.id) ?? [];
    if (log[0]?.type !== "received" || !/^notice_/.test(log[1]?.type ?? "")) problems.push(`submission ${s.id}: log starts ${log.map((e) => e.type).join(",")}`);
    if (log.some((e, i) => Number(e.seq) !== i + 1)) problems.push(`submission ${s.id}: sequence gap`);
    const stored = log.some((e) => e.type === "personal_data_stored");
    if (stored !== contacts.has(s.id) && !s.personal_data_deleted_at) problems.push(`submission ${s.id}: contact data ${contacts.has(s.id)} but log says ${stored}`);
  }
  for (const [id] of answersOf) if (!ids.has(id)) problems.push(`answers of missing submission ${id}`);
  for (const [id] of eventsOf) if (!ids.has(id)) problems.push(`privacy events of missing submission ${id}`);
  for (const d of drafts) {
    const s = submissions.find((x) => x.id === d.submission_id);
    if (!s || s.idempotency_key !== d.id) problems.push(`draft ${d.id} points to submission ${d.submission_id}, which is not its own`);
  }
  const keys = new Map<string, number>();
  for (const s of submissions) keys.set(s.idempotency_key, (keys.get(s.idempotency_key) ?? 0) + 1);
  for (const [key, n] of keys) if (n > 1) problems.push(`idempotency key ${key} used by ${n} submissions`);

  // every receipt code a client saw is there, with the client's answer; no marker twice
  const byHash = new Map(submissions.map((s) => [s.receipt_code_hash, s.id]));
  const markerCount = new Map<string, number>();
  for (const a of answers) if (a.value.startsWith("crash-") || a.value.startsWith("scale-")) markerCount.set(a.value, (markerCount.get(a.value) ?? 0) + 1);
  let found = 0;
  for (const r of receipts) {
    const compact = parseReceiptCode(r.code);
    const id = compact ? byHash.get(await receiptCodeDigest(db, compact)) : undefined;
    if (id === undefined) {
      problems.push(`receipt ${r.code} (${r.marker}) not found`);
      continue;
    }
    if (!(answersOf.get(id) ?? []).some((a) => a.value === r.marker)) problems.push(`receipt ${r.code} leads to submission ${id} without ${r.marker}`);
    if ((markerCount.get(r.marker) ?? 0) !== 1) problems.push(`${r.marker} stored ${markerCount.get(r.marker) ?? 0} times`);
    found++;
  }
  for (const [marker, n] of markerCount) if (n > 1) problems.push(`${marker} stored ${n} times`);

  const chains = await verifyAllChains(db);
  for (const b of chains.broken) problems.push(`privacy log of submission ${b.subjectId} broken at ${b.check.brokenAt}: ${b.check.problem}`);
  return { problems, submissions: submissions.length, receiptsFound: found, chainsChecked: chains.checked, duplicateMarkers: [...markerCount.values()].filter((n) => n > 1).length };
}
