/**
 * New procedures start with the municipality's defaults (issue 14, point 17): the legal basis,
 * the responsible office and the retention period set once in the settings fill the form of a
 * new procedure; without defaults those fields start empty. SQLite, and PostgreSQL with
 * TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "#db/connection.server";
import { Client, mainOf, textOf } from "../support/http";
import { engines } from "../support/databases";
import { startServer, type TestServer } from "../support/server";
import { DEMO, csrfOf, signIn } from "../support/staff";

const ADMIN = "/musterstadt/verwaltung";

describe.each(engines)("procedure defaults (%s)", (engine) => {
  let server: TestServer;
  let h: DatabaseHandle;
  let admin: Client;

  beforeAll(async () => {
    server = await startServer({ engine });
    h = openDatabase(server.database.url);
    admin = (await signIn(server.url, DEMO.admin, { db: h.db })).client;
  });
  afterAll(async () => {
    await h?.close();
    await server?.stop();
  });

  /** The value of a form field on a page. */
  const valueOf = (html: string, name: string) => {
    const input = html.match(new RegExp(`<input[^>]*name="${name}"[^>]*>`))?.[0] ?? "";
    return input.match(/value="([^"]*)"/)?.[1] ?? "";
  };
  /** The settings form as the page fills it in, with some fields changed. */
  async function settingsForm(changes: Record<string, string>) {
    const html = await (await admin.get(`${ADMIN}/einstellungen`)).text();
    const fields: [string, string][] = [["_csrf", csrfOf(html)]];
    for (const m of html.matchAll(/<(input|textarea)[^>]*name="([^"]+)"[^>]*>([^<]*)/g)) {
      const [, tag, name, inner] = m;
      if (name === "_csrf") continue;
      const value = tag === "input" ? (m[0].match(/value="([^"]*)"/)?.[1] ?? "") : inner;
      fields.push([name, name in changes ? changes[name] : value.replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&#x27;/g, "'")]);
    }
    return fields;
  }

  it("starts a new procedure with empty legal basis, office and retention when there are no defaults", async () => {
    const html = await (await admin.get(`${ADMIN}/verfahren/neu`)).text();
    expect(valueOf(html, "legal_basis")).toBe("");
    expect(valueOf(html, "responsible_office")).toBe("");
    expect(valueOf(html, "retention_months")).toBe("");
  });

  it("takes the defaults from the settings into the form of a new procedure", async () => {
    const settings = await (await admin.get(`${ADMIN}/einstellungen`)).text();
    expect(textOf(mainOf(settings))).toContain("Vorgaben für neue Verfahren");
    const saved = await admin.post(
      `${ADMIN}/einstellungen`,
      await settingsForm({ default_legal_basis: "Art. 6 Abs. 1 lit. e DSGVO i. V. m. § 3 BauGB", default_responsible_office: "Fachbereich Stadtplanung", default_retention_months: "9" }),
    );
    expect(saved.status).toBe(303);
    const html = await (await admin.get(`${ADMIN}/verfahren/neu`)).text();
    expect(valueOf(html, "legal_basis")).toBe("Art. 6 Abs. 1 lit. e DSGVO i. V. m. § 3 BauGB");
    expect(valueOf(html, "responsible_office")).toBe("Fachbereich Stadtplanung");
    expect(valueOf(html, "retention_months")).toBe("9");
    // the settings page shows them again, and the audit names the fields
    const again = await (await admin.get(`${ADMIN}/einstellungen`)).text();
    expect(valueOf(again, "default_retention_months")).toBe("9");
    const entry = await h.db.selectFrom("audit_log").select("details_json").where("action", "=", "organisation_settings_changed").orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(JSON.parse(entry.details_json).fields).toContain("default_retention_months");
  });

  it("refuses a retention default outside 1–120 months and stores nothing", async () => {
    for (const bad of ["0", "121", "drei", "1.5"]) {
      const res = await admin.post(`${ADMIN}/einstellungen`, await settingsForm({ default_retention_months: bad }));
      expect(res.status).toBe(400);
      expect(textOf(mainOf(await res.text()))).toContain("Geben Sie eine ganze Zahl von 1 bis 120 ein.");
    }
    const row = await h.db.selectFrom("organisations").select("default_retention_months").where("slug", "=", "musterstadt").executeTakeFirstOrThrow();
    expect(row.default_retention_months).toBe(9);
    // emptied: no default any more
    expect((await admin.post(`${ADMIN}/einstellungen`, await settingsForm({ default_retention_months: "" }))).status).toBe(303);
    expect(valueOf(await (await admin.get(`${ADMIN}/verfahren/neu`)).text(), "retention_months")).toBe("");
  });
});
