/**
 * E-mail alerts against real databases (SQLite, and PostgreSQL when TEST_DATABASE_URL is set) and a
 * real SMTP server on 127.0.0.1: double opt-in (only the confirmation goes out before the link is
 * used), the alert mail in the sign-up's language with RFC 8058 one-click headers, unsubscribing,
 * erasure of unconfirmed sign-ups after 48 hours, limits per address that answer the same, the
 * alert's own privacy log, and a large send stopped midway and resumed (nobody twice, nobody lost).
 */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { migrateToLatest } from "#db/migrate";
import { seedDemoIfEmpty } from "#db/seed";
import { ADDRESS_LIMIT, tokenDigest, validateSignup } from "~/modules/alerts/alerts";
import { offeredTags, setProcedureTags } from "~/modules/alerts/tags.server";
import { confirmAlert, describeAlert, endAlertByToken, exportAlert, runAlertRetention, signUp } from "~/modules/alerts/alerts.server";
import { createNotices, fanOut, sendAlertMails } from "~/modules/alerts/sending.server";
import type { Mailer } from "~/modules/notifications/outbox.server";
import { readAlertLog } from "~/modules/privacy-log/alert-log.server";
import { getSigningKey } from "~/modules/transparency-log/keys.server";
import { formatVerifierKey, parseVerifierKey } from "~/modules/transparency-log/note";
import { integrateWaiting } from "~/modules/transparency-log/tlog.server";
import { verifyExport } from "~/modules/transparency-log/verify-export";
import { verifyTransparencyLog } from "~/modules/transparency-log/verify.server";
import { createHash } from "node:crypto";
import { H_LEAF, rootFromPath } from "../support/rfc9162";
import { createTestDatabase, engines, type TestDatabase } from "../support/databases";
import { LocalSmtp, type ReceivedMail } from "../support/smtp";
import { projectRoot } from "../support/server";
import { generateKeySpec, parseKeyRing } from "~/modules/privacy/contact-crypto.server";
import { reencryptAll } from "~/modules/privacy/key-rotation.server";
import { resetKeyRing } from "~/modules/privacy/keys.server";

const HOUR = 3_600_000;
const ORIGIN = "https://beteiligung.example";
const smtp = new LocalSmtp();
beforeAll(() => smtp.start());
afterAll(() => smtp.stop());

/** The leaf entry of decision 56, written out again from the decision (not imported from the app). */
const commitment = (e: any, salt: string) =>
  createHash("sha256")
    .update("teilhabe/privacy-event/v1\n")
    .update(Buffer.from(salt, "hex"))
    .update(JSON.stringify([e.seq, e.occurredAt, e.type, e.actorRole, JSON.stringify(e.categories), e.purpose, e.legalBasis, JSON.stringify(Object.fromEntries(Object.entries(e.details).sort(([a], [b]) => (a < b ? -1 : 1)))), e.hash]))
    .digest();

const tokenIn = (mail: ReceivedMail, kind: "bestaetigen" | "abmelden" | "verwalten") => new RegExp(`/benachrichtigung/${kind}/([A-Za-z0-9_-]{43})`).exec(mail.text)?.[1] ?? null;

