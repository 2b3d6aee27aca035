import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  decryptField,
  encryptField,
  generateKeySpec,
  isEncrypted,
  keyIdOf,
  loadKeyRing,
  needsReencryption,
  parseKeyRing,
} from "~/modules/privacy/contact-crypto.server";

const KEY_A = Buffer.alloc(32, 0xa1).toString("base64");
const KEY_B = Buffer.alloc(32, 0xb2).toString("base64");
const ringA = parseKeyRing(`a:${KEY_A}`);
const AAD = "contact_details:42:email";

/** Flip one bit in one base64url part of a stored value and re-encode it canonically. */
function tamperPart(stored: string, index: 2 | 3 | 4): string {
  const parts = stored.split(".");
  const bytes = Buffer.from(parts[index], "base64url");
  bytes[0] ^= 0x01;
  parts[index] = bytes.toString("base64url");
  return parts.join(".");
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error");
}

describe("encrypting contact fields", () => {
  it.each([
    ["plain ASCII", "anna.schmidt@example.org"],
    ["umlauts", "Jürgen Größe, Mühlenstraße 7, 50667 Köln"],
    ["Arabic", "محمد عبد الله، شارع النيل ١٢"],
    ["emoji", "Kim 🏳️‍🌈 +49 170 1234567 👍"],
    ["empty string", ""],
  ])("round-trips %s", (_label, text) => {
    const stored = encryptField(ringA, text, AAD);
    expect(stored).toMatch(/^[\x20-\x7e]+$/);
    expect(stored.startsWith("v1.a.")).toBe(true);
    expect(decryptField(ringA, stored, AAD)).toBe(text);
  });

  it("does not leak the plaintext and uses a fresh IV every time", () => {
    const text = "anna.schmidt@example.org";
    const values = Array.from({ length: 20 }, () => encryptField(ringA, text, AAD));
    for (const v of values) {
      expect(v).not.toContain("anna");
      expect(v).not.toContain("example");
      expect(v).not.toContain(Buffer.from(text).toString("base64url").slice(0, 8));
    }
    expect(new Set(values).size).toBe(values.length);
    expect(new Set(values.map((v) => v.split(".")[2])).size).toBe(values.length); // IVs
    expect(new Set(values.map((v) => v.split(".")[4])).size).toBe(values.length); // ciphertexts
  });

  it("rejects an empty aad", () => {
    expect(() => encryptField(ringA, "x", "")).toThrow(/aad/);
  });

  it("recognises its own format", () => {
    const stored = encryptField(ringA, "Jürgen", AAD);
    expect(isEncrypted(stored)).toBe(true);
    expect(keyIdOf(stored)).toBe("a");
    expect(isEncrypted("Jürgen")).toBe(false);
    expect(isEncrypted("anna.schmidt@example.org")).toBe(false);
    expect(keyIdOf("+49 170 1234567")).toBeNull();
  });
});

describe("tampering and misuse are detected", () => {
  const stored = encryptField(ringA, "Mühlenstraße 7", AAD);

  it.each([
    ["iv", 2],
    ["tag", 3],
    ["ciphertext", 4],
  ] as const)("fails when the %s is altered", (_label, index) => {
    const tampered = tamperPart(stored, index);
    expect(tampered).not.toBe(stored);
    expect(() => decryptField(ringA, tampered, AAD)).toThrow(/failed authentication/);
  });

  it("fails when the key id is changed to an unknown id", () => {
    const tampered = stored.replace(/^v1\.a\./, "v1.z.");
    expect(() => decryptField(ringA, tampered, AAD)).toThrow(/key "z".*not in CONTACT_DATA_KEYS/);
  });

  it("fails when the key id is changed to another known key", () => {
    const ringAB = parseKeyRing(`a:${KEY_A},b:${KEY_B}`);
    const tampered = stored.replace(/^v1\.a\./, "v1.b.");
    expect(() => decryptField(ringAB, tampered, AAD)).toThrow(/failed authentication/);
  });

  it("fails on any single-character change anywhere in the stored value", () => {
    for (let i = 0; i < stored.length; i++) {
      const replacement = stored[i] === "A" ? "B" : "A";
      const tampered = stored.slice(0, i) + replacement + stored.slice(i + 1);
      expect(() => decryptField(ringA, tampered, AAD), `position ${i}`).toThrow();
    }
  });

  it("fails when truncated or extended", () => {
    expect(() => decryptField(ringA, stored.slice(0, -1), AAD)).toThrow();
    expect(() => decryptField(ringA, stored + "A", AAD)).toThrow();
    expect(() => decryptField(ringA, stored + ".x", AAD)).toThrow(/format/);
  });

  it("fails with the wrong aad (value moved to another row or column)", () => {
    expect(() => decryptField(ringA, stored, "contact_details:43:email")).toThrow(/failed authentication/);
    expect(() => decryptField(ringA, stored, "contact_details:42:phone")).toThrow(/failed authentication/);
  });

  it("rejects values that are not in the v1 format", () => {
    for (const bad of ["", "Mühlenstraße 7", "v2.a.x.y.z", "v1.a", "v1..AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA."]) {
      expect(() => decryptField(ringA, bad, AAD), bad).toThrow(/format/);
    }
  });
});

