/**
 * Issue 13, the pure rules: which paths may follow a sign-in or an error page, which CSV fields a
 * spreadsheet would run, which client a limit counts (IPv6 per /64), demo mode or production, and
 * secret files that two processes create at once.
 */
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { safeNextPath } from "~/modules/accounts/sign-in.server";
import { errorResponse } from "~/modules/http/errors";
import { clientBucket } from "~/modules/http/rate-limit.server";
import { isDemoMode, readOrCreateSecretFile, requireProductionSettings } from "~/modules/http/secrets.server";
import { csvField } from "~/modules/results/csv";

describe("paths after signing in", () => {
  it("keeps our own paths", () => {
    expect(safeNextPath("/musterstadt/verwaltung")).toBe("/musterstadt/verwaltung");
    expect(safeNextPath("/musterstadt/verwaltung/konten?konto=3")).toBe("/musterstadt/verwaltung/konten?konto=3");
  });

  it("refuses every way to another site: //, backslashes, tabs and line breaks the URL parser drops", () => {
    for (const evil of ["//evil.example", "/\\evil.example", "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "\\\\evil.example", "https://evil.example", "/%09/evil.example/../x".replace("%09", "\t"), "", "x"]) {
      expect(safeNextPath(evil), JSON.stringify(evil)).toBeNull();
    }
  });
});

describe("error page links", () => {
  it("never link off the site, whatever the route parameter held (%2F in the address)", async () => {
    const response = errorResponse(404, "not_found", "//evil.example/beitrag") as unknown as { data: { next?: string } };
    expect(response.data.next).toBeUndefined();
    const ok = errorResponse(404, "not_found", "/musterstadt/beitrag") as unknown as { data: { next?: string } };
    expect(ok.data.next).toBe("/musterstadt/beitrag");
  });
});

describe("CSV fields a spreadsheet would run", () => {
  it("defuses formulas also after leading spaces and line breaks", () => {
    for (const formula of ["=1+1", " =1+1", "  +SUM(A1)", "\n=HYPERLINK(\"x\")", "\r\n@cmd", "\t-2+3", "\u00A0=1", "\uFF1D1+1"]) {
      expect(csvField(formula).replace(/^"/, ""), JSON.stringify(formula)).toMatch(/^'/);
    }
    expect(csvField("Mehr Bänke - bitte")).toBe("Mehr Bänke - bitte");
    expect(csvField(-3)).toBe("-3");
  });
});

describe("the client a limit counts", () => {
  it("counts an IPv6 client per /64 and an IPv4 client per address", () => {
    expect(clientBucket("2001:db8:1:2::1")).toBe(clientBucket("2001:db8:1:2:abcd:ef01:2345:6789"));
    expect(clientBucket("2001:0db8:0001:0002:0000:0000:0000:0001")).toBe(clientBucket("2001:db8:1:2::ffff"));
    expect(clientBucket("2001:db8:1:2::1")).not.toBe(clientBucket("2001:db8:1:3::1"));
    expect(clientBucket("::ffff:198.51.100.7")).toBe("198.51.100.7");
    expect(clientBucket("198.51.100.7")).not.toBe(clientBucket("198.51.100.8"));
    expect(clientBucket("::1")).toBe(clientBucket("::2"));
  });
});

describe("demo mode or production", () => {
  it("is demo only when chosen or when nobody else can reach the server", () => {
    expect(isDemoMode({})).toBe(true); // npm start: loopback, no PUBLIC_ORIGIN
    expect(isDemoMode({ HOST: "127.0.0.1" })).toBe(true);
    expect(isDemoMode({ HOST: "0.0.0.0" })).toBe(false);
    expect(isDemoMode({ HOST: "::" })).toBe(false);
    expect(isDemoMode({ HOST: "127.0.0.1", PUBLIC_ORIGIN: "https://beteiligung.example" })).toBe(false);
    expect(isDemoMode({ PUBLIC_ORIGIN: "https://beteiligung.example", DEMO_MODE: "true" })).toBe(true);
    expect(isDemoMode({ DEMO_MODE: "false" })).toBe(false);
  });

  it("refuses production without its secrets, naming each and how to make it, in one message", () => {
    const env = { PUBLIC_ORIGIN: "https://beteiligung.example" };
    expect(() => requireProductionSettings(env)).toThrow(/SESSION_SECRET[\s\S]*randomBytes[\s\S]*CONTACT_DATA_KEYS[\s\S]*keys:rotate -- --new/);
    expect(() => requireProductionSettings(env)).toThrow(/TLOG_SIGNING_KEY[\s\S]*tlog:keygen/);
    expect(() => requireProductionSettings({ ...env, SESSION_SECRET: "s".repeat(32), CONTACT_DATA_KEYS: "k:x" })).toThrow(/TLOG_SIGNING_KEY/);
    expect(() => requireProductionSettings({ ...env, SESSION_SECRET: "s".repeat(32), CONTACT_DATA_KEYS: "k:x", TLOG_SIGNING_KEY: "PRIVATE+KEY+x" })).not.toThrow();
    expect(() => requireProductionSettings({})).not.toThrow();
  });

  it("creates a generated secret file once: a second process reads the first one's secret", () => {
    const dir = mkdtempSync(join(tmpdir(), "teilhabe-secret-"));
    const file = join(dir, "nested", "session-secret");
    expect(readOrCreateSecretFile(file, () => "first")).toBe("first");
    expect(readOrCreateSecretFile(file, () => "second")).toBe("first");
    expect(readFileSync(file, "utf8").trim()).toBe("first");
    expect(readdirSync(join(dir, "nested"))).toEqual(["session-secret"]); // no temporary file left
  });
});
