import { scryptSync } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CONCURRENT_CHECKS,
  concurrencyLimit,
  dummyVerify,
  hashPassword,
  needsRehash,
  passwordProblems,
  SCRYPT_PARAMS,
  verifyPassword,
} from "~/modules/accounts/password.server";
import { qrCodeSvg } from "~/modules/accounts/qr.server";
import {
  base32Decode,
  base32Encode,
  formatSecretForTyping,
  generateTotpSecret,
  otpauthUri,
  totpCode,
  verifyTotp,
} from "~/modules/accounts/totp.server";

/** A stored hash with chosen (cheap) parameters, computed independently of the module. */
function craftHash(password: string, N: number, r = 8, p = 1, saltBytes = 16, keyBytes = 64): string {
  const salt = Buffer.alloc(saltBytes, 7);
  const hash = scryptSync(password.normalize("NFKC"), salt, keyBytes, { N, r, p, maxmem: 256 * N * r });
  return `scrypt$${N}$${r}$${p}$${salt.toString("base64url")}$${hash.toString("base64url")}`;
}

describe("password hashing (scrypt)", () => {
  // "Grüße" with precomposed ü and ß; the decomposed variant must verify too.
  const PASSWORD = "Grüße aus Köln, 2025!";
  let first: string;
  let second: string;

  beforeAll(async () => {
    [first, second] = await Promise.all([hashPassword(PASSWORD), hashPassword(PASSWORD)]);
  });

  it("uses the self-describing format with the current parameters", () => {
    const parts = first.split("$");
    expect(parts).toHaveLength(6);
    expect(parts.slice(0, 4)).toEqual(["scrypt", "16384", "8", "5"]);
    expect(Buffer.from(parts[4], "base64url")).toHaveLength(16);
    expect(Buffer.from(parts[5], "base64url")).toHaveLength(64);
    expect(first).toMatch(/^[\x21-\x7e]+$/);
    expect(first).not.toContain("Köln");
  });

  it("verifies the right password, also in another Unicode normal form", async () => {
    expect(await verifyPassword(PASSWORD, first)).toBe(true);
    expect(await verifyPassword(PASSWORD.normalize("NFD"), first)).toBe(true);
  });

  it("rejects a wrong password", async () => {
    expect(await verifyPassword("Grüße aus Köln, 2026!", first)).toBe(false);
  });

  it("uses a fresh salt for every hash", () => {
    expect(second).not.toBe(first);
    expect(second.split("$")[4]).not.toBe(first.split("$")[4]);
    expect(second.split("$")[5]).not.toBe(first.split("$")[5]);
  });

  it("verifies with the stored parameters, not the current ones", async () => {
    const old = craftHash("altes Passwort 1", 2 ** 10);
    expect(await verifyPassword("altes Passwort 1", old)).toBe(true);
    expect(await verifyPassword("altes Passwort 2", old)).toBe(false);
  });

  it.each([
    ["empty", ""],
    ["garbage", "not a hash"],
    ["other algorithm", "$2b$12$abcdefghijklmnopqrstuuCmHkZ0bbYtNnbbHvChpnI5YkLxNfEnu"],
    ["too few parts", "scrypt$1024$8$1$BwcHBwcHBwcHBwcHBwcHBw"],
    ["too many parts", `${craftHash("x", 1024)}$extra`],
    ["N not a power of two", craftHash("x", 1024).replace("$1024$", "$1000$")],
    ["N absurdly high", craftHash("x", 1024).replace("$1024$", "$1073741824$")],
    ["N with leading zero", craftHash("x", 1024).replace("$1024$", "$01024$")],
    ["r zero", craftHash("x", 1024).replace("$8$1$", "$0$1$")],
    ["p negative", craftHash("x", 1024).replace("$8$1$", "$8$-1$")],
    ["salt not base64url", craftHash("x", 1024).replace(/\$[^$]+\$([^$]+)$/, "$!!!!$$$1")],
    ["empty hash", craftHash("x", 1024).replace(/[^$]+$/, "")],
    ["short hash", craftHash("x", 1024, 8, 1, 16, 8)],
  ])("returns false (no throw) for a malformed stored value: %s", async (_label, stored) => {
    await expect(verifyPassword("x", stored)).resolves.toBe(false);
  });

  it("returns false for a truncated or tampered hash", async () => {
    const good = craftHash("x", 1024);
    expect(await verifyPassword("x", good)).toBe(true);
    const parts = good.split("$");
    const bytes = Buffer.from(parts[5], "base64url");
    bytes[0] ^= 1;
    expect(await verifyPassword("x", [...parts.slice(0, 5), bytes.toString("base64url")].join("$"))).toBe(false);
    expect(await verifyPassword("x", [...parts.slice(0, 5), bytes.subarray(0, 32).toString("base64url")].join("$"))).toBe(false);
  });

  it("asks for a rehash when the stored parameters are not the current ones", () => {
    expect(needsRehash(first)).toBe(false);
    expect(needsRehash(craftHash("x", 2 ** 14))).toBe(true);
    expect(needsRehash(first.replace("$16384$8$", "$16384$4$"))).toBe(true);
    // the earlier N=2^17, r=8, p=1 (128 MiB per check) and N=2^15, r=8, p=3: moved to the current equivalent at the next sign-in
    expect(needsRehash(first.replace("$16384$8$5$", "$131072$8$1$"))).toBe(true);
    expect(needsRehash(first.replace("$16384$8$5$", "$32768$8$3$"))).toBe(true);
    expect(needsRehash(craftHash("x", 1024, 8, 1, 8))).toBe(true); // short salt
    expect(needsRehash("garbage")).toBe(true);
    expect(SCRYPT_PARAMS).toEqual({ N: 16384, r: 8, p: 5 });
  });

  it("needs at most 16 MiB per check, with one of OWASP's settings equivalent to N=2^17, r=8, p=1", () => {
    expect(128 * SCRYPT_PARAMS.N * SCRYPT_PARAMS.r).toBeLessThanOrEqual(16 * 2 ** 20);
    const owaspEquivalents = [
      { N: 2 ** 17, r: 8, p: 1 },
      { N: 2 ** 16, r: 8, p: 2 },
      { N: 2 ** 15, r: 8, p: 3 },
      { N: 2 ** 14, r: 8, p: 5 },
      { N: 2 ** 13, r: 8, p: 10 },
    ];
    expect(owaspEquivalents).toContainEqual(SCRYPT_PARAMS);
  });

  it("runs at most two checks at once; the others wait their turn, in order, and all answer", async () => {
    expect(CONCURRENT_CHECKS).toBe(2);
    const run = concurrencyLimit(CONCURRENT_CHECKS);
    let now = 0;
    let peak = 0;
    const started: number[] = [];
    const task = (i: number) => async () => {
      started.push(i);
      now++;
      peak = Math.max(peak, now);
      await new Promise((r) => setTimeout(r, 5));
      now--;
      if (i === 3) throw new Error("a failing check frees its slot too");
      return i;
    };
    const results = await Promise.allSettled(Array.from({ length: 7 }, (_, i) => run(task(i))));
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : "failed"))).toEqual([0, 1, 2, "failed", 4, 5, 6]);
    // and real checks through the limit still tell right from wrong
    const hash = craftHash("gleichzeitig", 2 ** 12);
    const answers = await Promise.all([..."abcde"].map((c, i) => verifyPassword(i % 2 ? "gleichzeitig" : `falsch ${c}`, hash)));
    expect(answers).toEqual([false, true, false, true, false]);
  });

  it("dummyVerify always fails and does real work", async () => {
    await dummyVerify("warm up"); // the first call also computes the dummy hash
    const started = performance.now();
    expect(await dummyVerify(PASSWORD)).toBe(false);
    // A real scrypt check at N=2^17 takes far more than a millisecond.
    expect(performance.now() - started).toBeGreaterThan(10);
  });
});

