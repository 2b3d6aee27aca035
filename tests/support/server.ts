/**
 * Starts the production server (node build/server/index.js, built by the global setup) on a free port with a
 * database of its own, the way an operator runs it. Returns its URL and what it logged.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createTestDatabase, type TestDatabase } from "./databases";

export const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
/** The compiled server (server/index.ts) and cluster (server/cluster.ts), as `npm run build` leaves them. */
export const SERVER_SCRIPT = "build/server/index.js";
export const CLUSTER_SCRIPT = "build/server/cluster.js";

export interface TestServer {
  url: string;
  /** the server process, for tests that signal it */
  pid: number;
  database: TestDatabase;
  logs(): string;
  stop(): Promise<void>;
}

export async function startServer(
  options: { engine?: "sqlite" | "postgres"; env?: Record<string, string>; startTimeoutMs?: number } = {},
): Promise<TestServer> {
  const database = await createTestDatabase(options.engine ?? "sqlite");
  let output = "";
  const child: ChildProcess = spawn(process.execPath, [SERVER_SCRIPT], {
    cwd: projectRoot,
    // every test request comes from this machine: the per-client submission limit (SUBMISSIONS_PER_HOUR)
    // is off unless a test sets it (tests/http/safe-defaults.test.ts)
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", DATABASE_URL: database.url, NODE_ENV: "production", SUBMISSIONS_PER_HOUR: "0", SEED_DEMO_RESULTS: "false", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), options.startTimeoutMs ?? 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = output.match(/"event":"listening","port":(\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  child.removeAllListeners("exit");
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    database,
    logs: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      await database.drop();
    },
  };
}
