/**
 * A real ClamAV daemon for the tests (Debian's clamav-daemon; `apt-get install clamav-daemon`). There
 * is no network for freshclam here, so it starts with a signature database of our own: the EICAR test
 * file's MD5 in an .hdb file (the official test signature every scanner knows). It listens on a free
 * loopback port; the tests scan through CLAMD_URL exactly as the app does.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The EICAR anti-virus test file: harmless, and detected by every scanner as if it were malware. */
export const EICAR = Buffer.from("X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*", "latin1");

export function clamdBinary(): string | null {
  for (const candidate of [process.env.CLAMD_BIN, "/usr/sbin/clamd", "clamd"].filter(Boolean) as string[]) {
    const found = spawnSync(candidate, ["--version"], { encoding: "utf8" });
    if (found.status === 0) return candidate;
  }
  return null;
}

export const CLAMD_MISSING =
  "clamd is not installed, so the malware-scanning hook cannot be tested against a real daemon: run `apt-get install clamav-daemon` (Debian/Ubuntu) and run the tests again";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

const ping = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: "127.0.0.1", port }, () => socket.write("zPING\0"));
    let reply = "";
    socket.on("data", (d) => (reply += d.toString()));
    socket.on("end", () => resolve(reply.startsWith("PONG")));
    socket.on("error", () => resolve(false));
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve(false);
    });
  });

export interface RunningClamd {
  url: string;
  stop(): Promise<void>;
}

export async function startClamd(binary: string): Promise<RunningClamd> {
  const dir = mkdtempSync(join(tmpdir(), "teilhabe-clamd-"));
  const port = await freePort();
  // the EICAR file as a whole (hash) and inside any other file (body signature, as real signatures work)
  writeFileSync(join(dir, "eicar.hdb"), "44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature\n");
  writeFileSync(join(dir, "eicar.ndb"), `Eicar-Test-Body:0:*:${EICAR.toString("hex")}\n`);
  const config = join(dir, "clamd.conf");
  writeFileSync(
    config,
    [`DatabaseDirectory ${dir}`, `TCPSocket ${port}`, "TCPAddr 127.0.0.1", "Foreground yes", `LogFile ${join(dir, "clamd.log")}`, "StreamMaxLength 30M", ...(process.getuid?.() === 0 ? ["User root"] : [])].join("\n") + "\n",
  );
  const child: ChildProcess = spawn(binary, ["-c", config], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr += d.toString()));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`clamd ended at start (${child.exitCode}): ${stderr}`);
    if (await ping(port)) {
      return {
        url: `tcp://127.0.0.1:${port}`,
        stop: async () => {
          if (child.exitCode === null) {
            child.kill("SIGTERM");
            await new Promise((r) => child.once("exit", r));
          }
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill("SIGKILL");
  throw new Error(`clamd did not answer PING within 60 s: ${stderr}`);
}