describe("password policy", () => {
  it("requires at least 12 code points", () => {
    expect(passwordProblems("Brombeer7!x")).toEqual(["too_short"]); // 11
    expect(passwordProblems("Brombeer7!xy")).toEqual([]); // 12
    expect(passwordProblems("")).toContain("too_short");
    // 11 emoji are 22 UTF-16 units but only 11 characters
    expect(passwordProblems("🦔🌻🚲🍎🎻🐝🧀🪁🫖🐢🦉")).toEqual(["too_short"]);
    expect(passwordProblems("🦔🌻🚲🍎🎻🐝🧀🪁🫖🐢🦉🐙")).toEqual([]);
  });

  it("allows at most 128 code points", () => {
    const base = "Der Stadtrat tagt öffentlich im Rathaus am Markt; ";
    const make = (n: number) => Array.from(base.repeat(3)).slice(0, n).join("");
    expect(passwordProblems(make(128))).toEqual([]);
    expect(passwordProblems(make(129))).toEqual(["too_long"]);
  });

  it.each(["passwort1234", "PASSWORT1234", "Password1234", "123456789012", "QwertzUiop12", "Teilhabe1234", "aaaaaaaaaaaa", "abcdefghijklm", "987654321098"])(
    "rejects the common password %s",
    (pw) => {
      expect(passwordProblems(pw)).toEqual(["too_common"]);
    },
  );

  it("has no composition rules: long passphrases in any script are fine", () => {
    expect(passwordProblems("كلمة المرور الطويلة آمنة جدا")).toEqual([]);
    expect(passwordProblems("pferd batterie heftklammer korrekt")).toEqual([]);
    expect(passwordProblems("alllowercaseletters")).toEqual([]);
  });
});

