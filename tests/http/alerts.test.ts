/**
 * Alerts, feeds and calendars over HTTP against the production server, with a real SMTP server:
 * sign-up from the home page's link, the confirmation mail in the reader's language, confirming
 * with the button (opening the link changes nothing), the manage page with the alert's privacy
 * log, one-click unsubscribe by RFC 8058 POST, erasure, the same answer for a known address, bad
 * input as a 400 with an error summary, the desk's sign-up; the Atom feed and the iCalendar files
 * read back with parsers.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import ICAL from "ical.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, mainOf, textOf } from "../support/http";
import { startServer, type TestServer } from "../support/server";
import { LocalSmtp, type ReceivedMail } from "../support/smtp";
import { DEMO, csrfOf, signIn } from "../support/staff";

const ORG = "/musterstadt";
const smtp = new LocalSmtp();
let server: TestServer;

const pathIn = (mail: ReceivedMail, kind: string) => new RegExp(`(/musterstadt/benachrichtigung/${kind}/[A-Za-z0-9_-]{43})`).exec(mail.text)?.[1] ?? null;

async function mailTo(address: string, count = 1): Promise<ReceivedMail[]> {
  for (let i = 0; i < 100; i++) {
    const mails = smtp.received.filter((m) => m.to.includes(address));
    if (mails.length >= count) return mails;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no mail to ${address}`);
}

beforeAll(async () => {
  await smtp.start();
  server = await startServer({ env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}/?ignoreTLS=true`, MAIL_FROM: "Stadt Musterstadt <beteiligung@musterstadt.example>", ALERT_MAILS_PER_SECOND: "0", TLOG_INTERVAL_MS: "300" } });
});
afterAll(async () => {
  await server?.stop();
  await smtp.stop();
});

describe("e-mail alerts over HTTP", () => {
  it("links the sign-up from the home page and every procedure page, and the feed from every page's head", async () => {
    const c = new Client(server.url);
    for (const path of [ORG, `${ORG}/verfahren/radverkehrsplan-2030`]) {
      const html = await (await c.get(path)).text();
      expect(html).toMatch(/<link rel="alternate" type="application\/atom\+xml" title="[^"]+" href="\/musterstadt\/verfahren.atom"\/>/);
      expect(mainOf(html)).toContain(`href="${ORG}/benachrichtigung`);
    }
    expect(await (await c.get(`${ORG}/verfahren/radverkehrsplan-2030`)).text()).toContain(`${ORG}/benachrichtigung?verfahren=radverkehrsplan-2030`);
  });

  it("answers an empty or wrong form with 400 and an error summary in the reader's language, storing nothing", async () => {
    for (const [lng, text] of [["de", "Geben Sie Ihre E-Mail-Adresse ein"], ["en", "Enter your email address"]]) {
      const res = await new Client(server.url).post(`${ORG}/benachrichtigung?lng=${lng}`, []);
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).toContain('class="error-summary"');
      expect(textOf(html)).toContain(text);
    }
    const wrong = await new Client(server.url).post(`${ORG}/benachrichtigung`, [["email", "keine-adresse"], ["topics", "new_procedures"]]);
    expect(wrong.status).toBe(400);
    expect((await new Client(server.url).post(`${ORG}/benachrichtigung`, [["email", "a@example.org"], ["topics", "alles"]])).status).toBe(400);
    expect((await new Client(server.url).post(`${ORG}/benachrichtigung`, [["email", "a@example.org"], ["topics", "new_procedures"], ["extra", "x"]])).status).toBe(400);
    expect(smtp.received).toHaveLength(0);
  });

  let confirmPath: string;
  let managePath: string;
  const address = "lea.http@example.org";

  it("signs up, sends only the confirmation mail in the reader's language, and confirms with the button", async () => {
    const c = new Client(server.url);
    const res = await c.post(`${ORG}/benachrichtigung?lng=en`, [["email", address], ["topics", "new_procedures"], ["topics", "results"], ["procedure", "radverkehrsplan-2030"]]);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`${ORG}/benachrichtigung/gesendet`);
    const [mail] = await mailTo(address);
    expect(mail.text).toContain("Please confirm here");
    confirmPath = pathIn(mail, "bestaetigen")!;
    expect(confirmPath).toBeTruthy();

    // opening the link (as a mail scanner would) confirms nothing
    const page = await c.get(`${confirmPath}?lng=en`);
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    const confirmed = await c.post(confirmPath, "");
    expect(confirmed.status).toBe(303);
    managePath = confirmed.headers.get("location")!.split("?")[0];
    const manage = textOf(mainOf(await (await c.get(`${managePath}?ok=confirmed&lng=en`)).text()));
    expect(manage).toContain("Thank you, your alert is confirmed.");
    expect(manage).toContain("l***@example.org");
    expect(manage).not.toContain(address);
    expect(manage).toContain("Confirmation email sent");
    expect(manage).toContain("The log is complete and unchanged.");
    expect(manage).toContain("Radverkehrsplan 2030");
  });

  it("shows the alert's log as part of the public record, and its download verifies with privacy:verify-export", async () => {
    const c = new Client(server.url, { "accept-language": "de" });
    let manage = "";
    for (let i = 0; i < 100 && !/Prüfpunkt \d+, unterschrieben am/.test(manage); i++) {
      await new Promise((r) => setTimeout(r, 200));
      manage = textOf(mainOf(await (await c.get(managePath)).text()));
    }
    expect(manage).toMatch(/Dieses Protokoll ist Teil des öffentlichen Prüfprotokolls: Prüfpunkt \d+, unterschrieben am/);
    const download = await c.post(`${managePath}/daten`, "");
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toMatch(/^attachment; filename="teilhabe-benachrichtigung-/);
    const exported = await download.json();
    expect(exported).toMatchObject({ format: "teilhabe-alert-export/1", alert: { email: address, state: "confirmed" } });
    expect(exported.privacyLog.at(-1)).toMatchObject({ type: "data_exported", explanation: "Sie haben Ihre Daten heruntergeladen." });
    const dir = mkdtempSync(join(tmpdir(), "teilhabe-alert-export-"));
    try {
      const file = join(dir, "alert.json");
      writeFileSync(file, JSON.stringify(exported));
      const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/privacy-verify-export.ts", file, "--site", server.url], { stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        child.stdout.on("data", (b: Buffer) => (out += b.toString()));
        child.stderr.on("data", (b: Buffer) => (out += b.toString()));
        child.on("close", (code) => resolve({ code, out }));
      });
      expect(result.out).toContain("VERIFIED");
      expect(result.out).not.toContain("NOT VERIFIED");
      expect(result.code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("gives the same answer for a known address", async () => {
    const res = await new Client(server.url).post(`${ORG}/benachrichtigung`, [["email", address], ["topics", "new_procedures"]]);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`${ORG}/benachrichtigung/gesendet`);
  });

  it("unsubscribes with the RFC 8058 one-click POST from the mail provider, without cookies or origin", async () => {
    const unsubscribePath = managePath.replace("/verwalten/", "/abmelden/");
    const res = await fetch(server.url + unsubscribePath, { method: "POST", body: "List-Unsubscribe=One-Click", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(res.status).toBe(200);
    const again = await fetch(server.url + unsubscribePath, { method: "POST", body: "List-Unsubscribe=One-Click", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(again.status).toBe(200);
    const manage = textOf(mainOf(await (await new Client(server.url).get(`${managePath}?lng=en`)).text()));
    expect(manage).toContain("Unsubscribed");
    expect(manage).toContain("You unsubscribed. Your address was deleted.");
    expect(manage).not.toContain("Delete my address now");
    expect((await fetch(server.url + unsubscribePath, { method: "POST", body: "irgendwas=1", headers: { "content-type": "application/x-www-form-urlencoded" } })).status).toBe(400);
  });

  it("erases an alert from its manage page; unknown links are a 404 in the reader's language", async () => {
    const other = "erik.http@example.org";
    await new Client(server.url).post(`${ORG}/benachrichtigung`, [["email", other], ["topics", "new_procedures"]]);
    const [mail] = await mailTo(other);
    const manage = pathIn(mail, "bestaetigen")!.replace("/bestaetigen/", "/verwalten/");
    const c = new Client(server.url);
    expect((await c.post(manage, [["intent", "erase"]])).status).toBe(303);
    const text = textOf(mainOf(await (await c.get(manage)).text()));
    expect(text).toContain("Auf Ihren Wunsch gelöscht");
    expect(text).toContain("Sie haben die Löschung verlangt.");
    expect((await c.post(manage.replace("/verwalten/", "/bestaetigen/"), "")).status).toBe(404);
    const missing = await c.get(`${ORG}/benachrichtigung/verwalten/${"A".repeat(43)}?lng=en`);
    expect(missing.status).toBe(404);
    expect(textOf(await missing.text())).toContain("Page not found");
  });

  it("lets the desk sign a caller up, with the notice read aloud recorded; the confirmation still decides", async () => {
    const { client } = await signIn(server.url, DEMO.staff, {});
    const page = `${ORG}/verwaltung/schalter/benachrichtigung`;
    const csrf = csrfOf(await (await client.get(page)).text());
    const empty = await client.post(page, [["_csrf", csrf], ["email", "rita.desk@example.org"], ["topics", "new_procedures"], ["language", "tr"]]);
    expect(empty.status).toBe(400);
    expect(textOf(await empty.text())).toContain("Lesen Sie den Datenschutz-Hinweis vor");
    const ok = await client.post(page, [["_csrf", csrf], ["email", "rita.desk@example.org"], ["topics", "new_procedures"], ["language", "tr"], ["notice_read", "yes"]]);
    expect(ok.status).toBe(200);
    const [mail] = await mailTo("rita.desk@example.org");
    expect(mail.text).toContain("Lütfen buradan onaylayın");
    const manage = textOf(mainOf(await (await new Client(server.url).get(`${pathIn(mail, "bestaetigen")!.replace("/bestaetigen/", "/verwalten/")}?lng=de`)).text()));
    expect(manage).toContain("Datenschutz-Hinweis vorgelesen");
    expect(manage).toContain("Noch nicht bestätigt");
  });
});

describe("feeds and calendars", () => {
  it("serves an Atom feed of the procedures in the reader's language that a parser reads", async () => {
    const res = await new Client(server.url).get(`${ORG}/verfahren.atom?lng=en`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
    const xml = await res.text();
    expect(XMLValidator.validate(xml)).toBe(true);
    const feed = new XMLParser({ ignoreAttributes: false }).parse(xml).feed;
    expect(feed["@_xmlns"]).toBe("http://www.w3.org/2005/Atom");
    expect(feed.title).toBe("Consultations – Stadt Musterstadt");
    const entries = [feed.entry].flat();
    const titles = entries.map((e: { title: string | { "#text": string } }) => (typeof e.title === "string" ? e.title : e.title["#text"]));
    expect(titles.some((t: string) => t.startsWith("Open for responses: "))).toBe(true);
    expect(titles.some((t: string) => t.startsWith("Results published: ") || t.startsWith("Closed: "))).toBe(true);
    expect(xml).not.toContain("Spielplatz"); // no draft
    expect(xml).not.toContain("@example.org");
    const german = new XMLParser().parse(await (await new Client(server.url).get(`${ORG}/verfahren.atom?lng=de`)).text()).feed;
    expect(german.title).toBe("Beteiligungsverfahren – Stadt Musterstadt");
  });

  it("serves iCalendar files per municipality and per procedure that a parser reads, with each participation period", async () => {
    const all = await new Client(server.url).get(`${ORG}/verfahren.ics?lng=en`);
    expect(all.status).toBe(200);
    expect(all.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    const calendar = new ICAL.Component(ICAL.parse(await all.text()));
    const events = calendar.getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));
    expect(events.length).toBeGreaterThanOrEqual(3);
    expect(events.every((e) => e.summary.startsWith("Consultation: "))).toBe(true);

    const one = new ICAL.Component(ICAL.parse(await (await new Client(server.url).get(`${ORG}/verfahren/radverkehrsplan-2030/termine.ics`)).text()));
    const [event] = one.getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));
    expect(one.getAllSubcomponents("vevent")).toHaveLength(1);
    expect(event.summary).toMatch(/^Beteiligung: Radverkehrsplan 2030/);
    expect(event.endDate.toJSDate().getTime()).toBeGreaterThan(event.startDate.toJSDate().getTime());
    expect((await new Client(server.url).get(`${ORG}/verfahren/gibt-es-nicht/termine.ics`)).status).toBe(404);
  });
});
