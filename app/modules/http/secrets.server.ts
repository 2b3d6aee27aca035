/**
 * Secrets the app needs, from the environment in production. In demo mode (no variable set) each
 * is generated once and kept in a file beside the SQLite database (data/ for PostgreSQL), with a
 * warning in the log: losing the file loses what it protects.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { databaseUrlFromEnv, isPostgresUrl } from "#db/connection.server";
import { log } from "./log.server";

/** Served over HTTPS (PUBLIC_ORIGIN says so): cookies are Secure, the session cookie gets `__Host-`. */
export const servedOverHttps = () => (process.env.PUBLIC_ORIGIN ?? "").startsWith("https://");

/** The folder that holds demo-mode secrets: beside the database file. */
export function secretsDir(env: NodeJS.ProcessEnv = process.env): string {
  const url = databaseUrlFromEnv(env);
  if (isPostgresUrl(url) || url === ":memory:") return resolve("data");
  return dirname(resolve(url.replace(/^file:/, "")));
}

export function demoSecretFile(name: string): string {
  return join(secretsDir(), name);
}

let cookieSecret: string | undefined;

/** Signs cookies that grant access (the receipt-code session). SESSION_SECRET in production. */
export function getCookieSecret(): string {
  if (cookieSecret) return cookieSecret;
  const fromEnv = process.env.SESSION_SECRET?.trim();
  if (fromEnv) return (cookieSecret = fromEnv);
  const file = demoSecretFile("session-secret");
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600 });
  }
  log("warn", "demo_session_secret", { message: `SESSION_SECRET is not set: using a generated secret kept in ${file}. Set SESSION_SECRET in production.` });
  return (cookieSecret = readFileSync(file, "utf8").trim());
}
