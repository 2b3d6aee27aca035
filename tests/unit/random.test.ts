/**
 * Keys on the submission path: unguessable, never repeated, and sorted by the time they were made
 * (so the unique indexes they go into grow at their right edge; decision 25).
 */
import { describe, expect, it } from "vitest";
import { secureRandomBytes, timeOrderedKey } from "~/modules/privacy/random.server";

describe("secureRandomBytes", () => {
  it("hands out the requested number of bytes, never the same bytes twice, across pool refills", () => {
    const seen = new Set<string>();
    // 2 000 × 12 bytes: several refills of the 4 KiB pool
    for (let i = 0; i < 2000; i++) {
      const bytes = secureRandomBytes(12);
      expect(bytes).toHaveLength(12);
      seen.add(bytes.toString("hex"));
    }
    expect(seen.size).toBe(2000);
    expect(secureRandomBytes(5000)).toHaveLength(5000);
  });

  it("gives copies: changing one does not change the next", () => {
    const a = secureRandomBytes(16);
    const before = a.toString("hex");
    const b = secureRandomBytes(16);
    b.fill(0);
    expect(a.toString("hex")).toBe(before);
  });
});

describe("timeOrderedKey", () => {
  it("sorts by time of creation, as text, and fits the cookie's and desk form's key pattern", () => {
    const keys = [Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1) + 1, Date.UTC(2026, 10, 26), Date.UTC(2040, 5, 1)].map((t) => timeOrderedKey(t));
    expect([...keys].sort()).toEqual(keys);
    for (const key of keys) expect(key).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
  });

  it("is unguessable: keys made in the same millisecond differ in 144 random bits", () => {
    const now = Date.now();
    const keys = new Set(Array.from({ length: 1000 }, () => timeOrderedKey(now)));
    expect(keys.size).toBe(1000);
    const [key] = keys;
    expect(Buffer.from(key.slice(12), "base64url")).toHaveLength(18);
  });
});