describe("base32", () => {
  it("round-trips the demo secret", () => {
    const bytes = Buffer.from([...Buffer.from("Hello!"), 0xde, 0xad, 0xbe, 0xef]);
    expect(base32Encode(bytes)).toBe("JBSWY3DPEHPK3PXP");
    expect(base32Decode("JBSWY3DPEHPK3PXP").equals(bytes)).toBe(true);
    expect(base32Decode("jbsw y3dp ehpk 3pxp").equals(bytes)).toBe(true);
  });

  it("matches the RFC 4648 test vectors (without padding)", () => {
    const vectors: [string, string][] = [
      ["", ""],
      ["f", "MY"],
      ["fo", "MZXQ"],
      ["foo", "MZXW6"],
      ["foob", "MZXW6YQ"],
      ["fooba", "MZXW6YTB"],
      ["foobar", "MZXW6YTBOI"],
    ];
    for (const [plain, encoded] of vectors) {
      expect(base32Encode(Buffer.from(plain))).toBe(encoded);
      expect(base32Decode(encoded).toString()).toBe(plain);
    }
    expect(base32Decode("MZXW6YQ=").toString()).toBe("foob");
  });

  it("rejects invalid characters", () => {
    expect(() => base32Decode("JBSW1")).toThrow();
    expect(() => base32Decode("JBSW8")).toThrow();
  });

  it("generates 32-character secrets of 20 random bytes", () => {
    const a = generateTotpSecret();
    const b = generateTotpSecret();
    expect(a).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(a)).toHaveLength(20);
    expect(a).not.toBe(b);
  });
});