describe.each(engines)("e-mail alerts on %s", (engine) => {
  let testDb: TestDatabase;
  let h: DatabaseHandle;
  let orgId: number;
  let transport: Mailer;
  let sequence = 0;
  const mailsTo = (address: string) => smtp.received.filter((m) => m.to.includes(address));

  /** A procedure that opens now (an admin opened it), copied from a seeded one. */
  async function openNewProcedure(title: string, now: Date) {
    const { id: _id, ...row } = await h.db.selectFrom("procedures").selectAll().where("slug", "=", "radverkehrsplan-2030").executeTakeFirstOrThrow();
    const inserted = await h.db
      .insertInto("procedures")
      .values({ ...row, slug: `neu-${engine}-${++sequence}`, title, status: "open", opens_at: new Date(now.getTime() - 60_000).toISOString(), closes_at: new Date(now.getTime() + 30 * 24 * HOUR).toISOString(), derived_from_id: null })
      .returning("id")
      .executeTakeFirstOrThrow();
    return Number(inserted.id);
  }
  const leafIndexOf = async (alertId: number, seq: number) =>
    (
      await h.db
        .selectFrom("tlog_leaves")
        .innerJoin("alert_events", "alert_events.id", "tlog_leaves.alert_event_id")
        .select("tlog_leaves.leaf_index")
        .where("alert_events.alert_id", "=", alertId)
        .where("alert_events.seq", "=", seq)
        .executeTakeFirstOrThrow()
    ).leaf_index;
  const send = (options: Parameters<typeof sendAlertMails>[2] = {}) => sendAlertMails(h.db, transport, { origin: ORIGIN, ...options });
  const sign = (email: string, language = "de", topics: ("new_procedures" | "results")[] = ["new_procedures"], now = new Date()) =>
    signUp(h.db, { organisationId: orgId, input: { email, topics, procedure: topics.includes("results") ? "radverkehrsplan-2030" : "" }, language, clientKey: null, now });

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    h = openDatabase(testDb.url);
    await migrateToLatest(h.db);
    await seedDemoIfEmpty(h.db);
    orgId = (await h.db.selectFrom("organisations").select("id").executeTakeFirstOrThrow()).id;
    transport = smtp.transport();
    // the seeded procedures are announced before anyone signs up: to nobody
    await createNotices(h.db);
    await fanOut(h.db);
  });
  afterAll(async () => {
    await h?.close();
    await testDb?.drop();
  });

  it("sends only the confirmation until the link in it is used; stores the address encrypted", async () => {
    const address = `lena.${engine}@example.org`;
    const signed = await sign(address, "en");
    expect(signed.stored).toBe(true);
    const row = await h.db.selectFrom("alerts").selectAll().where("state", "=", "pending").orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(address);
    expect(JSON.stringify(row)).not.toContain("lena");

    expect(await send()).toMatchObject({ sent: 1 });
    const [confirmation] = mailsTo(address);
    expect(confirmation.text).toContain("Please confirm here");
    expect(LocalSmtp.header(confirmation, "List-Unsubscribe")).toBeUndefined();
    const token = tokenIn(confirmation, "bestaetigen")!;
    expect(token).toBeTruthy();

    // a procedure opens before the confirmation: nothing for this address
    await openNewProcedure("Parkplatz am Rathaus", new Date());
    await createNotices(h.db);
    await fanOut(h.db);
    await send();
    expect(mailsTo(address)).toHaveLength(1);
    expect(await h.db.selectFrom("alert_deliveries").select("id").where("alert_id", "=", signed.stored ? signed.alertId : 0).where("kind", "=", "procedure_opened").execute()).toEqual([]);

    expect(await confirmAlert(h.db, orgId, token)).toBe("confirmed");
    expect(await confirmAlert(h.db, orgId, token)).toBe("already");
  });

  it("tells a confirmed alert of a new procedure, in its language, with a one-click unsubscribe (RFC 8058)", async () => {
    const address = `lena.${engine}@example.org`;
    await openNewProcedure("Neue Bänke im Stadtpark", new Date(Date.now() + 1000));
    expect(await createNotices(h.db, new Date(Date.now() + 2000))).toBe(1);
    expect(await fanOut(h.db, new Date(Date.now() + 2000))).toBe(1);
    expect(await fanOut(h.db, new Date(Date.now() + 2000))).toBe(0);
    expect(await send({ now: () => new Date(Date.now() + 3000) })).toMatchObject({ sent: 1 });
    const mails = mailsTo(address);
    expect(mails).toHaveLength(2);
    const alert = mails[1];
    expect(alert.text).toContain("has started a new consultation");
    expect(alert.text).toContain("Neue Bänke im Stadtpark");
    const unsubscribe = tokenIn(alert, "abmelden")!;
    expect(LocalSmtp.header(alert, "List-Unsubscribe")).toBe(`<${ORIGIN}/musterstadt/benachrichtigung/abmelden/${unsubscribe}>`);
    expect(LocalSmtp.header(alert, "List-Unsubscribe-Post")).toBe("List-Unsubscribe=One-Click");
    expect(tokenIn(alert, "verwalten")).toBe(unsubscribe);
  });

  it("keeps the alert's own privacy log: what was stored, why, every mail, in a chain that shows tampering", async () => {
    const row = await h.db.selectFrom("alerts").select(["id", "token_digest"]).where("state", "=", "confirmed").orderBy("id").executeTakeFirstOrThrow();
    const log = await readAlertLog(h.db, row.id);
    expect(log.check.intact).toBe(true);
    expect(log.events.map((e) => e.type)).toEqual(["notice_shown", "requested", "confirmation_sent", "confirmed", "mail_sent"]);
    expect(log.events.every((e) => e.legalBasis.includes("Art. 6 Abs. 1 lit. a"))).toBe(true);
    expect(log.events[1]).toMatchObject({ categories: ["email"], purpose: "alerts" });
    expect(log.events[4].details).toMatchObject({ kind: "procedure_opened", procedure: "Neue Bänke im Stadtpark" });
    expect(JSON.stringify(log.events)).not.toContain("@example.org");

    await h.db.updateTable("alert_events").set({ details_json: '{"kind":"procedure_opened","procedure":"etwas anderes"}' }).where("alert_id", "=", row.id).where("seq", "=", 5).execute();
    expect((await readAlertLog(h.db, row.id)).check).toMatchObject({ intact: false, brokenAt: 5 });
  });

  it("unsubscribes for good: the address is gone, nothing more is sent, a second time changes nothing", async () => {
    const address = `lena.${engine}@example.org`;
    const token = tokenIn(mailsTo(address)[1], "abmelden")!;
    await endAlertByToken(h.db, orgId, token, "unsubscribed");
    await endAlertByToken(h.db, orgId, token, "unsubscribed");
    const row = await h.db.selectFrom("alerts").selectAll().where("token_digest", "=", tokenDigest(token)).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: "unsubscribed", email: null, email_digest: null });
    const log = await readAlertLog(h.db, row.id);
    expect(log.events.filter((e) => e.type === "deleted").map((e) => e.details.reason)).toEqual(["unsubscribed"]);

    await openNewProcedure("Nach der Abmeldung", new Date(Date.now() + 5000));
    await createNotices(h.db, new Date(Date.now() + 6000));
    await fanOut(h.db, new Date(Date.now() + 6000));
    await send({ now: () => new Date(Date.now() + 7000) });
    expect(mailsTo(address)).toHaveLength(2);
  });

  it("erases sign-ups not confirmed within 48 hours, and cancels their mail", async () => {
    const address = `mia.${engine}@example.org`;
    const at = new Date();
    const signed = await sign(address, "de", ["new_procedures"], at);
    if (!signed.stored) throw new Error("not stored");
    expect(await runAlertRetention(h.db, new Date(at.getTime() + 47 * HOUR))).toMatchObject({ expired: 0 });
    expect(await runAlertRetention(h.db, new Date(at.getTime() + 49 * HOUR))).toMatchObject({ expired: 1 });
    const row = await h.db.selectFrom("alerts").selectAll().where("id", "=", signed.alertId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: "expired", email: null });
    const delivery = await h.db.selectFrom("alert_deliveries").selectAll().where("alert_id", "=", signed.alertId).executeTakeFirstOrThrow();
    expect(delivery.state).toBe("cancelled");
    await expect(confirmAlert(h.db, orgId, signed.token)).rejects.toMatchObject({ status: 404 });
    expect((await readAlertLog(h.db, signed.alertId)).events.at(-1)).toMatchObject({ type: "deleted", actorRole: "system", details: { reason: "unconfirmed" } });
    expect(mailsTo(address)).toHaveLength(0);
  });

  it("limits confirmation mails per address and answers the same whether or not one is sent", async () => {
    const address = `Flut.${engine}@Example.org`;
    const outcomes = [];
    for (let i = 0; i < ADDRESS_LIMIT.limit + 2; i++) outcomes.push(await sign(i % 2 ? address.toLowerCase() : address));
    expect(outcomes.filter((o) => o.stored)).toHaveLength(ADDRESS_LIMIT.limit);
    await send();
    expect(smtp.received.filter((m) => m.to.some((t) => t.toLowerCase() === address.toLowerCase()))).toHaveLength(ADDRESS_LIMIT.limit);
  });

  it("makes every alert event a leaf of the transparency log: the export proves each one offline, and a rewritten alert event is caught", async () => {
    const address = `protokoll.${engine}@example.org`;
    const signed = await sign(address, "de");
    if (!signed.stored) throw new Error("not stored");
    await send();
    expect(await confirmAlert(h.db, orgId, signed.token)).toBe("confirmed");
    const leaves = await h.db
      .selectFrom("tlog_leaves")
      .innerJoin("alert_events", "alert_events.id", "tlog_leaves.alert_event_id")
      .select(["alert_events.type", "tlog_leaves.entry"])
      .where("alert_events.alert_id", "=", signed.alertId)
      .orderBy("alert_events.seq")
      .execute();
    expect(leaves.map((l) => l.type)).toEqual(["notice_shown", "requested", "confirmation_sent", "confirmed"]);

    const key = getSigningKey();
    await integrateWaiting(h.db, key);
    const exported = JSON.parse(JSON.stringify(await exportAlert(h.db, orgId, signed.token)));
    expect(exported.alert).toMatchObject({ email: address, state: "confirmed", newProcedures: true });
    expect(JSON.stringify(exported.transparencyLog)).not.toContain(address);
    // the independent RFC 9162 walk: every event before the export leads to the signed root
    const t = exported.transparencyLog;
    const [, sizeLine, rootLine] = t.checkpoint.split("\n");
    let proven = 0;
    for (const event of exported.privacyLog) {
      const p = t.events.find((e: any) => e.seq === event.seq);
      if (p.leafIndex === null) continue; // the export itself: in the next checkpoint
      const path = p.inclusionProof.map((h: string) => Buffer.from(h, "base64"));
      expect(rootFromPath(p.leafIndex, Number(sizeLine), H_LEAF(commitment(event, p.salt)), path)).toEqual(Buffer.from(rootLine, "base64"));
      proven++;
    }
    expect(proven).toBe(4);
    // the standalone verifier's check (npm run privacy:verify-export) accepts the alert's export as it is
    expect(verifyExport(exported, parseVerifierKey(formatVerifierKey(key)))).toMatchObject({ ok: true, events: 5, proven: 4, waiting: 1 });
    const forged = structuredClone(exported);
    forged.privacyLog[1].details.until = "2099-01-01T00:00:00.000Z";
    expect(verifyExport(forged, parseVerifierKey(formatVerifierKey(key))).problems).toEqual([{ code: "event_not_included", seq: 2 }]);

    // privacy:verify: the alert event rewritten in an earlier test no longer matches its leaf
    const tampered = await h.db.selectFrom("alerts").select("id").where("state", "!=", "pending").orderBy("id").executeTakeFirstOrThrow();
    const check = await verifyTransparencyLog(h.db, key);
    expect(check.problems).toContain(`leaf ${await leafIndexOf(tampered.id, 5)}: event 5 of alert ${tampered.id} was changed after it was written`);
    expect(check.problems.filter((p) => !p.includes(`alert ${tampered.id}`))).toEqual([]);
    await endAlertByToken(h.db, orgId, signed.token, "request");
  });

  it("a large send stopped midway and restarted reaches everyone once; a sender that died holding rows is taken over after its lease", async () => {
    const count = 240;
    const now = new Date();
    const addresses = Array.from({ length: count }, (_, i) => `viele.${i}.${engine}@example.org`);
    for (const a of addresses) {
      const s = await sign(a, "pl", ["new_procedures"], now);
      if (!s.stored) throw new Error("not stored");
      await h.db.updateTable("alerts").set({ state: "confirmed", confirmed_at: now.toISOString() }).where("id", "=", s.alertId).execute();
    }
    await h.db.updateTable("alert_deliveries").set({ state: "cancelled", next_attempt_at: null }).where("kind", "=", "confirmation").where("state", "=", "pending").execute();
    const later = new Date(now.getTime() + 60_000);
    await openNewProcedure("Großer Versand", later);
    await createNotices(h.db, later);
    expect(await fanOut(h.db, later)).toBe(count);

    // 1. a stop asked for after 100 mails (a restart of the server): the mail in flight is finished and marked
    const controller = new AbortController();
    let forwarded = 0;
    const stopping: Mailer = {
      sendMail: async (m) => {
        await transport.sendMail(m);
        if (++forwarded === 100) controller.abort();
      },
    };
    const first = await sendAlertMails(h.db, stopping, { origin: ORIGIN, now: () => later, signal: controller.signal });
    expect(first.sent).toBe(100);

    // 2. a sender that dies (never returns) while holding its claimed batch
    let taken = 0;
    let died = () => {};
    const hung = new Promise<void>((resolve) => (died = resolve));
    const dying: Mailer = {
      sendMail: async (m) => {
        if (++taken > 40) {
          died();
          return new Promise(() => {});
        }
        await transport.sendMail(m);
      },
    };
    void sendAlertMails(h.db, dying, { origin: ORIGIN, now: () => later });
    await hung;

    // 3. a new process after the lease: the rest, nobody twice
    const result = await send({ now: () => new Date(later.getTime() + 11 * 60_000) });
    expect(first.sent + 40 + result.sent).toBe(count);
    const perAddress = addresses.map((a) => mailsTo(a).filter((m) => m.text.includes("Großer Versand")).length);
    expect(perAddress.filter((n) => n !== 1)).toEqual([]);
    const states = await h.db.selectFrom("alert_deliveries").select("state").where("kind", "=", "procedure_opened").where("state", "!=", "sent").execute();
    expect(states).toEqual([]);
  }, 120_000);

  it("alerts by topic and district: a new procedure reaches only the alerts whose choice it matches; the admin's change is audited", async () => {
    const admin = { organisationId: orgId, accountId: 1, clientAddress: "127.0.0.1" };
    const tag = async (procedureId: number, topics: string, districts: string) =>
      setProcedureTags(h.db, admin, procedureId, new Map([["alert_topics", [topics]], ["alert_districts", [districts]]]));
    const seeded = await h.db.selectFrom("procedures").select("id").where("slug", "=", "radverkehrsplan-2030").executeTakeFirstOrThrow();
    expect(await tag(seeded.id, "Verkehr, Grünflächen", "Nordviertel\nSüdstadt")).toEqual({ ok: true, changed: true });
    expect(await tag(seeded.id, "Grünflächen\nVerkehr", "Südstadt, Nordviertel")).toEqual({ ok: true, changed: false });
    expect(await tag(seeded.id, Array.from({ length: 11 }, (_, i) => `T${i}`).join(","), "")).toMatchObject({ ok: false, errors: [{ field: "alert_topics", message: "alertTags.errors.tooMany" }] });
    const audited = await h.db.selectFrom("audit_log").select("action").where("action", "=", "procedure_alert_tags_changed").execute();
    expect(audited).toHaveLength(1);
    const offered = await offeredTags(h.db, orgId);
    expect(offered).toEqual({ topic: ["Grünflächen", "Verkehr"], district: ["Nordviertel", "Südstadt"] });
    // a label the page did not offer comes from no page of ours
    expect(validateSignup(new Map([["email", ["x@example.org"]], ["topics", ["new_procedures"]], ["subject", ["Sport"]]]), [], offered)).toEqual({ malformed: "unknown_field" });

    const now = new Date(Date.now() + 20 * 60_000);
    const chooses = async (name: string, subjects: string[], districts: string[]) => {
      const fields = new Map([["email", [`${name}.${engine}@example.org`]], ["topics", ["new_procedures"]], ["subject", subjects], ["district", districts]]);
      const checked = validateSignup(fields, [], offered);
      if (!("ok" in checked) || !checked.ok) throw new Error("not valid");
      const s = await signUp(h.db, { organisationId: orgId, input: checked.values, language: "de", clientKey: null, now });
      if (!s.stored) throw new Error("not stored");
      await h.db.updateTable("alerts").set({ state: "confirmed", confirmed_at: now.toISOString() }).where("id", "=", s.alertId).execute();
      return s.alertId;
    };
    const everything = await chooses("alles", [], []);
    const traffic = await chooses("verkehr", ["Verkehr"], []);
    const green = await chooses("gruen", ["Grünflächen"], []);
    const south = await chooses("sued", [], ["Südstadt"]);
    const trafficNorth = await chooses("verkehr-nord", ["Verkehr"], ["Nordviertel"]);
    const ours = [everything, traffic, green, south, trafficNorth];

    const later = new Date(now.getTime() + 60_000);
    const reached = async (title: string, topics: string, districts: string) => {
      const id = await openNewProcedure(title, later);
      await tag(id, topics, districts);
      await createNotices(h.db, later);
      await fanOut(h.db, later);
      const notice = await h.db.selectFrom("alert_notices").select("id").where("procedure_id", "=", id).executeTakeFirstOrThrow();
      const rows = await h.db.selectFrom("alert_deliveries").select("alert_id").where("notice_id", "=", notice.id).execute();
      return rows.map((r) => r.alert_id).filter((a) => ours.includes(a)).sort((a, b) => a - b);
    };
    expect(await reached("Radweg Nordviertel", "Verkehr", "Nordviertel")).toEqual([everything, traffic, trafficNorth]);
    // no district: the whole municipality, so every district choice matches
    expect(await reached("Neue Bäume", "Grünflächen", "")).toEqual([everything, green, south]);
    expect(await reached("Busse in der Südstadt", "Verkehr", "Südstadt")).toEqual([everything, traffic, south]);
    // a procedure without a topic reaches those who chose no topic
    expect(await reached("Haushalt", "", "")).toEqual([everything, south]);
    const log = await readAlertLog(h.db, trafficNorth);
    expect(log.events.find((e) => e.type === "requested")?.details).toMatchObject({ topics: "Verkehr", districts: "Nordviertel" });
  });

  it("key rotation re-seals every alert's address and link: with only the new key the alert still sends, opens and unsubscribes", async () => {
    const address = `rotation.${engine}@example.org`;
    const now = new Date(Date.now() + 40 * 60_000);
    // the earlier tests' hundreds of alerts are not this test's subject: only this alert's mail is sent
    const othersQuiet = () =>
      h.db.updateTable("alert_deliveries").set({ state: "cancelled", next_attempt_at: null }).where("state", "in", ["pending", "failed"]).where("alert_id", "!=", signed.stored ? signed.alertId : 0).execute();
    const signed = await sign(address, "en", ["new_procedures"], now);
    if (!signed.stored) throw new Error("not stored");
    await othersQuiet();
    await send({ now: () => now });
    const token = tokenIn(mailsTo(address)[0], "bestaetigen")!;
    expect(await confirmAlert(h.db, orgId, token, now)).toBe("confirmed");

    const oldSpec = process.env.CONTACT_DATA_KEYS!;
    const newSpec = generateKeySpec("alertsrotated");
    try {
      // the operator's command, as run in production
      const cli = spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/rotate-keys.ts"], {
        cwd: projectRoot,
        env: { ...process.env, DATABASE_URL: testDb.url, CONTACT_DATA_KEYS: `${newSpec},${oldSpec}` },
        encoding: "utf8",
      });
      expect(cli.stderr).toBe("");
      expect(cli.status).toBe(0);
      expect(cli.stdout).toMatch(/Re-encrypted with key "alertsrotated": .*\b[1-9]\d* e-mail alerts,/);
      const row = await h.db.selectFrom("alerts").select(["email", "token_sealed"]).where("id", "=", signed.alertId).executeTakeFirstOrThrow();
      expect(row.email).toMatch(/^v1\.alertsrotated\./);
      expect(row.token_sealed).toMatch(/^v1\.alertsrotated\./);
      // no live alert is left under the old key
      const live = await h.db.selectFrom("alerts").select(["email", "token_sealed"]).where("state", "in", ["pending", "confirmed"]).execute();
      for (const r of live) expect([r.email, r.token_sealed].every((v) => v === null || v.startsWith("v1.alertsrotated."))).toBe(true);

      // only the new key left: the manage page reads the address, a new procedure reaches it, the link unsubscribes
      process.env.CONTACT_DATA_KEYS = newSpec;
      resetKeyRing();
      expect((await describeAlert(h.db, orgId, token)).alert.maskedEmail).toMatch(/^r.*@example\.org$/);
      expect((await exportAlert(h.db, orgId, token, now)).alert.email).toBe(address);
      const later = new Date(now.getTime() + 60_000);
      await openNewProcedure("Nach dem Schlüsselwechsel", later);
      await createNotices(h.db, later);
      await fanOut(h.db, later);
      await othersQuiet();
      await send({ now: () => later });
      const mails = mailsTo(address);
      expect(mails).toHaveLength(2);
      expect(mails[1].text).toContain("Nach dem Schlüsselwechsel");
      expect(tokenIn(mails[1], "abmelden")).toBe(token);
      await endAlertByToken(h.db, orgId, token, "unsubscribed", later);
      expect((await h.db.selectFrom("alerts").select(["state", "email"]).where("id", "=", signed.alertId).executeTakeFirstOrThrow())).toEqual({ state: "unsubscribed", email: null });

      // nothing left to do the second time
      expect((await reencryptAll(h.db, parseKeyRing(newSpec))).alerts).toBe(0);
    } finally {
      // back under the test key for the other engines
      await reencryptAll(h.db, parseKeyRing(`${oldSpec},${newSpec}`));
      process.env.CONTACT_DATA_KEYS = oldSpec;
      resetKeyRing();
    }
  });
});
