/**
 * `npm run bench:alerts`: BENCH_ALERTS (100 000) confirmed alerts on a fresh SQLite database (or
 * BENCH_DATABASE_URL), one new procedure, then the alerts job's fan-out and sending, unpaced, to a
 * local SMTP sink (smtp-server on 127.0.0.1, counting). Reported: fan-out rows/s, mails/s, peak
 * RSS of this process; and, in the same run, the bare baseline — the same number of mails of the
 * same size sent by nodemailer alone over the same kind of connection, without a database — as a
 * ratio. Both use one pooled SMTP connection (`?pool=true`), as an operator should configure.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { openDatabase } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { seedDemoIfEmpty } from "#db/seed";
import { newAlertToken, tokenDigest } from "~/modules/alerts/alerts";
import { createNotices, fanOut, sendAlertMails } from "~/modules/alerts/sending.server";
import { createTransport } from "~/modules/notifications/outbox.server";
import { encryptField } from "~/modules/privacy/contact-crypto.server";
import { getKeyRing } from "~/modules/privacy/keys.server";

const N = Number(process.env.BENCH_ALERTS ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), "teilhabe-bench-alerts-"));
process.env.CONTACT_DATA_KEYS ??= "bench:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

let received = 0;
let receivedBytes = 0;
const sink = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  onData(stream, _session, callback) {
    stream.on("data", (c: Buffer) => (receivedBytes += c.length));
    stream.on("end", () => {
      received++;
      callback();
    });
  },
});
await new Promise<void>((r) => sink.listen(0, "127.0.0.1", () => r()));
const port = (sink.server.address() as AddressInfo).port;
const env = { SMTP_URL: `smtp://127.0.0.1:${port}/?ignoreTLS=true&pool=true&maxConnections=1&maxMessages=Infinity`, MAIL_FROM: "Bench <bench@example.org>" };

const peak = () => Math.round(process.resourceUsage().maxRSS / 1024);
const mb = (n: number) => `${n} MB`;

const h = openDatabase(process.env.BENCH_DATABASE_URL || join(dir, "bench.sqlite"));
await migrateToLatest(h.db);
await seedDemoIfEmpty(h.db);
const org = await h.db.selectFrom("organisations").select("id").executeTakeFirstOrThrow();
// the seeded procedures are announced before the alerts exist
await createNotices(h.db);
await fanOut(h.db);

const ring = getKeyRing();
const created = new Date(Date.now() - 3_600_000).toISOString();
let t = Date.now();
for (let i = 0; i < N; i += 1000) {
  const rows = [];
  for (let j = i; j < Math.min(N, i + 1000); j++) {
    const token = newAlertToken();
    const digest = tokenDigest(token);
    rows.push({
      organisation_id: org.id,
      token_digest: digest,
      token_sealed: encryptField(ring, token, `alerts:${digest}:token`),
      email: encryptField(ring, `person.${j}@example.org`, `alerts:${digest}:email`),
      email_digest: `bench:${j}`,
      language: ["de", "en", "tr", "ar", "uk", "ru", "pl", "de-x-ls"][j % 8],
      new_procedures: 1,
      procedure_id: null,
      channel: "online" as const,
      state: "confirmed" as const,
      created_at: created,
      confirmed_at: created,
      delete_after: new Date(Date.now() + 700 * 86_400_000).toISOString(),
      reminder_sent_at: null,
      ended_at: null,
    });
  }
  await h.db.insertInto("alerts").values(rows).execute();
}
console.log(`${N} confirmed alerts written in ${((Date.now() - t) / 1000).toFixed(1)} s (set-up, not measured)`);

const { id: _id, ...procedure } = await h.db.selectFrom("procedures").selectAll().where("slug", "=", "radverkehrsplan-2030").executeTakeFirstOrThrow();
const now = new Date();
await h.db
  .insertInto("procedures")
  .values({ ...procedure, slug: "bench-neu", title: "Neues Verfahren für den Benchmark", status: "open", opens_at: new Date(now.getTime() - 60_000).toISOString(), closes_at: new Date(now.getTime() + 30 * 86_400_000).toISOString(), derived_from_id: null })
  .execute();
await createNotices(h.db, now);
t = Date.now();
const queued = await fanOut(h.db, now);
const fanOutSeconds = (Date.now() - t) / 1000;
console.log(`fan-out: ${queued} deliveries in ${fanOutSeconds.toFixed(1)} s (${Math.round(queued / fanOutSeconds)} rows/s), peak RSS ${mb(peak())}`);

const transport = createTransport(env)!;
t = Date.now();
const result = await sendAlertMails(h.db, transport, { origin: "https://beteiligung.example", now: () => now });
const sendSeconds = (Date.now() - t) / 1000;
const ours = result.sent / sendSeconds;
const averageBytes = Math.round(receivedBytes / Math.max(1, received));
console.log(`ours: ${result.sent} mails in ${sendSeconds.toFixed(1)} s = ${ours.toFixed(0)} mails/s (${JSON.stringify(result)}), sink received ${received}, peak RSS ${mb(peak())}`);
(transport as unknown as { close?: () => void }).close?.();

// the bare baseline: the same number of mails of the same size, nodemailer alone
const bare = createTransport(env)!;
const body = "x".repeat(Math.max(100, averageBytes - 600));
const before = received;
t = Date.now();
for (let i = 0; i < result.sent; i++) await bare.sendMail({ to: `person.${i}@example.org`, subject: "Neues Beteiligungsverfahren: Neues Verfahren für den Benchmark", text: body });
const bareSeconds = (Date.now() - t) / 1000;
const bareRate = (received - before) / bareSeconds;
(bare as unknown as { close?: () => void }).close?.();
console.log(`bare nodemailer: ${received - before} mails in ${bareSeconds.toFixed(1)} s = ${bareRate.toFixed(0)} mails/s`);
console.log(`ratio ours/bare: ${(ours / bareRate).toFixed(2)}; peak RSS of the whole run ${mb(peak())}; load average ${(await import("node:os")).loadavg().map((l) => l.toFixed(1)).join(" ")}`);

await h.close();
await new Promise<void>((r) => sink.close(() => r()));
rmSync(dir, { recursive: true, force: true });