describe("TOTP (RFC 6238)", () => {
  const RFC_SECRET = base32Encode(Buffer.from("12345678901234567890", "ascii"));
  const at = (seconds: number) => new Date(seconds * 1000);

  it("encodes the RFC secret as expected", () => {
    expect(RFC_SECRET).toBe("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  });

  it.each([
    [59, "287082"],
    [1111111109, "081804"],
    [1111111111, "050471"],
    [1234567890, "005924"],
    [2000000000, "279037"],
    [20000000000, "353130"],
  ])("matches the Appendix B SHA1 vector at T=%i", (seconds, code) => {
    expect(totpCode(RFC_SECRET, at(seconds))).toBe(code);
    expect(verifyTotp(RFC_SECRET, code, { at: at(seconds), window: 0 })).toEqual({
      ok: true,
      step: Math.floor(seconds / 30),
    });
  });

  const NOW = 1111111111; // step 37037037 (covers 1111111110..1111111139)
  const STEP = 37037037;

  it("accepts the neighbouring steps within the window and nothing beyond", () => {
    const prev = totpCode(RFC_SECRET, at(NOW - 30));
    const next = totpCode(RFC_SECRET, at(NOW + 30));
    const twoBack = totpCode(RFC_SECRET, at(NOW - 60));
    expect(verifyTotp(RFC_SECRET, prev, { at: at(NOW) })).toEqual({ ok: true, step: STEP - 1 });
    expect(verifyTotp(RFC_SECRET, next, { at: at(NOW) })).toEqual({ ok: true, step: STEP + 1 });
    expect(verifyTotp(RFC_SECRET, twoBack, { at: at(NOW) })).toEqual({ ok: false });
    expect(verifyTotp(RFC_SECRET, twoBack, { at: at(NOW), window: 2 })).toEqual({ ok: true, step: STEP - 2 });
    expect(verifyTotp(RFC_SECRET, prev, { at: at(NOW), window: 0 })).toEqual({ ok: false });
  });

  it("rejects a wrong code", () => {
    const right = totpCode(RFC_SECRET, at(NOW));
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, "0");
    expect(verifyTotp(RFC_SECRET, wrong, { at: at(NOW), window: 0 })).toEqual({ ok: false });
  });

  it("refuses replays: the last used step and earlier ones", () => {
    const code = totpCode(RFC_SECRET, at(NOW));
    const first = verifyTotp(RFC_SECRET, code, { at: at(NOW), lastUsedStep: null });
    expect(first).toEqual({ ok: true, step: STEP });
    expect(verifyTotp(RFC_SECRET, code, { at: at(NOW), lastUsedStep: STEP })).toEqual({ ok: false });
    expect(verifyTotp(RFC_SECRET, code, { at: at(NOW + 20), lastUsedStep: STEP })).toEqual({ ok: false });
    const older = totpCode(RFC_SECRET, at(NOW - 30));
    expect(verifyTotp(RFC_SECRET, older, { at: at(NOW), lastUsedStep: STEP })).toEqual({ ok: false });
    const newer = totpCode(RFC_SECRET, at(NOW + 30));
    expect(verifyTotp(RFC_SECRET, newer, { at: at(NOW + 30), lastUsedStep: STEP })).toEqual({ ok: true, step: STEP + 1 });
  });

  it("tolerates spaces in the code", () => {
    expect(verifyTotp(RFC_SECRET, "050 471", { at: at(NOW) }).ok).toBe(true);
    expect(verifyTotp(RFC_SECRET, " 05 04 71 ", { at: at(NOW) }).ok).toBe(true);
  });

  it.each(["05047a", "050-471", "50471", "0504710", "", "０５０４７１", "05047.1"])("rejects the malformed code %j", (code) => {
    expect(verifyTotp(RFC_SECRET, code, { at: at(NOW) })).toEqual({ ok: false });
  });

  it("returns ok: false for a broken secret and refuses a silly window", () => {
    expect(verifyTotp("not base32!", "050471", { at: at(NOW) })).toEqual({ ok: false });
    expect(verifyTotp("", "050471", { at: at(NOW) })).toEqual({ ok: false });
    expect(() => verifyTotp(RFC_SECRET, "050471", { window: -1 })).toThrow(RangeError);
    expect(() => verifyTotp(RFC_SECRET, "050471", { window: 1.5 })).toThrow(RangeError);
  });

  it("verifies a freshly generated secret at the current time", () => {
    const secret = generateTotpSecret();
    const result = verifyTotp(secret, totpCode(secret), {});
    expect(result.ok).toBe(true);
  });
});

describe("enrolment helpers", () => {
  it("builds the otpauth URI with encoded label and issuer", () => {
    const uri = otpauthUri({ secret: "JBSWY3DPEHPK3PXP", accountName: "anna.müller@köln.de", issuer: "Teilhabe Köln" });
    expect(uri).toBe(
      "otpauth://totp/Teilhabe%20K%C3%B6ln:anna.m%C3%BCller%40k%C3%B6ln.de" +
        "?secret=JBSWY3DPEHPK3PXP&issuer=Teilhabe%20K%C3%B6ln&algorithm=SHA1&digits=6&period=30",
    );
    const parsed = new URL(uri);
    expect(parsed.protocol).toBe("otpauth:");
    expect(parsed.searchParams.get("issuer")).toBe("Teilhabe Köln");
    expect(parsed.searchParams.get("secret")).toBe("JBSWY3DPEHPK3PXP");
  });

  it("encodes characters that would break the URI", () => {
    const uri = otpauthUri({ secret: "JBSWY3DPEHPK3PXP", accountName: "a&b=c?d#e/f:g", issuer: "X&Y" });
    expect(uri).toContain("/X%26Y:a%26b%3Dc%3Fd%23e%2Ff%3Ag?");
    expect(new URL(uri).searchParams.get("issuer")).toBe("X&Y");
  });

  it("formats the secret in groups of four", () => {
    expect(formatSecretForTyping("JBSWY3DPEHPK3PXP")).toBe("JBSW Y3DP EHPK 3PXP");
    expect(formatSecretForTyping("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")).toBe("GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ");
    expect(formatSecretForTyping("ABCDEF")).toBe("ABCD EF");
  });
});

describe("QR code SVG", () => {
  it("is an accessible inline SVG without scripts or external references", async () => {
    const label = 'QR-Code für die Authenticator-App <Teilhabe & "Co">';
    const svg = await qrCodeSvg(otpauthUri({ secret: "JBSWY3DPEHPK3PXP", accountName: "anna@example.org", issuer: "Teilhabe" }), label);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.endsWith("</svg>")).toBe(true);
    expect(svg).toMatch(/^<svg role="img" aria-label="[^"<]+"/);
    expect(svg).toContain("<title>QR-Code für die Authenticator-App &lt;Teilhabe &amp; &quot;Co&quot;&gt;</title>");
    expect(svg).toContain("<path");
    expect(svg).not.toMatch(/<script/i);
    expect(svg).not.toMatch(/href|<image|<foreignObject|url\(/i);
    expect(svg).not.toContain("<Teilhabe");
  });
});