describe("key rotation", () => {
  it("reads old data with a retired key, re-encrypts to the new key, and then no longer needs the old key", () => {
    const old = encryptField(ringA, "Fatima Al-Hassan", AAD);
    const ringBA = parseKeyRing(`b:${KEY_B},a:${KEY_A}`);
    expect(ringBA.current.id).toBe("b");
    expect([...ringBA.all.keys()]).toEqual(["b", "a"]);

    expect(needsReencryption(ringBA, old)).toBe(true);
    expect(decryptField(ringBA, old, AAD)).toBe("Fatima Al-Hassan");

    const migrated = encryptField(ringBA, decryptField(ringBA, old, AAD), AAD);
    expect(keyIdOf(migrated)).toBe("b");
    expect(needsReencryption(ringBA, migrated)).toBe(false);

    const ringB = parseKeyRing(`b:${KEY_B}`);
    expect(decryptField(ringB, migrated, AAD)).toBe("Fatima Al-Hassan");
    expect(() => decryptField(ringB, old, AAD)).toThrow(/key "a".*not in CONTACT_DATA_KEYS/);
  });

  it("treats unencrypted values as needing encryption", () => {
    expect(needsReencryption(ringA, "plain@example.org")).toBe(true);
  });
});

describe("parseKeyRing", () => {
  it("accepts whitespace around entries and generated specs", () => {
    const spec = generateKeySpec("new_key-1");
    expect(spec).toMatch(/^new_key-1:[A-Za-z0-9+/]{43}=$/);
    const ring = parseKeyRing(` ${spec} , a:${KEY_A} `);
    expect(ring.current.id).toBe("new_key-1");
    expect(ring.current.key.length).toBe(32);
    expect(ring.all.get("a")?.equals(Buffer.alloc(32, 0xa1))).toBe(true);
  });

  it("generates default ids from today's UTC date and random characters (two keys of one day never share an id)", () => {
    const today = new Date().toISOString().slice(0, 10).replaceAll("-", "");
    expect(generateKeySpec().split(":")[0]).toMatch(new RegExp(`^k${today}[0-9a-f]{8}$`));
    expect(() => generateKeySpec("bad id")).toThrow(/ids must match/);
  });

  const short = Buffer.alloc(16, 0x5c).toString("base64");
  const long = Buffer.alloc(33, 0x5d).toString("base64");
  it.each([
    ["an empty spec", "", /empty/],
    ["a blank spec", "   ", /empty/],
    ["a stray comma", `a:${KEY_A},`, /entry 2 is empty/],
    ["a 16-byte key", `a:${short}`, /16 bytes.*exactly 32/],
    ["a 33-byte key", `a:${KEY_A},b:${long}`, /entry 2.*33 bytes.*exactly 32/],
    ["a key that is not base64", `a:${KEY_A.slice(0, -2)}!!`, /not valid base64/],
    ["a missing id", KEY_A, /no "id:" prefix|invalid key id/],
    ["an empty id", `:${KEY_A}`, /invalid key id/],
    ["an id with a space", `my key:${KEY_A}`, /invalid key id/],
    ["an id with a dot", `a.b:${KEY_A}`, /invalid key id/],
    ["an id over 32 chars", `${"x".repeat(33)}:${KEY_A}`, /invalid key id/],
    ["duplicate ids", `a:${KEY_A},a:${KEY_B}`, /more than once/],
  ])("rejects %s without echoing key material", (_label, spec, message) => {
    const err = errorOf(() => parseKeyRing(spec));
    expect(err.message).toMatch(message);
    for (const secret of [KEY_A, KEY_B, short, long, KEY_A.slice(0, 20), KEY_B.slice(0, 20), short.slice(0, 10), long.slice(0, 20)]) {
      expect(err.message).not.toContain(secret);
    }
  });
});

