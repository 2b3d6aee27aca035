/**
 * Demo mode or production, and the secrets the app needs.
 *
 * Demo mode is chosen with DEMO_MODE=true, or is the default when nobody else can reach the server:
 * it listens on loopback and PUBLIC_ORIGIN is not set. Only then are demo data and demo accounts
 * loaded and missing secrets generated (each once, into a file beside the SQLite database, created
 * exclusively so that cluster workers agree). Everywhere else is production: it refuses to start
 * without its settings (requireProductionSettings), with one message naming each and how to make it.
 */
import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { databaseUrlFromEnv, isPostgresUrl } from "#db/connection.server";
import { log } from "./log.server";

/** Served over HTTPS (PUBLIC_ORIGIN says so): cookies are Secure, the session cookie gets `__Host-`. */
export const servedOverHttps = () => (process.env.PUBLIC_ORIGIN ?? "").startsWith("https://");

/** The address the server listens on: HOST, else loopback unless PUBLIC_ORIGIN says it is public. */
export function listenHost(env: Partial<NodeJS.ProcessEnv> = process.env): string | undefined {
  const host = env.HOST?.trim();
  if (host) return host;
  return env.PUBLIC_ORIGIN?.trim() ? undefined : "127.0.0.1";
}

const isLoopback = (host: string | undefined) =>
  host !== undefined && (host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host) || /^::ffff:127\.\d+\.\d+\.\d+$/.test(host));

/** DEMO_MODE=true|false, or unset: demo when listening on loopback without a PUBLIC_ORIGIN. */
export function isDemoMode(env: Partial<NodeJS.ProcessEnv> = process.env): boolean {
  const chosen = env.DEMO_MODE?.trim().toLowerCase();
  if (chosen === "true" || chosen === "1") return true;
  if (chosen === "false" || chosen === "0") return false;
  if (env.PUBLIC_ORIGIN?.trim()) return false;
  return isLoopback(listenHost(env));
}

/** A start that must not go on; the server and the cluster (server/) print the message alone and exit with 1. */
export class ConfigurationError extends Error {
  override name = "ConfigurationError";
}

const HOW_TO_MAKE: Record<string, string> = {
  SESSION_SECRET: `SESSION_SECRET      signs the receipt-code cookie; make one with: node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"`,
  CONTACT_DATA_KEYS: "CONTACT_DATA_KEYS   encrypts contact data, second-factor secrets and app keys; make one with: npm run keys:rotate -- --new",
  TLOG_SIGNING_KEY: "TLOG_SIGNING_KEY    signs the transparency log's checkpoints; make one with: npm run tlog:keygen -- <host>/transparenz",
  PUBLIC_ORIGIN: "PUBLIC_ORIGIN       the public https:// address, e.g. https://beteiligung.musterstadt.de",
};

/** Outside demo mode: every required setting present, or one error that lists all missing ones. */
export function requireProductionSettings(env: Partial<NodeJS.ProcessEnv> = process.env): void {
  if (isDemoMode(env)) return;
  const missing = Object.keys(HOW_TO_MAKE).filter((name) => !env[name]?.trim());
  if (missing.length === 0) return;
  throw new ConfigurationError(
    "Teilhabe runs in production mode (PUBLIC_ORIGIN is set, or it listens on a non-loopback address) and refuses to start without:\n" +
      missing.map((name) => `  ${HOW_TO_MAKE[name]}`).join("\n") +
      "\nA demo on this machine only: DEMO_MODE=true (demo data, demo accounts, generated secrets).",
  );
}

/** The folder that holds demo-mode secrets: beside the database file. */
export function secretsDir(env: NodeJS.ProcessEnv = process.env): string {
  const url = databaseUrlFromEnv(env);
  if (isPostgresUrl(url) || url === ":memory:") return resolve("data");
  return dirname(resolve(url.replace(/^file:/, "")));
}

export function demoSecretFile(name: string): string {
  return join(secretsDir(), name);
}

/**
 * The content of a generated secret file, made on first use. Written to a file of its own and then
 * linked into place, which fails when the file exists: two processes starting together never
 * overwrite each other, and a reader never sees a half-written file.
 */
export function readOrCreateSecretFile(file: string, generate: () => string): string {
  try {
    return readFileSync(file, "utf8").trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString("hex")}`;
  writeFileSync(temporary, generate() + "\n", { mode: 0o600, flag: "wx" });
  try {
    linkSync(temporary, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  } finally {
    unlinkSync(temporary);
  }
  return readFileSync(file, "utf8").trim();
}

let cookieSecret: string | undefined;

/** Signs cookies that grant access (the receipt-code session). SESSION_SECRET; generated only in demo mode. */
export function getCookieSecret(): string {
  if (cookieSecret) return cookieSecret;
  const fromEnv = process.env.SESSION_SECRET?.trim();
  if (fromEnv) return (cookieSecret = fromEnv);
  if (!isDemoMode()) throw new ConfigurationError("SESSION_SECRET is not set (required outside demo mode).");
  const file = demoSecretFile("session-secret");
  cookieSecret = readOrCreateSecretFile(file, () => randomBytes(32).toString("base64url"));
  log("warn", "demo_session_secret", { message: `SESSION_SECRET is not set: using a generated secret kept in ${file} (demo mode).` });
  return cookieSecret;
}
