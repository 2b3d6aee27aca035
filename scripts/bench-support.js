/**
 * What `npm run bench` and `npm run bench:documents` share: starting a server process, and what they
 * do as demo staff (sign in with the demo TOTP secret, upload a large PDF through the admin's
 * documents page).
 */
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { writeFileSync } from "node:fs";
import { root } from "./build-if-stale.js";

/** Starts a node process and waits for its {"event":"listening","port":n} line. */
export async function startProcess(script, env, nodeArgs = [], cwd = root) {
  const child = spawn(process.execPath, [...nodeArgs, script], { cwd, env: { ...process.env, PORT: "0", ...env }, stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise((resolve, reject) => {
    let out = "";
    const onData = (c) => {
      out += c;
      const m = out.match(/"event":"listening","port":(\d+)/);
      if (m) {
        child.stdout.off("data", onData);
        child.stdout.resume(); // the access log: read and dropped
        resolve(Number(m[1]));
      }
    };
    child.stdout.on("data", onData);
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  child.removeAllListeners("exit");
  return { child, url: `http://127.0.0.1:${port}` };
}

/** A demo staff member signed in with the demo TOTP secret: the session cookie. */
export async function signIn(base, email) {
  const res = await fetch(`${base}/anmelden`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: `email=${encodeURIComponent(email)}&password=teilhabe-demo`,
  });
  let session = res.headers.getSetCookie().map((c) => c.split(";")[0]).filter((c) => !c.endsWith("=")).pop();
  const code = await fetch(`${base}/anmelden/code`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: session },
    body: `code=${totp("JBSWY3DPEHPK3PXP")}`,
  });
  session = code.headers.getSetCookie().map((c) => c.split(";")[0]).filter((c) => !c.endsWith("=")).pop();
  return session;
}

/** RFC 6238 with SHA-1, 30 s, 6 digits: the app's own code (app/modules/accounts/totp.server.ts) is TypeScript. */
function totp(secret) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secret) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000)));
  const h = createHmac("sha1", key).update(counter).digest();
  const o = h[h.length - 1] & 15;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1e6).padStart(6, "0");
}

/**
 * A `size`-byte PDF written to `file` (it passes the checks: header and %%EOF; its bytes do not
 * compress), uploaded by the demo admin as a document of the cycling plan. Returns the bytes, the
 * document's public download URL and the upload's seconds.
 */
export async function uploadBenchDocument(url, file, size) {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i + 4 <= size; i += 4) bytes.writeUInt32LE((Math.imul(i, 2654435761) ^ 0x5a5a5a5a) >>> 0, i);
  bytes.write("%PDF-1.7\n", 0, "latin1");
  bytes.write("\n%%EOF\n", size - 7, "latin1");
  writeFileSync(file, bytes);

  const cookie = await signIn(url, "admin@demo.example");
  const dashboard = await (await fetch(`${url}/musterstadt/verwaltung`, { headers: { cookie } })).text();
  const procedureId = /href="\/musterstadt\/verwaltung\/verfahren\/(\d+)"[^>]*>Radverkehrsplan 2030/.exec(dashboard)?.[1];
  if (!procedureId) throw new Error("download bench: the cycling plan is not on the admin dashboard");
  const page = `${url}/musterstadt/verwaltung/verfahren/${procedureId}/dokumente`;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await (await fetch(page, { headers: { cookie } })).text())?.[1];
  const form = new FormData();
  form.append("_csrf", csrf);
  form.append("intent", "add");
  form.append("title", "Radverkehrsplan 2030 – Anlagen (Benchmark)");
  form.append("summary", "Anlagen zum Entwurf.");
  form.append("file", new Blob([bytes]), "anlagen.pdf");
  const t0 = Date.now();
  const uploaded = await fetch(page, { method: "POST", body: form, headers: { cookie }, redirect: "manual" });
  const documentId = /dokument-(\d+)/.exec(uploaded.headers.get("location") ?? "")?.[1];
  if (uploaded.status !== 303 || !documentId) throw new Error(`download bench: upload answered ${uploaded.status}`);
  return { bytes, seconds: (Date.now() - t0) / 1000, download: `${url}/musterstadt/verfahren/radverkehrsplan-2030/dokumente/${documentId}` };
}