describe("loadKeyRing", () => {
  const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "contact-keys-"));

  it("in demo mode creates a 0600 key file in a new directory, reuses it, and always warns", () => {
    const keyFile = path.join(tempDir(), "nested", "dir", "contact-keys.txt");
    const logs: string[] = [];
    const log = (m: string) => logs.push(m);

    const first = loadKeyRing({ env: {}, keyFile, log });
    expect(fs.existsSync(keyFile)).toBe(true);
    if (process.platform !== "win32") expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    const today = new Date().toISOString().slice(0, 10).replaceAll("-", "");
    expect(first.current.id).toMatch(new RegExp(`^k${today}[0-9a-f]{8}$`));
    expect(first.current.key.length).toBe(32);
    expect(fs.readFileSync(keyFile, "utf8").trim()).toBe(`${first.current.id}:${first.current.key.toString("base64")}`);

    const second = loadKeyRing({ env: {}, keyFile, log });
    expect(second.current.id).toBe(first.current.id);
    expect(second.current.key.equals(first.current.key)).toBe(true);
    expect(decryptField(second, encryptField(first, "Jürgen", AAD), AAD)).toBe("Jürgen");

    expect(logs).toHaveLength(2);
    for (const msg of logs) {
      expect(msg).toContain(path.resolve(keyFile));
      expect(msg).toMatch(/generated key/);
      expect(msg).toMatch(/los/i);
      expect(msg).toContain("CONTACT_DATA_KEYS");
      expect(msg).not.toContain(first.current.key.toString("base64"));
    }
  });

  it("prefers CONTACT_DATA_KEYS over an existing key file, and neither reads nor creates the file", () => {
    const dir = tempDir();
    const existing = path.join(dir, "contact-keys.txt");
    fs.writeFileSync(existing, `a:${KEY_A}\n`, { mode: 0o600 });
    const logs: string[] = [];

    const ring = loadKeyRing({ env: { CONTACT_DATA_KEYS: `b:${KEY_B},a:${KEY_A}` }, keyFile: existing, log: (m) => logs.push(m) });
    expect(ring.current.id).toBe("b");
    expect(logs).toEqual([]);

    const missing = path.join(dir, "never-created.txt");
    loadKeyRing({ env: { CONTACT_DATA_KEYS: `b:${KEY_B}` }, keyFile: missing, log: (m) => logs.push(m) });
    expect(fs.existsSync(missing)).toBe(false);
  });

  it("fails loudly on an empty CONTACT_DATA_KEYS instead of falling back to demo mode", () => {
    const keyFile = path.join(tempDir(), "contact-keys.txt");
    expect(() => loadKeyRing({ env: { CONTACT_DATA_KEYS: "" }, keyFile, log: () => {} })).toThrow(/empty/);
    expect(fs.existsSync(keyFile)).toBe(false);
  });

  it("reports a corrupt key file without echoing its contents", () => {
    const keyFile = path.join(tempDir(), "contact-keys.txt");
    const truncated = KEY_A.slice(0, 30);
    fs.writeFileSync(keyFile, `a:${truncated}\n`);
    const err = errorOf(() => loadKeyRing({ env: {}, keyFile, log: () => {} }));
    expect(err.message).toMatch(/exactly 32/);
    expect(err.message).not.toContain(truncated);
  });
});
